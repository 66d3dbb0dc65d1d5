// cxlvp: the command-line front end of the virtual platform.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <systemc>
#include <unistd.h>
#include <vector>

#include "../firmware/routing_trace_format.h"
#include "bench.h"
#include "json_writer.h"
#include "calibrate.h"
#include "capacity_plan.h"
#include "platform.h"
#include "report.h"
#include "scenario_loader.h"
#include "sweep_grid.h"
#include "sweep_runner.h"
#include "timeline.h"

namespace fs = std::filesystem;
using namespace cxlvp;

namespace {

constexpr int kExitBadInput = 2;

const char* const kUsage = R"(cxlvp - SystemC/TLM-2.0 virtual platform for MoE inference offloaded to CXL memory

usage:
  cxlvp run SCENARIO.yaml [--out DIR] [--set KEY=VALUE ...] [--transactions FILE]
            [--save-routing FILE] [--timeline FILE] [--vcd FILE] [--timing FILE] [--quiet]
  cxlvp sweep SCENARIO.yaml [-j N] [--out DIR] [--set KEY=VALUE ...]
              [--jobs-file FILE [--format parallel|slurm]]
  cxlvp validate SCENARIO.yaml [--set KEY=VALUE ...]
  cxlvp keys
  cxlvp bench [--scenarios A.yaml B.yaml ...] [--bursts 4096,16384,65536] [--quick] [--scaling]
              [--calls N] [--out DIR]
  cxlvp calibrate [--preset NAME ...] [--set KEY=VALUE ...] [--out DIR] [-j N]
  cxlvp --help

commands:
  run        elaborate the platform described by SCENARIO.yaml, run every batch, print a
             summary and write results to DIR (default: results/<scenario name>):
               summary.json  scenario, seed, policy, routing, tokens, simulated_time_s,
                             throughput_tokens_per_s, model (params_total,
                             params_active_per_token, per tensor class: params, bytes,
                             format, memory), routes (count, bytes, latency_ns
                             min/mean/p50/p95/p99/max), jobs (per device: count, tokens,
                             busy_s, utilization), links (bytes, achieved_GBps), batches;
                             simulation.data functional adds output_checksum,
                             reference_checksum, output_matches_reference, layer_outputs
               routes.csv    per route (initiator->target) latency statistics in ns
               jobs.csv      every job: device, kind, batch, layer, expert, tokens, bytes, start/end ns
               devices.csv   per device busy time;  links.csv  per link/memory bytes and busy time
               batches.csv   per batch start, end and latency in s
             The folder appears only when the run completed; a failed run leaves none.
             A sweep: block in SCENARIO.yaml is ignored (run says so).
  sweep      run every point of SCENARIO.yaml's sweep: block, a grid over scenario keys
             (docs/sweeps.md): each point is its own `cxlvp run --quiet` into
             DIR/points/<point>/ with the point's values as --set after yours, N at once;
             points already done there are skipped. Then writes DIR/sweep.csv, one row
             per point (default DIR: results/<scenario name>-sweep). Exit status 1 if a
             point failed; the others still run.
  validate   load and check SCENARIO.yaml (every key, type, range, capacity and address
             window) without running it, and every point of its sweep: block if any;
             print the model's parameters, and per tensor class its bytes, format and
             memory, and what each memory needs and holds (docs/models-zoo.md)
  keys       print the reference of every scenario key with its unit and default (Markdown)
  bench      measure simulation speed: the raw SystemC kernel rate (b_transport with a
             quantum keeper), then each scenario at each burst size as a `cxlvp run`
             process: wall time, transactions per wall second, simulated seconds per wall
             second, simulated time across burst sizes; prints whether the speed targets
             hold; --scaling adds tokens/experts/layers x1,x2,x4 (cxlvp bench --help,
             docs/performance.md)
  calibrate  run microbenchmarks on the modeled platform (pointer chase, streams, loaded
             latency, PCIe copies, AMX GEMM/GEMV, NDP) and compare them with published
             hardware figures: prints the table, writes DIR/calibration.json and the
             loaded-latency and AMX batch curves as CSV (default DIR: results/calibration;
             cxlvp calibrate --help, docs/calibration.md)

options:
  --out DIR            result folder; an existing result folder there is replaced
  --set KEY=VALUE      override one scenario key, e.g. --set platform.pcie.lanes=8
                       (repeatable; VALUE is YAML: numbers, true/false, names)
  --transactions FILE  stream every transaction (time, route, command, address, bytes,
                       latency, per-hop times) to FILE as CSV
  --save-routing FILE  write the run's routing (each token's experts, per batch and layer) to
                       FILE, a .csv or .jsonl routing trace; replay it with
                       --set workload.distribution=trace --set workload.trace_file=FILE
                       (docs/workloads.md)
  --timeline FILE      write a Chrome/Perfetto trace (JSON) of every job per device engine,
                       the transfers per link and the layers per batch to FILE; open it in
                       ui.perfetto.dev or chrome://tracing
  --vcd FILE           write the RTL NDP engine's waveforms to FILE (VCD, for GTKWave);
                       needs platform.cxl.ndp.impl: rtl (docs/ndp-plugin.md); large: every
                       engine cycle of the run (about 430 MB for scenarios/studies/ndp_rtl.yaml)
  --timing FILE        write the run's wall-clock times (s) to FILE as JSON: elaboration,
                       simulation (sc_start) and total; kept out of the result folder,
                       whose files are the same for the same scenario and seed
  --quiet              no summary, progress or notes on the console
  -j N                 sweep: points run at once (default 1)
  --jobs-file FILE     sweep: run nothing, write one `cxlvp run` command per point to FILE;
                       run `cxlvp sweep` again afterwards to collect sweep.csv
  --format FORMAT      of --jobs-file: parallel (one command a line, for
                       `parallel -j N < FILE`; the default) or slurm (a script for
                       `sbatch --array=0-<points-1> FILE`)

