#include "run_command.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <systemc>

#include "../firmware/routing_trace_format.h"
#include "../models/common/stream_check.h"
#include "../models/ndp/rtl/waveform_errors.h"
#include "json_writer.h"
#include "output_file.h"
#include "platform.h"
#include "report.h"
#include "result_folder.h"
#include "run_progress.h"
#include "scenario_loader.h"
#include "stop_signal.h"
#include "sweep_grid.h"
#include "timeline.h"

namespace fs = std::filesystem;

namespace cxlvp {

namespace {

using Clock = std::chrono::steady_clock;

// After SIGINT or SIGTERM, the simulation stops at its next finished job or
// batch; when none comes within this many seconds (a computation that long
// between two, e.g. drawing a huge routing), the staging goes without it.
constexpr unsigned kStopGraceSeconds = 3;

// The program's start (after the loader and the libraries' initialisation).
const Clock::time_point process_start = Clock::now();

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
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

// A SystemC report in one line: its message without the kernel's framing.
std::string report_line(const sc_core::sc_report& report) {
  std::string message = report.get_msg();
  const std::string uncaught = "uncaught exception: ";
  if (message.rfind(uncaught, 0) == 0) message.erase(0, uncaught.size());
  return message.substr(0, message.find('\n'));
}

// The files asked for on the command line, checked and then staged together.
class RunOutputs {
 public:
  explicit RunOutputs(const RunOptions& o) {
    transactions = add("--transactions", o.transactions);
    save_routing = add("--save-routing", o.save_routing);
    timeline = add("--timeline", o.timeline);
    vcd = add("--vcd", o.vcd);
    timing = add("--timing", o.timing);
  }

  std::vector<RunFile> run_files() const {
    std::vector<RunFile> files;
    for (const auto& f : files_) files.push_back(f->run_file());
    return files;
  }
  void stage() {
    for (auto& f : files_) f->stage();
  }
  std::string commit() {  // "", or why one could not be put in place
    for (auto& f : files_)
      if (std::string error = f->commit(); !error.empty()) return error;
    return "";
  }
  std::string in_user_terms(std::string message) const {
    for (const auto& f : files_) message = f->in_user_terms(message);
    return message;
  }
  static std::string write_path(const OutputFile* f) { return f ? f->write_path() : std::string(); }

  OutputFile *transactions, *save_routing, *timeline, *vcd, *timing;

 private:
  OutputFile* add(const char* option, const std::string& path) {
    if (path.empty()) return nullptr;
    files_.push_back(std::make_unique<OutputFile>(option, path));
    return files_.back().get();
  }
  std::vector<std::unique_ptr<OutputFile>> files_;
};

// An input for the path checks: normalized when it can be (a pipe such as
// <(...) cannot, and is no file an output could overwrite anyway).
RunFile input(const std::string& role, const std::string& path) {
  try {
    return {role, normalized_path(path)};
  } catch (const BadPath&) {
    return {role, fs::absolute(path).lexically_normal()};
  }
}

// "--timeline t.json: cannot write: No space left on device"
std::string write_failed(const OutputFile& file, const std::string& why) {
  return file.option() + " " + file.given() + ": cannot write: " + why;
}

// --timing: what `cxlvp bench` compares with the raw kernel rate (also timed
// around sc_start alone). total runs from main() to the reports written.
// Returns "", or why it could not be written.
std::string write_timing(const OutputFile& file, double elaboration_s, double simulation_s, double total_s) {
  std::ofstream out(file.write_path());
  JsonWriter json(out);
  json.begin_object().value("elaboration_s", elaboration_s).value("simulation_s", simulation_s);
  json.value("total_s", total_s).end_object();
  out << '\n';
  const std::string error = close_checked(out);
  return error.empty() ? "" : write_failed(file, error);
}

// Stops the simulation, once, at the next check after a signal or a failed
// output. Checks run where the simulation already calls back into this file
// (each finished job, each finished batch), so they add no event and leave
// results unchanged.
class StopCheck {
 public:
  void check(const std::function<bool()>& output_failed = {}) {
    if (stopping_) return;
    if (stop_requested()) stop();
    else if (output_failed && (output_failed_ = output_failed())) stop();
  }
  bool output_failed() const { return output_failed_; }

