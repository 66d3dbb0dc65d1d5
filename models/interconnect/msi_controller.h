#pragma once
// MsiController: the host's message-signalled interrupt target. A device
// signals completion by writing a 32-bit word (the job's tag) anywhere in its
// window; the controller queues (time, vector, data) and wakes the firmware
// thread waiting in next(). The vector is the word offset of the write.
#include <cstdint>
#include <deque>
#include <systemc>
#include <tlm>

#include "../common/node_registry.h"
#include "../common/target_socket.h"
#include "interrupt_source.h"

namespace cxlvp {


class MsiController : public sc_core::sc_module, public InterruptSource {
  // The socket's handler, declared first: the TargetSocket names it
  // (target_socket.h).
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  TargetSocket<MsiController, &MsiController::b_transport> in;

  MsiController(sc_core::sc_module_name name, uint64_t window_bytes);

  // Blocks the calling thread until the next message's time is reached.
  MsiMessage next() override;
  uint64_t received() const { return received_; }

 private:

  uint64_t window_bytes_;
  TraceNode node_;
  std::deque<MsiMessage> pending_;
  sc_core::sc_event arrived_;
  uint64_t received_ = 0;
};

}  // namespace cxlvp
