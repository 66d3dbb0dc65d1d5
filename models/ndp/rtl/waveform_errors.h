#pragma once
// Failed writes of the RTL engines' waveform files (--vcd). Verilator's own
// VCD writer treats a failed write as fatal and, in Verilator 5.006, then
// deadlocks flushing the same file; the engines therefore write through a file
// (checked_vcd.h) that records the failure here, and the program asks here
// before it trusts the waveform file.
#include <string>

namespace cxlvp {

// Records the first failed write: `path` and the system's words for it.
void note_waveform_write_error(const std::string& path, const std::string& why);

// "PATH: why" of the first failed write, or "" when every write succeeded.
std::string waveform_write_error();

}  // namespace cxlvp
