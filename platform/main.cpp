// cxlvp: the command-line front end of the virtual platform.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <systemc>
#include <unistd.h>
#include <vector>

#include "platform.h"
#include "report.h"
#include "scenario_loader.h"

namespace fs = std::filesystem;
using namespace cxlvp;

namespace {

constexpr int kExitBadInput = 2;

const char* const kUsage = R"(cxlvp - SystemC/TLM-2.0 virtual platform for MoE inference offloaded to CXL memory

usage:
  cxlvp run SCENARIO.yaml [--out DIR] [--set KEY=VALUE ...] [--transactions FILE] [--quiet]
  cxlvp validate SCENARIO.yaml [--set KEY=VALUE ...]
  cxlvp keys
  cxlvp --help

commands:
  run        elaborate the platform described by SCENARIO.yaml, run every batch, print a
             summary and write results to DIR (default: results/<scenario name>):
               summary.json  scenario, seed, policy, tokens, simulated_time_s,
                             throughput_tokens_per_s, routes (count, bytes, latency_ns
                             min/mean/p50/p95/p99/max), jobs (per device: count, tokens,
                             busy_s, utilization), links (bytes, achieved_GBps), batches
               routes.csv    per route (initiator->target) latency statistics in ns
               jobs.csv      every job: device, kind, batch, layer, expert, tokens, bytes, start/end ns
               devices.csv   per device busy time;  links.csv  per link/memory bytes and busy time
               batches.csv   per batch start, end and latency in s
             The folder appears only when the run completed; a failed run leaves none.
  validate   load and check SCENARIO.yaml (every key, type, range, capacity and address
             window) without running it
  keys       print the reference of every scenario key with its unit and default (Markdown)

options:
  --out DIR            result folder; an existing result folder there is replaced
  --set KEY=VALUE      override one scenario key, e.g. --set platform.pcie.lanes=8
                       (repeatable; VALUE is YAML: numbers, true/false, names)
  --transactions FILE  stream every transaction (time, route, command, address, bytes,
                       latency, per-hop times) to FILE as CSV
  --quiet              no summary on the console

exit status: 0 success, 1 the simulation failed, 2 bad input (the message names file, line and key).
Documentation: docs/ (architecture.md, one page per model, scenario-reference.md).
)";

struct Options {
  std::string command, scenario, out, transactions;
  std::vector<std::string> overrides;
  bool quiet = false;
};

[[noreturn]] void bad_usage(const std::string& what) {
  std::cerr << "cxlvp: error: " << what << " (see cxlvp --help)\n";
  std::exit(kExitBadInput);
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
    else if (a == "--quiet") o.quiet = true;
    else if (!a.empty() && a[0] == '-') bad_usage("unknown option " + a);
    else if (o.command.empty()) o.command = a;
    else if (o.scenario.empty()) o.scenario = a;
    else bad_usage("unexpected argument " + a);
  }
  if (o.command != "run" && o.command != "validate" && o.command != "keys" && o.command != "help")
    bad_usage("unknown command '" + o.command + "'");
  if ((o.command == "run" || o.command == "validate") && o.scenario.empty())
    bad_usage(o.command + " needs a scenario file");
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

int run(const Options& o) {
  const Scenario s = load_scenario(o.scenario, o.overrides);
  const fs::path dir = prepare_output(o, s);
  const fs::path staging = dir.parent_path() / ("." + dir.filename().string() + ".partial." + std::to_string(getpid()));
  fs::create_directories(staging);
  if (!o.transactions.empty()) TransactionRecorder::global().open_log(o.transactions);

  const auto wall_start = std::chrono::steady_clock::now();
  Platform platform(s);
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
  const bool finished = platform.run();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  TransactionRecorder::global().close_log();
  if (!finished) {
    fs::remove_all(staging);
    std::cerr << "cxlvp: error: simulation stopped at " << sc_core::sc_time_stamp()
              << " before the firmware finished: a device never completed a job\n";
    return 1;
  }
  const RunReport report = collect_report(platform);
  if (const JobReport* failed = report.first_failed_job()) {
    fs::remove_all(staging);
    std::cerr << "cxlvp: error: " << report.failed_jobs() << " job(s) failed; first: " << failed->kind << " job "
              << failed->tag << " on " << failed->device << " (batch " << failed->batch << ", layer " << failed->layer
              << ", expert " << failed->expert << ") at " << failed->end_ps / 1e3 << " ns\n";
    return 1;
  }
  write_report_files(report, staging.string());
  if (fs::exists(dir)) fs::remove_all(dir);
  fs::rename(staging, dir);
  if (!o.quiet) {
    print_report(report, std::cout);
    std::cout << "\nwall time " << wall_s << " s; results in " << dir.string() << "/\n";
  }
  return 0;
}

}  // namespace

int sc_main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  // Model errors become exceptions we report in one line instead of aborting.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ERROR, sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions(sc_core::SC_FATAL, sc_core::SC_DISPLAY | sc_core::SC_THROW);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  try {
    if (o.command == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (o.command == "keys") {
      std::cout << scenario_reference_markdown();
      return 0;
    }
    if (o.command == "validate") {
      const Scenario s = load_scenario(o.scenario, o.overrides);
      std::cout << o.scenario << ": ok (" << s.name << ")\n";
      return 0;
    }
    return run(o);
  } catch (const ScenarioError& e) {
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
