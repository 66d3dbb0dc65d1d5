#pragma once
// Scheduler: the firmware thread on the host's management core. Per batch and
// MoE layer it takes the gating decisions (RoutingGenerator), asks the
// placement policy where each expert's tokens run, and then drives the devices
// the way a driver would: descriptors written to memory, DESC_ADDR and
// DOORBELL written by MMIO, completion MSIs awaited. Activations start in GPU
// HBM; for CPU and NDP jobs the GPU copies them out to staging memory (host
// DDR or CXL device DRAM) first and copies the outputs back afterwards, so
// every byte that moves crosses the modeled links. In functional mode the
// bytes are real: the firmware also loads the weights, lays out each expert's
// input rows and combines the experts' outputs (scheduler_functional.cpp,
// docs/functional-mode.md).
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <unordered_map>
#include <vector>

#include "../models/common/burst_initiator.h"
#include "../models/common/expert_ffn.h"
#include "../models/common/job_descriptor.h"
#include "../models/interconnect/msi_controller.h"
#include "../models/gpu/resident_experts.h"
#include "lane_cost_model.h"
#include "moe_model.h"
#include "placement_policy.h"
#include "routing_generator.h"
#include "routing_source.h"

namespace cxlvp {

struct SchedulerConfig {
  MoeModelConfig model;
  WorkloadConfig workload;
  QuantizationConfig quantization;
  LaneRates rates;              // datasheet rates for the cost model
  unsigned hbm_expert_slots = 0;  // experts the GPU's HBM can hold (residency mirror)
  Eviction gpu_eviction = Eviction::lru;
  bool prefetch = false;        // prefetch the next layer's likely GPU experts
  // Host physical addresses of what the firmware talks to.
  uint64_t gpu_bar = 0;
  uint64_t cpu_work_queue = 0;
  uint64_t ndp_regs = 0;  // 0: the expander has no NDP engine
  uint64_t msi = 0;
  uint64_t ddr_base = 0;
  uint64_t cxl_base = 0;
  // Functional mode: real int8 weights and activations, drawn from `seed`
  // (functional_data.h); model.expert_bytes is then the size of an expert's blob.
  bool functional = false;
  uint64_t seed = 0;
};

// One expert job (or its activation copies) as the firmware planned it.
struct PlannedJob {
  uint32_t batch, layer, expert, tokens;
  Lane lane;
};

// One MoE layer of one batch: its time and the lower bound for its placement problem.
struct LayerRecord {
  uint32_t batch, layer;
  uint64_t start_ps, end_ps;
  double lower_bound_s;
  double tight_lower_bound_s;  // tight_lower_bound.h
  uint32_t jobs_per_lane[3];  // expert jobs placed on gpu, cpu, ndp
};

struct BatchRecord {
  uint32_t index;
  uint64_t start_ps, end_ps;
  uint64_t tokens;  // token-expert assignments processed
};

class Scheduler : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Scheduler> bus;
  // Functional mode: debug (zero-time) access to GPU HBM, where the firmware
  // lays out expert inputs and combines outputs (work a real system does in
  // GPU kernels, not modeled here).
  tlm_utils::simple_initiator_socket_optional<Scheduler> gpu_debug;

  Scheduler(sc_core::sc_module_name name, const SchedulerConfig& config, std::unique_ptr<RoutingSource> routing,
            std::unique_ptr<PlacementPolicy> policy, MsiController& msi);

  // Called after each batch (progress reporting).
  void on_batch_done(std::function<void(const BatchRecord&)> callback) { on_batch_done_ = std::move(callback); }
  // Functional mode: called after each layer with its routing and its outputs (tokens x d_model).
  using LayerOutputCallback = std::function<void(const LayerRouting&, const std::vector<int8_t>&)>;
  void on_layer_output(LayerOutputCallback callback) { on_layer_output_ = std::move(callback); }

