#pragma once
// RunReport: what one run measured, gathered from the models after the
// simulation, and its three presentations: summary.json, CSV tables and the
// console summary. Wall-clock figures go to the console only, so result files
// are byte-identical for the same scenario and seed.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../models/common/job_log.h"
#include "job_table.h"
#include "../models/common/transaction_recorder.h"
#include "capacity_plan.h"
#include "platform.h"

namespace cxlvp {

struct LinkReport {
  std::string name;  // pcie, cxl.link, and memories: ddr, gpu.hbm, cxl.mem
  uint64_t downstream_bytes = 0;  // host -> device (memories: written)
  uint64_t upstream_bytes = 0;    // device -> host (memories: read)
  uint64_t busy_ps = 0;           // the busier direction (memories: summed over channels / channels)
};

struct ExpertCacheReport {  // the GPU's HBM-resident experts
  unsigned slots = 0;
  uint64_t hits = 0, misses = 0, evictions = 0;
};

// simulation.data == functional: the outputs and their check (docs/functional-mode.md).
struct FunctionalReport {
  std::string output_checksum, reference_checksum;  // FNV-1a 64 of every batch's last-layer outputs
  bool matches = false;
  std::string first_mismatch;       // where the outputs first differ from the reference; empty when they match
  std::vector<LayerOutput> layers;  // per layer of each batch: checksum and token 0's first values
};

struct RunReport {
  std::string scenario, scenario_file, policy, compute;
  std::string routing;  // zipf, uniform or trace:<file name>
  std::string weights_home;  // ddr or cxl: the memory expert weights are read from
  uint64_t seed = 0;
  uint64_t tokens = 0;            // tokens through the whole model
  uint64_t assignments = 0;       // token-expert pairs over all layers
  uint64_t simulated_ps = 0;
  bool protocol_checks = false;      // simulation.checks == protocol
  uint64_t protocol_violations = 0;  // counted by the platform's ProtocolCheckers (summary.json only when checked)
  std::vector<RouteSummary> routes;
  std::vector<DeviceReport> devices;
  std::vector<LinkReport> links;
  std::vector<BatchRecord> batches;
  std::vector<LayerRecord> layers;
  double lower_bound_s() const;  // sum over layers of the placement problem's lower bound
  double tight_lower_bound_s() const;  // the same for the tight bound (firmware/tight_lower_bound.h)
  std::vector<JobReport> jobs;  // every job, in the order they finished; empty when streamed to jobs.csv
  bool jobs_streamed = false;    // jobs.csv was written during the run
  uint64_t failed = 0;
  std::optional<JobReport> first_failed;
  ExpertCacheReport gpu_cache;
  std::optional<FunctionalReport> functional;  // functional mode only
  std::string model_source;  // preset:NAME, hf_config:FOLDER/FILE or keys
  CapacityPlan model;        // the model's parameters, bytes and homes per tensor class
  std::vector<ForwardRecord> forward;  // whole-layer models: every step of every batch's forward pass
  std::map<std::pair<std::string, std::string>, uint64_t> busy_by_kind;  // (device, kind of job) -> busy ps

  size_t failed_jobs() const { return size_t(failed); }
  const JobReport* first_failed_job() const { return first_failed ? &*first_failed : nullptr; }
  double simulated_s() const { return simulated_ps * 1e-12; }
  double throughput_tokens_per_s() const { return simulated_ps ? tokens / simulated_s() : 0.0; }
};

// `jobs`: the table the run fed (see JobTable).
RunReport collect_report(const Platform& platform, const JobTable& jobs);

// Writes summary.json, routes.csv, jobs.csv, devices.csv, links.csv, batches.csv into `dir`.
void write_report_files(const RunReport& r, const std::string& dir);
void print_report(const RunReport& r, std::ostream& out);

}  // namespace cxlvp
