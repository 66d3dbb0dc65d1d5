// policy.prefetch, seen from what the run did (jobs.csv, batches.csv, the
// layers of summary.json): while layer L runs, the firmware fetches into HBM
// the GPU experts that layer L + 1 (mod layers) ran last time, so that they
// are resident when L + 1 comes. The bench is the default scenario with room
// for only 6 experts in HBM (two layers of 4 GPU experts evict each other),
// 2 batches: every layer's GPU experts miss without prefetch.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "command_runner.h"
#include "platform/json_reader.h"

using namespace cxlvp_test;

namespace {

struct JobRow {
  uint32_t tag;
  std::string device, kind;
  uint32_t batch, layer, expert, tokens;
  double start_ns, end_ns;
};

std::vector<JobRow> read_jobs(const fs::path& csv) {
  std::istringstream in(slurp(csv));
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("tag,device,kind,batch,layer,expert,tokens,weight_bytes,activation_bytes,start_ns,end_ns", 0) == 0);
  std::vector<JobRow> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) f.push_back(cell);
    REQUIRE(f.size() >= 11);
    rows.push_back({uint32_t(std::stoul(f[0])), f[1], f[2], uint32_t(std::stoul(f[3])), uint32_t(std::stoul(f[4])),
                    uint32_t(std::stoul(f[5])), uint32_t(std::stoul(f[6])), std::stod(f[9]), std::stod(f[10])});
  }
  return rows;
}

// [start, end) of each (batch, layer) in ns: layers run back to back from
// their batch's start (batches.csv), each for its latency (summary.json).
std::map<std::pair<uint32_t, uint32_t>, std::pair<double, double>> layer_windows(const fs::path& run) {
  const auto json = cxlvp::read_json_scalars(slurp(run / "summary.json"));
  std::map<uint32_t, double> batch_start_ns;
  std::istringstream batches(slurp(run / "batches.csv"));
  std::string line;
  std::getline(batches, line);
  while (std::getline(batches, line)) {
    const auto comma = line.find(',');
    batch_start_ns[uint32_t(std::stoul(line.substr(0, comma)))] = std::stod(line.substr(comma + 1)) * 1e9;
  }
  std::map<std::pair<uint32_t, uint32_t>, std::pair<double, double>> windows;
  double t = 0;
  for (int i = 0; json.count("layers/" + std::to_string(i) + "/batch"); ++i) {
    const std::string at = "layers/" + std::to_string(i) + "/";
    const auto batch = uint32_t(std::stoul(json.at(at + "batch"))), layer = uint32_t(std::stoul(json.at(at + "layer")));
    if (layer == 0) t = batch_start_ns.at(batch);
    const double end = t + std::stod(json.at(at + "latency_s")) * 1e9;
    windows[{batch, layer}] = {t, end};
    t = end;
  }
  return windows;
}

fs::path run_default(const std::string& name, bool prefetch) {
  const fs::path out = scratch() / name;
  const Outcome o = run_cxlvp("run " + std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml --out " + out.string() +
                              " --set workload.batches=2 --set platform.gpu.hbm.capacity_GiB=1.05" +
                              (prefetch ? " --set policy.prefetch=true" : ""));
  INFO(o.err);
  REQUIRE(o.status == 0);
  return out;
}

bool is_prefetch(const JobRow& j) { return j.device == "gpu" && j.kind == "expert" && j.tokens == 0; }

}  // namespace

// Each prefetch (a GPU job of 0 tokens, with its fetch) is for layer L + 1 of
// the layer L running when its fetch starts, for an expert that layer L + 1
// ran on the GPU the last time it ran; and the GPU job that next runs that
// expert finds it resident (no fetch of its own). Without prefetch, every GPU
// job of batch 1 fetches.
TEST_CASE("prefetch: the next layer's last GPU experts are fetched while this layer runs", "[prefetch][firmware]") {
  const fs::path with = run_default("with", true), without = run_default("without", false);
  const std::vector<JobRow> jobs = read_jobs(with / "jobs.csv");
  const auto windows = layer_windows(with);
  const uint32_t layers = 2;
  REQUIRE(windows.size() == 4);

  std::map<uint32_t, const JobRow*> fetch_of;  // tag -> its gpu.fetch row
  for (const JobRow& j : jobs)
    if (j.device == "gpu.fetch") fetch_of[j.tag] = &j;

  size_t prefetches = 0;
  for (const JobRow& p : jobs) {
    if (!is_prefetch(p)) continue;
    ++prefetches;
    INFO("prefetch tag " << p.tag << ": batch " << p.batch << ", layer " << p.layer << ", expert " << p.expert);
    REQUIRE(fetch_of.count(p.tag));
    const JobRow& fetch = *fetch_of.at(p.tag);
    // The layer running when the fetch started is the one before the fetched layer.
    const uint32_t running = (p.layer + layers - 1) % layers;
    const auto [from, to] = windows.at({p.batch, running});
    CHECK(fetch.start_ns >= from - 1);
    CHECK(fetch.start_ns < to);
    // The expert is one the fetched layer ran on the GPU the last time it ran before.
    bool ran_before = false;
    for (const JobRow& j : jobs)
      if (j.device == "gpu" && j.kind == "expert" && j.tokens > 0 && j.layer == p.layer && j.expert == p.expert &&
          j.start_ns < fetch.start_ns && j.batch + 1 >= p.batch)
        ran_before = true;
    CHECK(ran_before);
    // The next GPU job of that expert has its weights already: no fetch row.
    for (const JobRow& j : jobs)
      if (j.device == "gpu" && j.kind == "expert" && j.tokens > 0 && j.layer == p.layer && j.expert == p.expert &&
          j.start_ns > fetch.start_ns) {
        CHECK(fetch_of.count(j.tag) == 0);
        CHECK(j.start_ns >= fetch.end_ns);
        break;
      }
  }
  CHECK(prefetches >= 8);  // at least the 4 GPU experts of each layer once

  // The same run without prefetch fetches every GPU expert of batch 1.
  size_t gpu_jobs = 0, fetched = 0;
  std::set<uint32_t> fetch_tags;
  const std::vector<JobRow> plain = read_jobs(without / "jobs.csv");
  for (const JobRow& j : plain)
    if (j.device == "gpu.fetch") fetch_tags.insert(j.tag);
  for (const JobRow& j : plain) {
    CHECK_FALSE(is_prefetch(j));
    if (j.device == "gpu" && j.batch == 1 && j.tokens > 0) {
      ++gpu_jobs;
      fetched += fetch_tags.count(j.tag);
    }
  }
  CHECK(gpu_jobs == 8);
  CHECK(fetched == gpu_jobs);
}
