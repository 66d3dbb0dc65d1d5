#pragma once
// Numbers that cannot be simulated, refused before the run: SystemC counts
// time in picoseconds in 64 bits, and the models turn delays into signed 64-bit
// picosecond counts, so a run longer than kMaxSimulatedPs (about 53 days,
// half of what a signed count holds: room for rounding) would overflow and
// report a wrong time. The run's simulated time is bounded from the scenario
// alone (estimate_run): every job as if on the slowest lane, every byte
// across every link and memory one after another, every round trip paying
// every latency; so the bound is loose (tens to hundreds of times the real
// time) but above it. The same estimate gives the bulk transactions a run
// makes, from which the program tells a long run's wall time in advance.
#include <cstdint>

#include "scenario.h"

namespace cxlvp {

inline constexpr uint64_t kMaxSimulatedPs = uint64_t(1) << 62;

struct RunEstimate {
  double simulated_s = 0;   // an upper bound of the simulated time (may be inf)
  double transactions = 0;  // bulk TLM transactions over the run (an upper estimate)
  double rtl_cycles = 0;    // clock cycles of a verilated NDP engine (impl rtl), else 0
  double functional_macs = 0;  // multiply-accumulates computed for real (simulation.data functional)
};

RunEstimate estimate_run(const Scenario& s);

// Wall seconds the run takes on a machine like the development one (rates
// measured there: transactions, RTL cycles and functional MACs per wall
// second); `logging`: with --transactions, which costs about ten times more
// per transaction. An estimate for announcing long runs, not a promise.
double estimated_wall_s(const RunEstimate& e, bool logging);

namespace keys {
class KeySites;
// Throws the ScenarioError (through `sites`) naming the key whose value makes
// the run's simulated time overflow: of the keys the scenario sets, the one
// whose default would shrink the bound most. Also refuses single values that
// overflow on their own (quantum, the NDP job time limit) and an HBM with more
// expert slots than the firmware counts (2^32 - 1).
void check_limits(const Scenario& s, const KeySites& sites);
}  // namespace keys

}  // namespace cxlvp
