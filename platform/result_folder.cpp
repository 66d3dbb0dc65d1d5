#include "result_folder.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "../models/common/stream_check.h"
#include "stop_signal.h"

namespace fs = std::filesystem;

namespace cxlvp {

namespace {

// The mark: a comment for whoever opens it, the inputs hash, and one line per file the run wrote.
const char* const kMarkComment =
    "# cxlvp result folder: `cxlvp run` wrote it and replaces it when a run writes here again.\n"
    "# It holds only the files listed below; cxlvp never replaces a folder holding anything else.\n";

struct Mark {
  bool found = false;
  std::string inputs_hash;
  std::set<std::string> files;
};

Mark read_mark(const fs::path& dir) {
  Mark mark;
  std::ifstream in(dir / kResultMark);
  if (!in) return mark;
  mark.found = true;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string what, value;
    words >> what;
    std::getline(words >> std::ws, value);
    if (what == "inputs_hash") mark.inputs_hash = value;
    else if (what == "file") mark.files.insert(value);
  }
  return mark;
}

uint64_t fnv1a(uint64_t hash, const std::string& bytes) {
  for (const unsigned char c : bytes) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

}  // namespace

std::string why_not_result_folder(const fs::path& dir) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(dir, error);
  if (!fs::exists(status)) return "";
  if (!fs::is_directory(status)) return "exists and is not a folder";
  const Mark mark = read_mark(dir);
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!mark.found)
      return "holds files and is not a cxlvp result folder (it has no " + std::string(kResultMark) + " mark)";
    if (name != kResultMark && (!mark.files.count(name) || !entry.is_regular_file()))
      return "holds " + name + ", which no cxlvp run wrote there";
  }
  if (error) return "cannot be read: " + error.message();
  return "";
}

std::string result_folder_inputs_hash(const fs::path& dir) { return read_mark(dir).inputs_hash; }

std::string run_inputs_hash(const std::string& scenario_file, const std::vector<std::string>& overrides) {
  std::ifstream in(scenario_file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + scenario_file);
  uint64_t hash = fnv1a(0xcbf29ce484222325ull, bytes.str());
  for (const auto& assignment : overrides) hash = fnv1a(fnv1a(hash, std::string(1, '\0')), assignment);
  char text[32];
  std::snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
  return text;
}

ResultFolder::ResultFolder(const std::string& dir, const std::vector<RunFile>& files) {
  if (dir.empty()) throw BadPath("--out needs a folder name");
  path_ = normalized_path(dir);
  const std::string who = "--out " + dir;
  std::error_code error;
  const fs::path current = fs::current_path(error);
  if (!error && within(current, path_))
    throw BadPath(who + ": is the current folder or holds it; results never replace it (choose a new folder)");
  if (const std::string why = why_not_result_folder(path_); !why.empty())
    throw BadPath(who + ": " + why + "; not replacing it (choose a new folder, or remove it yourself)");
  check_run_files(files, path_);
}

ResultFolder::~ResultFolder() {
  if (staging_.empty()) return;
  std::error_code ignored;  // a destructor must not throw
  fs::remove_all(staging_, ignored);
  forget_staging_folder(signal_slot_);
}

const fs::path& ResultFolder::stage() {
  const fs::path parent = path_.parent_path();
  std::error_code error;
  fs::create_directories(parent, error);
  if (error) throw BadPath("--out " + path_.string() + ": cannot create " + parent.string() + ": " + error.message());
  std::string pattern = (parent / ("." + path_.filename().string() + ".partial-XXXXXX")).string();
  if (!mkdtemp(pattern.data()))
    throw BadPath("--out " + path_.string() + ": cannot write in " + parent.string() + ": " + std::strerror(errno));
  staging_ = pattern;
  signal_slot_ = register_staging_folder(staging_.string());
  return staging_;
}

std::string ResultFolder::in_user_terms(std::string message) const {
  if (staging_.empty()) return message;
  const std::string staged = staging_.string(), final = path_.string();
  for (size_t at = 0; (at = message.find(staged, at)) != std::string::npos; at += final.size())
    message.replace(at, staged.size(), final);
  return message;
}

std::string ResultFolder::commit(const std::string& inputs_hash) {
  std::error_code error, ignored;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(staging_, error)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  std::ofstream mark(staging_ / kResultMark);
  mark << kMarkComment << "inputs_hash " << inputs_hash << '\n';
  for (const auto& name : names) mark << "file " << name << '\n';
  if (const std::string why = close_checked(mark); !why.empty())
    return "cannot write " + (path_ / kResultMark).string() + ": " + why;
  if (const std::string why = why_not_result_folder(path_); !why.empty())  // something changed it during the run
    return "--out " + path_.string() + ": " + why + "; not replacing it";
  fs::path previous;  // where the previous results went, removed last
  if (!fs::exists(path_)) {
    fs::rename(staging_, path_, error);
  } else if (renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) == 0) {
    previous = staging_;  // swapped in one step
  } else if (errno == EINVAL || errno == ENOSYS) {  // a file system without exchange: two renames
    previous = staging_.string() + "-previous";
    fs::rename(path_, previous, error);
    if (!error) fs::rename(staging_, path_, error);
    if (error) fs::rename(previous, path_, ignored);  // the previous results back where they were
  } else {
    error = std::error_code(errno, std::generic_category());
  }
  if (error) return "cannot put the results in " + path_.string() + ": " + error.message();
  if (!previous.empty()) fs::remove_all(previous, ignored);
  forget_staging_folder(signal_slot_);
  staging_.clear();
  return "";
}

}  // namespace cxlvp