 private:
  void stop() {
    stopping_ = true;
    sc_core::sc_stop();
  }
  bool stopping_ = false, output_failed_ = false;
};

}  // namespace

int run_scenario(const RunOptions& o) {
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
  if (!o.vcd.empty() && !rtl)
    throw BadPath("--vcd writes the RTL NDP engine's waveforms; " + o.scenario +
                  " does not use it (set platform.cxl.ndp.impl: rtl)");

  // Every path is checked before anything is written.
  if (!o.save_routing.empty()) trace_encoding(o.save_routing);  // .csv or .jsonl
  RunOutputs outputs(o);
  std::vector<RunFile> files = {input("the scenario file", o.scenario)};
  if (!s.workload.trace_file.empty()) files.push_back(input("the routing trace", s.workload.trace_file));
  for (const RunFile& f : outputs.run_files()) files.push_back(f);
  const std::string out = o.out.empty() ? (fs::path("results") / s.name).string() : o.out;
  ResultFolder folder(out, files);
  const std::string inputs_hash = run_inputs_hash(o.scenario, o.overrides);
  const fs::path staging = folder.stage();
  outputs.stage();
  const auto user_terms = [&](const std::string& message) {
    return folder.in_user_terms(outputs.in_user_terms(message));
  };

  const auto wall_start = Clock::now();
  Clock::time_point simulation_start, simulation_end;
  StopCheck stop;
  RunReport report;
  // From the simulation on, failures come back as values, never as
  // exceptions: one thrown on the main stack after SystemC's coroutines have
  // run is misread by AddressSanitizer (google/sanitizers#189).
  std::string failure;
  const auto failed = [&failure] { return !failure.empty(); };
  try {
    Platform platform(s, PlatformOptions{RunOutputs::write_path(outputs.save_routing),
                                         RunOutputs::write_path(outputs.vcd)});
    TransactionRecorder& recorder = platform.telemetry().transactions;
    struct CloseLogOnExit {  // however the run ends; its outcome is checked below when it matters
      TransactionRecorder& recorder;
      ~CloseLogOnExit() { recorder.close_log(); }
    } close_log_on_exit{recorder};
    if (outputs.transactions) recorder.open_log(outputs.transactions->write_path());
    // jobs.csv is written as jobs finish, and so is the timeline: memory does not grow with them.
    JobTable jobs(platform.fw, platform.telemetry().jobs, false, platform.devices());
    jobs.stream_to((staging / "jobs.csv").string());
    std::unique_ptr<TimelineWriter> timeline;
    if (outputs.timeline)
      timeline = std::make_unique<TimelineWriter>(outputs.timeline->write_path(),
                                                  s.model.weights_home == WeightsHome::cxl);
    RunProgress progress(s, outputs.transactions != nullptr, std::cerr);
    jobs.on_row([&](const JobReport& j) {
      if (timeline) timeline->add_job(j);
      stop.check();
      if (!o.quiet) progress.job_done(j.end_ps);
    });
    const auto output_failed = [&] {
      return recorder.log_failed() || jobs.stream_failed() || (timeline && timeline->failed());
    };
    platform.fw.on_batch_done([&](const BatchRecord& b) {
      if (timeline) timeline->add_batch(b);
      stop.check(output_failed);
      if (!o.quiet) progress.batch_done(b);
    });
    if (!o.quiet) progress.start();

    simulation_start = Clock::now();
    begin_polling(kStopGraceSeconds);
    bool finished = false;
    try {
      finished = platform.run();
    } catch (const sc_core::sc_report& e) {  // rethrown by the kernel on this stack: caught at once
      failure = "simulation: " + report_line(e);
    }
    end_polling();
    simulation_end = Clock::now();
    if (const int signal = stop_requested()) {
      std::cerr << "cxlvp: " << stopped_by(signal) << " at " << sc_core::sc_time_stamp().to_seconds() * 1e3
                << " ms simulated; nothing written\n";
      return 128 + signal;  // the staged files go with `folder` and `outputs`
    }
    if (!failed() && outputs.transactions)
      if (const std::string error = recorder.close_log(); !error.empty())
        failure = write_failed(*outputs.transactions, error);
    if (!failed() && stop.output_failed()) {  // closing the failed file says why
      failure = jobs.close_stream();
      if (!failed() && timeline)
        if (const std::string error = timeline->finish("", "", 0); !error.empty())
          failure = write_failed(*outputs.timeline, error);
      if (!failed()) failure = "a write failed; the run stopped";
    }
    if (!failed() && !finished) failure = why_unfinished(platform);
    if (!failed()) failure = jobs.close_stream();
    if (!failed()) {
      report = collect_report(platform, jobs);
      if (const JobReport* job = report.first_failed_job()) {
        std::cerr << "cxlvp: error: " << report.failed_jobs() << " job(s) failed; first: " << job->kind << " job "
                  << job->tag << " on " << job->device << " (batch " << job->batch << ", layer " << job->layer
                  << ", expert " << job->expert << ") at " << job->end_ps / 1e3 << " ns\n";
        return 1;
      }
      try {
        write_report_files(report, staging.string());
      } catch (const std::runtime_error& e) {  // caught where it is thrown, in report.cpp's one frame
        failure = e.what();
      }
    }
    if (!failed() && timeline)
      if (const std::string error = timeline->finish(report.scenario, report.policy, report.seed); !error.empty())
        failure = write_failed(*outputs.timeline, error);
  } catch (const RoutingTraceError& e) {  // --save-routing, before the simulation: bad input, exit status 2
    throw RoutingTraceError(user_terms(e.file), e.line, user_terms(e.message));
  }
  // The platform is gone, and with it the waveform file (closed): its writes are all known now.
  if (!failed() && outputs.vcd)
    if (const std::string error = waveform_write_error(); !error.empty()) failure = "--vcd: cannot write " + error;
  if (!failed() && outputs.timing)
    failure = write_timing(*outputs.timing, seconds(wall_start, simulation_start),
                           seconds(simulation_start, simulation_end), seconds(process_start, Clock::now()));

  // Everything is written: put it in place. A signal from here on waits until
  // the run has ended, complete.
  if (!failed()) {
    block_stop_signals();
    failure = outputs.commit();
    if (!failed()) failure = folder.commit(inputs_hash);
  }
  if (failed()) {
    std::cerr << "cxlvp: error: " << user_terms(failure) << '\n';
    return 1;
  }
  if (!o.quiet) {
    print_report(report, std::cout);
    fs::path shown = fs::path(out).lexically_normal();
    if (!shown.has_filename()) shown = shown.parent_path();  // "res/x/" -> "res/x"
    if (report.protocol_checks)
      std::cout << "protocol checks (simulation.checks: protocol): " << report.protocol_violations
                << " violation(s) of the TLM-2.0 base protocol\n";
    std::cout << "\nwall time " << seconds(wall_start, simulation_end) << " s; results in " << shown.string() << "/\n";
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

}  // namespace cxlvp
