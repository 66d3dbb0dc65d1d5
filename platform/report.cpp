#include "report.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <stdexcept>

#include "../models/common/stream_check.h"
#include "json_writer.h"

namespace cxlvp {

namespace {

LinkReport link_report(const std::string& name, const SerialLink& l) {
  return {name, l.downstream_bytes(), l.upstream_bytes(), std::max(l.downstream_busy_ps(), l.upstream_busy_ps())};
}

LinkReport memory_report(const std::string& name, const Dram& d) {
  return {name, d.bytes_written(), d.bytes_read(), d.busy_ps() / d.config().channels};
}

double gbps(uint64_t bytes, uint64_t ps) { return ps ? double(bytes) / (double(ps) * 1e-12) / 1e9 : 0.0; }

template <typename Row>
void write_csv(const std::string& path, const std::string& header, const std::vector<Row>& rows,
               void (*line)(std::ostream&, const Row&)) {
  std::ofstream f(path);
  f << header << '\n';
  for (const Row& r : rows) {
    line(f, r);
    f << '\n';
  }
  if (const std::string error = close_checked(f); !error.empty())
    throw std::runtime_error("cannot write " + path + ": " + error);
}

std::string n(double v) { return JsonWriter::number(v); }

// The file name only, not its folder: the same trace replayed from anywhere gives the same summary.
std::string routing_origin(const WorkloadConfig& w) {
  if (w.distribution == RoutingDistribution::trace)
    return "trace:" + std::filesystem::path(w.trace_file).filename().string();
  return w.distribution == RoutingDistribution::zipf ? "zipf" : "uniform";
}

// Each layer's outputs in one line (the first ones when there are many), then the verdict.
void print_functional(const FunctionalReport& f, std::ostream& out) {
  constexpr size_t kMaxLines = 16;
  out << "\nfunctional data: layer outputs (FNV-1a 64 checksum; token 0's first values)\n";
  for (size_t i = 0; i < f.layers.size() && i < kMaxLines; ++i) {
    const LayerOutput& l = f.layers[i];
    out << "  batch " << l.batch << " layer " << l.layer << ": checksum " << checksum_text(l.checksum) << "  [";
    for (size_t v = 0; v < l.head.size(); ++v) out << (v ? " " : "") << int(l.head[v]);
    out << "]\n";
  }
  if (f.layers.size() > kMaxLines)
    out << "  ... " << f.layers.size() - kMaxLines << " more (summary.json: layer_outputs)\n";
  out << "last layers of all batches: output " << f.output_checksum << ", reference " << f.reference_checksum << ": "
      << (f.matches ? "output matches the reference bit for bit" : "MISMATCH, first at " + f.first_mismatch) << '\n';
}

// Where the model description came from; an hf_config by its folder and file name only.
std::string model_source(const MoeModelConfig& m) {
  if (!m.preset.empty()) return "preset:" + m.preset;
  if (!m.hf_config.empty()) {
    const std::filesystem::path p(m.hf_config);
    return "hf_config:" + (p.parent_path().filename() / p.filename()).string();
  }
  return "keys";
}

// summary.json's "model": parameters as the model cards count them, and per
// tensor class its parameters, bytes, format and home (capacity_plan.h).
void write_model_block(JsonWriter& j, const RunReport& r) {
  const CapacityPlan& m = r.model;
  j.begin_object("model").value("source", r.model_source);
  j.value("decoder_layers", m.decoder_layers).value("dense_layers", m.dense_layers).value("moe_layers", m.moe_layers);
  j.value("params_total", m.size.params_total()).value("params_active_per_token", m.size.params_active_per_token());
  j.value("params_active_per_token_excl_embedding", m.size.params_active_per_token_excl_embedding());
  j.value("weight_bytes", m.size.bytes_total());
  j.begin_object("tensor_classes");
  for (const PlacedTensors& t : m.tensors) {
    j.begin_object(tensor_class_name(t.tensor_class)).value("params", t.size.params);
    j.value("active_params_per_token", t.size.active_params_per_token).value("bytes", t.size.bytes);
    j.value("format", t.format).value("memory", t.memory).end_object();
  }
  j.end_object().end_object();
}

}  // namespace

double RunReport::lower_bound_s() const {
  double sum = 0;
  for (const auto& l : layers) sum += l.lower_bound_s;
  return sum;
}

double RunReport::tight_lower_bound_s() const {
  double sum = 0;
  for (const auto& l : layers) sum += l.tight_lower_bound_s;
  return sum;
}

RunReport collect_report(const Platform& p, const JobTable& jobs) {
  const Scenario& s = p.scenario();
  RunReport r;
  r.scenario = s.name;
  r.scenario_file = s.file;
  r.policy = p.fw.policy().name();
  r.compute = to_string(s.simulation.compute);
  r.routing = routing_origin(s.workload);
  r.weights_home = s.model.weights_home == WeightsHome::cxl ? "cxl" : "ddr";
  r.seed = s.seed;
  r.protocol_checks = s.simulation.checks == ChecksMode::protocol;
  r.protocol_violations = p.protocol_violations();
  r.batches = p.fw.batches();
  r.layers = p.fw.layers();
  r.tokens = uint64_t(s.workload.tokens_per_batch) * r.batches.size();
  for (const auto& b : r.batches) r.assignments += b.tokens;
  r.simulated_ps = r.batches.empty() ? 0 : r.batches.back().end_ps;
  r.routes = p.telemetry().transactions.routes();
  r.jobs = jobs.rows();
  r.jobs_streamed = jobs.streamed();
  r.devices = jobs.devices();
  r.failed = jobs.failed();
  r.first_failed = jobs.first_failed();
  r.model_source = model_source(s.model);
  r.model = plan_capacity(s);
  r.forward = p.fw.forward();
  r.busy_by_kind = jobs.busy_by_kind();
  for (const auto& gpu : p.hw.gpus) {  // every GPU's expert cache together
    const ResidentExperts& cache = gpu->resident();
    r.gpu_cache.slots += cache.slots();
    r.gpu_cache.hits += cache.hits();
    r.gpu_cache.misses += cache.misses();
    r.gpu_cache.evictions += cache.evictions();
  }
  for (const auto& l : p.hw.links()) r.links.push_back(link_report(l.name, *l.link));
  for (const auto& m : p.hw.memories()) r.links.push_back(memory_report(m.name, *m.dram));
  if (const FunctionalCheck* check = p.functional_check())
    r.functional = FunctionalReport{checksum_text(check->output_checksum()), checksum_text(check->reference_checksum()),
                                    check->matches(), check->first_mismatch(), check->layers()};
  return r;
}

// Whole-layer models: the forward pass's time per kind of step (summed over
// batches and layers), each step kind's share of it, and every device's busy
// time per kind of job, so that "the experts are X % of the pass" is read here.
namespace {

struct StepTotals {
  std::vector<std::pair<std::string, uint64_t>> steps;  // in forward order
  uint64_t total = 0;
};

StepTotals step_totals(const std::vector<ForwardRecord>& records) {
  StepTotals t;
  for (const char* what : {"embeddings", "attention", "dense_ffn", "moe", "lm_head"}) {
    uint64_t ps = 0;
    for (const ForwardRecord& f : records)
      if (std::string(f.what) == what) ps += f.end_ps - f.start_ps;
    t.steps.push_back({what, ps});
    t.total += ps;
  }
  return t;
}

void write_forward_block(JsonWriter& j, const RunReport& r) {
  if (r.forward.empty()) return;
  const StepTotals t = step_totals(r.forward);
  j.begin_object("forward_pass");
  j.begin_object("time_s");
  for (const auto& [what, ps] : t.steps) j.value(what, ps * 1e-12);
  j.end_object();
  j.begin_object("fraction");
  for (const auto& [what, ps] : t.steps) j.value(what, t.total ? double(ps) / double(t.total) : 0.0);
  j.end_object();
  j.begin_object("busy_s");
  std::string device;
  for (const auto& [key, ps] : r.busy_by_kind) {
    if (key.first != device) {
      if (!device.empty()) j.end_object();
      device = key.first;
      j.begin_object(device);
    }
    j.value(key.second, ps * 1e-12);
  }
  if (!device.empty()) j.end_object();
  j.end_object();
  j.end_object();
}

void print_forward(const RunReport& r, std::ostream& out) {
  if (r.forward.empty()) return;
  const StepTotals t = step_totals(r.forward);
  out << "forward pass:";
  for (const auto& [what, ps] : t.steps) {
    if (!ps) continue;
    out << ' ' << (what == "moe" ? "experts (routed and shared)" : what) << ' ' << std::fixed << std::setprecision(3)
        << ps * 1e-9 << " ms (" << std::setprecision(1) << (t.total ? 100.0 * ps / t.total : 0.0) << " %)";
  }
  out << '\n';
}

}  // namespace

void write_report_files(const RunReport& r, const std::string& dir) {
  {
    std::ofstream f(dir + "/summary.json");
    JsonWriter j(f);
    j.begin_object();
    j.value("scenario", r.scenario).value("scenario_file", r.scenario_file).value("seed", r.seed);
    j.value("policy", r.policy).value("compute", r.compute);
    j.value("routing", r.routing);
    j.value("tokens", r.tokens).value("token_expert_assignments", r.assignments);
    j.value("simulated_time_s", r.simulated_s()).value("throughput_tokens_per_s", r.throughput_tokens_per_s());
    j.value("lower_bound_s", r.lower_bound_s());
    j.value("ratio_to_lower_bound", r.lower_bound_s() > 0 ? r.simulated_s() / r.lower_bound_s() : 0.0);
    j.value("tight_lower_bound_s", r.tight_lower_bound_s());
    j.value("ratio_to_tight_lower_bound", r.tight_lower_bound_s() > 0 ? r.simulated_s() / r.tight_lower_bound_s() : 0.0);
    if (r.protocol_checks) j.value("protocol_violations", r.protocol_violations);
    if (r.functional) {
      const FunctionalReport& f = *r.functional;
      j.value("data", "functional").value("output_checksum", f.output_checksum);
      j.value("reference_checksum", f.reference_checksum).value("output_matches_reference", f.matches);
      if (!f.matches) j.value("first_mismatch", f.first_mismatch);
      j.begin_array("layer_outputs");
      for (const auto& l : f.layers)
        j.begin_object().value("batch", l.batch).value("layer", l.layer).value("checksum", checksum_text(l.checksum)).end_object();
      j.end_array();
    }
    write_model_block(j, r);
    write_forward_block(j, r);
    j.begin_object("routes");
    for (const auto& x : r.routes) {
      j.begin_object(x.name).value("count", x.count).value("bytes", x.bytes);
      j.begin_object("latency_ns").value("min", x.min_ns).value("mean", x.mean_ns).value("p50", x.p50_ns);
      j.value("p95", x.p95_ns).value("p99", x.p99_ns).value("max", x.max_ns).end_object().end_object();
    }
    j.end_object();
    j.begin_object("jobs");
    for (const auto& d : r.devices) {
      j.begin_object(d.name).value("count", d.jobs).value("tokens", d.tokens).value("busy_s", d.busy_ps * 1e-12);
      j.value("utilization", r.simulated_ps ? double(d.busy_ps) / double(r.simulated_ps) : 0.0).end_object();
    }
    j.end_object();
    j.begin_object("links");
    for (const auto& l : r.links) {
      j.begin_object(l.name).value("bytes", l.downstream_bytes + l.upstream_bytes);
      j.value("downstream_bytes", l.downstream_bytes).value("upstream_bytes", l.upstream_bytes);
      j.value("achieved_GBps", gbps(l.downstream_bytes + l.upstream_bytes, r.simulated_ps));
      j.value("utilization", r.simulated_ps ? double(l.busy_ps) / double(r.simulated_ps) : 0.0).end_object();
    }
    j.end_object();
    j.begin_object("gpu_expert_cache").value("slots", r.gpu_cache.slots).value("hits", r.gpu_cache.hits);
    j.value("misses", r.gpu_cache.misses).value("evictions", r.gpu_cache.evictions).end_object();
    j.begin_array("layers");
    for (const auto& l : r.layers) {
      j.begin_object().value("batch", l.batch).value("layer", l.layer);
      j.value("latency_s", (l.end_ps - l.start_ps) * 1e-12).value("lower_bound_s", l.lower_bound_s);
      j.value("tight_lower_bound_s", l.tight_lower_bound_s);
      j.value("gpu_jobs", l.jobs_per_lane[0]).value("cpu_jobs", l.jobs_per_lane[1]).value("ndp_jobs", l.jobs_per_lane[2]);
      j.end_object();
    }
    j.end_array();
    j.begin_array("batches");
    for (const auto& b : r.batches)
      j.begin_object().value("index", b.index).value("latency_s", (b.end_ps - b.start_ps) * 1e-12).end_object();
    j.end_array();
    j.end_object();
    if (const std::string error = close_checked(f); !error.empty())
      throw std::runtime_error("cannot write " + dir + "/summary.json: " + error);
  }
  write_csv<RouteSummary>(dir + "/routes.csv", "route,count,bytes,min_ns,mean_ns,p50_ns,p95_ns,p99_ns,max_ns",
                          r.routes, [](std::ostream& o, const RouteSummary& x) {
                            o << x.name << ',' << x.count << ',' << x.bytes << ',' << n(x.min_ns) << ','
                              << n(x.mean_ns) << ',' << n(x.p50_ns) << ',' << n(x.p95_ns) << ',' << n(x.p99_ns)
                              << ',' << n(x.max_ns);
                          });
  if (!r.jobs_streamed)
    write_csv<JobReport>(dir + "/jobs.csv", JobTable::kCsvHeader, r.jobs,
                         [](std::ostream& o, const JobReport& x) { JobTable::write_row(o, x); });
  write_csv<DeviceReport>(dir + "/devices.csv", "device,jobs,tokens,busy_s", r.devices,
                          [](std::ostream& o, const DeviceReport& x) {
                            o << x.name << ',' << x.jobs << ',' << x.tokens << ',' << n(x.busy_ps * 1e-12);
                          });
  write_csv<LinkReport>(dir + "/links.csv", "link,downstream_bytes,upstream_bytes,busy_s", r.links,
                        [](std::ostream& o, const LinkReport& x) {
                          o << x.name << ',' << x.downstream_bytes << ',' << x.upstream_bytes << ','
                            << n(x.busy_ps * 1e-12);
                        });
  write_csv<BatchRecord>(dir + "/batches.csv", "batch,start_s,end_s,latency_s", r.batches,
                         [](std::ostream& o, const BatchRecord& x) {
                           o << x.index << ',' << n(x.start_ps * 1e-12) << ',' << n(x.end_ps * 1e-12) << ','
                             << n((x.end_ps - x.start_ps) * 1e-12);
                         });
}

void print_report(const RunReport& r, std::ostream& out) {
  const auto fixed = [&out](int w, int prec) -> std::ostream& { return out << std::setw(w) << std::fixed << std::setprecision(prec); };
  out << "scenario " << r.scenario << " (seed " << r.seed << ", policy " << r.policy << ", compute " << r.compute
      << ")\n";
  out << "  " << r.tokens << " tokens in " << r.batches.size() << " batches: simulated ";
  fixed(0, 3) << r.simulated_s() * 1e3 << " ms, throughput ";
  fixed(0, 1) << r.throughput_tokens_per_s() << " tokens/s\n";
  out << "  lower bound for these placement problems ";
  fixed(0, 3) << r.lower_bound_s() * 1e3 << " ms; the run took ";
  fixed(0, 2) << (r.lower_bound_s() > 0 ? r.simulated_s() / r.lower_bound_s() : 0.0) << "x that\n";
  out << "  tight lower bound (best number of GPU experts) ";
  fixed(0, 3) << r.tight_lower_bound_s() * 1e3 << " ms; the run took ";
  fixed(0, 2) << (r.tight_lower_bound_s() > 0 ? r.simulated_s() / r.tight_lower_bound_s() : 0.0) << "x that\n";
  print_forward(r, out);
  out << '\n';

  out << std::left << std::setw(26) << "route" << std::right << std::setw(10) << "count" << std::setw(12) << "MiB"
      << std::setw(11) << "min ns" << std::setw(11) << "mean ns" << std::setw(11) << "p50 ns" << std::setw(11)
      << "p95 ns" << std::setw(11) << "p99 ns" << std::setw(11) << "max ns" << '\n';
  for (const auto& x : r.routes) {
    out << std::left << std::setw(26) << x.name << std::right << std::setw(10) << x.count;
    fixed(12, 1) << x.bytes / 1048576.0;
    for (double v : {x.min_ns, x.mean_ns, x.p50_ns, x.p95_ns, x.p99_ns, x.max_ns}) fixed(11, 0) << v;
    out << '\n';
  }
  out << '\n' << std::left << std::setw(12) << "device" << std::right << std::setw(8) << "jobs" << std::setw(10)
      << "tokens" << std::setw(12) << "busy ms" << std::setw(8) << "util" << '\n';
  for (const auto& d : r.devices) {
    out << std::left << std::setw(12) << d.name << std::right << std::setw(8) << d.jobs << std::setw(10) << d.tokens;
    fixed(12, 3) << d.busy_ps * 1e-9;
    fixed(7, 1) << (r.simulated_ps ? 100.0 * d.busy_ps / r.simulated_ps : 0.0) << "%\n";
  }
  out << "\nGPU expert cache: " << r.gpu_cache.slots << " HBM slots, " << r.gpu_cache.hits << " hits, "
      << r.gpu_cache.misses << " misses, " << r.gpu_cache.evictions << " evictions\n";
  out << '\n' << std::left << std::setw(12) << "link/memory" << std::right << std::setw(12) << "down MiB"
      << std::setw(12) << "up MiB" << std::setw(10) << "GB/s" << std::setw(8) << "util" << '\n';
  for (const auto& l : r.links) {
    out << std::left << std::setw(12) << l.name << std::right;
    fixed(12, 1) << l.downstream_bytes / 1048576.0;
    fixed(12, 1) << l.upstream_bytes / 1048576.0;
    fixed(10, 2) << gbps(l.downstream_bytes + l.upstream_bytes, r.simulated_ps);
    fixed(7, 1) << (r.simulated_ps ? 100.0 * l.busy_ps / r.simulated_ps : 0.0) << "%\n";
  }
  if (r.functional) print_functional(*r.functional, out);
  out.unsetf(std::ios::floatfield);
  out << std::setprecision(6);
}

}  // namespace cxlvp
