#include "scheduler.h"

#include <algorithm>

#include "../models/common/job_queue_registers.h"
#include "functional_data.h"
#include "memory_layout.h"
#include "plan_estimate.h"
#include "tight_lower_bound.h"

namespace cxlvp {

namespace {
// Each lane has its own descriptor ring, a third of the descriptor region.
constexpr uint64_t kRingBytes = layout::descriptor_bytes / 3 / JobDescriptor::kBytes * JobDescriptor::kBytes;
constexpr uint64_t kRingSlots = kRingBytes / JobDescriptor::kBytes;
}  // namespace

Scheduler::Scheduler(sc_core::sc_module_name name, const SchedulerConfig& config,
                     std::unique_ptr<RoutingSource> routing, std::unique_ptr<PlacementPolicy> policy,
                     MsiController& msi)
    : sc_module(name),
      bus("bus"),
      gpu_debug("gpu_debug"),
      config_(config),
      policy_(std::move(policy)),
      msi_(msi),
      routing_(std::move(routing)),
      core_(this->name(), 4096, 1),
      costs_(config.rates, config.model, config.quantization),
      residency_(config.hbm_expert_slots, config.gpu_eviction),
      last_plan_(config.model.layers) {
  SC_HAS_PROCESS(Scheduler);
  SC_THREAD(run);
}

void Scheduler::mmio_write(uint64_t address, uint64_t value, unsigned bytes) {
  if (!core_.bus.access(bus, tlm::TLM_WRITE_COMMAND, address, &value, bytes))
    SC_REPORT_FATAL("cxlvp/firmware", ("MMIO write failed at address " + std::to_string(address)).c_str());
}

uint32_t Scheduler::mmio_read32(uint64_t address) {
  uint32_t value = 0;
  if (!core_.bus.access(bus, tlm::TLM_READ_COMMAND, address, &value, 4))
    SC_REPORT_FATAL("cxlvp/firmware", ("MMIO read failed at address " + std::to_string(address)).c_str());
  return value;
}

// Like a driver's probe: learn each device's queue depth and point its
// completion MSIs at the vector of its lane.
void Scheduler::boot() {
  if (config_.functional) load_weights();  // first, in zero time: the model is in memory before anything runs
  const uint64_t regs[] = {config_.gpu_bar, config_.cpu_work_queue, config_.ndp_regs};
  // GPU and CPU read descriptors from host DDR; the NDP engine from its own DRAM.
  const uint64_t host[] = {config_.ddr_base, config_.ddr_base, config_.cxl_base};
  const uint64_t device[] = {config_.ddr_base, config_.ddr_base, 0};
  for (size_t lane = 0; lane < 3; ++lane) {
    DeviceQueue& q = queues_[lane];
    q.regs = regs[lane];
    q.descriptors_host = host[lane];
    q.descriptors_device = device[lane];
    if (!q.regs) continue;
    mmio_write(q.regs + job_regs::msi_addr, config_.msi + 4 * lane, 8);
    q.depth = unsigned(std::min<uint64_t>(mmio_read32(q.regs + job_regs::queue_depth), kRingSlots));
    q.ring = layout::descriptors + lane * kRingBytes;
  }
}

// A device flagged a job as failed: say which job and why (the device's ERROR
// register) and stop the run, as a driver would fail the request. Which job
// comes from the jobs in flight, not from planned_: a device may log a job
// before its MSI arrives (the RTL engine does), and the reports then have
// already let its tag go.
void Scheduler::report_failed_job(const MsiMessage& m) {
  static const char* const lanes[] = {"gpu", "cpu", "ndp"};
  static const char* const reasons[] = {"none", "queue full", "bad descriptor (an address outside the device's memory)",
                                        "bus error", "capacity", "dimensions beyond the engine's limits"};
  const uint32_t code = m.vector < 3 && queues_[m.vector].regs ? mmio_read32(queues_[m.vector].regs + job_regs::error) : 0;
  const uint32_t tag = m.data & ~job_regs::msi_failed_bit;
  const PlannedJob* job = nullptr;
  if (const auto in_flight = in_flight_.find(tag); in_flight != in_flight_.end()) job = &in_flight->second.planned;
  else if (const auto prefetch = prefetches_.find(tag); prefetch != prefetches_.end()) job = &prefetch->second;
  std::string what = std::string(m.vector < 3 ? lanes[m.vector] : "device") + " job " + std::to_string(tag);
  if (job)
    what += " (batch " + std::to_string(job->batch) + ", layer " + std::to_string(job->layer) + ", expert " +
            std::to_string(job->expert) + ")";
  SC_REPORT_ERROR("cxlvp/firmware",
                  (what + " failed: " + (code < 6 ? reasons[code] : "error " + std::to_string(code))).c_str());
}

std::vector<Scheduler::OutstandingJob> Scheduler::outstanding_jobs() const {
  const auto rung = [this](uint32_t tag) {
    for (const DeviceQueue& q : queues_)
      for (const JobDescriptor& d : q.waiting)
        if (d.tag == tag) return false;
    return true;
  };
  std::vector<OutstandingJob> jobs;
  for (const auto& [tag, job] : in_flight_)
    if (rung(tag)) jobs.push_back({tag, job.stage == Stage::compute ? to_string(job.planned.lane) : "gpu.copy", job.planned});
  for (const auto& [tag, job] : prefetches_)
    if (rung(tag)) jobs.push_back({tag, "gpu", job});
  std::sort(jobs.begin(), jobs.end(), [](const OutstandingJob& a, const OutstandingJob& b) { return a.tag < b.tag; });
  return jobs;
}

void Scheduler::run() {
  boot();
  for (batch_ = 0; batch_ < config_.workload.batches; ++batch_) {
    core_.sync();
    BatchRecord record{batch_, sc_core::sc_time_stamp().value(), 0, 0};
    if (config_.functional)
      activations_ = generate_batch_input(config_.seed, batch_, config_.workload.tokens_per_batch, config_.model.d_model);
    for (layer_ = 0; layer_ < config_.model.layers; ++layer_) {
      const LayerRouting routing = routing_->next_layer(batch_, layer_);
      const std::vector<uint32_t> counts = routing.counts(config_.model.experts);
      for (uint32_t c : counts) record.tokens += c;
      const PlacementContext context = context_for(layer_);
      const std::vector<ExpertJobPlan> plan = policy_->place(counts, context);
      core_.sync();
      LayerRecord layer{batch_, layer_, sc_core::sc_time_stamp().value(), 0, layer_lower_bound(counts, context),
                        tight_lower_bound(counts, context, plan), {}};
      for (const auto& j : plan)
        if (j.tokens) ++layer.jobs_per_lane[size_t(j.lane)];
      run_layer(batch_, layer_, plan, routing);
      core_.sync();
      layer.end_ps = sc_core::sc_time_stamp().value();
      layers_.push_back(layer);
      last_plan_[layer_] = plan;
    }
    core_.sync();
    record.end_ps = sc_core::sc_time_stamp().value();
    batches_.push_back(record);
    if (on_batch_done_) on_batch_done_(record);
  }
  finished_ = true;
  sc_core::sc_stop();
}

PlacementContext Scheduler::context_for(uint32_t layer) const {
  PlacementContext c;
  c.ndp_available = config_.ndp_regs != 0 && config_.model.weights_home == WeightsHome::cxl;
  c.costs = &costs_;
  c.resident.resize(config_.model.experts);
  for (uint32_t e = 0; e < config_.model.experts; ++e) c.resident[e] = residency_.contains(layer * config_.model.experts + e);
  return c;
}

// Fetches, while this layer runs, the GPU experts the next layer used last
// time (Pre-gated MoE / ProMoE style prediction), so they are resident when needed.
void Scheduler::prefetch_for(uint32_t layer) {
  for (const ExpertJobPlan& p : last_plan_[layer]) {
    if (p.lane != Lane::gpu || p.preloaded || residency_.contains(layer * config_.model.experts + p.expert)) continue;
    LayerJob j{{p.expert, 0, Lane::gpu}, 0, 0, 0, 0};
    const uint32_t tag = submit_expert(j, layer);
    prefetches_[tag] = planned_[tag] = {batch_, layer, p.expert, 0, Lane::gpu};
  }
}

uint64_t Scheduler::weight_address(uint32_t layer, uint32_t expert, Lane lane) const {
  const uint64_t offset =
      layout::weights + (uint64_t(layer) * config_.model.experts + expert) * config_.model.bytes_per_expert();
  if (config_.model.weights_home == WeightsHome::ddr) return config_.ddr_base + offset;
  // The NDP engine addresses device DRAM directly; everyone else uses host physical addresses.
  return lane == Lane::ndp ? offset : config_.cxl_base + offset;
}

std::vector<Scheduler::LayerJob> Scheduler::lay_out(const std::vector<ExpertJobPlan>& plan) const {
  uint64_t total = 0;
  for (const auto& p : plan) total += uint64_t(p.tokens) * config_.model.activation_bytes_per_token();
  std::vector<LayerJob> jobs;
  uint64_t offset = 0;
  for (const auto& p : plan) {
    LayerJob j{p, layout::hbm_activations + offset, layout::hbm_activations + total + offset, 0, 0};
    const uint64_t staging_base = (p.lane == Lane::ndp ? config_.cxl_base : config_.ddr_base) + layout::staging;
    j.staging_in = staging_base + offset;
    j.staging_out = staging_base + total + offset;
    offset += uint64_t(p.tokens) * config_.model.activation_bytes_per_token();
    jobs.push_back(j);
  }
  return jobs;
}

uint32_t Scheduler::submit(Lane device, JobDescriptor d) {
  d.tag = next_tag_++;
  DeviceQueue& q = queues_[size_t(device)];
  if (q.outstanding < q.depth) ring_doorbell(q, d);
  else q.waiting.push_back(d);
  return d.tag;
}

void Scheduler::ring_doorbell(DeviceQueue& q, const JobDescriptor& d) {
  // A ring of QUEUE_DEPTH slots is enough: the device reads a descriptor when
  // it takes the job from its doorbell queue, which never holds more than
  // QUEUE_DEPTH jobs, so a slot is read before it comes round again. (It keeps
  // the memory a long run touches fixed.)
  const uint64_t slot = q.ring + (q.rung++ % q.depth) * JobDescriptor::kBytes;
  uint8_t raw[JobDescriptor::kBytes];
  d.encode(raw);
  if (!core_.bus.access(bus, tlm::TLM_WRITE_COMMAND, q.descriptors_host + slot, raw, JobDescriptor::kBytes))
    SC_REPORT_FATAL("cxlvp/firmware", "descriptor write failed");
  mmio_write(q.regs + job_regs::desc_addr, q.descriptors_device + slot, 8);
  mmio_write(q.regs + job_regs::doorbell, 1, 4);
  ++q.outstanding;
}

void Scheduler::completed_on(Lane device) {
  DeviceQueue& q = queues_[size_t(device)];
  if (q.outstanding) --q.outstanding;
  if (!q.waiting.empty() && q.outstanding < q.depth) {
    ring_doorbell(q, q.waiting.front());
    q.waiting.pop_front();
  }
}

uint32_t Scheduler::submit_expert(const LayerJob& j, uint32_t layer) {
  const auto& m = config_.model;
  JobDescriptor d;
  d.op = JobOp::expert_ffn;
  d.expert = layer * m.experts + j.plan.expert;
  d.tokens = j.plan.tokens;
  d.weight_addr = weight_address(layer, j.plan.expert, j.plan.lane);
  d.weight_bytes = costs_.weight_bytes(j.plan.lane);
  d.dequant_bytes = costs_.dequant_bytes(j.plan.lane);
  // GPU jobs find their activations in HBM; others get them (compressed) in staging memory.
  d.act_in_bytes = d.act_out_bytes = j.plan.lane == Lane::gpu
                                         ? uint64_t(j.plan.tokens) * m.activation_bytes_per_token()
                                         : costs_.activation_bytes(j.plan.tokens);
  d.flops = uint64_t(j.plan.tokens) * m.flops_per_token();
  if (j.plan.preloaded) d.flags |= job_flags::preloaded;
  if (config_.functional) {
    const ExpertShape shape = expert_shape();
    d.flags |= job_flags::functional;
    d.d_model = uint16_t(shape.d_model);  // bounded by the scenario schema
    d.d_ff = uint16_t(shape.d_ff);
    d.requant_shift = uint8_t(shape.shift);
    d.activation = uint8_t(shape.activation);
  }
  if (j.plan.lane == Lane::gpu) {  // mirror the GPU's cache: the job makes its expert most recent
    residency_.acquire(d.expert);
    residency_.release(d.expert);
  }
  switch (j.plan.lane) {
    case Lane::gpu:
      d.act_in_addr = j.hbm_in;
      d.act_out_addr = j.hbm_out;
      break;
    case Lane::cpu:
      d.act_in_addr = j.staging_in;
      d.act_out_addr = j.staging_out;
      break;
    case Lane::ndp:
      d.act_in_addr = j.staging_in - config_.cxl_base;  // device physical
      d.act_out_addr = j.staging_out - config_.cxl_base;
      break;
  }
  return submit(j.plan.lane, d);
}

uint32_t Scheduler::submit_copy(uint64_t src, uint64_t dst, uint64_t bytes, bool to_host) {
  JobDescriptor d;
  d.op = JobOp::copy;
  d.flags = to_host ? job_flags::to_host : 0;
  if (config_.functional) d.flags |= job_flags::functional;
  d.act_in_addr = src;
  d.act_in_bytes = bytes;
  d.act_out_addr = dst;
  return submit(Lane::gpu, d);
}

void Scheduler::run_layer(uint32_t batch, uint32_t layer, const std::vector<ExpertJobPlan>& plan,
                          const LayerRouting& routing) {
  const std::vector<LayerJob> jobs = lay_out(plan);
  const TokenRows rows = config_.functional ? stage_inputs(jobs, routing) : TokenRows();
  const auto track = [&](uint32_t tag, size_t i, Stage stage) {
    const auto& p = jobs[i].plan;
    const PlannedJob planned{batch, layer, p.expert, p.tokens, p.lane};
    in_flight_[tag] = {i, stage, planned};
    planned_[tag] = planned;
  };
  const auto act_bytes = [&](size_t i) { return costs_.activation_bytes(jobs[i].plan.tokens); };
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].plan.lane == Lane::gpu) track(submit_expert(jobs[i], layer), i, Stage::compute);
    else track(submit_copy(jobs[i].hbm_in, jobs[i].staging_in, act_bytes(i), true), i, Stage::scatter);
  }
  if (config_.prefetch) prefetch_for((layer + 1) % config_.model.layers);
  while (!in_flight_.empty()) {
    core_.sync();
    const MsiMessage m = msi_.next();
    if (m.vector < 3) completed_on(Lane(m.vector));
    if (m.data == 0 || m.data == job_regs::msi_failed_bit)
      SC_REPORT_ERROR("cxlvp/firmware", "a device could not read a job descriptor (completion with tag 0)");
    if (m.data & job_regs::msi_failed_bit) report_failed_job(m);
    if (prefetches_.erase(m.data)) continue;
    const auto it = in_flight_.find(m.data);
    if (it == in_flight_.end()) continue;  // not ours: ignore, as a driver would a spurious interrupt
    const InFlight done = it->second;
    in_flight_.erase(it);
    const LayerJob& j = jobs[done.job];
    if (done.stage == Stage::scatter) track(submit_expert(j, layer), done.job, Stage::compute);
    else if (done.stage == Stage::compute && j.plan.lane != Lane::gpu)
      track(submit_copy(j.staging_out, j.hbm_out, act_bytes(done.job), false), done.job, Stage::gather);
  }
  if (config_.functional) combine_outputs(jobs, rows, routing);
}

}  // namespace cxlvp
