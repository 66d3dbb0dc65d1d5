#include "scheduler.h"

#include <algorithm>

#include "../models/common/job_queue_registers.h"
#include "../models/cxl/cxl_registers.h"
#include "cxl_boot.h"
#include "functional_data.h"
#include "memory_layout.h"
#include "plan_estimate.h"
#include "tight_lower_bound.h"

namespace cxlvp {

namespace {
// Each lane has its own descriptor ring in its descriptor memory: an equal
// share of the descriptor region (a third while there are at most three lanes).
uint64_t ring_bytes(size_t lanes) {
  return layout::descriptor_bytes / std::max<size_t>(3, lanes) / JobDescriptor::kBytes * JobDescriptor::kBytes;
}
}  // namespace

Scheduler::Scheduler(sc_core::sc_module_name name, const SchedulerConfig& config,
                     std::unique_ptr<RoutingSource> routing, std::unique_ptr<PlacementPolicy> policy,
                     InterruptSource& msi)
    : sc_module(name),
      bus("bus"),
      gpu_debug("gpu_debug"),
      config_(config),
      policy_(std::move(policy)),
      msi_(msi),
      routing_(std::move(routing)),
      core_(this->name(), 4096, 1),
      costs_(config.rates, config.model, config.quantization),
      last_plan_(config.model.layers) {
  if (config.model.whole_layers()) forward_ = std::make_unique<ForwardPass>(config.model, config.workload);
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

// A probe read: false when nothing answers (an empty slot: the host
// interconnect has no window there, or the device has no such register).
bool Scheduler::try_read32(uint64_t address, uint32_t& value) {
  value = 0;
  return core_.bus.access(bus, tlm::TLM_READ_COMMAND, address, &value, 4);
}

// Like a BIOS and a driver's probe: find the devices, program the CXL
// decoders, load the model (functional mode), then point each device's
// completion MSIs at its lane's vector and learn its queue depth.
void Scheduler::boot() {
  enumerate();
  program_cxl_windows();
  if (config_.functional) load_weights();  // in zero time: the model is in memory before anything runs
  const uint64_t ring = ring_bytes(lanes_.size());
  for (size_t i = 0; i < lanes_.size(); ++i) {
    DeviceLane& q = lanes_[i];
    mmio_write(q.regs + job_regs::msi_addr, config_.table.msi + 4 * i, 8);
    q.depth = unsigned(std::min<uint64_t>(mmio_read32(q.regs + job_regs::queue_depth), ring / JobDescriptor::kBytes));
    q.ring = layout::descriptors + i * ring;
  }
  residency_.clear();
  for (size_t g = 0; g < gpu_lanes_.size(); ++g) {
    const unsigned slot = lanes_[gpu_lanes_[g]].slot;
    residency_.emplace_back(slot < config_.hbm_expert_slots.size() ? config_.hbm_expert_slots[slot] : 0,
                            config_.gpu_eviction);
  }
  booted_ = true;
  if (gpu_lanes_.size() != config_.rates.gpus)
    SC_REPORT_FATAL("cxlvp/firmware", ("found " + std::to_string(gpu_lanes_.size()) + " GPUs, the cost model knows " +
                                       std::to_string(config_.rates.gpus)).c_str());
}

// Reads what is in every slot: GPUs (job-queue VERSION), the CPU work queue,
// CXL Type-3 devices (DEVICE_ID, memory size) and their NDP engines (VERSION
// at BAR offset 0x1000). Lanes: GPUs, the CPU, then NDP engines.
void Scheduler::enumerate() {
  const PlatformTable& t = config_.table;
  uint32_t value = 0;
  lanes_.clear();
  for (unsigned slot = 0; slot < t.slots; ++slot) {
    const uint64_t bar = t.gpu_bars + slot * t.slot_bytes;
    if (!try_read32(bar + job_regs::version, value)) continue;
    gpu_lanes_.push_back(lanes_.size());
    lanes_.push_back({Lane::gpu, slot < t.gpu_names.size() ? t.gpu_names[slot] : "gpu" + std::to_string(slot), slot,
                      bar, t.ddr_base, t.ddr_base});
  }
  if (gpu_lanes_.empty()) SC_REPORT_FATAL("cxlvp/firmware", "boot: no GPU answers in any BAR slot");
  if (!try_read32(t.cpu_work_queue + job_regs::version, value))
    SC_REPORT_FATAL("cxlvp/firmware", "boot: the CPU work queue does not answer");
  cpu_lane_ = lanes_.size();
  lanes_.push_back({Lane::cpu, "cpu", 0, t.cpu_work_queue, t.ddr_base, t.ddr_base});
  ndp_lane_of_slot_.assign(t.slots, -1);
  slot_window_.assign(t.slots, 0);
  for (const CxlWindowEntry& w : t.cxl_windows)  // a device's own window comes first
    if (w.devices.size() == 1 && !slot_window_[w.devices[0]]) slot_window_[w.devices[0]] = w.base;
  for (unsigned slot = 0; slot < t.slots; ++slot) {
    const uint64_t bar = t.cxl_bars + slot * t.slot_bytes;
    if (!try_read32(bar + cxl_bar::device_info + cxl_device_info::id, value) || value != cxl_device_info::kType3Id)
      continue;
    if (!try_read32(bar + cxl_bar::ndp_regs + job_regs::version, value)) continue;
    ndp_lane_of_slot_[slot] = int(lanes_.size());
    lanes_.push_back({Lane::ndp, slot < t.ndp_names.size() ? t.ndp_names[slot] : "ndp" + std::to_string(slot), slot,
                      bar + cxl_bar::ndp_regs, slot_window_[slot], 0});
  }
}

void Scheduler::program_cxl_windows() {
  const RegisterIo io = [this](uint64_t address, uint32_t* value, bool write) {
    return core_.bus.access(bus, write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, address, value, 4);
  };
  try {
    cxlvp::program_cxl_windows(io, config_.table);
  } catch (const CxlBootError& e) {
    SC_REPORT_FATAL("cxlvp/firmware", (std::string("boot: ") + e.what()).c_str());
  }
}

// A device flagged a job as failed: say which job and why (the device's ERROR
// register) and stop the run, as a driver would fail the request. Which job
// comes from the jobs in flight, not from planned_: a device may log a job
// before its MSI arrives (the RTL engine does), and the reports then have
// already let its tag go.
void Scheduler::report_failed_job(const MsiMessage& m) {
  static const char* const reasons[] = {"none", "queue full", "bad descriptor (an address outside the device's memory)",
                                        "bus error", "capacity", "dimensions beyond the engine's limits"};
  const bool known = m.vector < lanes_.size();
  const uint32_t code = known ? mmio_read32(lanes_[m.vector].regs + job_regs::error) : 0;
  const uint32_t tag = m.data & ~job_regs::msi_failed_bit;
  const PlannedJob* job = nullptr;
  if (const auto in_flight = in_flight_.find(tag); in_flight != in_flight_.end()) job = &in_flight->second.planned;
  else if (const auto prefetch = prefetches_.find(tag); prefetch != prefetches_.end()) job = &prefetch->second;
  std::string what = (known ? lanes_[m.vector].name : std::string("device")) + " job " + std::to_string(tag);
  if (job)
    what += " (batch " + std::to_string(job->batch) + ", layer " + std::to_string(job->layer) + ", expert " +
            std::to_string(job->expert) + ")";
  SC_REPORT_ERROR("cxlvp/firmware",
                  (what + " failed: " + (code < 6 ? reasons[code] : "error " + std::to_string(code))).c_str());
}

std::vector<Scheduler::OutstandingJob> Scheduler::outstanding_jobs() const {
  const auto rung = [this](uint32_t tag) {
    for (const DeviceLane& q : lanes_)
      for (const JobDescriptor& d : q.waiting)
        if (d.tag == tag) return false;
    return true;
  };
  std::vector<OutstandingJob> jobs;
  for (const auto& [tag, job] : in_flight_) {
    if (!rung(tag)) continue;
    const std::string device = job.stage == Stage::compute ? lanes_[lane_for(job.planned.lane, job.planned.expert)].name
                                                           : lanes_[copy_lane()].name + ".copy";
    jobs.push_back({tag, device, job.planned});
  }
  for (const auto& [tag, job] : prefetches_)
    if (rung(tag)) jobs.push_back({tag, lanes_[lane_for(Lane::gpu, job.expert)].name, job});
  if (ringing_ && !in_flight_.count(ringing_->second.tag) && !prefetches_.count(ringing_->second.tag)) {
    const DeviceLane& lane = lanes_[ringing_->first];
    const JobDescriptor& d = ringing_->second;
    const uint32_t experts = config_.model.experts;
    const bool copy = d.op == JobOp::copy;
    jobs.push_back({d.tag, copy ? lane.name + ".copy" : lane.name,
                    {batch_, copy ? layer_ : d.expert / experts, copy ? 0 : d.expert % experts, d.tokens, lane.kind}});
  }
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
    if (forward_) run_forward_pass(record);
    else
      for (uint32_t layer = 0; layer < config_.model.layers; ++layer) run_moe_layer(layer, record, nullptr);
    core_.sync();
    record.end_ps = sc_core::sc_time_stamp().value();
    batches_.push_back(record);
    if (on_batch_done_) on_batch_done_(record);
  }
  finished_ = true;
  when_finished_();
}

// One MoE layer: gate, place, run the routed experts (and, in a forward
// pass, the layer's shared experts on GPU 0 beside them).
void Scheduler::run_moe_layer(uint32_t layer, BatchRecord& record, const LayerWork* shared) {
  layer_ = layer;
  const LayerRouting routing = routing_->next_layer(batch_, layer_);
  const std::vector<uint32_t> counts = routing.counts(config_.model.experts);
  for (uint32_t c : counts) record.tokens += c;
  const PlacementContext context = context_for(layer_);
  const std::vector<ExpertJobPlan> plan = policy_->place(counts, context);
  core_.sync();
  LayerRecord l{batch_, layer_, sc_core::sc_time_stamp().value(), 0, layer_lower_bound(counts, context),
                tight_lower_bound(counts, context, plan), {}};
  for (const auto& j : plan)
    if (j.tokens) ++l.jobs_per_lane[size_t(j.lane)];
  run_layer(batch_, layer_, plan, routing, shared);
  core_.sync();
  l.end_ps = sc_core::sc_time_stamp().value();
  layers_.push_back(l);
  last_plan_[layer_] = plan;
}

// A whole-layer model's batch: embeddings, then every decoder layer in order
// (its attention, then its dense FFN or its experts), then the LM head, each
// step waiting for the one before (forward_pass.h).
void Scheduler::run_forward_pass(BatchRecord& record) {
  run_layer_work(forward_->embeddings());
  for (const DecoderLayer& l : forward_->layers()) {
    run_layer_work(forward_->attention(l));
    const LayerWork ffn = forward_->ffn(l);
    if (l.kind == LayerKind::dense) {
      run_layer_work(ffn);
      continue;
    }
    core_.sync();
    const uint64_t start = sc_core::sc_time_stamp().value();
    run_moe_layer(l.moe_index, record, ffn.weight_bytes ? &ffn : nullptr);
    record_step(l.index, "moe", start);
  }
  run_layer_work(forward_->lm_head());
}

void Scheduler::record_step(uint32_t decoder_layer, const char* what, uint64_t start_ps) {
  core_.sync();
  forward_records_.push_back({batch_, decoder_layer, what, start_ps, sc_core::sc_time_stamp().value()});
}

// A layer job on GPU 0, whose HBM keeps the resident weights and the layer's activations.
uint32_t Scheduler::submit_layer_work(const LayerWork& w) {
  JobDescriptor d;
  d.op = JobOp::layer;
  d.expert = w.decoder_layer;
  d.tokens = w.tokens;
  d.weight_addr = config_.hbm_resident_base + w.weight_offset;
  d.weight_bytes = w.weight_bytes;
  d.flops = w.flops;
  d.act_in_addr = layout::hbm_activations;
  d.act_in_bytes = w.act_bytes;
  d.act_out_addr = layout::hbm_activations + w.act_bytes;
  d.act_out_bytes = w.act_bytes;
  d.kv_addr = config_.kv_base + w.kv_offset;
  d.kv_read_bytes = w.kv_read_bytes;
  d.kv_write_bytes = w.kv_write_bytes;
  if (config_.kv_in_hbm) d.flags |= job_flags::kv_in_hbm;
  const uint32_t tag = submit(gpu_lanes_.front(), d);
  const PlannedJob planned{batch_, layer_, w.decoder_layer, w.tokens, Lane::gpu, w.what};
  in_flight_[tag] = {kNoLayerJob, Stage::compute, planned};
  planned_[tag] = planned;
  return tag;
}

void Scheduler::run_layer_work(const LayerWork& w) {
  core_.sync();
  const uint64_t start = sc_core::sc_time_stamp().value();
  submit_layer_work(w);
  drain({}, layer_);
  record_step(w.decoder_layer, w.what, start);
}

// The lane of `kind` that runs `expert`: its GPU (experts are sharded over
// the GPUs found), the CPU, or the NDP engine next to its weights.
size_t Scheduler::lane_for(Lane kind, uint32_t expert) const {
  switch (kind) {
    case Lane::gpu: return gpu_lanes_[expert % gpu_lanes_.size()];
    case Lane::cpu: return cpu_lane_;
    case Lane::ndp: {
      const int device = config_.table.homes[config_.weights.home_of(expert)].device;
      const int lane = device >= 0 && size_t(device) < ndp_lane_of_slot_.size() ? ndp_lane_of_slot_[size_t(device)] : -1;
      if (lane < 0) SC_REPORT_FATAL("cxlvp/firmware", ("expert " + std::to_string(expert) +
                                                       " placed on NDP, but no NDP engine holds its weights").c_str());
      return size_t(lane);
    }
  }
  return cpu_lane_;
}

bool Scheduler::resident(uint32_t layer, uint32_t expert) const {
  return residency_[expert % residency_.size()].contains(layer * config_.model.experts + expert);
}

PlacementContext Scheduler::context_for(uint32_t layer) const {
  PlacementContext c;
  c.ndp_available = false;
  for (const WeightHomeEntry& h : config_.table.homes)
    c.ndp_available |= h.device >= 0 && size_t(h.device) < ndp_lane_of_slot_.size() && ndp_lane_of_slot_[size_t(h.device)] >= 0;
  c.ndp_available &= config_.model.weights_home == WeightsHome::cxl;
  c.costs = &costs_;
  c.resident.resize(config_.model.experts);
  for (uint32_t e = 0; e < config_.model.experts; ++e) c.resident[e] = resident(layer, e);
  return c;
}

// Fetches, while this layer runs, the GPU experts the next layer used last
// time (Pre-gated MoE / ProMoE style prediction), so they are resident when needed.
void Scheduler::prefetch_for(uint32_t layer) {
  for (const ExpertJobPlan& p : last_plan_[layer]) {
    if (p.lane != Lane::gpu || p.preloaded || resident(layer, p.expert)) continue;
    LayerJob j{{p.expert, 0, Lane::gpu}, lane_for(Lane::gpu, p.expert), 0, 0, 0, 0};
    const uint32_t tag = submit_expert(j, layer);
    prefetches_[tag] = planned_[tag] = {batch_, layer, p.expert, 0, Lane::gpu};
  }
}

// Expert weights sit in their home's weight area (weight_homes.h). The NDP
// engine addresses its device DRAM directly; everyone else uses host
// physical addresses.
uint64_t Scheduler::weight_address(uint32_t layer, uint32_t expert, Lane lane) const {
  const WeightHomeEntry& home = config_.table.homes[config_.weights.home_of(expert)];
  const uint64_t offset = config_.weights.offset(layer, expert);
  return (lane == Lane::ndp ? home.device_base : home.area_base) + offset;
}

std::vector<Scheduler::LayerJob> Scheduler::lay_out(const std::vector<ExpertJobPlan>& plan) const {
  uint64_t total = 0;
  for (const auto& p : plan) total += uint64_t(p.tokens) * config_.model.activation_bytes_per_token();
  std::vector<LayerJob> jobs;
  uint64_t offset = 0;
  for (const auto& p : plan) {
    const size_t lane = lane_for(p.lane, p.expert);
    LayerJob j{p, lane, layout::hbm_activations + offset, layout::hbm_activations + total + offset, 0, 0};
    const uint64_t staging_base = lanes_[p.lane == Lane::gpu ? copy_lane() : lane].memory_host + layout::staging;
    j.staging_in = staging_base + offset;
    j.staging_out = staging_base + total + offset;
    offset += uint64_t(p.tokens) * config_.model.activation_bytes_per_token();
    jobs.push_back(j);
  }
  return jobs;
}

uint32_t Scheduler::submit(size_t lane, JobDescriptor d) {
  d.tag = next_tag_++;
  DeviceLane& q = lanes_[lane];
  if (q.outstanding < q.depth) ring_doorbell(q, d);
  else q.waiting.push_back(d);
  return d.tag;
}

void Scheduler::ring_doorbell(DeviceLane& q, const JobDescriptor& d) {
  // A ring of QUEUE_DEPTH slots is enough: the device reads a descriptor when
  // it takes the job from its doorbell queue, which never holds more than
  // QUEUE_DEPTH jobs, so a slot is read before it comes round again. (It keeps
  // the memory a long run touches fixed.)
  const uint64_t slot = q.ring + (q.rung++ % q.depth) * JobDescriptor::kBytes;
  uint8_t raw[JobDescriptor::kBytes];
  d.encode(raw);
  ringing_.emplace(size_t(&q - lanes_.data()), d);
  if (!core_.bus.access(bus, tlm::TLM_WRITE_COMMAND, q.memory_host + slot, raw, JobDescriptor::kBytes))
    SC_REPORT_FATAL("cxlvp/firmware", "descriptor write failed");
  mmio_write(q.regs + job_regs::desc_addr, q.memory_device + slot, 8);
  mmio_write(q.regs + job_regs::doorbell, 1, 4);
  ringing_.reset();
  ++q.outstanding;
}

void Scheduler::completed_on(size_t lane) {
  DeviceLane& q = lanes_[lane];
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
    ResidentExperts& cache = residency_[j.plan.expert % residency_.size()];
    cache.acquire(d.expert);
    cache.release(d.expert);
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
    case Lane::ndp:  // device physical
      d.act_in_addr = j.staging_in - lanes_[j.lane].memory_host + lanes_[j.lane].memory_device;
      d.act_out_addr = j.staging_out - lanes_[j.lane].memory_host + lanes_[j.lane].memory_device;
      break;
  }
  return submit(j.lane, d);
}

