#include "scenario_limits.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "../models/cxl/cxl_flit_format.h"
#include "../models/ndp/rtl/ndp_rtl_parameters.h"
#include "../models/pcie/pcie_format.h"
#include "scenario_checks.h"
#include "scenario_schema.h"
#include "scenario_values.h"

namespace cxlvp {

namespace {

// Register and descriptor accesses per job (doorbell, descriptor, MSI,
// status), each a round trip of its own; generous.
constexpr double kAccessesPerJob = 8;
// Jobs per expert and layer: the expert job, a weight fetch and two activation copies.
constexpr double kJobsPerExpert = 4;
// What the development machine simulates per wall second (docs/performance.md):
// bulk transactions as this estimate counts them (the default scenario ran
// about 1.2e7 of them per second before the fourth round of speed work and
// 2.2e7 after it; the estimate keeps the lower figure), ten times fewer with --transactions, clock
// cycles of a verilated engine (the ndp_rtl study: about 1e6 per second) and
// multiply-accumulates of functional mode's reference and executors.
constexpr double kTransactionsPerWallSecond = 1e7;
constexpr double kLoggingSlowdown = 10;
constexpr double kRtlCyclesPerWallSecond = 1e6;
constexpr double kFunctionalMacsPerWallSecond = 1e9;

// Seconds to move `bytes` at `rate` bytes per second (inf when the rate is 0 or denormal).
double at_rate(double bytes, double rate) { return bytes / rate; }

// The slowest lane's time for one layer of one batch: every assignment and
// the weights of every expert (a layer-wise fetch moves even the idle ones) on it.
double compute_s(const Scenario& s, double assignments, double experts) {
  const PlatformConfig& p = s.platform;
  const MoeModelConfig& m = s.model;
  const double weights = double(m.bytes_per_expert()) * experts;
  const double flops = double(m.flops_per_token()) * assignments;
  const bool per_token = s.simulation.compute == ComputeMode::per_token;
  const auto lane = [&](double per_token_us, double flops_per_s, double stream_Bps, double dequant_GBps) {
    const double arithmetic = per_token ? assignments * per_token_us * 1e-6 : flops / flops_per_s;
    const double dequant = dequant_GBps > 0 ? at_rate(weights, dequant_GBps * 1e9) : 0;
    return arithmetic + at_rate(weights, stream_Bps) + dequant;
  };
  const double home_GBps = m.weights_home == WeightsHome::cxl ? p.cxl.dram.peak_GBps : p.host.ddr.peak_GBps;
  double slowest = std::max(
      lane(p.gpu.per_token_us, p.gpu.peak_TFLOPS * 1e12 * p.gpu.efficiency, p.gpu.hbm.peak_GBps * 1e9,
           p.gpu.dequant_GBps),
      lane(p.cpu.per_token_us, p.cpu.cores * p.cpu.freq_GHz * 1e9 * p.cpu.amx_flops_per_cycle * p.cpu.efficiency,
           home_GBps * 1e9, p.cpu.dequant_GBps));
  const NdpConfig& ndp = p.cxl.ndp;
  if (ndp.enabled)
    slowest = std::max(slowest, lane(ndp.per_token_us, ndp.mac_GMACps * 2e9,
                                     std::min(ndp.internal_GBps, p.cxl.dram.peak_GBps) * 1e9, ndp.dequant_GBps));
  return slowest;
}

// Clock cycles of a verilated NDP engine for one layer of one batch: every
// MAC on its lanes, every byte through its memory port; the engine reads an
// expert's weights once per tile of tokens, which over a layer is at most
// assignments / tile + experts passes.
double rtl_cycles(const Scenario& s, double assignments, double experts) {
  const NdpConfig& ndp = s.platform.cxl.ndp;
  if (!ndp.enabled || ndp.impl != NdpImpl::rtl) return 0;
  const MoeModelConfig& m = s.model;
  const NdpRtlParameters rtl = ndp_rtl_parameters();
  const double macs = double(m.flops_per_token()) / 2 * assignments;
  const double passes = assignments / rtl.tile + experts;
  const double bytes = double(m.bytes_per_expert()) * passes + double(m.activation_bytes_per_token()) * 2 * assignments;
  return macs / rtl.lanes + bytes / NdpRtlParameters::port_bytes;
}

// A round trip that pays every latency of the platform.
double round_trip_s(const PlatformConfig& p) {
  const double ns = p.host.interconnect_latency_ns + p.host.root_complex_latency_ns + 2 * p.pcie.latency_ns +
                    p.cxl.root_port_latency_ns + p.cxl.controller_latency_ns + 2 * p.cxl.link.latency_ns +
                    p.host.ddr.idle_latency_ns + p.gpu.hbm.idle_latency_ns + p.cxl.dram.idle_latency_ns +
                    p.cpu.register_latency_ns + p.gpu.register_latency_ns + p.cxl.ndp.register_latency_ns;
  return ns * 1e-9;
}

}  // namespace

RunEstimate estimate_run(const Scenario& s) {
  const PlatformConfig& p = s.platform;
  const MoeModelConfig& m = s.model;
  const double runs = double(s.workload.batches) * m.layers;  // layers of all batches
  const double assignments = double(s.workload.tokens_per_batch) * s.workload.top_k;
  const double experts = m.experts;
  // Every byte a layer moves: the weights of its experts, activations in and out.
  const double moved =
      double(m.bytes_per_expert()) * experts + double(m.activation_bytes_per_token()) * 2 * assignments;
  const auto memory = [moved](const DramConfig& d) { return at_rate(moved * d.channels, d.peak_GBps * 1e9); };
  const double links = at_rate(moved, PcieFormat(p.pcie).wire_GBps() * PcieFormat(p.pcie).payload_efficiency() * 1e9) +
                       at_rate(moved, CxlFlitFormat(p.cxl.link).wire_GBps() *
                                          CxlFlitFormat(p.cxl.link).read_efficiency() * 1e9);
  const double memories = memory(p.host.ddr) + memory(p.gpu.hbm) + memory(p.cxl.dram);
  const double burst = double(s.simulation.burst_bytes);
  const double transactions = moved / burst;
  // The smallest window of requests in flight any engine keeps, in bursts.
  const double window_bytes = std::min({double(p.gpu.dma_bytes_in_flight), double(p.cxl.ndp.bytes_in_flight),
                                        64.0 * p.cpu.lines_in_flight_per_core});
  const double window = std::max(1.0, std::floor(window_bytes / burst));
  const double jobs = kJobsPerExpert * experts;
  const double latency = (transactions / window + jobs * kAccessesPerJob) * round_trip_s(p);
  const double quantum = jobs * s.simulation.quantum_ns * 1e-9;
  const double cycles = rtl_cycles(s, assignments, experts);
  const double rtl = cycles / (s.platform.cxl.ndp.rtl_clock_MHz * 1e6);
  RunEstimate e;
  e.simulated_s = runs * (compute_s(s, assignments, experts) + rtl + links + memories + latency + quantum);
  e.transactions = runs * (transactions + jobs * kAccessesPerJob);
  e.rtl_cycles = runs * cycles;
  // Functional mode computes every assignment twice: on its device and in the reference.
  if (s.simulation.data == DataMode::functional)
    e.functional_macs = runs * 2 * assignments * double(m.flops_per_token()) / 2;
  return e;
}

double estimated_wall_s(const RunEstimate& e, bool logging) {
  const double rate = kTransactionsPerWallSecond / (logging ? kLoggingSlowdown : 1);
  return e.transactions / rate + e.rtl_cycles / kRtlCyclesPerWallSecond +
         e.functional_macs / kFunctionalMacsPerWallSecond;
}

namespace keys {

namespace {

const double kMaxSimulatedS = double(kMaxSimulatedPs) * 1e-12;

// Three significant digits: enough for a limit or an estimate in a message.
std::string short_number(double value) {
  std::ostringstream text;
  text << std::setprecision(3) << value;
  return text.str();
}

bool fits(double simulated_s) { return simulated_s <= kMaxSimulatedS; }  // false for inf and NaN

// Of the numeric keys the scenario sets, the one whose default shrinks the
// bound most: the value to change. Empty when none does.
std::string culprit(const Scenario& s, const KeySites& sites) {
  Scenario defaults;
  std::string best;
  double lowest = estimate_run(s).simulated_s;
  for (const KeyEntry& entry : schema().keys()) {
    if (entry.is_block() || !sites.given(entry.path)) continue;
    if (entry.type != "number" && entry.type != "uint" && entry.type != "uint64") continue;
    Scenario changed = s;
    try {
      entry.bind(changed, entry.show(defaults));
    } catch (const BadValue&) {
      continue;
    }
    const double bound = estimate_run(changed).simulated_s;
    if (bound < lowest || (!fits(lowest) && fits(bound))) lowest = bound, best = entry.path;
  }
  return best;
}

}  // namespace

void check_limits(const Scenario& s, const KeySites& sites) {
  const std::string limit = short_number(kMaxSimulatedS) + " s (2^62 ps, about 53 days)";
  if (!fits(s.simulation.quantum_ns * 1e-9))
    sites.fail_about("simulation.quantum_ns", "must be at most " + short_number(kMaxSimulatedS * 1e9) +
                                                  " ns (2^62 ps), what SystemC's time can count here (got " +
                                                  number_text(s.simulation.quantum_ns) + ")");
  if (!fits(s.platform.cxl.ndp.job_time_limit_ms * 1e-3))
    sites.fail_about("platform.cxl.ndp.job_time_limit_ms",
                     "must be at most " + short_number(kMaxSimulatedS * 1e3) + " ms (2^62 ps), what SystemC's time "
                     "can count here (got " + number_text(s.platform.cxl.ndp.job_time_limit_ms) + ")");
  const GpuConfig& gpu = s.platform.gpu;
  if (gpu.hbm.capacity_bytes > gpu.hbm_reserved_bytes &&
      (gpu.hbm.capacity_bytes - gpu.hbm_reserved_bytes) / s.model.bytes_per_expert() > UINT_MAX)
    sites.fail_about("platform.gpu.hbm.capacity_GiB",
                     "holds more than " + number_text(UINT_MAX) + " expert slots of " +
                         number_text(s.model.bytes_per_expert()) + " bytes (model.expert_bytes), more than the "
                         "firmware counts; make HBM smaller or experts larger");
  const double bound = estimate_run(s).simulated_s;
  if (fits(bound)) return;
  const std::string key = culprit(s, sites);
  const std::string what = "makes the run's simulated time overflow: up to " + short_number(bound) +
                           " s (an upper bound), more than the " + limit + " SystemC's time can count here";
  if (key.empty()) sites.fail_about("workload.batches", what + "; fewer batches, layers or tokens");
  Scenario copy = s;
  sites.fail_about(key, what + " (got " + schema().find(key)->show(copy) + ")");
}

}  // namespace keys

}  // namespace cxlvp
