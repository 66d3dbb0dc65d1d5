#pragma once
// The two checks `cxlvp bench` runs besides its scenario table
// (docs/performance.md#checks):
//  - topology: the four-expander switch scenario simulates at least as many
//    transactions per second as the default one-expander scenario (a switch,
//    HDM decoders and four devices must not make each transaction dearer);
//  - models: each whole-model scenario (Mixtral, Qwen3, DeepSeek-V3) gives
//    the same simulated time at 64 KiB bursts as at 4 KiB, within 1 %.
// Each prints its rows and verdict line to stdout.
#include <filesystem>
#include <string>
#include <vector>

#include "bench_runs.h"

namespace cxlvp {

struct TopologyCheck {
  RunResult base, topology;   // default.yaml, topologies/four_behind_switch.yaml
  double ratio_percent = 0;   // topology's tx/s against base's
  bool holds = false;
};

struct ModelBurstCheck {
  struct Pair {
    RunResult small, large;  // the same scenario at 4 KiB and at 64 KiB bursts
    double difference_percent() const;
  };
  std::vector<Pair> pairs;
  double worst_percent = 0;  // the largest |difference|
  bool holds = false;
};

// The scenarios the checks run (relative to the source folder, as the
// bench's default scenarios are): loaded before any run, so a bench started
// elsewhere stops at once with exit status 2.
std::vector<std::string> topology_check_scenarios();
std::vector<std::string> model_check_scenarios();

// Runs both topology scenarios `repeats` times each (best of them counts).
TopologyCheck run_topology_check(const std::filesystem::path& tmp, unsigned& index, unsigned repeats);

// Runs each model scenario once at each burst size: simulated time is
// deterministic, so one run each answers the question.
ModelBurstCheck run_model_burst_check(const std::filesystem::path& tmp, unsigned& index);

}  // namespace cxlvp
