#pragma once
// cxlvp calibrate: microbenchmarks on the modeled platform against published
// hardware figures (docs/calibration.md). Each probe (calibration_rig.h) runs
// as its own child process of cxlvp, on the presets the published figure was
// measured on; the results become a table of entries
// {name, unit, measured, published, source, error_pct}, printed and written to
// calibration.json, with the loaded-latency curves and the AMX and NDP batch
// sweeps as CSV files.
#include <string>
#include <vector>

namespace cxlvp {

// Runs `cxlvp calibrate ARGS...` (args: what follows "calibrate"). Returns the
// exit status: 0; 1 when a probe failed or an entry is out of tolerance without
// an explanation; 2 for bad options or scenario keys.
int run_calibrate(const std::vector<std::string>& args);

extern const char* const kCalibrateUsage;

}  // namespace cxlvp
