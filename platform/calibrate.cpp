#include "calibrate.h"

#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "../models/cxl/cxl_flit_format.h"
#include "calibration_rig.h"
#include "child_run.h"
#include "cli.h"
#include "json_writer.h"
#include "presets.h"
#include "scenario_loader.h"

namespace fs = std::filesystem;

namespace cxlvp {

const char* const kCalibrateUsage = R"(usage:
  cxlvp calibrate [--preset NAME ...] [--set KEY=VALUE ...] [--out DIR] [-j N]
  cxlvp calibrate --probe KIND [--memory ddr|cxl] [--mix R:W] [--load GBPS] [--tokens N]
                  [--preset NAME ...] [--set KEY=VALUE ...]

  Runs microbenchmarks on the modeled platform, each as its own cxlvp child process,
  and compares them with published hardware figures (docs/calibration.md):
    pointer chase (dependent 64 B reads) from the cores to DDR and CXL memory, and
    from the GPU's DMA engine to host DDR; read/write streams (read-only,
    write-only, 2:1, 1:1) to DDR and CXL memory; host-to-device and
    device-to-host copies over PCIe; loaded latency (a chase under a rising read
    load) for DDR and CXL; AMX GEMM (M = 4096) and GEMV (batch 1..64) with
    weights in DDR and CXL; the NDP engine's MAC rate against its memory port.
  Prints a table and writes DIR/calibration.json (entries {name, unit,
  measured, published, source, error_pct, ...}), DIR/loaded_latency.csv,
  DIR/amx_batch.csv and DIR/ndp_batch.csv. Draw the loaded-latency plot,
  OUTDIR/loaded_latency.png, with
  /usr/bin/python3 tools/plot.py OUTDIR --loaded-latency DIR/loaded_latency.csv

  Without --preset each probe runs on the hardware its published figure was
  measured on: spr + cz120 + h100-pcie, gnr for Granite Rapids AMX, cxl-x16
  for the bandwidth ratio, paper for the NDP engine. --preset NAME ... runs
  every probe on those presets instead; entries keep their published value only
  when their reference presets are all among them. --set applies to every probe.

options:
  --preset NAME ...  presets, later over earlier (names below)
  --set KEY=VALUE    any scenario key, for every probe (repeatable)
  --out DIR          result folder (default results/calibration)
  -j N               probes run at once (default 2)
  --probe KIND       run one probe in this process and print what it measured:
                     chase, stream, loaded, gpu_chase, h2d, d2h, amx, ndp
  --memory ddr|cxl   memory under test (chase, stream, loaded, amx; default ddr)
  --mix R:W          stream: bytes read : bytes written (default 1:0)
  --load GBPS        loaded: offered read load beside the chase (default 0)
  --tokens N         amx, ndp: batch, the M of the GEMM (default 1)
exit status: 0; 1 when a probe failed or an entry is out of tolerance without an
explanation; 2 bad options or scenario keys
presets: )";

namespace {

constexpr double kTolerancePct = 10;

[[noreturn]] void bad_usage(const std::string& what) { throw UsageError("calibrate", what); }

struct Options {
  std::vector<std::string> presets;
  std::vector<std::string> sets;
  std::string out;
  unsigned jobs = 2;
  bool probe = false;
  ProbeRequest request;
  std::string result_file;
};

template <class T>
T number_option(const std::string& option, const std::string& text) {
  T value{};
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end || !(value >= T(0)))
    bad_usage(option + " needs a non-negative number (got '" + text + "')");
  return value;
}

