#pragma once
// Timeline: a run's jobs as a Chrome/Perfetto trace (Trace Event Format JSON),
// to open in ui.perfetto.dev or chrome://tracing. Tracks: one per device
// engine (gpu, gpu.fetch, gpu.copy, cpu, ndp) with each job; one per link
// (pcie, cxl.link) with the jobs whose data crossed it, derived from each
// job's kind and lane and the run's weights_home, not per transaction; and one
// per batch with its layers.
#include <string>

#include "report.h"

namespace cxlvp {

// Writes the trace of `report` to `path`; throws std::runtime_error when it cannot.
void write_timeline(const RunReport& report, const std::string& path);

}  // namespace cxlvp
