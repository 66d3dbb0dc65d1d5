#include "ndp_rtl_host.h"

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "../../common/hop_trace.h"
#include "../../common/job_queue_registers.h"
#include "ndp_result_check.h"
#include "pin_format.h"

namespace cxlvp {

namespace {

// The register map's (offset, width) pairs: the RegisterBank access rule.
bool is_register(uint64_t offset, unsigned width) {
  using namespace job_regs;
  if (width == 8) return offset == desc_addr || offset == msi_addr;
  if (width != 4) return false;
  for (uint64_t o : {version, status, doorbell, error, completed, queue_depth, max_d_model, max_d_ff})
    if (offset == o) return true;
  return false;
}

}  // namespace

NdpRtlHost::NdpRtlHost(sc_core::sc_module_name name, const NdpConfig& config, uint64_t dram_bytes, const char* kind,
                       const NdpRtlOptions& options, const char* irq_valid, const char* irq_ready)
    : NdpEngineBase(name),
      irq(irq_valid, irq_ready),
      issuer("issuer", register_node(this->name())),
      options_(options),
      job_log_name_(config.job_log_name),
      kind_(kind),
      watchdog_cycles_(config.watchdog_cycles),
      job_limit_ps_(uint64_t(std::llround(config.job_time_limit_ms * 1e9))),
      regs_node_(register_node(std::string(this->name()) + ".regs")),
      job_log_(Telemetry::current().jobs),
      jobs_(ndp_rtl_parameters().queue_depth),
      stalls_(options.backpressure, options.backpressure_seed * 7 + 3),
      irq_rules_(std::string(irq_valid) + " dropped before the handshake",
                 "irq_data/irq_addr changed while " + std::string(irq_valid) + " waited") {
  if (!(config.rtl_clock_MHz > 0)) throw std::invalid_argument(std::string(this->name()) + ": rtl_clock_MHz must be > 0");
  // Whole picoseconds, so that edges fall on a grid of the kernel's resolution.
  period_ = sc_core::sc_time::from_value(uint64_t(std::llround(1e6 / config.rtl_clock_MHz)));
  half_ = sc_core::sc_time::from_value(period_.value() / 2);
  const NdpRtlParameters p = ndp_rtl_parameters();
  limits_ = NdpLimits{dram_bytes, p.max_d_model, p.max_d_ff, true};
  memory_config_.bytes_in_flight = config.bytes_in_flight;
  cfg_dram_bytes.write(dram_bytes);

  SC_HAS_PROCESS(NdpRtlHost);
  SC_THREAD(clock);
  SC_METHOD(on_edge);
  sensitive << clk.posedge_event();
  dont_initialize();
}

NdpRtlHost::~NdpRtlHost() = default;

void NdpRtlHost::attach(RegisterBridge& registers, MemoryBridge& memory) {
  registers_ = &registers;
  memory_ = &memory;
  for (sc_core::sc_in<bool>* c : {&registers.clk, &memory.clk}) c->bind(clk);
  for (sc_core::sc_in<bool>* r : {&registers.rst_n, &memory.rst_n}) r->bind(rst_n);
  registers.attach([this] { wake_.notify(); }, this, &cycles_);
  memory.attach(this, &cycles_);
  registers.set_backpressure(Backpressure(options_.backpressure, options_.backpressure_seed));
  memory.set_backpressure(Backpressure(options_.backpressure, options_.backpressure_seed * 3 + 1));
}

// Reset for two cycles, then a clock that runs while there is work: the RTL's
// `active`, or a register access. Edges stay on the grid of the period. The
// cycle count goes up as the rising edge is driven, so that every process
// reacting to the edge sees the same count.
void NdpRtlHost::clock() {
  const sc_core::sc_time low = period_ - half_;
  rst_n.write(false);
  for (int i = 0; i < 2; ++i) {
    ++cycles_;
    clk.write(true);
    sc_core::wait(half_);
    clk.write(false);
    sc_core::wait(low);
  }
  rst_n.write(true);
  for (;;) {
    if (!active.read() && !registers_->busy()) {
      went_idle();
      sc_core::wait(wake_);
      const uint64_t into = sc_core::sc_time_stamp().value() % period_.value();
      if (into) sc_core::wait(sc_core::sc_time::from_value(period_.value() - into));
      last_progress_ = cycles_;  // idle time is no lack of progress
    }
    ++cycles_;
    clk.write(true);
    sc_core::wait(half_);
    clk.write(false);
    sc_core::wait(low);
  }
}

// The engine dropped `active` and no register access runs: the clock stops.
// Every job it accepted must have ended by now (an accepted job keeps
// `active` at 1 until its interrupt is acknowledged).
void NdpRtlHost::went_idle() {
  if (irq.valid.read() || msi_pending_)
    return violation("active", "active dropped while the interrupt waits for its acknowledgement", "");
  if (const NdpJobTracker::Job* job = jobs_.idle())
    fail("went idle (active 0) with a job not finished: " + NdpJobTracker::describe(*job) + " (cycle " +
         std::to_string(cycles_) + "); " + visible_state());
}

void NdpRtlHost::on_edge() {
  if (!rst_n.read()) return;
  const uint64_t now = sc_core::sc_time_stamp().value();
  serve_interrupt(now);
  check_watchdog(now);
}

// Completion interrupt: the MSI write, then the acknowledgement for one cycle.
// Reads see the values before the edge, as the engine does.
void NdpRtlHost::serve_interrupt(uint64_t now) {
  if (const std::string* rule = irq_rules_.check(irq.valid.read(), irq.ready.read(), [this] {
        return Message{irq.data.read(), irq.addr.read()};
      }))
    violation("irq", *rule, "");
  if (irq.ready.read()) {
    irq.ready.write(false);
  } else if (irq.valid.read() && !msi_pending_) {
    progress();
    msi_pending_ = true;
    msi_word_ = irq.data.read();
    finish_job(msi_word_, now);
    msi_known_ = false;
    if (const uint64_t to = irq.addr.read()) {
      issuer.post([this, to, now](TransactionIssuer& t) {
        bool ok = false;
        msi_ps_ = t.transport(msi, tlm::TLM_WRITE_COMMAND, to, reinterpret_cast<uint8_t*>(&msi_word_), 4, false, now, ok);
        msi_known_ = true;
      });
    } else {
      msi_ps_ = now;
      msi_known_ = true;
    }
  }
  if (msi_pending_ && msi_known_ && msi_ps_ <= now && !irq.ready.read() && !stalls_.stall()) {
    irq.ready.write(true);
    msi_pending_ = false;
    progress();
  }
}

// The job the interrupt ends: logged under the engine's job-log name (jobs.csv, busy time,
// timelines), checked against the contract.
void NdpRtlHost::finish_job(uint32_t msi_word, uint64_t now) {
  std::string problem;
  NdpJobTracker::Finished f = jobs_.finish(msi_word, now, problem);
  f.record.device = job_log_name_;
  memory_->job_finished();
  if (!problem.empty()) return fail("irq: " + problem + " (cycle " + std::to_string(cycles_) + ")");
  const uint32_t tag = msi_word & ~job_regs::msi_failed_bit;
  const std::string job = "job tag " + std::to_string(tag) + " (descriptor at " + hex(f.desc_addr) + ")";
  if (f.record.ok) {
    if (!f.whole)
      return fail(job + " completed without reading its whole descriptor (contract: a job reads all 128 bytes at "
                        "DESC_ADDR, docs/ndp-plugin.md \"Job identity\"), cycle " + std::to_string(cycles_));
    if (f.record.job.tag != tag)
      return fail("irq: the interrupt carries tag " + std::to_string(tag) + " but the job's descriptor at " +
                  hex(f.desc_addr) + " has tag " + std::to_string(f.record.job.tag) + " (cycle " +
                  std::to_string(cycles_) + ")");
    if (options_.check_results)
      if (const std::string wrong = check_ndp_result(mem, f.record.job, limits_); !wrong.empty())
        return fail(job + ": " + wrong + " (cycle " + std::to_string(cycles_) + ")");
  }
  job_log_.add(std::move(f.record));
}

void NdpRtlHost::check_watchdog(uint64_t now) {
  // Nothing asked of the engine (the clock may run while a register access
  // waits for its caller's time): no progress is due.
  if (!active.read() && !registers_->word_pending()) {
    last_progress_ = cycles_;
    return;
  }
  if (watchdog_cycles_ && cycles_ - last_progress_ > watchdog_cycles_)
    fail("watchdog: no progress (memory transfer, register answer, interrupt) for " +
         std::to_string(watchdog_cycles_) + " cycles (cycle " + std::to_string(cycles_) + ")" +
         (jobs_.current() ? " during job " + NdpJobTracker::describe(*jobs_.current()) : std::string()) + "; " +
         visible_state());
  else if (job_limit_ps_ && jobs_.open() && now - jobs_.start_ps() > job_limit_ps_)
    fail("watchdog: job " + (jobs_.current() ? NdpJobTracker::describe(*jobs_.current()) : std::string("?")) +
         " started at cycle " + std::to_string(jobs_.start_cycle()) + " exceeds the limit of " +
         decimal(double(job_limit_ps_) * 1e-9) + " ms per job (cycle " + std::to_string(cycles_) + "); " +
         visible_state());
}

std::string NdpRtlHost::visible_state() const {
  return "last visible state: active " + std::to_string(int(active.read())) + ", memory port " + memory_->state() +
         ", register bus " + registers_->state() + ", interrupt " +
         (irq.valid.read() ? "raised (data " + hex(irq.data.read()) + ")" : std::string("low"));
}

// The job named with the fault: the one in service, else the one whose
// interrupt is being served.
void NdpRtlHost::fail(const std::string& what) {
  NdpFault f;
  f.message = std::string(name()) + " (" + kind_ + "): " + what;
  if (const NdpJobTracker::Job* job = jobs_.current(); job && job->whole()) {
    f.has_tag = true;
    f.tag = job->descriptor().tag;
  } else if (msi_pending_) {
    f.has_tag = true;
    f.tag = msi_word_ & ~job_regs::msi_failed_bit;
  }
  stop_with_fault(std::move(f));
}

void NdpRtlHost::memory_request(bool, uint64_t, uint64_t) {
  jobs_.memory_request(sc_core::sc_time_stamp().value(), cycles_);
}

void NdpRtlHost::read_delivered(uint64_t address, const uint8_t* data, uint64_t bytes) {
  jobs_.read_delivered(address, data, bytes);
}

void NdpRtlHost::violation(const std::string& channel, const std::string& rule, const std::string& detail) {
  fail("pin protocol: channel " + channel + ", rule \"" + rule + "\"" + (detail.empty() ? "" : " (" + detail + ")") +
       " at cycle " + std::to_string(cycles_));
}

void NdpRtlHost::register_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  arrive_at_target(p, regs_node_, delay);
  const unsigned width = p.get_data_length();
  if (!is_register(p.get_address(), width)) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  registers_->b_transport(p, delay);
  if (!p.is_write() || p.get_response_status() != tlm::TLM_OK_RESPONSE) return;
  if (p.get_address() == job_regs::desc_addr) {
    uint64_t value = 0;
    std::memcpy(&value, p.get_data_ptr(), 8);
    jobs_.desc_addr_written(value);
  } else if (p.get_address() == job_regs::doorbell) {
    jobs_.doorbell();
  }
}

}  // namespace cxlvp
