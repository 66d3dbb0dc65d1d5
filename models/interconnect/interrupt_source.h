#pragma once
// InterruptSource: the host's interrupts as firmware sees them: the next
// message-signalled interrupt, in the order they arrive. The firmware takes
// one of these and nothing of the model behind it (MsiController is the
// platform's), so another interrupt controller, or a test's script of
// interrupts, can stand in.
#include <cstdint>

namespace cxlvp {

struct MsiMessage {
  uint64_t time_ps;  // when the device's write arrived
  uint32_t vector;   // the word offset of the write in the MSI window
  uint32_t data;     // the word written: the job's tag, job_regs::msi_failed_bit when it failed
};

class InterruptSource {
 public:
  virtual ~InterruptSource() = default;
  // Blocks the calling thread until the next message's time is reached; returns it.
  virtual MsiMessage next() = 0;
};

}  // namespace cxlvp
