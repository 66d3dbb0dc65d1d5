#pragma once
// SIGINT, SIGTERM (and SIGHUP) for the commands that leave files behind
// (run, sweep). A signal handler may only do async-signal-safe things, so the
// work is split:
//  - while something polls (stop_requested(): the simulation at each finished
//    job and batch, a sweep's wait for its points), the first signal only
//    raises the flag, and the command stops cleanly, removes what it staged
//    and ends through finish_if_stopped(); if no check comes within the
//    grace given to begin_polling (a long computation between two checks),
//    an alarm does what the next point says;
//  - otherwise (elaboration, writing reports), or on a second signal, the
//    handler itself removes every registered staging folder (flat folders:
//    unlink and rmdir are async-signal-safe) and ends the process by the
//    signal, as the default action would have.
// SIGPIPE is ignored: a closed pipe makes a write fail, which is checked.
// Ending by the signal (not exit(130)) is what lets a calling shell script
// stop too; the shell reports it as status 130 (SIGINT) or 143 (SIGTERM).
#include <csignal>
#include <string>

namespace cxlvp {

// Installs the handlers for SIGINT and SIGTERM (no SA_RESTART: a blocking
// wait returns EINTR, so a waiting loop sees the flag at once).
void install_stop_handlers();

// Between these, the first signal only raises the flag (see above);
// `grace_seconds`: how long the checks may take to come (0: as long as they take).
void begin_polling(unsigned grace_seconds = 0);
void end_polling();

// The signal asked to stop (SIGINT or SIGTERM), or 0.
int stop_requested();

// A folder holding only files, removed by the handler when the process is
// stopped outside polling. Returns its slot for forget_staging_folder().
int register_staging_folder(const std::string& path);
void forget_staging_folder(int slot);

// From here on SIGINT and SIGTERM stay blocked: the results are being put in
// place, and a run that got this far completes.
void block_stop_signals();

// When a stop was requested: ends the process by that signal (default
// action). Call once everything staged is removed.
void finish_if_stopped();

// For messages: "interrupted (SIGINT)", "terminated (SIGTERM)", "hung up (SIGHUP)".
const char* stopped_by(int signal);

}  // namespace cxlvp
