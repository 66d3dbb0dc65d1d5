#pragma once
// TargetSocket<M, &M::f>: the target socket of the platform's models, a TLM-2.0
// socket whose forward interface calls the module's member function f directly.
//
// Why not tlm_utils::simple_target_socket: it forwards every call through a
// helper object that checks which callbacks are registered and can convert
// between blocking and non-blocking transport; on a transaction that crosses
// six models those extra calls were about 8 % of a run (perf). The handler is
// a template argument, not a stored member pointer, so the socket's virtual
// b_transport reaches it with a direct jump instead of a call through a
// pointer (about 2 %). It must be declared before the socket in the module's
// class. Our models are loosely timed: they implement b_transport and
// transport_dbg only.
//  - Any number of initiators may bind to one TargetSocket (the host bus takes
//    the firmware, the CPU, the root complex and the CXL root port).
//  - nb_transport_fw is answered by running b_transport and returning
//    TLM_COMPLETED with the delay annotated, which the base protocol allows
//    for a BEGIN_REQ (IEEE 1666-2011 15.2); our initiators never use it. It
//    runs in the caller's context, so it needs a b_transport that never
//    waits, as none of our models does.
//  - DMI is never granted (every access must cross the timed path).
//  - transport_dbg returns 0 bytes unless the module gives a handler.
//  - An InitiatorSocket (or the address router, or the burst engine) bound to
//    it calls the module's handler through a plain function pointer
//    (DirectTransport) instead of the virtual b_transport: TLM reaches that
//    through a virtual base, whose this-adjustment (two dependent loads from
//    the vtable) sat at the landing of every hop.
#include <systemc>
#include <tlm>

namespace cxlvp {

// A target's blocking transport as a plain function and its argument: for a
// TargetSocket, its module's handler (the function is a per-handler
// trampoline with the handler inlined); for any other target, a function that
// makes the virtual call. How the platform's models call the next hop.
struct DirectTransport {
  void (*call)(void* target, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void* target;
  void operator()(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) const { call(target, p, delay); }
};

// What a TargetSocket offers besides its TLM interface.
class DirectTransportSource {
 public:
  virtual DirectTransport direct_transport() = 0;

 protected:
  ~DirectTransportSource() = default;
};

// The direct transport of the target behind a forward interface (a bound
// socket's `operator->()`): the handler itself when it is a TargetSocket.
inline DirectTransport direct_transport_of(tlm::tlm_fw_transport_if<>& target) {
  if (auto* source = dynamic_cast<DirectTransportSource*>(&target)) return source->direct_transport();
  return {[](void* t, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
            static_cast<tlm::tlm_fw_transport_if<>*>(t)->b_transport(p, delay);
          },
          &target};
}

// `Binding`: SC_ZERO_OR_MORE_BOUND for a socket a platform may leave unbound.
template <class M, void (M::*BTransport)(tlm::tlm_generic_payload&, sc_core::sc_time&),
          sc_core::sc_port_policy Binding = sc_core::SC_ONE_OR_MORE_BOUND>
class TargetSocket : public tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0, Binding>,
                     public tlm::tlm_fw_transport_if<>,  // public, so that direct_transport_of finds the socket
                     public DirectTransportSource {
 public:
  using Debug = unsigned (M::*)(tlm::tlm_generic_payload&);

  // `debug`: the module's debug transport, if it has one.
  TargetSocket(const char* name, M* module, Debug debug = nullptr)
      : tlm::tlm_target_socket<32, tlm::tlm_base_protocol_types, 0, Binding>(name), module_(module), debug_(debug) {
    this->bind(static_cast<tlm::tlm_fw_transport_if<>&>(*this));
  }

  DirectTransport direct_transport() override { return {&call_handler, module_}; }

 private:
  static void call_handler(void* module, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    (static_cast<M*>(module)->*BTransport)(p, delay);
  }
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override {
    (module_->*BTransport)(p, delay);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override {
    if (phase != tlm::BEGIN_REQ) {
      SC_REPORT_ERROR("cxlvp/target_socket", (std::string(this->name()) + ": unexpected phase " +
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

  M* module_;
  Debug debug_;
};

}  // namespace cxlvp
