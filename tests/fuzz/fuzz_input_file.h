#pragma once
// Shared by the fuzz targets: the parsers under test read files, so each input
// is written to a file in this process's own scratch folder first.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace cxlvp_fuzz {

namespace fs = std::filesystem;

// A folder of this process's own under /dev/shm when there is one (no disk
// writes per input), else under the system's temp folder. Left in place at
// exit: libFuzzer ends the process with _exit on a crash, so a destructor would
// not run reliably; the folder is small and named after the process.
inline const fs::path& scratch() {
  static const fs::path dir = [] {
    const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    fs::path d = base / ("cxlvp_fuzz_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

inline void write_file(const fs::path& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
}

}  // namespace cxlvp_fuzz