  const std::vector<BatchRecord>& batches() const { return batches_; }
  const std::vector<LayerRecord>& layers() const { return layers_; }
  // Job tag -> what it was for (expert jobs and copies alike), from its
  // submission until forget(tag). The reports join each job record with it as
  // the record is logged (JobTable) and forget the tag after the job's last
  // record, so a long run does not keep an entry per job.
  const std::unordered_map<uint32_t, PlannedJob>& planned() const { return planned_; }
  void forget(uint32_t tag) { planned_.erase(tag); }
  const PlacementPolicy& policy() const { return *policy_; }
  bool finished() const { return finished_; }
  // The jobs rung on a device and not completed (expert jobs, copies on the
  // GPU's copy engine, prefetches), by tag: what a run that stops early was
  // waiting for.
  struct OutstandingJob {
    uint32_t tag;
    const char* device;  // "gpu", "cpu", "ndp", "gpu.copy"
    PlannedJob planned;
  };
  std::vector<OutstandingJob> outstanding_jobs() const;

 private:
  enum class Stage { scatter, compute, gather };
  struct InFlight {
    size_t job;  // index into the layer's plan
    Stage stage;
    PlannedJob planned;  // what it is for, should it fail
  };
  // The job queue of one device, as the driver sees it: jobs beyond the queue
  // depth the device reported wait here until a completion frees a place.
  struct DeviceQueue {
    uint64_t regs = 0;              // register block (host physical)
    uint64_t descriptors_host = 0;  // descriptor ring as the firmware writes it
    uint64_t descriptors_device = 0;  // the same ring in the device's view
    unsigned depth = 0, outstanding = 0;
    uint64_t ring = 0;   // this lane's descriptor ring: offset in its descriptor memory
    uint64_t rung = 0;   // descriptors written so far (the next ring slot)
    std::deque<JobDescriptor> waiting;
  };
  struct LayerJob {
    ExpertJobPlan plan;
    uint64_t hbm_in, hbm_out;        // activations in GPU HBM
    uint64_t staging_in, staging_out;  // activations in DDR or CXL (host physical)
  };

  void run();
  void boot();
  void run_layer(uint32_t batch, uint32_t layer, const std::vector<ExpertJobPlan>& plan, const LayerRouting& routing);
  PlacementContext context_for(uint32_t layer) const;
  void prefetch_for(uint32_t layer);
  std::vector<LayerJob> lay_out(const std::vector<ExpertJobPlan>& plan) const;
  uint32_t submit_expert(const LayerJob& j, uint32_t layer);
  uint32_t submit_copy(uint64_t src, uint64_t dst, uint64_t bytes, bool to_host);
  uint32_t submit(Lane device, JobDescriptor d);
  void ring_doorbell(DeviceQueue& q, const JobDescriptor& d);
  void completed_on(Lane device);
  void mmio_write(uint64_t address, uint64_t value, unsigned bytes);
  uint32_t mmio_read32(uint64_t address);
  void report_failed_job(const MsiMessage& m);
  uint64_t weight_address(uint32_t layer, uint32_t expert, Lane lane) const;
  // Functional mode (scheduler_functional.cpp).
  ExpertShape expert_shape() const;
  void load_weights();
  using TokenRows = std::vector<std::vector<uint32_t>>;  // per job of the layer: its tokens, in order
  TokenRows stage_inputs(const std::vector<LayerJob>& jobs, const LayerRouting& routing);
  void combine_outputs(const std::vector<LayerJob>& jobs, const TokenRows& rows, const LayerRouting& routing);
  void hbm_access(tlm::tlm_command cmd, uint64_t address, void* data, uint64_t bytes);

  SchedulerConfig config_;
  std::unique_ptr<PlacementPolicy> policy_;
  MsiController& msi_;
  std::unique_ptr<RoutingSource> routing_;
  ThreadBus core_;
  DeviceQueue queues_[3];  // indexed by Lane, which is also the device's MSI vector
  uint32_t next_tag_ = 1;
  uint32_t batch_ = 0, layer_ = 0;
  std::unordered_map<uint32_t, InFlight> in_flight_;
  std::unordered_map<uint32_t, PlannedJob> planned_;
  std::vector<BatchRecord> batches_;
  std::vector<LayerRecord> layers_;
  LaneCostModel costs_;
  ResidentExperts residency_;  // the driver's mirror of what the GPU keeps in HBM
  std::vector<std::vector<ExpertJobPlan>> last_plan_;  // per layer, the previous batch's plan
  std::unordered_map<uint32_t, PlannedJob> prefetches_;  // prefetch jobs in flight
  bool finished_ = false;
  std::function<void(const BatchRecord&)> on_batch_done_;
  std::vector<int8_t> activations_;  // functional: the current layer's input, tokens x d_model
  LayerOutputCallback on_layer_output_;
};

}  // namespace cxlvp
