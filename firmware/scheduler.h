#pragma once
// Scheduler: the firmware thread on the host's management core. At boot it
// enumerates the devices by reading their registers (GPU BAR slots, the CPU
// work queue, CXL device slots and their NDP engines, the switch), programs
// the HDM decoders of the switch and every expander for the platform's CXL
// memory windows, and makes a lane of every job-running device it found
// (docs/topologies.md#boot). Per batch and MoE layer it takes the gating
// decisions (RoutingGenerator), asks the placement policy which kind of lane
// runs each expert's tokens, picks the instance (the expert's GPU: experts
// are sharded over the GPUs; the NDP engine next to its weights), and drives
// the devices the way a driver would: descriptors written to memory,
// DESC_ADDR and DOORBELL written by MMIO, completion MSIs awaited.
// Activations start in GPU HBM; for CPU and NDP jobs GPU 0 copies them out to
// staging memory (host DDR or the NDP's device DRAM) first and copies the
// outputs back afterwards, so every byte that moves crosses the modeled links. In functional mode the
// bytes are real: the firmware also loads the weights, lays out each expert's
// input rows and combines the experts' outputs (scheduler_functional.cpp,
// docs/functional-mode.md).
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <unordered_map>
#include <vector>

#include "../models/common/burst_initiator.h"
#include "../models/common/expert_ffn.h"
#include "../models/common/job_descriptor.h"
#include "../models/interconnect/interrupt_source.h"
#include "../models/common/resident_experts.h"
#include "forward_pass.h"
#include "lane_cost_model.h"
#include "moe_model.h"
#include "placement_policy.h"
#include "platform_table.h"
#include "routing_generator.h"
#include "routing_source.h"

namespace cxlvp {

struct SchedulerConfig {
  MoeModelConfig model;
  WorkloadConfig workload;
  QuantizationConfig quantization;
  LaneRates rates;              // datasheet rates for the cost model
  std::vector<unsigned> hbm_expert_slots;  // per GPU slot: experts its HBM can hold (residency mirror)
  Eviction gpu_eviction = Eviction::lru;
  bool prefetch = false;        // prefetch the next layer's likely GPU experts
  PlatformTable table;          // what the platform tells the firmware (platform_table.h)
  // Whole-layer models (forward_pass.h): where GPU 0 keeps the resident
  // weights (HBM offset) and where the KV cache is (an HBM offset, or host physical).
  uint64_t hbm_resident_base = 0;
  uint64_t kv_base = 0;
  bool kv_in_hbm = true;
  WeightHomes weights{MoeModelConfig{}, 1, WeightsPlacement::automatic};  // which home holds which expert
  // Functional mode: real int8 weights and activations, drawn from `seed`
  // (functional_data.h); model.expert_bytes is then the size of an expert's blob.
  bool functional = false;
  uint64_t seed = 0;
};

// One expert job (or its activation copies) as the firmware planned it.
struct PlannedJob {
  uint32_t batch, layer, expert, tokens;
  Lane lane;
  const char* what = nullptr;  // a forward pass's layer job: "attention", "dense_ffn", ... (else an expert or copy)
};

// One step of a whole-layer model's forward pass (forward_pass.h): its
// embeddings, a decoder layer's attention, its FFN part (a dense FFN, or the
// routed and shared experts of a MoE layer), the LM head.
struct ForwardRecord {
  uint32_t batch, decoder_layer;
  const char* what;  // embeddings, attention, dense_ffn, moe, lm_head
  uint64_t start_ps, end_ps;
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
            std::unique_ptr<PlacementPolicy> policy, InterruptSource& msi);

