#pragma once
// TargetSocket<M>: the target socket of the platform's models, a TLM-2.0
// socket whose forward interface calls the module's member functions directly.
//
// Why not tlm_utils::simple_target_socket: it forwards every call through a
// helper object that checks which callbacks are registered and can convert
// between blocking and non-blocking transport; on a transaction that crosses
// six models those extra calls were about 8 % of a run (perf). Our models are
// loosely timed: they implement b_transport and transport_dbg only.
//  - Any number of initiators may bind to one TargetSocket (the host bus takes
//    the firmware, the CPU, the root complex and the CXL root port).
//  - nb_transport_fw is answered by running b_transport and returning
//    TLM_COMPLETED with the delay annotated, which the base protocol allows
//    for a BEGIN_REQ (IEEE 1666-2011 15.2); our initiators never use it. It
//    runs in the caller's context, so it needs a b_transport that never
//    waits, as none of our models does.
//  - DMI is never granted (every access must cross the timed path).
//  - transport_dbg returns 0 bytes unless the module registers a handler.
#include <systemc>
#include <tlm>

namespace cxlvp {

template <class M>
class TargetSocket : public tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0>,
                     private tlm::tlm_fw_transport_if<> {
 public:
  using BTransport = void (M::*)(tlm::tlm_generic_payload&, sc_core::sc_time&);
  using Debug = unsigned (M::*)(tlm::tlm_generic_payload&);

  explicit TargetSocket(const char* name)
      : tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0>(name) {
    bind(static_cast<tlm::tlm_fw_transport_if<>&>(*this));
  }

  void register_b_transport(M* module, BTransport f) {
    module_ = module;
    b_transport_ = f;
  }
  void register_transport_dbg(M* module, Debug f) {
    module_ = module;
    debug_ = f;
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    (module_->*b_transport_)(p, delay);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override {
    if (phase != tlm::BEGIN_REQ) {
      SC_REPORT_ERROR("cxlvp/target_socket", (std::string(name()) + ": unexpected phase " +
                                              phase.get_name() + " (only BEGIN_REQ is accepted)").c_str());
      return tlm::TLM_COMPLETED;
    }
    b_transport(p, delay);
    phase = tlm::BEGIN_RESP;
    return tlm::TLM_COMPLETED;
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) override {
    dmi.allow_read_write();
    dmi.set_start_address(0);
    dmi.set_end_address(~sc_dt::uint64(0));
    return false;
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) override {
    return debug_ ? (module_->*debug_)(p) : 0;
  }
  void before_end_of_elaboration() override {
    if (!b_transport_)
      SC_REPORT_ERROR("cxlvp/target_socket", (std::string(name()) + ": no b_transport registered").c_str());
  }

  M* module_ = nullptr;
  BTransport b_transport_ = nullptr;
  Debug debug_ = nullptr;
};

}  // namespace cxlvp
