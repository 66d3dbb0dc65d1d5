#pragma once
// The folder a run's results go to (--out DIR). A run marks the folder it
// writes with a file of its own (kResultMark), listing the files it wrote and
// the hash of its inputs, and only ever replaces a folder that carries that
// mark and holds nothing else: never a folder of the user's, never the current
// folder or one holding it. Results are written into a unique hidden staging
// folder beside DIR (mkdtemp) and swapped into place at the end, so DIR holds
// either a complete result or what it held before.
#include <filesystem>
#include <string>
#include <vector>

#include "path_rules.h"

namespace cxlvp {

inline constexpr const char* kResultMark = ".cxlvp-result";

// Why `dir` (normalized) may not receive a run's results, or "" when it may:
// it does not exist, is empty, or is a result folder of cxlvp's holding only
// the files its mark lists.
std::string why_not_result_folder(const std::filesystem::path& dir);

// The inputs hash written in the mark of result folder `dir`, or "" when it has none.
std::string result_folder_inputs_hash(const std::filesystem::path& dir);

// What identifies a run's inputs: the scenario file's bytes and the --set
// overrides in order (FNV-1a 64, hex). A sweep compares it with a point's
// mark to know whether the results there are that point's. Throws
// std::runtime_error when the file cannot be read.
std::string run_inputs_hash(const std::string& scenario_file, const std::vector<std::string>& overrides);

class ResultFolder {
 public:
  // Throws BadPath (before anything is written) when `dir` may not be
  // replaced, is or holds the current folder, or holds one of `files`.
  ResultFolder(const std::string& dir, const std::vector<RunFile>& files);
  ~ResultFolder();  // removes the staging folder unless committed
  ResultFolder(const ResultFolder&) = delete;
  ResultFolder& operator=(const ResultFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Creates the staging folder (and DIR's parents); returns it.
  const std::filesystem::path& stage();

  // `message` with the staging folder replaced by DIR, so that an error names
  // the folder the user knows.
  std::string in_user_terms(std::string message) const;

  // Writes the mark (the staged files and `inputs_hash`), then puts the staged
  // folder in DIR's place, replacing the previous result folder there
  // (checked again). Returns "", or why it could not (not an exception: it
  // runs after the simulation).
  std::string commit(const std::string& inputs_hash);

 private:
  std::filesystem::path path_, staging_;
  int signal_slot_ = -1;
};

}  // namespace cxlvp
