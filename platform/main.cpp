// cxlvp: the command-line front end of the virtual platform.
#include <cstdlib>
#include <iostream>
#include <string>
#include <systemc>
#include <vector>

#include "../firmware/routing_trace_format.h"
#include "bench.h"
#include "calibrate.h"
#include "capacity_plan.h"
#include "cli.h"
#include "path_rules.h"
#include "presets.h"
#include "run_command.h"
#include "scenario_loader.h"
#include "stop_signal.h"
#include "sweep_grid.h"
#include "sweep_runner.h"

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
  cxlvp --help | --version

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
             a point whose results there are complete and of its own inputs is skipped,
             any other (missing, partial, corrupt, of a changed scenario) runs again.
             Then writes DIR/sweep.csv, one row per point (default DIR:
             results/<scenario name>-sweep). Exit status 1 if a point failed; the
             others still run.
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
  --out DIR            result folder; a run replaces only a result folder it wrote (marked
                       by its .cxlvp-result file and holding nothing else), never a folder
                       of yours, the current folder or one holding it
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
  -j N, -jN            sweep: points run at once (default 1)
  --jobs-file FILE     sweep: run nothing, write one `cxlvp run` command per point to FILE;
                       run `cxlvp sweep` again afterwards to collect sweep.csv
  --format FORMAT      of --jobs-file: parallel (one command a line, for
                       `parallel -j N < FILE`; the default) or slurm (a script for
                       `sbatch --array=0-<points-1> FILE`)

Options take their value as --out DIR or --out=DIR. Every output path is checked before
the run; outputs are written under hidden staging names and appear only when the whole run
succeeded. SIGINT or SIGTERM (Ctrl-C) stops a run or sweep and leaves nothing behind.

exit status: 0 success, 1 the simulation failed (or its functional outputs differ from the
reference, or a write failed), 2 bad input: options, scenario, paths (the message names
file, line and key, or the option); a run stopped by SIGINT or SIGTERM ends by that signal
(the shell reports 130 or 143).
Documentation: docs/ (architecture.md, one page per model, scenario-reference.md, sweeps.md).
)";

// What --help prints for `command`.
std::string usage_of(const std::string& command) {
  if (command == "bench") return kBenchUsage;
  if (command == "calibrate") return kCalibrateUsage + preset_names() + "\n";
  return kUsage;
}

int validate(const CommandLine& line) {
  const std::string scenario = line.text("scenario");
  const std::vector<std::string> overrides = line.list("set");
  std::vector<std::string> warnings;
  const Scenario s = load_scenario(scenario, overrides, &warnings);
  for (const auto& w : warnings) std::cerr << "cxlvp: warning: " << w << '\n';
  const size_t points = load_sweep_grid(scenario, overrides).size();
  std::cout << scenario << ": ok (" << s.name << ")";
  if (points) std::cout << "; sweep of " << points << " points, each ok";
  std::cout << "\n";
  print_capacity_plan(plan_capacity(s), std::cout);
  return 0;
}

int sweep(const CommandLine& line) {
  SweepOptions o{line.text("scenario"), line.text("out"), line.list("set"), 1, line.text("jobs-file"), "parallel"};
  if (!line.text("jobs").empty()) o.jobs = line.positive_count("jobs", "-j");
  const std::string format = line.text("format");
  if (!format.empty() && o.jobs_file.empty()) throw UsageError("sweep", "--format needs --jobs-file");
  if (!format.empty() && format != "parallel" && format != "slurm")
    throw UsageError("sweep", "--format must be parallel or slurm (got '" + format + "')");
  if (!format.empty()) o.format = format;
  return run_sweep(o);
}

int run(const CommandLine& line) {
  return run_scenario({line.text("scenario"), line.text("out"), line.list("set"), line.text("transactions"),
                       line.text("save-routing"), line.text("timeline"), line.text("vcd"), line.text("timing"),
                       line.flag("quiet")});
}

int dispatch(const CommandLine& line) {
  const std::string& command = line.command();
  if (command == "help" || line.help()) {
    std::cout << usage_of(command);
    return 0;
  }
  if (command == "version") {
    std::cout << version_text() << "\n";
    return 0;
  }
  if (command == "keys") {
    std::cout << scenario_reference_markdown();
    return 0;
  }
  if (command == "validate") return validate(line);
  if (command == "sweep") return sweep(line);
  if (command == "bench") return run_bench(line);
  if (command == "calibrate") return run_calibrate(line);
  return run(line);
}

}  // namespace

int sc_main(int argc, char** argv) {
  // Model errors become exceptions we report in one line instead of aborting
  // (not displayed by the kernel too: its report takes four lines).
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // An NDP engine's fault stops the simulation; run() prints it in one line.
  sc_core::sc_report_handler::set_actions("cxlvp/ndp_fault", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // The same kind of mistake gets the same exit status in every command.
  try {
    return dispatch(CommandLine::parse(std::vector<std::string>(argv + 1, argv + argc)));
  } catch (const UsageError& e) {
    std::cerr << "cxlvp: error: " << e.what() << " (see cxlvp " << (e.command.empty() ? "" : e.command + " ")
              << "--help)\n";
    return kExitBadInput;
  } catch (const ScenarioError& e) {
    std::cerr << "cxlvp: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const BadPath& e) {
    std::cerr << "cxlvp: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const RoutingTraceError& e) {  // --save-routing cannot be written
    std::cerr << "cxlvp: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const sc_core::sc_report& e) {
    std::cerr << "cxlvp: error: simulation: " << e.get_msg() << '\n';
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
  install_stop_handlers();
  const int status = sc_core::sc_elab_and_sim(argc, argv);
  finish_if_stopped();  // a run or sweep stopped by SIGINT or SIGTERM ends by that signal, its staging removed
  return status;
}
