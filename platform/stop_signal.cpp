#include "stop_signal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstring>

namespace cxlvp {

namespace {

volatile sig_atomic_t requested = 0;
volatile sig_atomic_t polling = 0;

// Staging folders the handler removes; a slot's path is complete before it is marked used.
constexpr int kSlots = 8;
char staged[kSlots][PATH_MAX];
volatile sig_atomic_t slot_used[kSlots];

// Removes the files of a flat folder, then the folder, with async-signal-safe
// calls only (no opendir: it allocates). Deleting while reading may skip
// entries, so the folder is read again until nothing is left.
void remove_flat_folder(const char* path) {
  for (int pass = 0; pass < 16; ++pass) {
    const int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return;
    bool removed = false;
    alignas(8) char buffer[4096];
    for (long got; (got = syscall(SYS_getdents64, dir, buffer, sizeof buffer)) > 0;) {
      for (long at = 0; at < got;) {
        const auto* entry = reinterpret_cast<const struct dirent64*>(buffer + at);
        at += entry->d_reclen;
        const char* name = entry->d_name;
        if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
        removed = unlinkat(dir, name, 0) == 0 || removed;
      }
    }
    close(dir);
    if (rmdir(path) == 0 || !removed) return;
  }
}

void remove_staged() {
  for (int i = 0; i < kSlots; ++i)
    if (slot_used[i]) remove_flat_folder(staged[i]);
}

void die_by(int signal) {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  raise(signal);
  _exit(128 + signal);  // only if the signal did not end the process
}

volatile sig_atomic_t grace_seconds = 0;

void on_signal(int signal) {
  if (polling && !requested) {
    requested = signal;
    if (grace_seconds) alarm(unsigned(grace_seconds));  // in case no check comes (on_alarm)
    return;
  }
  remove_staged();
  die_by(signal);
}

// The grace after a first signal ran out without the work reaching a check
// (a long computation between two): the handler's own cleanup, then the end.
void on_alarm(int) {
  if (!requested) return;
  remove_staged();
  die_by(requested);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  sigaddset(&action.sa_mask, SIGHUP);
  action.sa_flags = 0;  // no SA_RESTART
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);  // the terminal went away: like SIGTERM
  struct sigaction alarm_action {};
  alarm_action.sa_handler = on_alarm;
  sigemptyset(&alarm_action.sa_mask);
  sigaction(SIGALRM, &alarm_action, nullptr);
  // A closed pipe (`cxlvp run ... | head`) makes writes fail instead of
  // ending the process on the spot: the run cleans up like after any failed write.
  signal(SIGPIPE, SIG_IGN);
}

void begin_polling(unsigned grace) {
  grace_seconds = sig_atomic_t(grace);
  polling = 1;
}
void end_polling() { polling = 0; }

int stop_requested() { return requested; }

int register_staging_folder(const std::string& path) {
  for (int i = 0; i < kSlots; ++i) {
    if (slot_used[i]) continue;
    if (path.size() >= PATH_MAX) return -1;
    std::memcpy(staged[i], path.c_str(), path.size() + 1);
    std::atomic_signal_fence(std::memory_order_seq_cst);  // the path is complete before the handler may read it
    slot_used[i] = 1;
    return i;
  }
  return -1;  // more staging folders than slots: the remaining ones go only by the polling path
}

void forget_staging_folder(int slot) {
  if (slot >= 0 && slot < kSlots) slot_used[slot] = 0;
}

void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, nullptr);
}

const char* stopped_by(int signal) {
  if (signal == SIGINT) return "interrupted (SIGINT)";
  if (signal == SIGHUP) return "hung up (SIGHUP)";
  return "terminated (SIGTERM)";
}

void finish_if_stopped() {
  if (const int signal = requested) die_by(signal);
}

}  // namespace cxlvp
