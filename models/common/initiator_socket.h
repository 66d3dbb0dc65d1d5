#pragma once
// InitiatorSocket: the initiator socket of the models that pass transactions
// on (links, root complex and ports, device controller). Its b_transport is
// one indirect call: into the module's handler when the target is a
// TargetSocket, else into the target's virtual b_transport.
//
// Why: TLM-2.0's forward interface reaches b_transport through a virtual base
// (tlm_blocking_transport_if), so `socket->b_transport()` first loads that
// base's offset from the target's vtable, on every call, and the target's
// virtual thunk adjusts `this` again: a chain of dependent loads per hop.
// Here the target is looked up once, after binding, in end_of_elaboration
// (DirectTransport, target_socket.h). Everything else is a plain
// tlm_initiator_socket (bind, `->` for debug transport). Loosely-timed only:
// no backward path is used, so nb_transport_bw is an error and DMI
// invalidations are ignored (no model grants DMI).
#include <string>
#include <systemc>
#include <tlm>

#include "target_socket.h"

namespace cxlvp {

class InitiatorSocket : public tlm::tlm_initiator_socket<>, private tlm::tlm_bw_transport_if<> {
 public:
  explicit InitiatorSocket(const char* name) : tlm::tlm_initiator_socket<>(name) {
    bind(static_cast<tlm::tlm_bw_transport_if<>&>(*this));
  }

  // Valid from the end of elaboration on.
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { target_(p, delay); }

 private:
  void end_of_elaboration() override {
    tlm::tlm_initiator_socket<>::end_of_elaboration();
    target_ = direct_transport_of(*(*this).operator->());
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&) override {
    SC_REPORT_ERROR("cxlvp/initiator_socket", (std::string(name()) + ": unexpected nb_transport_bw").c_str());
    return tlm::TLM_COMPLETED;
  }
  void invalidate_direct_mem_ptr(sc_dt::uint64, sc_dt::uint64) override {}

  DirectTransport target_{};
};

}  // namespace cxlvp