Options parse(const CommandLine& line) {
  Options o;
  o.presets = line.list("preset");
  o.sets = line.list("set");
  o.out = line.text("out");
  if (!line.text("jobs").empty()) o.jobs = line.positive_count("jobs", "-j");
  if (const std::string kind = line.text("probe"); !kind.empty()) {
    o.probe = true;
    if (!parse_probe_kind(kind, o.request.kind))
      bad_usage("--probe must be chase, stream, loaded, gpu_chase, h2d, d2h, amx or ndp (got '" + kind + "')");
  }
  const std::string memory = line.text("memory");
  if (!memory.empty()) {
    if (memory != "ddr" && memory != "cxl") bad_usage("--memory must be ddr or cxl (got '" + memory + "')");
    o.request.cxl = memory == "cxl";
  }
  if (const std::string mix = line.text("mix"); !mix.empty()) {
    const auto colon = mix.find(':');
    if (colon == std::string::npos) bad_usage("--mix needs R:W, e.g. 2:1 (got '" + mix + "')");
    o.request.reads = number_option<unsigned>("--mix", mix.substr(0, colon));
    o.request.writes = number_option<unsigned>("--mix", mix.substr(colon + 1));
    if (o.request.reads + o.request.writes == 0) bad_usage("--mix needs reads or writes");
  }
  if (const std::string load = line.text("load"); !load.empty()) o.request.load_GBps = number_option<double>("--load", load);
  if (const std::string tokens = line.text("tokens"); !tokens.empty()) {
    o.request.tokens = number_option<unsigned>("--tokens", tokens);
    if (o.request.tokens == 0) bad_usage("--tokens needs a positive number");
  }
  o.result_file = line.text("result");
  if (!o.probe && (!memory.empty() || !o.result_file.empty())) bad_usage("--memory and --result go with --probe");
  if (o.probe && !o.out.empty()) bad_usage("--out does not go with --probe (its results are printed)");
  return o;
}

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : sep) + w;
  return text;
}

// The scenario a probe runs on: defaults, the presets, then --set, through the
// scenario loader (so every key is checked as in a scenario file).
Scenario probe_scenario(const std::vector<std::string>& presets, const std::vector<std::string>& sets) {
  std::vector<std::string> overrides{"name=calibration"};
  if (!presets.empty()) overrides.push_back(std::string(kPresetKey) + "=[" + join(presets, ", ") + "]");
  overrides.insert(overrides.end(), sets.begin(), sets.end());
  return load_defaults(overrides);
}

std::string number(double v) {
  std::ostringstream text;
  text << std::setprecision(17) << v;
  return text.str();
}

int run_one_probe(const Options& o) {
  const Scenario s = probe_scenario(o.presets, o.sets);
  std::string error;
  const ProbeResult result = run_probe(s, o.request, error);
  if (!error.empty()) {
    std::cerr << "cxlvp: error: " << error << '\n';
    return 1;
  }
  if (o.result_file.empty()) {
    for (const auto& [key, value] : result) std::cout << key << " = " << value << "\n";
    return 0;
  }
  std::ofstream out(o.result_file);
  for (const auto& [key, value] : result) out << key << " " << number(value) << "\n";
  return out ? 0 : 1;
}

// ---- the suite --------------------------------------------------------------

struct Run {
  std::string id;
  std::vector<std::string> presets;  // reference hardware of the figure it feeds
  std::vector<std::string> sets;     // on top of the presets and the user's --set
  ProbeRequest request;
  ProbeResult result;
  bool ok = false;
};

const std::vector<std::string> kBase{"spr", "cz120", "h100-pcie"};

ProbeRequest probe(ProbeKind kind, bool cxl = false) {
  ProbeRequest r;
  r.kind = kind;
  r.cxl = cxl;
  return r;
}

struct Suite {
  std::vector<Run> runs;
  std::vector<double> loaded_levels;  // fractions of the nominal read peak
  std::vector<unsigned> batches{1, 2, 4, 8, 16, 32, 64};
  std::vector<unsigned> ndp_batches{1, 4, 16, 64, 256, 4096};

  void add(std::string id, std::vector<std::string> presets, ProbeRequest r, std::vector<std::string> sets = {}) {
    runs.push_back({std::move(id), std::move(presets), std::move(sets), r, {}, false});
  }
  const Run* find(const std::string& id) const {
    for (const auto& r : runs)
      if (r.id == id) return &r;
    return nullptr;
  }
  std::optional<double> get(const std::string& id, const std::string& key) const {
    const Run* r = find(id);
    if (!r || !r->ok || !r->result.count(key)) return std::nullopt;
    return r->result.at(key);
  }
};