uint32_t Scheduler::submit_copy(uint64_t src, uint64_t dst, uint64_t bytes, bool to_host) {
  JobDescriptor d;
  d.op = JobOp::copy;
  d.flags = to_host ? job_flags::to_host : 0;
  if (config_.functional) d.flags |= job_flags::functional;
  d.act_in_addr = src;
  d.act_in_bytes = bytes;
  d.act_out_addr = dst;
  return submit(copy_lane(), d);
}

void Scheduler::run_layer(uint32_t batch, uint32_t layer, const std::vector<ExpertJobPlan>& plan,
                          const LayerRouting& routing, const LayerWork* shared) {
  const std::vector<LayerJob> jobs = lay_out(plan);
  const TokenRows rows = config_.functional ? stage_inputs(jobs, routing) : TokenRows();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].plan.lane == Lane::gpu) track(submit_expert(jobs[i], layer), jobs, i, batch, layer, Stage::compute);
    else
      track(submit_copy(jobs[i].hbm_in, jobs[i].staging_in, costs_.activation_bytes(jobs[i].plan.tokens), true), jobs, i,
            batch, layer, Stage::scatter);
  }
  if (shared) submit_layer_work(*shared);
  if (config_.prefetch) prefetch_for((layer + 1) % config_.model.layers);
  drain(jobs, layer);
  if (config_.functional) combine_outputs(jobs, rows, routing);
}

