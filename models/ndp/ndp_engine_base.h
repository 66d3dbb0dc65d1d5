#pragma once
// NdpEngineBase: the sockets every NDP engine implementation offers the CXL
// expander, so that the TLM model (NdpEngine) and the verilated RTL engine
// (rtl/ndp_rtl_engine.h) plug into the same place (docs/ndp-plugin.md):
//   mmio  register block (target; offsets in models/common/job_queue_registers.h)
//   mem   memory port into device DRAM (initiator, device physical addresses)
//   msi   completion MSIs upstream (initiator)
#include <cstdint>
#include <functional>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "../common/compute_model.h"
#include "../common/target_socket.h"

namespace cxlvp {

struct NdpConfig;

class NdpEngineBase : public sc_core::sc_module {
  // The socket's handler, declared first: the TargetSocket names it
  // (target_socket.h).
  void forward_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { register_access(p, delay); }

 public:
  TargetSocket<NdpEngineBase, &NdpEngineBase::forward_access> mmio;
  tlm_utils::simple_initiator_socket<NdpEngineBase> mem;
  tlm_utils::simple_initiator_socket<NdpEngineBase> msi;

 protected:
  explicit NdpEngineBase(sc_core::sc_module_name name)
      : sc_module(name), mmio("mmio", this, &NdpEngineBase::forward_debug), mem("mem"), msi("msi") {}
  // A register access on `mmio` (RegisterBank rules: exact offset and width).
  virtual void register_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
  virtual unsigned register_debug(tlm::tlm_generic_payload& p) = 0;

 private:
  unsigned forward_debug(tlm::tlm_generic_payload& p) { return register_debug(p); }
};

// Builds the engine of a CXL expander: name, configuration, compute mode,
// burst size (bytes per TLM transaction) and device DRAM size (bytes).
using NdpFactory = std::function<std::unique_ptr<NdpEngineBase>(const char* name, const NdpConfig& config,
                                                                ComputeMode mode, uint64_t burst_bytes,
                                                                uint64_t dram_bytes)>;

}  // namespace cxlvp
