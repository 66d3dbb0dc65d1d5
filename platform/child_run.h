#pragma once
// Running this program again as a child process (sweep points, benchmark
// runs): each child gets its own elaboration, which SystemC allows only once
// per process.
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace cxlvp {

// Starts /proc/self/exe with `args` (args[0] is the program name), stdout
// discarded and stderr written to `stderr_log`. The child gets SIGTERM when
// this process dies (PR_SET_PDEATHSIG), so no run outlives a killed sweep,
// benchmark or calibration. Throws std::runtime_error if no process can be
// started.
pid_t start_self(const std::vector<std::string>& args, const std::filesystem::path& stderr_log);

// Why a child failed: the last non-empty line of its stderr log, or how it
// ended (signal, exit status) when it printed nothing.
std::string child_failure(const std::filesystem::path& stderr_log, int raw_status);

}  // namespace cxlvp
