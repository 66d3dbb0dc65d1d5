#pragma once
// Running the cxlvp program from tests, as a user would: each test process gets
// its own scratch folder (removed when the process ends), commands' output is
// captured there, the exit status is decoded, and a refusal of bad input is
// checked the same way everywhere (check_rejected).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <system_error>
#include <vector>
#include <unistd.h>

namespace cxlvp_test {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// 1-based number of the first line of `file` containing `needle`, 0 if none.
inline int line_of(const fs::path& file, const std::string& needle) {
  std::istringstream in(slurp(file));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(needle) != std::string::npos) return n;
  return 0;
}

// This process's own folder under the system's temp folder.
inline const fs::path& scratch() {
  struct Folder {
    fs::path dir = fs::temp_directory_path() / ("cxlvp_test_" + std::to_string(::getpid()));
    Folder() { fs::create_directories(dir); }
    ~Folder() {
      std::error_code ignored;  // a destructor must not throw
      fs::remove_all(dir, ignored);
    }
  };
  static const Folder folder;
  return folder.dir;
}

// A scenario file NAME.yaml in the scratch folder: "name: NAME", then `yaml`.
inline fs::path write_scenario(const std::string& name, const std::string& yaml) {
  const fs::path p = scratch() / (name + ".yaml");
  std::ofstream(p) << "name: " << name << "\n" << yaml;
  return p;
}

// Exit status of a shell command, or -1 if a signal ended it.
inline int shell(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

struct Outcome {
  int status;  // exit status, or -1 if killed by a signal
  std::string out, err;
};

// Runs `cxlvp ARGS` (ARGS is a shell fragment) and captures what it printed.
inline Outcome run_cxlvp(const std::string& args) {
  const fs::path out = scratch() / "stdout", err = scratch() / "stderr";
  const int status = shell(std::string(CXLVP_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string());
  return {status, slurp(out), slurp(err)};
}

// Runs `cxlvp ARGS` as its own process (not through a shell that stays) and
// also returns its peak resident memory, from the kernel's accounting of the
// child (wait4's ru_maxrss).
struct MeasuredOutcome : Outcome {
  long peak_rss_kB = 0;
};
inline MeasuredOutcome run_measured(const std::string& args) {
  const fs::path out = scratch() / "stdout", err = scratch() / "stderr";
  const std::string command = "exec " + std::string(CXLVP_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int raw = 0;
  struct rusage usage {};
  ::wait4(pid, &raw, 0, &usage);
  MeasuredOutcome o;
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  o.peak_rss_kB = usage.ru_maxrss;
  return o;
}

// The entries of `dir` whose names start with `prefix` (staging folders of a
// result folder or file named prefix...).
inline std::vector<std::string> entries_starting(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind(prefix, 0) == 0) names.push_back(entry.path().filename().string());
  return names;
}

// How cxlvp refuses bad input: exit status 2 and one line on stderr that
// contains `expected` (the file, line and key, or the option, at fault).
inline void check_rejected(const Outcome& o, const std::string& expected) {
  INFO(o.err);
  CHECK(o.status == 2);
  CHECK(o.err.find(expected) != std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
}

}  // namespace cxlvp_test
