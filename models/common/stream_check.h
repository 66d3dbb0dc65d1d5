#pragma once
// Every file cxlvp writes is checked when it is closed: a short write or a
// failed flush (a full disk, a file size limit) is an error, never a silently
// truncated file.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace cxlvp {

// Closes `out` (flushing it) and returns "" when every byte reached the file,
// else why not: the system's words for the failed write ("No space left on
// device"), or "write failed" when it gave none.
inline std::string close_checked(std::ofstream& out) {
  errno = 0;
  const bool written = static_cast<bool>(out);
  out.close();
  if (written && out) return "";
  return errno ? std::strerror(errno) : "write failed";
}

}  // namespace cxlvp
