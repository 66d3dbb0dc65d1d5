#pragma once
// The rules every path of a run follows before anything is written
// (docs/reports.md#where-results-go): paths are compared in one normal form,
// no output may be an input or another output, and nothing the run reads or
// writes may lie inside the result folder it replaces.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace cxlvp {

// A path on the command line that cannot be used as asked: exit status 2, one
// line, before anything runs.
struct BadPath : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `path` made absolute, with ".", ".." and the symbolic links of its existing
// part resolved, and no trailing separator. Throws BadPath when it cannot be
// resolved (e.g. a folder on the way that cannot be read).
std::filesystem::path normalized_path(const std::filesystem::path& path);

// Whether `inner` is `outer` or lies inside it; both normalized.
bool within(const std::filesystem::path& inner, const std::filesystem::path& outer);

// A file the run reads or writes, named for messages ("the scenario file",
// "--timeline").
struct RunFile {
  std::string role;
  std::filesystem::path path;  // normalized
  bool output = false;
  bool device = false;  // a character device (/dev/null, /dev/full): shared by any number of outputs
};

// Throws BadPath when an output is also an input or another output (the same
// path, or the same file through another link), or when any of them lies
// inside `result_folder`, which the run replaces.
void check_run_files(const std::vector<RunFile>& files, const std::filesystem::path& result_folder);

}  // namespace cxlvp
