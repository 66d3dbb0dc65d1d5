#include "bench_checks.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cxlvp {

namespace {

// The shipped scenarios simulate two batches, some 30 ms of wall time: too
// short to time against the timer's and the machine's noise. Both run this
// many batches instead (0.1 to 0.2 s of simulation each). tx/s depends on it:
// the first batches fetch experts into a cold GPU (long copies across the
// hierarchy), later ones mostly read resident weights, and the switch
// scenario's warm-up is the longer one (docs/performance.md, "Seventh round").
constexpr unsigned kTopologyBatches = 20;

// A larger burst may move a model's simulated time by at most this much
// (issue 13; engine_burst_bytes keeps each engine's window at 16 bursts).
constexpr double kModelBurstTolerancePercent = 1.0;
constexpr uint64_t kSmallBurst = 4096, kLargeBurst = 65536;

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

std::string stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }

}  // namespace

std::vector<std::string> topology_check_scenarios() {
  return {"scenarios/default.yaml", "scenarios/topologies/four_behind_switch.yaml"};
}

std::vector<std::string> model_check_scenarios() {
  return {"scenarios/models/mixtral_8x7b.yaml", "scenarios/models/qwen3_235b_a22b.yaml",
          "scenarios/models/deepseek_v3.yaml"};
}

double ModelBurstCheck::Pair::difference_percent() const {
  return small.simulated_s > 0 ? (large.simulated_s / small.simulated_s - 1) * 100 : 0.0;
}

TopologyCheck run_topology_check(const std::filesystem::path& tmp, unsigned& index, unsigned repeats,
                                 double raw_calls_per_s) {
  TopologyCheck c;
  const auto scenarios = topology_check_scenarios();
  std::cout << "\ntopology: " << stem(scenarios[1]) << " against " << stem(scenarios[0]) << " (" << kTopologyBatches
            << " batches each, their own burst sizes, best of " << repeats << ", taken in turn)\n";
  for (RunResult* r : {&c.base, &c.topology}) {
    r->scenario = scenarios[r == &c.base ? 0 : 1];
    r->label = "topology";
    r->sets = {"workload.batches=" + std::to_string(kTopologyBatches)};
  }
  run_best_in_turn({&c.base, &c.topology}, tmp, index, repeats);
  for (const RunResult* r : {&c.base, &c.topology}) {
    std::cout << "  " << std::left << std::setw(20) << stem(r->scenario) << std::right;
    if (r->ok)
      std::cout << std::setw(10) << r->transactions << " transactions in " << fixed(r->simulation_s, 3)
                << " s of simulation = " << std::scientific << std::setprecision(3) << r->tx_per_s() << std::defaultfloat
                << " tx/s\n";
    else
      std::cout << "  FAILED: " << r->error << "\n";
  }
  const bool ran = c.base.ok && c.topology.ok && c.base.tx_per_s() > 0 && raw_calls_per_s > 0;
  c.topology_raw_percent = ran ? 100 * c.topology.tx_per_s() / raw_calls_per_s : 0;
  c.holds = ran && c.topology_raw_percent >= kDefaultAtFilingRawPercent;
  c.ratio_percent = ran ? 100 * c.topology.tx_per_s() / c.base.tx_per_s() : 0;
  c.aim_holds = ran && c.ratio_percent >= kTopologyAimPercent;
  const std::string verdict = !ran ? "a run failed" : c.holds ? "holds" : "does NOT hold";
  std::cout << "  " << stem(scenarios[1]) << " tx/s: " << fixed(c.topology_raw_percent, 1)
            << " % of the raw kernel rate, against " << fixed(kDefaultAtFilingRawPercent, 1) << " % for "
            << stem(scenarios[0]) << " when the topology issue was filed (target: no worse): " << verdict << "\n"
            << "  " << stem(scenarios[1]) << " tx/s against " << stem(scenarios[0]) << "'s today: "
            << fixed(c.ratio_percent, 1) << " % (aim >= " << fixed(kTopologyAimPercent, 0)
            << " %, no worse within the timing noise): "
            << (!ran ? "a run failed" : c.aim_holds ? "holds" : "short of the aim") << "\n"
            << std::flush;
  return c;
}

ModelBurstCheck run_model_burst_check(const std::filesystem::path& tmp, unsigned& index) {
  ModelBurstCheck c;
  std::cout << "\nmodels: simulated time at " << kLargeBurst << " B bursts against " << kSmallBurst
            << " B (one run each)\n";
  bool ran = true;
  for (const auto& scenario : model_check_scenarios()) {
    ModelBurstCheck::Pair p;
    for (RunResult* r : {&p.small, &p.large}) {
      r->scenario = scenario;
      r->burst = r == &p.small ? kSmallBurst : kLargeBurst;
      r->label = std::to_string(r->burst);
      r->sets = {"simulation.burst_bytes=" + std::to_string(r->burst)};
      run_child(*r, tmp, index++);
    }
    std::cout << "  " << std::left << std::setw(20) << stem(scenario) << std::right;
    if (p.small.ok && p.large.ok) {
      const double d = p.difference_percent();
      c.worst_percent = std::max(c.worst_percent, std::abs(d));
      std::cout << std::setprecision(9) << p.small.simulated_s << " s at " << kSmallBurst << " B, "
                << p.large.simulated_s << " s at " << kLargeBurst << " B: " << (d >= 0 ? "+" : "") << fixed(d, 3)
                << " % (wall " << fixed(p.small.wall_s, 1) << " s and " << fixed(p.large.wall_s, 1) << " s)\n"
                << std::defaultfloat;
    } else {
      ran = false;
      std::cout << "FAILED: " << (p.small.ok ? p.large.error : p.small.error) << "\n";
    }
    std::cout << std::flush;
    c.pairs.push_back(p);
  }
  c.holds = ran && c.worst_percent <= kModelBurstTolerancePercent;
  std::cout << "  models at " << kLargeBurst << " B bursts: within " << fixed(c.worst_percent, 3) << " % of "
            << kSmallBurst << " B (tolerance " << fixed(kModelBurstTolerancePercent, 0)
            << " %): " << (!ran ? "a run failed" : c.holds ? "holds" : "does NOT hold") << "\n"
            << std::flush;
  return c;
}

}  // namespace cxlvp
