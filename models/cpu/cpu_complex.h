#pragma once
// CpuComplex: the host cores that run expert jobs with AMX. Firmware queues a
// job on the work-queue doorbell page (`mmio`); the cores read the descriptor,
// the activations and the expert's weights through the host interconnect
// (`bus`) from wherever they live (DDR or CXL memory), compute, write the
// outputs, and signal completion with an MSI.
//
// All `cores` work on one job at a time (the expert's GEMMs are split across
// them). Their outstanding misses (cores x lines_in_flight_per_core lines)
// bound how much of a slow path's bandwidth they can use; the AMX tile rate
// (or the per-token cost) paces consumption. A job therefore takes
// max(compute, weight streaming), and weights in CXL memory are limited by the
// CXL link. Functional jobs compute the integer expert FFN (expert_ffn.h) on
// the bytes the cores read (functional_job.h).
#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "../common/burst_initiator.h"
#include "../common/compute_model.h"
#include "../common/job_descriptor.h"
#include "../common/job_queue_registers.h"
#include "cpu_config.h"
#include "../common/target_socket.h"

namespace cxlvp {

class CpuComplex : public sc_core::sc_module {
  // The socket's handler, declared first: the TargetSocket names it
  // (target_socket.h).
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { regs_.transport(p, delay); }

 public:
  static constexpr uint32_t kVersion = 0x00010000;

  TargetSocket<CpuComplex, &CpuComplex::b_transport> mmio;
  tlm_utils::simple_initiator_socket<CpuComplex> bus;

  CpuComplex(sc_core::sc_module_name name, const CpuConfig& config, ComputeMode mode, uint64_t burst_bytes);

  // Sustained AMX rate of all cores in FLOP/s (efficiency applied).
  double amx_flops_per_second() const;

 private:
  void run();
  bool execute(const JobDescriptor& d);
  unsigned transport_dbg(tlm::tlm_generic_payload& p) { return regs_.transport_dbg(p); }

  CpuConfig config_;
  ComputeMode mode_;
  JobQueueRegisters regs_;
  ThreadBus cores_;
};

}  // namespace cxlvp
