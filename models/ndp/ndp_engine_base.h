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
#include <optional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "../common/compute_model.h"
#include "../common/target_socket.h"

namespace cxlvp {

struct NdpConfig;

// Why an engine stopped the simulation: a watchdog that fired, a pin-protocol
// violation, a wrong result. One line naming the engine and the fault; the
// job in service, if the engine knew its tag.
struct NdpFault {
  std::string message;
  bool has_tag = false;
  uint32_t tag = 0;
};

class NdpEngineBase : public sc_core::sc_module {
  // The socket's handler, declared first: the TargetSocket names it
  // (target_socket.h).
  void forward_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { register_access(p, delay); }

 public:
  TargetSocket<NdpEngineBase, &NdpEngineBase::forward_access> mmio;
  tlm_utils::simple_initiator_socket<NdpEngineBase> mem;
  tlm_utils::simple_initiator_socket<NdpEngineBase> msi;

  // The fault that stopped the simulation (sc_stop), or null. A platform
  // asks after sc_start returns early.
  const NdpFault* fault() const { return fault_ ? &*fault_ : nullptr; }

 protected:
  explicit NdpEngineBase(sc_core::sc_module_name name)
      : sc_module(name), mmio("mmio", this, &NdpEngineBase::forward_debug), mem("mem"), msi("msi") {}
  // A register access on `mmio` (RegisterBank rules: exact offset and width).
  virtual void register_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) = 0;
  virtual unsigned register_debug(tlm::tlm_generic_payload& p) = 0;
  // Keeps the first fault and stops the simulation (stop_simulation_now).
  // Also reported as an SC_INFO of type "cxlvp/ndp_fault", for platforms that
  // do not ask fault(). Called from a thread, it does not return.
  void stop_with_fault(NdpFault f);

 private:
  std::optional<NdpFault> fault_;
  unsigned forward_debug(tlm::tlm_generic_payload& p) { return register_debug(p); }
};

// Builds the engine of a CXL expander: name, configuration, compute mode,
// burst size (bytes per TLM transaction) and device DRAM size (bytes).
// Stops the simulation part-way: sc_stop(), and every thread process killed,
// so that its stack unwinds. A thread left suspended in the middle of its
// work would keep its locals for ever (LeakSanitizer reports them at exit);
// a run stopped by a fault is over anyway. The calling thread, if a thread
// calls, is killed last: the call then does not return.
void stop_simulation_now();

using NdpFactory = std::function<std::unique_ptr<NdpEngineBase>(const char* name, const NdpConfig& config,
                                                                ComputeMode mode, uint64_t burst_bytes,
                                                                uint64_t dram_bytes)>;

}  // namespace cxlvp
