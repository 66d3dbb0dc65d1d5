#pragma once
// Gpu: a discrete GPU behind a PCIe link.
//  - `mmio` is BAR0: the job-queue registers (job_queue_registers.h).
//  - `dma` is its bus master towards the host: descriptor reads, weight and
//    activation transfers, completion MSIs, all as real transactions over PCIe.
//  - `hbm` is its local memory; expert weights are cached in HBM slots
//    (ResidentExperts) after the reserved workspace.
//  - `hbm_debug` gives debug transport (zero time, transport_dbg only) into
//    HBM, as a debugger's view of device memory; functional mode's firmware
//    uses it for the work it does not model (docs/functional-mode.md).
// Four engines run concurrently, as on real hardware: a front end that reads
// descriptors, a copy engine for activation copies, a fetch engine that brings
// a job's expert weights into HBM on a miss, and the compute engine (SMs),
// which runs one expert job at a time while the next one's weights arrive.
#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "../common/burst_initiator.h"
#include "../common/telemetry.h"
#include "../common/interpose.h"
#include "../common/serial_link.h"
#include "../pcie/pcie_format.h"
#include "../common/compute_model.h"
#include "../common/handoff_queue.h"
#include "../common/job_descriptor.h"
#include "../common/job_queue_registers.h"
#include "../memory/dram.h"
#include "gpu_config.h"
#include "../common/resident_experts.h"
#include "../common/target_socket.h"

namespace cxlvp {

class Gpu : public sc_core::sc_module {
  // The socket's handler, declared first: the TargetSocket names it
  // (target_socket.h).
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { regs_.transport(p, delay); }

 public:
  static constexpr uint32_t kVersion = 0x00010000;

  TargetSocket<Gpu, &Gpu::b_transport> mmio;
  tlm_utils::simple_initiator_socket<Gpu> dma;
  tlm_utils::simple_target_socket_optional<Gpu> hbm_debug;
  Dram hbm;
  // With `own_link`: the GPU's PCIe link (`<name>.link`), bound to `mmio` and
  // `dma` here; the platform binds its other end to a root complex port.
  // Without: the platform provides the link and binds `mmio` and `dma` itself.
  std::unique_ptr<SerialLink> link;

  // expert_slot_bytes: size of one HBM expert slot (the model's expert size).
  // Internal bindings go through `interpose`.
  Gpu(sc_core::sc_module_name name, const GpuConfig& config, ComputeMode mode, uint64_t burst_bytes,
      uint64_t expert_slot_bytes, const PcieLinkConfig* own_link = nullptr, const Interpose& interpose = direct);

  const ResidentExperts& resident() const { return resident_; }
  uint64_t slot_address(unsigned slot) const { return config_.hbm_reserved_bytes + slot * slot_bytes_; }

 private:
  struct ComputeJob {
    JobDescriptor job;
    unsigned slot;
  };

  void front_end();
  void copy_engine();
  void fetch_engine();
  void compute_engine();
  void finish(ThreadBus& engine, const char* device, const JobDescriptor& d, uint64_t start_ps, JobError error);
  JobError compute(const JobDescriptor& d, unsigned slot);
  JobError compute_layer(const JobDescriptor& d);
  bool preload(const JobDescriptor& d, unsigned slot);
  unsigned transport_dbg(tlm::tlm_generic_payload& p) { return regs_.transport_dbg(p); }
  unsigned hbm_transport_dbg(tlm::tlm_generic_payload& p) { return local_->transport_dbg(p); }

  GpuConfig config_;
  // Device names in the job log: the GPU's own name for expert jobs, and
  // "<name>.copy", "<name>.fetch" for its copy and fetch engines.
  const std::string device_name_, copy_name_, fetch_name_;
  JobLog& jobs_;  // its platform's (telemetry.h)
  ComputeMode mode_;
  uint64_t slot_bytes_;
  JobQueueRegisters regs_;
  ResidentExperts resident_;
  tlm_utils::simple_initiator_socket<Gpu> local_;  // engines -> HBM
  ThreadBus front_, copier_, fetcher_, sm_;
  HandoffQueue<JobDescriptor> copy_queue_;
  HandoffQueue<JobDescriptor> fetch_queue_;
  HandoffQueue<ComputeJob> compute_queue_;  // depth 1: weights of the next job only
  sc_core::sc_event slot_released_;
  unsigned active_jobs_ = 0;  // taken from the queue and not finished: STATUS.BUSY
};

}  // namespace cxlvp