exit status: 0 success, 1 the simulation failed (or its functional outputs differ from the
reference), 2 bad input (the message names file, line and key).
Documentation: docs/ (architecture.md, one page per model, scenario-reference.md, sweeps.md).
)";

struct Options {
  std::string command, scenario, out, transactions, save_routing, timeline, vcd, timing;
  std::vector<std::string> overrides;
  bool quiet = false;
  unsigned jobs = 0;  // sweep -j; 0 when not given
  std::string jobs_file, format;
};

[[noreturn]] void bad_usage(const std::string& what) {
  std::cerr << "cxlvp: error: " << what << " (see cxlvp --help)\n";
  std::exit(kExitBadInput);
}

unsigned jobs_count(const std::string& text) {
  unsigned n = 0;
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, n);
  if (error != std::errc() || stop != end || n == 0) bad_usage("-j needs a positive number (got '" + text + "')");
  return n;
}

Options parse(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) bad_usage("no command given");
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const auto operand = [&]() -> const std::string& {
      if (i + 1 >= args.size()) bad_usage(a + " needs a value");
      return args[++i];
    };
    if (a == "--help" || a == "-h" || a == "help") o.command = "help";
    else if (a == "--out") o.out = operand();
    else if (a == "--set") o.overrides.push_back(operand());
    else if (a == "--transactions") o.transactions = operand();
    else if (a == "--save-routing") o.save_routing = operand();
    else if (a == "--timeline") o.timeline = operand();
    else if (a == "--vcd") o.vcd = operand();
    else if (a == "--timing") o.timing = operand();
    else if (a == "--quiet") o.quiet = true;
    else if (a == "-j" || a == "--jobs") o.jobs = jobs_count(operand());
    else if (a == "--jobs-file") o.jobs_file = operand();
    else if (a == "--format") o.format = operand();
    else if (!a.empty() && a[0] == '-') bad_usage("unknown option " + a);
    else if (o.command.empty()) o.command = a;
    else if (o.scenario.empty()) o.scenario = a;
    else bad_usage("unexpected argument " + a);
  }
  if (o.command != "run" && o.command != "sweep" && o.command != "validate" && o.command != "keys" &&
      o.command != "help")
    bad_usage("unknown command '" + o.command + "'");
  if ((o.command == "run" || o.command == "sweep" || o.command == "validate") && o.scenario.empty())
    bad_usage(o.command + " needs a scenario file");
  if (o.command != "sweep" && (o.jobs || !o.jobs_file.empty() || !o.format.empty()))
    bad_usage("-j, --jobs-file and --format apply to sweep only");
  if (o.command != "run" && !o.timeline.empty()) bad_usage("--timeline applies to run only");
  if (o.command != "run" && !o.vcd.empty()) bad_usage("--vcd applies to run only");
  if (o.command != "run" && !o.timing.empty()) bad_usage("--timing applies to run only");
  if (o.command == "sweep" && (!o.transactions.empty() || !o.save_routing.empty()))
    bad_usage("--transactions and --save-routing apply to run, not to the points of a sweep");
  if (!o.format.empty() && o.jobs_file.empty()) bad_usage("--format needs --jobs-file");
  if (!o.format.empty() && o.format != "parallel" && o.format != "slurm")
    bad_usage("--format must be parallel or slurm (got '" + o.format + "')");
  return o;
}

