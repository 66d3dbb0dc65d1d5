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

class CommandLine;

// Runs `cxlvp calibrate` with its options (cli.h). Returns the exit status: 0;
// 1 when a probe failed or an entry is out of tolerance without an
// explanation. Throws UsageError for bad options, ScenarioError for bad
// scenario keys (exit status 2).
int run_calibrate(const CommandLine& line);

extern const char* const kCalibrateUsage;

}  // namespace cxlvp