// Nominal read peak of a memory as seen from the cores: only to place the
// loaded-latency points, never reported as a result.
double nominal_read_GBps(const Scenario& s, bool cxl) {
  if (!cxl) return s.platform.host.ddr.peak_GBps;
  const CxlFlitFormat link(s.platform.cxl.link);
  return std::min(s.platform.cxl.dram.peak_GBps, link.wire_GBps() * link.read_efficiency());
}

Suite build_suite(const Options& o) {
  const bool own = !o.presets.empty();
  const auto on = [&](const std::vector<std::string>& reference) { return own ? o.presets : reference; };
  Suite suite;
  suite.add("chase.ddr", on(kBase), probe(ProbeKind::chase));
  suite.add("chase.cxl", on(kBase), probe(ProbeKind::chase, true));
  suite.add("chase.gpu_dma", on(kBase), probe(ProbeKind::gpu_chase));
  const std::vector<std::pair<std::string, std::pair<unsigned, unsigned>>> mixes{
      {"read", {1, 0}}, {"write", {0, 1}}, {"2to1", {2, 1}}, {"1to1", {1, 1}}};
  for (bool cxl : {false, true})
    for (const auto& [name, mix] : mixes) {
      ProbeRequest r = probe(ProbeKind::stream, cxl);
      r.reads = mix.first;
      r.writes = mix.second;
      suite.add(std::string("stream.") + (cxl ? "cxl." : "ddr.") + name, on(kBase), r);
    }
  // The bandwidth ratio: a x16 expander's reads against host DDR cut to the
  // expander's channel count at the same per-channel rate.
  const std::vector<std::string> x16{"spr", "cxl-x16", "h100-pcie"};
  const Scenario ratio = probe_scenario(on(x16), o.sets);
  const auto& ddr = ratio.platform.host.ddr;
  const unsigned channels = ratio.platform.cxl.dram.channels;
  suite.add("ratio.cxl", on(x16), probe(ProbeKind::stream, true));
  suite.add("ratio.ddr", on(x16), probe(ProbeKind::stream),
            {"platform.host.ddr.channels=" + std::to_string(channels),
             "platform.host.ddr.peak_GBps=" + number(ddr.peak_GBps / ddr.channels * channels)});
  suite.add("pcie.h2d", on(kBase), probe(ProbeKind::h2d));
  suite.add("pcie.d2h", on(kBase), probe(ProbeKind::d2h));
  ProbeRequest gemm = probe(ProbeKind::amx);
  gemm.tokens = 4096;
  suite.add("amx.gemm.ddr", on(kBase), gemm);
  gemm.cxl = true;
  suite.add("amx.gemm.cxl", on(kBase), gemm);
  gemm.cxl = false;
  if (!own) suite.add("amx.gemm.gnr", {"gnr", "cz120", "h100-pcie"}, gemm);
  for (bool cxl : {false, true})
    for (unsigned b : suite.batches) {
      ProbeRequest r = probe(ProbeKind::amx, cxl);
      r.tokens = b;
      suite.add(std::string("amx.gemv.") + (cxl ? "cxl." : "ddr.") + std::to_string(b), on(kBase), r);
    }
  const Scenario ndp_platform = probe_scenario(on({"paper"}), o.sets);
  if (ndp_platform.platform.cxl.ndp.enabled)
    for (unsigned b : suite.ndp_batches) {
      ProbeRequest r = probe(ProbeKind::ndp);
      r.tokens = b;
      suite.add("ndp." + std::to_string(b), on({"paper"}), r);
    }
  const Scenario base = probe_scenario(on(kBase), o.sets);
  suite.loaded_levels = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1};
  for (bool cxl : {false, true})
    for (size_t k = 0; k < suite.loaded_levels.size(); ++k) {
      ProbeRequest r = probe(ProbeKind::loaded, cxl);
      r.load_GBps = suite.loaded_levels[k] * nominal_read_GBps(base, cxl);
      suite.add(std::string("loaded.") + (cxl ? "cxl." : "ddr.") + std::to_string(k), on(kBase), r);
    }
  return suite;
}

