#pragma once
// JobQueueRegisters: the register block every job-running device exposes
// (GPU BAR0, CPU work-queue page, NDP engine). Firmware writes a descriptor's
// address to DESC_ADDR and any value to DOORBELL; the device queues the
// address with the simulated time of the write, runs jobs in order, and on
// completion writes the job's tag to MSI_ADDR. Offsets and bits are in
// docs/job-descriptor.md.
#include <cstdint>
#include <deque>
#include <systemc>
#include <tlm>

#include "register_bank.h"

namespace cxlvp {

namespace job_regs {
constexpr uint64_t version = 0x00;    // RO 32
constexpr uint64_t status = 0x04;     // RO 32: bit0 busy, bit1 error, bits 16..31 queued jobs
constexpr uint64_t desc_addr = 0x08;  // RW 64: next descriptor's address in the device's view
constexpr uint64_t doorbell = 0x10;   // WO 32: queue DESC_ADDR
constexpr uint64_t error = 0x14;      // RO 32: last error code (job_error)
constexpr uint64_t msi_addr = 0x18;   // RW 64: host address completion MSIs are written to
constexpr uint64_t completed = 0x20;  // RO 32: jobs finished since reset
constexpr uint64_t queue_depth = 0x24;  // RO 32: jobs the doorbell queue holds; more are refused
constexpr uint64_t max_d_model = 0x28;  // RO 32: largest functional d_model the engine runs (0: no limit)
constexpr uint64_t max_d_ff = 0x2C;     // RO 32: largest functional d_ff (0: no limit)
// The completion MSI's data word is the job's tag, with this bit set when the
// job failed (ERROR then says why). Firmware tags stay below it.
constexpr uint32_t msi_failed_bit = 0x80000000u;
constexpr uint64_t window_bytes = 0x1000;
}  // namespace job_regs

enum class JobError : uint32_t {
  none = 0,
  queue_full = 1,
  bad_descriptor = 2,
  bus_error = 3,
  capacity = 4,
  bad_dimensions = 5,  // functional job whose shape the engine cannot run
};

class JobQueueRegisters {
 public:
  JobQueueRegisters(const std::string& name, uint32_t version, unsigned queue_depth,
                    sc_core::sc_time access_latency, uint32_t max_d_model = 0, uint32_t max_d_ff = 0);

  void transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { bank_.transport(p, delay); }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) { return bank_.transport_dbg(p); }

  // Blocks the calling SC_THREAD until a job is queued and its doorbell time
  // has been reached; returns the descriptor address.
  uint64_t next_job();
  void set_busy(bool busy) { busy_ = busy; }
  void job_done() { ++completed_.value; }
  void report_error(JobError e);
  uint64_t msi_address() const { return msi_addr_.value; }

 private:
  struct Pending {
    uint64_t time_ps;
    uint64_t desc;
  };
  Register version_, status_, desc_addr_, doorbell_, error_, msi_addr_, completed_, queue_depth_, max_d_model_,
      max_d_ff_;
  RegisterBank bank_;
  unsigned depth_;
  std::deque<Pending> queue_;
  sc_core::sc_event queued_;
  bool busy_ = false;
};

}  // namespace cxlvp
