#include "path_rules.h"

namespace fs = std::filesystem;

namespace cxlvp {

fs::path normalized_path(const fs::path& path) {
  std::error_code error;
  fs::path normal = fs::weakly_canonical(fs::absolute(path, error), error);
  if (error) throw BadPath(path.string() + ": " + error.message());
  while (!normal.has_filename() && normal.has_relative_path()) normal = normal.parent_path();  // "a/b/" -> "a/b"
  return normal;
}

bool within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i)
    if (i == inner.end() || *i != *o) return false;
  return true;
}

namespace {

bool same_file(const RunFile& a, const RunFile& b) {
  if (a.path == b.path) return true;
  std::error_code ignored;  // false when either does not exist yet
  return fs::equivalent(a.path, b.path, ignored);
}

}  // namespace

void check_run_files(const std::vector<RunFile>& files, const fs::path& result_folder) {
  for (size_t i = 0; i < files.size(); ++i) {
    const RunFile& a = files[i];
    if (within(a.path, result_folder))
      throw BadPath(a.role + " " + a.path.string() + " lies inside the result folder " + result_folder.string() +
                    ", which the run replaces; choose another --out or move the file");
    for (size_t j = 0; j < i; ++j) {
      const RunFile& b = files[j];
      if (!a.output && !b.output) continue;        // two inputs may be one file
      if (a.device && b.device) continue;          // /dev/null takes any number of outputs
      if (!same_file(a, b)) continue;
      const RunFile& out = a.output ? a : b;
      const RunFile& other = a.output ? b : a;
      throw BadPath(out.role + " " + out.path.string() + " is also " + other.role +
                    (other.output ? "; give each output its own file" : "; writing it would destroy an input"));
    }
  }
}

}  // namespace cxlvp
