#include "waveform_errors.h"

namespace cxlvp {

namespace {

std::string& first_error() {
  static std::string error;
  return error;
}

}  // namespace

void note_waveform_write_error(const std::string& path, const std::string& why) {
  if (first_error().empty()) first_error() = path + ": " + why;
}

std::string waveform_write_error() { return first_error(); }

}  // namespace cxlvp
