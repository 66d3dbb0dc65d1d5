#include "child_run.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace cxlvp {

pid_t start_self(const std::vector<std::string>& args, const std::filesystem::path& stderr_log) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const std::string log_path = stderr_log.string();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start a process: ") + std::strerror(errno));
  if (pid == 0) {  // only async-signal-safe calls until exec
    // The child stops (SIGTERM: it cleans up) when this process dies, however it dies.
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) _exit(127);
    sigset_t stop;  // whatever this process blocks, the child takes SIGINT and SIGTERM
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &stop, nullptr);
    const int err = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = open("/dev/null", O_WRONLY);
    if (err >= 0 && null >= 0 && dup2(null, STDOUT_FILENO) >= 0 && dup2(err, STDERR_FILENO) >= 0)
      execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  return pid;
}

std::string child_failure(const std::filesystem::path& stderr_log, int raw_status) {
  std::ifstream in(stderr_log);
  std::string last;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) last = line;
  if (!last.empty()) return last;
  if (WIFSIGNALED(raw_status)) return "killed by signal " + std::to_string(WTERMSIG(raw_status));
  return "exit status " + std::to_string(WIFEXITED(raw_status) ? WEXITSTATUS(raw_status) : -1) + ", no message";
}

}  // namespace cxlvp
