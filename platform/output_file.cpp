#include "output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "stop_signal.h"

namespace fs = std::filesystem;

namespace cxlvp {

namespace {

// A hidden folder beside `target`, unique (mkdtemp), for staging its files.
fs::path make_staging_folder(const fs::path& target, const std::string& who) {
  std::string pattern = (target.parent_path() / ("." + target.filename().string() + ".partial-XXXXXX")).string();
  if (!mkdtemp(pattern.data()))
    throw BadPath(who + ": cannot write in " + target.parent_path().string() + ": " + std::strerror(errno));
  return pattern;
}

}  // namespace

OutputFile::OutputFile(std::string option, const std::string& path) : option_(std::move(option)), given_(path) {
  const std::string who = option_ + " " + path;
  if (path.empty()) throw BadPath(option_ + " needs a file name");
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::character || status.type() == fs::file_type::fifo) {
    // Written as it is; a device that refuses writing is caught now, not after the simulation.
    if (status.type() == fs::file_type::character) {
      const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) throw BadPath(who + ": cannot write: " + std::strerror(errno));
      ::close(fd);
    }
    path_ = fs::absolute(path).lexically_normal();
    write_path_ = path;
    device_ = status.type() == fs::file_type::character;
    return;
  }
  path_ = normalized_path(path);
  if (fs::is_directory(status)) throw BadPath(who + ": is a folder; " + option_ + " needs a file name");
  if (fs::exists(status) && !fs::is_regular_file(status))
    throw BadPath(who + ": not a regular file, a character device or a pipe");
  if (!path_.has_filename()) throw BadPath(who + ": needs a file name");
}

void OutputFile::stage() {
  if (!write_path_.empty()) return;  // direct
  const std::string who = option_ + " " + given_;
  const fs::path folder = path_.parent_path();
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    // Folders of files named by options are made as needed (results/tx.csv from a fresh clone).
    fs::create_directories(folder, error);
    if (!fs::is_directory(folder, error))
      throw BadPath(who + ": no folder " + folder.string() + (fs::exists(folder, error) ? " (not a folder)" : ""));
  }
  staging_ = make_staging_folder(path_, who);
  signal_slot_ = register_staging_folder(staging_.string());
  write_path_ = (staging_ / path_.filename()).string();
}

OutputFile::~OutputFile() {
  if (staging_.empty()) return;
  std::error_code ignored;  // a destructor must not throw
  fs::remove_all(staging_, ignored);
  forget_staging_folder(signal_slot_);
}

std::string OutputFile::commit() {
  if (staging_.empty()) return "";  // direct, or committed
  std::error_code error;
  fs::rename(write_path_, path_, error);
  if (error) return option_ + " " + given_ + ": cannot put the file in place: " + error.message();
  fs::remove(staging_, error);
  forget_staging_folder(signal_slot_);
  staging_.clear();
  return "";
}

std::string OutputFile::in_user_terms(std::string message) const {
  if (staging_.empty()) return message;
  for (size_t at = 0; (at = message.find(write_path_, at)) != std::string::npos; at += given_.size())
    message.replace(at, write_path_.size(), given_);
  return message;
}

}  // namespace cxlvp