  // Called after each batch (progress reporting).
  void on_batch_done(std::function<void(const BatchRecord&)> callback) { on_batch_done_ = std::move(callback); }
  // Called once the last batch is done; the default stops the simulation
  // (sc_stop: clocked models would otherwise keep it going). Platforms that
  // share a simulation stop it when the last of them is done (run_platforms).
  void when_finished(std::function<void()> callback) { when_finished_ = std::move(callback); }
  // Functional mode: called after each layer with its routing and its outputs (tokens x d_model).
  using LayerOutputCallback = std::function<void(const LayerRouting&, const std::vector<int8_t>&)>;
  void on_layer_output(LayerOutputCallback callback) { on_layer_output_ = std::move(callback); }

  const std::vector<BatchRecord>& batches() const { return batches_; }
  const std::vector<LayerRecord>& layers() const { return layers_; }
  const std::vector<ForwardRecord>& forward() const { return forward_records_; }
  // Job tag -> what it was for (expert jobs and copies alike), from its
  // submission until forget(tag). The reports join each job record with it as
  // the record is logged (JobTable) and forget the tag after the job's last
  // record, so a long run does not keep an entry per job.
  const std::unordered_map<uint32_t, PlannedJob>& planned() const { return planned_; }
  void forget(uint32_t tag) { planned_.erase(tag); }
  const PlacementPolicy& policy() const { return *policy_; }
  bool finished() const { return finished_; }
  // Boot is done: devices found, CXL decoders committed, functional weights loaded.
  bool booted() const { return booted_; }
  // The jobs rung on a device and not completed (expert jobs, copies on the
  // GPU's copy engine, prefetches), by tag: what a run that stops early was
  // waiting for.
  struct OutstandingJob {
    uint32_t tag;
    std::string device;  // the lane's device as its job records name it: "gpu", "cxl1.ndp", "gpu.copy"
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
  // A device the firmware found at boot and runs jobs on, with its job queue
  // as the driver sees it: jobs beyond the queue depth the device reported
  // wait here until a completion frees a place. Its index is its MSI vector.
  struct DeviceLane {
    DeviceLane(Lane kind, std::string name, unsigned slot, uint64_t regs, uint64_t memory_host, uint64_t memory_device)
        : kind(kind), name(std::move(name)), slot(slot), regs(regs), memory_host(memory_host), memory_device(memory_device) {}
    Lane kind;
    std::string name;    // as its job records name it ("gpu1", "cpu", "cxl2.ndp")
    unsigned slot = 0;   // GPU or expander BAR slot
    uint64_t regs = 0;              // register block (host physical)
    uint64_t memory_host = 0;       // where its descriptors and staging live (DDR, or its device's window)
    uint64_t memory_device = 0;     // the same in the device's view
    unsigned depth = 0, outstanding = 0;
    uint64_t ring = 0;   // this lane's descriptor ring: offset in its descriptor memory
    uint64_t rung = 0;   // descriptors written so far (the next ring slot)
    std::deque<JobDescriptor> waiting;
  };
  struct LayerJob {
    ExpertJobPlan plan;
    size_t lane;                     // the device lane it runs on
    uint64_t hbm_in, hbm_out;        // activations in GPU HBM
    uint64_t staging_in, staging_out;  // activations in DDR or CXL (host physical)
  };