std::vector<std::string> child_args(const Run& run, const Options& o, const fs::path& result) {
  const ProbeRequest& r = run.request;
  std::vector<std::string> args{"cxlvp",    "calibrate", "--probe",   to_string(r.kind),
                                "--memory", r.cxl ? "cxl" : "ddr",
                                "--mix",    std::to_string(r.reads) + ":" + std::to_string(r.writes),
                                "--load",   number(r.load_GBps),
                                "--tokens", std::to_string(r.tokens)};
  if (!run.presets.empty()) {
    args.push_back("--preset");
    args.insert(args.end(), run.presets.begin(), run.presets.end());
  }
  for (const auto& set : o.sets) args.insert(args.end(), {"--set", set});
  for (const auto& set : run.sets) args.insert(args.end(), {"--set", set});
  args.insert(args.end(), {"--result", result.string()});
  return args;
}

ProbeResult read_result(const fs::path& file) {
  ProbeResult r;
  std::ifstream in(file);
  std::string key;
  double value;
  while (in >> key >> value) r[key] = value;
  return r;
}

// Runs every probe as a child process, `jobs` at once. False if any failed.
bool run_suite(Suite& suite, const Options& o, const fs::path& dir) {
  const fs::path work = dir / "probes";
  fs::create_directories(work);
  std::map<pid_t, size_t> running;
  size_t next = 0, done = 0;
  bool all_ok = true;
  while (next < suite.runs.size() || !running.empty()) {
    while (running.size() < o.jobs && next < suite.runs.size()) {
      const Run& run = suite.runs[next];
      running[start_self(child_args(run, o, work / (run.id + ".txt")), work / (run.id + ".log"))] = next;
      ++next;
    }
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, 0)) < 0 && errno == EINTR) {}
    if (pid < 0) throw std::runtime_error(std::string("waiting for a probe: ") + std::strerror(errno));
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    Run& run = suite.runs[it->second];
    running.erase(it);
    run.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    ++done;
    if (run.ok) run.result = read_result(work / (run.id + ".txt"));
    else {
      all_ok = false;
      std::cerr << "cxlvp: calibrate: probe " << run.id
                << " failed: " << child_failure(work / (run.id + ".log"), status) << "\n";
    }
  }
  std::cerr << "cxlvp: calibrate: " << done << " probes run\n";
  if (all_ok) fs::remove_all(work);  // keep the logs only when something failed
  return all_ok;
}

// ---- entries ----------------------------------------------------------------

struct Entry {
  std::string name, unit;
  std::optional<double> measured, published;
  std::string source;       // of the published figure
  std::string basis;        // anchor: a parameter was fitted to this figure; check: predicted; info
  std::string note;         // what the probe did
  std::string explanation;  // why the figure cannot be met by honest modeling (used when out of tolerance)
  std::vector<std::string> reference;  // presets the published figure belongs to

  std::optional<double> error_pct() const {
    if (!measured || !published) return std::nullopt;
    return (*measured - *published) / *published * 100;
  }
  bool within() const {
    const auto e = error_pct();
    return !e || std::fabs(*e) <= kTolerancePct;
  }
  std::string status() const {
    if (!published) return "info";
    if (!measured) return "missing";
    if (within()) return "ok";
    return explanation.empty() ? "OUT" : "explained";
  }
};

