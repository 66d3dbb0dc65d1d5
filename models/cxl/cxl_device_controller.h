#pragma once
// CxlDeviceController: the device end of the CXL link inside a Type-3
// expander. CXL.mem requests from the link are translated by the HDM decoder
// (host physical -> device physical) and queued to device DRAM; CXL.io accesses
// to the register BAR reach the component registers (HDM decoder, offset
// 0x0000) or the NDP engine (offset 0x1000). The NDP engine's memory port
// reaches DRAM directly by device physical address, and its MSIs go up the
// link.
#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>

#include "../common/initiator_socket.h"
#include "../common/node_registry.h"
#include "../common/register_bank.h"
#include "../common/address_range.h"
#include "cxl_registers.h"
#include "hdm_decoder.h"
#include "../common/target_socket.h"

namespace cxlvp {

class CxlDeviceController : public sc_core::sc_module {
  // The sockets' handlers, declared first: each TargetSocket names its own
  // (target_socket.h).
  void from_link(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void from_ndp_mem(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { mem_out.b_transport(p, delay); }
  void from_ndp_msi(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  TargetSocket<CxlDeviceController, &CxlDeviceController::from_link> link_in;
  InitiatorSocket link_out;
  InitiatorSocket mem_out;
  // Optional: an expander without an NDP engine leaves them unbound. The NDP
  // engine's memory port streams its weights through ndp_mem_in.
  TargetSocket<CxlDeviceController, &CxlDeviceController::from_ndp_mem, sc_core::SC_ZERO_OR_MORE_BOUND> ndp_mem_in;
  TargetSocket<CxlDeviceController, &CxlDeviceController::from_ndp_msi, sc_core::SC_ZERO_OR_MORE_BOUND> ndp_msi_in;
  // Zero or one binding: an expander without an NDP engine leaves it open.
  tlm_utils::multi_passthrough_initiator_socket<CxlDeviceController, 32, tlm::tlm_base_protocol_types, 1,
                                               sc_core::SC_ZERO_OR_MORE_BOUND>
      ndp_regs_out;

  // `bar`: the host physical window of the device's register BAR (component
  // registers, NDP registers), as enumeration assigned it.
  CxlDeviceController(sc_core::sc_module_name name, const AddressRange& bar, uint64_t dram_bytes,
                      sc_core::sc_time latency, bool has_ndp);

  const HdmDecoders& hdm() const { return hdm_; }

 private:
  // The handlers' work, behind their stamp (hop_trace.h, stamped).
  void pass_from_link(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void pass_from_ndp_msi(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { link_out.b_transport(p, delay); }
  unsigned from_link_dbg(tlm::tlm_generic_payload& p);
  unsigned from_ndp_mem_dbg(tlm::tlm_generic_payload& p) { return mem_out->transport_dbg(p); }
  void to_registers(tlm::tlm_generic_payload& p, sc_core::sc_time& delay, uint64_t offset);

  AddressRange bar_;
  sc_core::sc_time latency_;
  bool has_ndp_;
  TraceNode node_;
  HdmDecoders hdm_;
  Register id_, mem_size_low_, mem_size_high_;
  RegisterBank component_regs_;
};

}  // namespace cxlvp