  void run();
  void boot();
  void enumerate();
  void program_cxl_windows();
  bool try_read32(uint64_t address, uint32_t& value);
  size_t lane_for(Lane kind, uint32_t expert) const;
  size_t copy_lane() const { return gpu_lanes_.front(); }
  void run_moe_layer(uint32_t layer, BatchRecord& record, const LayerWork* shared);
  void run_layer(uint32_t batch, uint32_t layer, const std::vector<ExpertJobPlan>& plan, const LayerRouting& routing,
                 const LayerWork* shared);
  void run_forward_pass(BatchRecord& record);
  uint32_t submit_layer_work(const LayerWork& w);
  void run_layer_work(const LayerWork& w);
  // Handles completions until nothing is in flight; expert jobs of `jobs` move on to their next stage.
  void drain(const std::vector<LayerJob>& jobs, uint32_t layer);
  void record_step(uint32_t decoder_layer, const char* what, uint64_t start_ps);
  PlacementContext context_for(uint32_t layer) const;
  void prefetch_for(uint32_t layer);
  std::vector<LayerJob> lay_out(const std::vector<ExpertJobPlan>& plan) const;
  uint32_t submit_expert(const LayerJob& j, uint32_t layer);
  uint32_t submit_copy(uint64_t src, uint64_t dst, uint64_t bytes, bool to_host);
  uint32_t submit(size_t lane, JobDescriptor d);
  void ring_doorbell(DeviceLane& q, const JobDescriptor& d);
  void completed_on(size_t lane);
  void track(uint32_t tag, const std::vector<LayerJob>& jobs, size_t i, uint32_t batch, uint32_t layer, Stage stage);
  static constexpr size_t kNoLayerJob = SIZE_MAX;  // InFlight::job of a forward pass's layer job
  void mmio_write(uint64_t address, uint64_t value, unsigned bytes);
  uint32_t mmio_read32(uint64_t address);
  void report_failed_job(const MsiMessage& m);
  uint64_t weight_address(uint32_t layer, uint32_t expert, Lane lane) const;
  bool resident(uint32_t layer, uint32_t expert) const;
  // Functional mode (scheduler_functional.cpp).
  ExpertShape expert_shape() const;
  void load_weights();
  using TokenRows = std::vector<std::vector<uint32_t>>;  // per job of the layer: its tokens, in order
  TokenRows stage_inputs(const std::vector<LayerJob>& jobs, const LayerRouting& routing);
  void combine_outputs(const std::vector<LayerJob>& jobs, const TokenRows& rows, const LayerRouting& routing);
  void hbm_access(tlm::tlm_command cmd, uint64_t address, void* data, uint64_t bytes);

  SchedulerConfig config_;
  std::unique_ptr<PlacementPolicy> policy_;
  InterruptSource& msi_;
  std::unique_ptr<RoutingSource> routing_;
  ThreadBus core_;
  std::vector<DeviceLane> lanes_;  // indexed by MSI vector: GPUs, the CPU, NDP engines, as found
  std::vector<size_t> gpu_lanes_;  // the GPUs' lanes, in slot order (expert e runs on GPU e mod count)
  size_t cpu_lane_ = 0;
  std::vector<int> ndp_lane_of_slot_;  // expander slot -> its NDP engine's lane, or -1
  std::vector<uint64_t> slot_window_;  // expander slot -> host physical base of its own window
  // The job whose doorbell is being rung: the device may take it (and fail)
  // before the firmware records it as in flight.
  std::optional<std::pair<size_t, JobDescriptor>> ringing_;
  uint32_t next_tag_ = 1;
  uint32_t batch_ = 0, layer_ = 0;
  std::unordered_map<uint32_t, InFlight> in_flight_;
  std::unordered_map<uint32_t, PlannedJob> planned_;
  std::vector<BatchRecord> batches_;
  std::vector<LayerRecord> layers_;
  std::unique_ptr<ForwardPass> forward_;  // whole-layer models only
  std::vector<ForwardRecord> forward_records_;
  LaneCostModel costs_;
  std::vector<ResidentExperts> residency_;  // per GPU lane: the driver's mirror of what it keeps in HBM
  std::vector<std::vector<ExpertJobPlan>> last_plan_;  // per layer, the previous batch's plan
  std::unordered_map<uint32_t, PlannedJob> prefetches_;  // prefetch jobs in flight
  bool finished_ = false;
  bool booted_ = false;
  std::function<void(const BatchRecord&)> on_batch_done_;
  std::function<void()> when_finished_ = [] { sc_core::sc_stop(); };
  std::vector<int8_t> activations_;  // functional: the current layer's input, tokens x d_model
  LayerOutputCallback on_layer_output_;
};

}  // namespace cxlvp
