#pragma once
// One file a run writes on request (--transactions, --save-routing,
// --timeline, --vcd, --timing). It is checked before the run starts, written
// under a hidden staging folder of its own beside it (unique, created with
// mkdtemp) and renamed into place only when the whole run succeeded: a run
// that fails or is stopped leaves no partial file that looks complete, and the
// previous file, if any, stays until then. A character device or a pipe
// (/dev/null, /dev/stdout, a FIFO) is written directly.
#include <filesystem>
#include <string>

#include "path_rules.h"

namespace cxlvp {

class OutputFile {
 public:
  // `option` names the file in messages ("--timeline"). Throws BadPath when
  // the path cannot be written: a folder there, its folder missing, or a
  // special file other than a character device or pipe.
  OutputFile(std::string option, const std::string& path);
  ~OutputFile();  // removes the staging folder unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& option() const { return option_; }
  const std::string& given() const { return given_; }  // as written on the command line
  RunFile run_file() const { return {option_, path_, true, device_}; }

  // Creates the staging folder (nothing for a direct file); throws BadPath
  // when the folder cannot be written in.
  void stage();

  // Where the writer writes: the staged file, or the path itself when direct.
  // Valid after stage().
  const std::string& write_path() const { return write_path_; }

  // Puts the staged file in place (replacing an older one). Returns "", or
  // why it could not (not an exception: it runs after the simulation).
  std::string commit();

  // `message` with the staged path replaced by the one the user gave, so that
  // an error names the file the user knows.
  std::string in_user_terms(std::string message) const;

 private:
  std::string option_, given_;
  std::filesystem::path path_;     // normalized
  std::filesystem::path staging_;  // empty when written directly
  std::string write_path_;
  bool device_ = false;
  int signal_slot_ = -1;
};

}  // namespace cxlvp