std::vector<Entry> build_entries(const Suite& s, const Options& o) {
  const std::string dmsim = "CXL-DMSim, arXiv 2411.02282 (lmbench 1 GB, stride 64; STREAM)";
  const auto ratio = [](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
    if (!a || !b || *b == 0) return std::nullopt;
    return *a / *b;
  };
  const auto pct = [&](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
    const auto r = ratio(a, b);
    if (!r) return r;
    return *r * 100;
  };
  std::vector<Entry> e;
  e.push_back({"ddr_chase_latency", "ns", s.get("chase.ddr", "latency_ns"), 136, dmsim, "anchor",
               "dependent 64 B reads of host DDR from the cores, 1 GiB working set",
               "", kBase});
  e.push_back({"cxl_chase_latency", "ns", s.get("chase.cxl", "latency_ns"), 287, dmsim + ", CXL ASIC", "anchor",
               "dependent 64 B reads of CXL memory from the cores", "", kBase});
  e.push_back({"cxl_ddr_latency_ratio", "x", ratio(s.get("chase.cxl", "latency_ns"), s.get("chase.ddr", "latency_ns")),
               2.18, "CXL-DMSim, arXiv 2411.02282 (CXL-ASIC ~2.18x local DDR)", "check",
               "chase latency CXL / DDR", "", kBase});
  e.push_back({"cxl_read_bw_vs_ddr_same_channels", "%", pct(s.get("ratio.cxl", "GBps"), s.get("ratio.ddr", "GBps")),
               82.5, "CXL-DMSim, arXiv 2411.02282 (CXL-ASIC 82-83 % of local DDR, STREAM)", "check",
               "read stream: x16 expander with 4 x DDR5-4800 vs host DDR cut to 4 x DDR5-4800",
               "the modeled expander's reads are bound by the x16 link's read data rate (63.0 GB/s x 83.7 % flit "
               "efficiency = 52.7 GB/s) while 4 DDR5-4800 channels give 153.6 GB/s; the ratio is a property of how "
               "many channels sit behind how many lanes, and CALIBRATION.md does not give CXL-DMSim's device "
               "configuration. Where DRAM, not the link, is the limit the model gives 100 %: it has no device "
               "memory-controller inefficiency to lose the other 17 %",
               {"spr", "cxl-x16", "h100-pcie"}});
  e.push_back({"cz120_mix_2to1_bandwidth", "GB/s", s.get("stream.cxl.2to1", "GBps"), 36,
               "Micron CZ120 announcement (MLC, 2:1 read:write, one module)", "check",
               "2:1 read:write streams from the cores to the x8 expander", "", kBase});
  e.push_back({"pcie5_x16_h2d_bandwidth", "GB/s", s.get("pcie.h2d", "GBps"), 55,
               "PCIe 5.0 x16: 63 GB/s raw; nvbandwidth host-to-device copies ~55 GB/s (CALIBRATION.md)", "check",
               "GPU copy engine, 64 MiB host DDR -> HBM", "", kBase});
  // With the user's presets one GEMM runs: it is the gnr entry when gnr is the host given.
  const bool gnr_given = std::find(o.presets.begin(), o.presets.end(), "gnr") != o.presets.end();
  const bool spr_given = std::find(o.presets.begin(), o.presets.end(), "spr") != o.presets.end();
  if (!gnr_given || spr_given)
    e.push_back({"amx_gemm_spr", "TFLOPS", s.get("amx.gemm.ddr", "TFLOPS"), 20,
                 "LIA (ISCA 2025), KTransformers (SOSP 2025): ~20-21 TFLOPS per SPR socket", "anchor",
                 "CPU expert job, M = 4096, K x N = 4096 x 8192 BF16 weights in DDR", "", kBase});
  if (s.find("amx.gemm.gnr") || gnr_given)
    e.push_back({"amx_gemm_gnr", "TFLOPS", s.get(gnr_given ? "amx.gemm.ddr" : "amx.gemm.gnr", "TFLOPS"), 40,
                 "LIA (ISCA 2025), KTransformers (SOSP 2025): ~40 TFLOPS per GNR socket", "anchor",
                 "as amx_gemm_spr on the gnr preset", "", {"gnr", "cz120", "h100-pcie"}});
  e.push_back({"amx_gemv_b1_weight_stream", "GB/s", s.get("amx.gemv.ddr.1", "weight_GBps"), 307.2,
               "KTransformers (SOSP 2025): AMX at batch 1 is memory-bound; bound = 8 x DDR5-4800 = 307.2 GB/s (Intel)",
               "check", "CPU expert job at batch 1: weight bytes / job time", "", kBase});
  // Measured only: no published figure to meet.
  const auto info = [&](std::string name, std::string unit, std::optional<double> v, std::string note,
                        std::vector<std::string> reference = kBase) {
    e.push_back({std::move(name), std::move(unit), v, std::nullopt, "", "info", std::move(note), "",
                 std::move(reference)});
  };
  info("gpu_dma_chase_latency", "ns", s.get("chase.gpu_dma", "latency_ns"),
       "GPU copy engine reading host DDR one 64 B line at a time (p50 of gpu.dma->ddr)");
  info("pcie5_x16_d2h_bandwidth", "GB/s", s.get("pcie.d2h", "GBps"), "GPU copy engine, 64 MiB HBM -> host DDR");
  for (const char* m : {"ddr", "cxl"})
    for (const char* mix : {"read", "write", "2to1", "1to1"})
      info(std::string("stream_") + m + "_" + mix, "GB/s", s.get(std::string("stream.") + m + "." + mix, "GBps"),
           std::string("cores streaming ") + mix + " to " + m);
  info("amx_gemm_weights_in_cxl", "TFLOPS", s.get("amx.gemm.cxl", "TFLOPS"), "as amx_gemm_spr, weights in CXL memory");
  info("amx_gemv_b1_weights_in_cxl", "GB/s", s.get("amx.gemv.cxl.1", "weight_GBps"),
       "as amx_gemv_b1_weight_stream, weights in CXL memory");
  info("ndp_mac_rate_compute_bound", "GMAC/s", s.get("ndp.4096", "GMACps"),
       "NDP job, M = 4096 (configured MAC array: platform.cxl.ndp.mac_GMACps)", {"paper"});
  info("ndp_port_rate_memory_bound", "GB/s", s.get("ndp.1", "weight_GBps"),
       "NDP job at batch 1: weight bytes / job time (configured port: platform.cxl.ndp.internal_GBps)", {"paper"});
  // With the user's presets, a published figure applies only to its own hardware.
  if (!o.presets.empty())
    for (auto& entry : e) {
      const bool covered = std::all_of(entry.reference.begin(), entry.reference.end(), [&](const std::string& p) {
        return std::find(o.presets.begin(), o.presets.end(), p) != o.presets.end();
      });
      if (!covered) entry.published.reset();
    }
  return e;
}

