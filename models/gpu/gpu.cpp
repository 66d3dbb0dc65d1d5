#include "gpu.h"

#include <algorithm>

#include "../common/debug_access.h"
#include "../common/device_job.h"
#include "../common/functional_job.h"
#include "../common/job_log.h"

namespace cxlvp {

using sc_core::sc_time;

namespace {
uint64_t dma_burst(uint64_t burst_bytes, const GpuConfig& c) { return engine_burst_bytes(burst_bytes, c.dma_bytes_in_flight); }
unsigned dma_window(uint64_t burst_bytes, const GpuConfig& c) {
  return bursts_in_flight(c.dma_bytes_in_flight, dma_burst(burst_bytes, c));
}
}  // namespace

Gpu::Gpu(sc_core::sc_module_name name, const GpuConfig& config, ComputeMode mode, uint64_t burst_bytes,
         uint64_t expert_slot_bytes, const PcieLinkConfig* own_link, const Interpose& interpose)
    : sc_module(name),
      mmio("mmio", this, &Gpu::transport_dbg),
      dma("dma"),
      hbm_debug("hbm_debug"),
      hbm("hbm", config.hbm),
      config_(config),
      device_name_(Telemetry::report_name(this->name())),
      copy_name_(device_name_ + ".copy"),
      fetch_name_(device_name_ + ".fetch"),
      jobs_(Telemetry::current().jobs),
      mode_(mode),
      slot_bytes_(expert_slot_bytes),
      regs_(std::string(this->name()) + ".regs", kVersion, config.queue_depth,
            sc_time(config.register_latency_ns, sc_core::SC_NS)),
      resident_(unsigned((config.hbm.capacity_bytes - std::min(config.hbm.capacity_bytes, config.hbm_reserved_bytes)) /
                         std::max<uint64_t>(1, expert_slot_bytes)),
                 config.eviction),
      local_("local"),
      front_(std::string(this->name()) + ".dma", burst_bytes, 1),
      copier_(std::string(this->name()) + ".dma", dma_burst(burst_bytes, config), dma_window(burst_bytes, config)),
      fetcher_(std::string(this->name()) + ".dma", dma_burst(burst_bytes, config), dma_window(burst_bytes, config)),
      sm_(std::string(this->name()) + ".sm", dma_burst(burst_bytes, config), dma_window(burst_bytes, config)),
      copy_queue_(config.queue_depth),
      fetch_queue_(config.queue_depth),
      compute_queue_(1) {
  hbm_debug.register_transport_dbg(this, &Gpu::hbm_transport_dbg);
  const std::string me = this->name();
  local_.bind(interpose(me + ".sm->" + me + ".hbm", hbm.in));
  if (own_link) {
    link = std::make_unique<SerialLink>("link", std::make_unique<PcieFormat>(*own_link),
                                        sc_core::sc_time(own_link->latency_ns, sc_core::SC_NS));
    link->down_out.bind(interpose(me + ".link->" + me + ".regs", mmio));
    dma.bind(interpose(me + ".dma->" + me + ".link", link->up_in));
  }
  SC_HAS_PROCESS(Gpu);
  SC_THREAD(front_end);
  SC_THREAD(copy_engine);
  SC_THREAD(fetch_engine);
  SC_THREAD(compute_engine);
}

void Gpu::finish(ThreadBus& engine, const char* device, const JobDescriptor& d, uint64_t start_ps, JobError error) {
  engine.sync();
  JobRecord rec{device, d, start_ps, sc_core::sc_time_stamp().value(), error == JobError::none};
  if (error != JobError::none) regs_.report_error(error);
  regs_.job_done();
  regs_.set_busy(--active_jobs_ > 0);
  const uint32_t tag = d.magic == JobDescriptor::kMagic ? d.tag : 0;
  send_msi(engine.bus, dma, regs_.msi_address(), rec.ok ? tag : tag | job_regs::msi_failed_bit);
  engine.sync();
  jobs_.add(std::move(rec));
}

void Gpu::front_end() {
  for (;;) {
    const uint64_t desc_addr = regs_.next_job();
    ++active_jobs_;
    regs_.set_busy(true);
    const uint64_t start = sc_core::sc_time_stamp().value();
    JobDescriptor d;
    const bool ok = fetch_descriptor(front_.bus, dma, desc_addr, d);
    front_.sync();
    if (!ok || (d.op != JobOp::copy && d.op != JobOp::expert_ffn && d.op != JobOp::layer))
      finish(front_, device_name_.c_str(), d, start, JobError::bad_descriptor);
    else if (d.op == JobOp::copy) copy_queue_.put(d);
    else fetch_queue_.put(d);
  }
}

void Gpu::copy_engine() {
  for (;;) {
    const JobDescriptor d = copy_queue_.get();
    const uint64_t start = sc_core::sc_time_stamp().value();
    const bool functional = d.flags & job_flags::functional;
    const bool ok = (d.flags & job_flags::to_host)
                        ? copier_.bus.copy(local_, d.act_in_addr, dma, d.act_out_addr, d.act_in_bytes, functional)
                        : copier_.bus.copy(dma, d.act_in_addr, local_, d.act_out_addr, d.act_in_bytes, functional);
    finish(copier_, copy_name_.c_str(), d, start, ok ? JobError::none : JobError::bus_error);
  }
}

void Gpu::fetch_engine() {
  for (;;) {
    const JobDescriptor d = fetch_queue_.get();
    if (d.op == JobOp::layer) {  // its weights stay in HBM: nothing to fetch, kept in order with the expert jobs
      compute_queue_.put({d, 0});
      continue;
    }
    if (d.weight_bytes > slot_bytes_ || resident_.slots() == 0) {
      finish(fetcher_, device_name_.c_str(), d, sc_core::sc_time_stamp().value(), JobError::capacity);
      continue;
    }
    auto slot = resident_.acquire(d.expert);
    while (!slot) {
      sc_core::wait(slot_released_);
      slot = resident_.acquire(d.expert);
    }
    if (!slot->hit && !(d.flags & job_flags::preloaded)) {
      const uint64_t start = sc_core::sc_time_stamp().value();
      const bool ok = fetcher_.bus.copy(dma, d.weight_addr, local_, slot_address(slot->index), d.weight_bytes,
                                        d.flags & job_flags::functional);
      fetcher_.sync();
      jobs_.add({fetch_name_, d, start, sc_core::sc_time_stamp().value(), ok});
      if (!ok) {
        resident_.invalidate(d.expert);
        finish(fetcher_, device_name_.c_str(), d, start, JobError::bus_error);
        continue;
      }
    } else if (!slot->hit && (d.flags & job_flags::functional) && !preload(d, slot->index)) {
      resident_.invalidate(d.expert);
      finish(fetcher_, device_name_.c_str(), d, sc_core::sc_time_stamp().value(), JobError::bus_error);
      continue;
    }
    compute_queue_.put({d, slot->index});
  }
}

// `preloaded` counts the weights as resident without fetching them. A
// functional job also needs their bytes in the slot, so they are copied there
// by debug transport: at no cost, as if loaded before the run, which is what
// the ideal assumes.
bool Gpu::preload(const JobDescriptor& d, unsigned slot) {
  std::vector<uint8_t> weights(d.weight_bytes);
  return debug_transfer(dma, tlm::TLM_READ_COMMAND, d.weight_addr, weights.data(), weights.size()) &&
         debug_transfer(local_, tlm::TLM_WRITE_COMMAND, slot_address(slot), weights.data(), weights.size());
}

// The SMs run one expert job: activations from HBM, weights from the job's
// slot, outputs to HBM; functional jobs compute on the bytes they read.
JobError Gpu::compute(const JobDescriptor& d, unsigned slot) {
  const ComputeRate rate{config_.per_token_us, config_.peak_TFLOPS * 1e12 * config_.efficiency, config_.dequant_GBps};
  const uint64_t compute = compute_ps(mode_, rate, d.tokens, d.flops, d.dequant_bytes);
  if (d.flags & job_flags::functional) {
    ExpertShape shape;
    if (!functional_shape(d, shape)) return JobError::bad_dimensions;
    return compute_expert_functional(sm_.bus, local_, d, shape, slot_address(slot), compute) ? JobError::none
                                                                                              : JobError::bus_error;
  }
  const bool ok = sm_.bus.stream(local_, tlm::TLM_READ_COMMAND, d.act_in_addr, d.act_in_bytes, nullptr) &&
                  compute_expert(sm_.bus, local_, mode_, slot_address(slot), d.weight_bytes, compute) &&
                  sm_.bus.stream(local_, tlm::TLM_WRITE_COMMAND, d.act_out_addr, d.act_out_bytes, nullptr);
  return ok ? JobError::none : JobError::bus_error;
}

// A layer job: activations in; the weights kept in HBM and the KV cache it
// reads, each stream paced at its share of the FLOPs' time, so the job takes
// max(compute, the streams); its own tokens' keys and values appended to the
// KV cache; outputs out. Always roofline: per-token constants describe experts.
JobError Gpu::compute_layer(const JobDescriptor& d) {
  const double rate = config_.peak_TFLOPS * 1e12 * config_.efficiency;
  const uint64_t compute = uint64_t(double(d.flops) / rate * 1e12);
  const uint64_t streamed = d.weight_bytes + d.kv_read_bytes;
  const double pace = streamed ? double(compute) / double(streamed) : 0.0;
  BurstInitiator::Socket& kv = (d.flags & job_flags::kv_in_hbm) ? local_ : dma;
  bool ok = sm_.bus.stream(local_, tlm::TLM_READ_COMMAND, d.act_in_addr, d.act_in_bytes, nullptr) &&
            (d.weight_bytes == 0 || sm_.bus.stream(local_, tlm::TLM_READ_COMMAND, d.weight_addr, d.weight_bytes,
                                                   nullptr, pace)) &&
            (d.kv_read_bytes == 0 || sm_.bus.stream(kv, tlm::TLM_READ_COMMAND, d.kv_addr, d.kv_read_bytes, nullptr, pace)) &&
            (d.kv_write_bytes == 0 ||
             sm_.bus.stream(kv, tlm::TLM_WRITE_COMMAND, d.kv_addr + d.kv_read_bytes, d.kv_write_bytes, nullptr)) &&
            sm_.bus.stream(local_, tlm::TLM_WRITE_COMMAND, d.act_out_addr, d.act_out_bytes, nullptr);
  if (ok && streamed == 0) sm_.bus.spend(compute);
  return ok ? JobError::none : JobError::bus_error;
}

void Gpu::compute_engine() {
  for (;;) {
    const ComputeJob j = compute_queue_.get();
    const JobDescriptor& d = j.job;
    const uint64_t start = sc_core::sc_time_stamp().value();
    if (d.op == JobOp::layer) {
      const JobError error = compute_layer(d);
      sm_.sync();
      finish(sm_, device_name_.c_str(), d, start, error);
      continue;
    }
    const JobError error = d.tokens > 0 ? compute(d, j.slot) : JobError::none;
    sm_.sync();
    resident_.release(d.expert);
    slot_released_.notify(sc_core::SC_ZERO_TIME);
    finish(sm_, device_name_.c_str(), d, start, error);
  }
}

}  // namespace cxlvp