void Scheduler::track(uint32_t tag, const std::vector<LayerJob>& jobs, size_t i, uint32_t batch, uint32_t layer,
                      Stage stage) {
  const auto& p = jobs[i].plan;
  const PlannedJob planned{batch, layer, p.expert, p.tokens, p.lane};
  in_flight_[tag] = {i, stage, planned};
  planned_[tag] = planned;
}

void Scheduler::drain(const std::vector<LayerJob>& jobs, uint32_t layer) {
  while (!in_flight_.empty()) {
    core_.sync();
    const MsiMessage m = msi_.next();
    if (m.vector < lanes_.size()) completed_on(m.vector);
    if (m.data == 0 || m.data == job_regs::msi_failed_bit)
      SC_REPORT_ERROR("cxlvp/firmware", "a device could not read a job descriptor (completion with tag 0)");
    if (m.data & job_regs::msi_failed_bit) report_failed_job(m);
    if (prefetches_.erase(m.data)) continue;
    const auto it = in_flight_.find(m.data);
    if (it == in_flight_.end()) continue;  // not ours: ignore, as a driver would a spurious interrupt
    const InFlight done = it->second;
    in_flight_.erase(it);
    if (done.job == kNoLayerJob) continue;  // a forward pass's layer job: nothing follows it here
    const LayerJob& j = jobs[done.job];
    if (done.stage == Stage::scatter) track(submit_expert(j, layer), jobs, done.job, batch_, layer, Stage::compute);
    else if (done.stage == Stage::compute && j.plan.lane != Lane::gpu)
      track(submit_copy(j.staging_out, j.hbm_out, costs_.activation_bytes(j.plan.tokens), false), jobs, done.job, batch_,
            layer, Stage::gather);
  }
}

}  // namespace cxlvp