std::string fixed(std::optional<double> v, int digits) {
  if (!v) return "-";
  std::ostringstream t;
  t << std::fixed << std::setprecision(digits) << *v;
  return t.str();
}

void print_table(const std::vector<Entry>& entries, std::ostream& out) {
  out << std::left << std::setw(34) << "entry" << std::setw(8) << "unit" << std::right << std::setw(10) << "measured"
      << std::setw(11) << "published" << std::setw(9) << "error %" << "  " << std::left << std::setw(10) << "status"
      << "basis\n";
  for (const auto& e : entries)
    out << std::left << std::setw(34) << e.name << std::setw(8) << e.unit << std::right << std::setw(10)
        << fixed(e.measured, 2) << std::setw(11) << fixed(e.published, 2) << std::setw(9) << fixed(e.error_pct(), 1)
        << "  " << std::left << std::setw(10) << e.status() << e.basis << "\n";
  out << "\ntolerance " << kTolerancePct << " %. anchor: a parameter was fitted to this figure; check: predicted "
      << "from other parameters; info: no published figure.\n";
  for (const auto& e : entries)
    if (e.status() == "explained") out << "\n" << e.name << " (explained): " << e.explanation << "\n";
}

void write_json(const std::vector<Entry>& entries, const Options& o, const fs::path& file) {
  std::ofstream out(file);
  JsonWriter j(out);
  j.begin_object();
  j.value("tolerance_pct", kTolerancePct);
  j.value("presets", o.presets.empty() ? std::string("per entry (reference)") : join(o.presets, ", "));
  j.value("sets", join(o.sets, " "));
  j.begin_array("entries");
  for (const auto& e : entries) {
    j.begin_object();
    j.value("name", e.name).value("unit", e.unit);
    if (e.measured) j.value("measured", *e.measured);
    else j.null("measured");
    if (e.published) j.value("published", *e.published);
    else j.null("published");
    j.value("source", e.source);
    if (const auto err = e.error_pct()) j.value("error_pct", *err);
    else j.null("error_pct");
    j.value("status", e.status()).value("basis", e.basis);
    j.value("presets", join(o.presets.empty() ? e.reference : o.presets, ", "));  // what the probe ran on
    j.value("note", e.note);
    if (e.status() == "explained") j.value("explanation", e.explanation);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  out << "\n";
}

void write_curves(const Suite& s, const fs::path& dir) {
  std::ofstream loaded(dir / "loaded_latency.csv");
  loaded << "memory,offered_GBps,achieved_GBps,latency_ns\n";
  for (const char* m : {"ddr", "cxl"})
    for (size_t k = 0; k < s.loaded_levels.size(); ++k) {
      const Run* run = s.find(std::string("loaded.") + m + "." + std::to_string(k));
      if (!run || !run->ok) continue;
      const auto achieved = run->result.count("achieved_GBps") ? run->result.at("achieved_GBps") : 0.0;
      loaded << m << "," << JsonWriter::number(run->request.load_GBps) << "," << JsonWriter::number(achieved) << ","
             << JsonWriter::number(run->result.at("latency_ns")) << "\n";
    }
  std::ofstream amx(dir / "amx_batch.csv");
  amx << "weights,tokens,TFLOPS,weight_GBps\n";
  for (const char* m : {"ddr", "cxl"})
    for (unsigned b : s.batches) {
      const Run* run = s.find(std::string("amx.gemv.") + m + "." + std::to_string(b));
      if (!run || !run->ok) continue;
      amx << m << "," << b << "," << JsonWriter::number(run->result.at("TFLOPS")) << ","
          << JsonWriter::number(run->result.at("weight_GBps")) << "\n";
    }
  std::ofstream ndp(dir / "ndp_batch.csv");
  ndp << "tokens,GMACps,weight_GBps\n";
  for (unsigned b : s.ndp_batches) {
    const Run* run = s.find("ndp." + std::to_string(b));
    if (!run || !run->ok) continue;
    ndp << b << "," << JsonWriter::number(run->result.at("GMACps")) << ","
        << JsonWriter::number(run->result.at("weight_GBps")) << "\n";
  }
}

}  // namespace

int run_calibrate(const CommandLine& line) {
  const Options o = parse(line);
  if (o.probe) return run_one_probe(o);
  for (const auto& p : o.presets)
    if (!find_preset(p)) bad_usage("unknown preset '" + p + "' (expected one of " + preset_names() + ")");
  Suite suite = build_suite(o);  // loads the scenarios: a bad --set stops here, before any child runs
  const fs::path dir = o.out.empty() ? fs::path("results") / "calibration" : fs::path(o.out);
  fs::create_directories(dir);
  const bool all_ran = run_suite(suite, o, dir);
  const auto entries = build_entries(suite, o);
  write_json(entries, o, dir / "calibration.json");
  write_curves(suite, dir);
  print_table(entries, std::cout);
  std::cout << "\nresults in " << dir.string()
            << "/ (calibration.json, loaded_latency.csv, amx_batch.csv, ndp_batch.csv)\n";
  const bool unexplained = std::any_of(entries.begin(), entries.end(), [](const Entry& e) {
    return e.status() == "OUT" || e.status() == "missing";
  });
  return all_ran && !unexplained ? 0 : 1;
}

}  // namespace cxlvp