// Results are written to a hidden sibling folder and renamed into place at the
// end, so DIR either holds a complete result or nothing new.
fs::path prepare_output(const Options& o, const Scenario& s) {
  const fs::path dir = o.out.empty() ? fs::path("results") / s.name : fs::path(o.out);
  if (fs::exists(dir) && !fs::is_empty(dir) && !fs::exists(dir / "summary.json")) {
    std::cerr << "cxlvp: error: " << dir.string() << ": exists and is not a cxlvp result folder; not overwriting\n";
    std::exit(kExitBadInput);
  }
  return dir;
}

// The program's start (after the loader and the libraries' initialisation).
const std::chrono::steady_clock::time_point process_start = std::chrono::steady_clock::now();

double seconds(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// --timing: what `cxlvp bench` compares with the raw kernel rate (also timed
// around sc_start alone). total runs from main() to the reports written.
void write_timing(const std::string& path, double elaboration_s, double simulation_s, double total_s) {
  std::ofstream out(path);
  JsonWriter json(out);
  json.begin_object().value("elaboration_s", elaboration_s).value("simulation_s", simulation_s);
  json.value("total_s", total_s).end_object();
  out << '\n';
  if (!out) throw std::runtime_error("cannot write timing file " + path);
}

// "job 17 (batch 0, layer 1, expert 3)"
std::string job_text(const Scheduler::OutstandingJob& j) {
  return "job " + std::to_string(j.tag) + " (batch " + std::to_string(j.planned.batch) + ", layer " +
         std::to_string(j.planned.layer) + ", expert " + std::to_string(j.planned.expert) + ")";
}

// One line on a run that stopped before the firmware finished: the NDP
// engine's fault if it stopped the run (with the firmware's view of the job),
// else the jobs the firmware still waited for.
std::string why_unfinished(const Platform& platform) {
  const std::vector<Scheduler::OutstandingJob> jobs = platform.fw.outstanding_jobs();
  for (size_t i = 0; i < platform.hw.expanders.size(); ++i) {
    const auto& engine = platform.hw.expanders[i]->ndp;
    const NdpFault* fault = engine ? engine->fault() : nullptr;
    if (!fault) continue;
    const std::string& device = platform.topology().expanders[i].cxl.ndp.job_log_name;
    std::string line = fault->message;
    size_t on_ndp = 0;
    for (const auto& j : jobs) {
      if (fault->has_tag && j.tag == fault->tag) return line + "; firmware: " + device + " " + job_text(j);
      if (j.device == device && on_ndp++ == 0) line += "; firmware: outstanding on " + device + ": " + job_text(j);
    }
    if (on_ndp > 1) line += " and " + std::to_string(on_ndp - 1) + " more";
    return line;
  }
  std::ostringstream line;
  line << "simulation stopped at " << sc_core::sc_time_stamp() << " before the firmware finished: ";
  if (jobs.empty()) return line.str() + "no job outstanding";
  line << jobs.front().device << " never completed " << job_text(jobs.front());
  if (jobs.size() > 1) line << " (" << jobs.size() - 1 << " more job(s) outstanding)";
  return line.str();
}

int run(const Options& o) {
  std::vector<std::string> warnings;
  const Scenario s = load_scenario(o.scenario, o.overrides, &warnings);
  for (const auto& w : warnings) std::cerr << "cxlvp: warning: " << w << '\n';
  if (!o.quiet && has_sweep_block(o.scenario))
    std::cerr << "cxlvp: " << o.scenario
              << " has a sweep: block; running the base scenario only (cxlvp sweep runs the grid)\n";
  const Topology topology = resolve_topology(s);
  const bool rtl = std::any_of(topology.expanders.begin(), topology.expanders.end(), [](const TopologyExpander& x) {
    return x.cxl.ndp.enabled && x.cxl.ndp.impl == NdpImpl::rtl;
  });
  if (!o.vcd.empty() && !rtl) {
    std::cerr << "cxlvp: error: --vcd writes the RTL NDP engine's waveforms; " << o.scenario
              << " does not use it (set platform.cxl.ndp.impl: rtl)\n";
    return kExitBadInput;
  }
  const fs::path dir = prepare_output(o, s);
  const fs::path staging = dir.parent_path() / ("." + dir.filename().string() + ".partial." + std::to_string(getpid()));
  // Files named by options go where they are named, folders made as needed
  // (results/tx.csv from a fresh clone, where results/ does not exist yet).
  // A folder that cannot be made is left to the file's own open to report.
  for (const std::string* file : {&o.transactions, &o.save_routing, &o.timeline, &o.vcd})
    if (!file->empty() && fs::path(*file).has_parent_path()) {
      std::error_code ignored;
      fs::create_directories(fs::path(*file).parent_path(), ignored);
    }
  if (!o.transactions.empty()) TransactionRecorder::global().open_log(o.transactions);

  const auto wall_start = std::chrono::steady_clock::now();
  Platform platform(s, PlatformOptions{o.save_routing, o.vcd});
  fs::create_directories(staging);  // after the platform, which may reject --save-routing: no folder left behind
  // However run() is left before the rename (a failure reported below, or an
  // exception out of the simulation), the half-written folder goes with it.
  struct RemoveOnExit {
    const fs::path& path;
    ~RemoveOnExit() {
      std::error_code ignored;  // a destructor must not throw
      fs::remove_all(path, ignored);
    }
  } remove_staging{staging};
  // jobs.csv is written as jobs finish, so memory does not grow with them;
  // rows stay in memory only for the timeline.
  JobTable jobs(platform.fw, !o.timeline.empty(), platform.devices());
  jobs.stream_to((staging / "jobs.csv").string());
  if (!o.quiet) {
    std::cerr << "cxlvp: running " << s.name << " (" << s.workload.batches << " batches x " << s.model.layers
              << " layers x " << s.workload.tokens_per_batch << " tokens)\n";
    const unsigned every = std::max(1u, s.workload.batches / 10);
    platform.fw.on_batch_done([&s, every, wall_start](const BatchRecord& b) {
      if ((b.index + 1) % every && b.index + 1 != s.workload.batches) return;
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
      std::cerr << "cxlvp: batch " << b.index + 1 << "/" << s.workload.batches << " done at "
                << b.end_ps * 1e-9 << " ms simulated, " << wall << " s wall\n";
    });
  }
  const auto simulation_start = std::chrono::steady_clock::now();
  const bool finished = platform.run();
  const auto simulation_end = std::chrono::steady_clock::now();
  const double wall_s = seconds(wall_start, simulation_end);
  TransactionRecorder::global().close_log();
  if (!finished) {
    std::cerr << "cxlvp: error: " << why_unfinished(platform) << '\n';
    return 1;
  }
  jobs.close_stream();
  const RunReport report = collect_report(platform, jobs);
  if (const JobReport* failed = report.first_failed_job()) {
    std::cerr << "cxlvp: error: " << report.failed_jobs() << " job(s) failed; first: " << failed->kind << " job "
              << failed->tag << " on " << failed->device << " (batch " << failed->batch << ", layer " << failed->layer
              << ", expert " << failed->expert << ") at " << failed->end_ps / 1e3 << " ns\n";
    return 1;
  }
  write_report_files(report, staging.string());
  if (fs::exists(dir)) fs::remove_all(dir);
  fs::rename(staging, dir);
  if (!o.timeline.empty()) write_timeline(report, o.timeline);
  if (!o.timing.empty())
    write_timing(o.timing, seconds(wall_start, simulation_start), seconds(simulation_start, simulation_end),
                 seconds(process_start, std::chrono::steady_clock::now()));
  if (!o.quiet) {
    print_report(report, std::cout);
    if (report.protocol_checks)
      std::cout << "protocol checks (simulation.checks: protocol): " << report.protocol_violations
                << " violation(s) of the TLM-2.0 base protocol\n";
    std::cout << "\nwall time " << wall_s << " s; results in " << dir.string() << "/\n";
    if (!o.vcd.empty() && fs::exists(o.vcd))
      std::cout << "waveforms in " << o.vcd << " (" << fs::file_size(o.vcd) / 1000000 << " MB)\n";
  }
  if (report.functional && !report.functional->matches) {  // results are kept: summary.json says where
    std::cerr << "cxlvp: error: functional outputs differ from the reference at " << report.functional->first_mismatch
              << '\n';
    return 1;
  }
  if (report.protocol_violations > 0) {  // results are kept: summary.json says how many
    std::cerr << "cxlvp: error: " << report.protocol_violations
              << " TLM-2.0 protocol violation(s) (simulation.checks: protocol); see the warnings above\n";
    return 1;
  }
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  const bool bench = argc > 1 && std::string(argv[1]) == "bench";  // parses its own options (bench.h)
  const bool calibrate = argc > 1 && std::string(argv[1]) == "calibrate";  // so does calibrate (calibrate.h)
  const Options o = bench || calibrate ? Options() : parse(argc, argv);
  // Model errors become exceptions we report in one line instead of aborting.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // An NDP engine's fault stops the simulation; run() prints it in one line.
  sc_core::sc_report_handler::set_actions("cxlvp/ndp_fault", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  try {
    if (bench) return run_bench(std::vector<std::string>(argv + 2, argv + argc));
    if (calibrate) return run_calibrate(std::vector<std::string>(argv + 2, argv + argc));
    if (o.command == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (o.command == "keys") {
      std::cout << scenario_reference_markdown();
      return 0;
    }
    if (o.command == "validate") {
      std::vector<std::string> warnings;
      const Scenario s = load_scenario(o.scenario, o.overrides, &warnings);
      for (const auto& w : warnings) std::cerr << "cxlvp: warning: " << w << '\n';
      const size_t points = load_sweep_grid(o.scenario, o.overrides).size();
      std::cout << o.scenario << ": ok (" << s.name << ")";
      if (points) std::cout << "; sweep of " << points << " points, each ok";
      std::cout << "\n";
      print_capacity_plan(plan_capacity(s), std::cout);
      return 0;
    }
    if (o.command == "sweep")
      return run_sweep({o.scenario, o.out, o.overrides, o.jobs ? o.jobs : 1, o.jobs_file,
                        o.format.empty() ? "parallel" : o.format});
    return run(o);
  } catch (const ScenarioError& e) {
    std::cerr << "cxlvp: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const RoutingTraceError& e) {  // --save-routing cannot be written
    std::cerr << "cxlvp: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const sc_core::sc_report& e) {
    std::cerr << "cxlvp: error: simulation: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "cxlvp: error: " << e.what() << '\n';
    return 1;
  }
}

// Our own entry point, so the SystemC banner can be silenced before the
// kernel starts; SystemC then calls sc_main as usual.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
