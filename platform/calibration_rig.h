#pragma once
// The microbenchmarks of `cxlvp calibrate` (docs/calibration.md). A
// CalibrationRig is the platform's models -- the same classes, parameters and
// wiring as Platform -- with a probe in place of the scheduler firmware. The
// probe measures through the modeled path only:
//  - as host cores (node `cpu`, the CPU's outstanding-miss window): dependent
//    64 B reads (pointer chase), read/write streams in a fixed mix, and a chase
//    under a paced read load (loaded latency);
//  - as firmware (node `fw`): real jobs on the real devices by descriptor,
//    MMIO doorbell and MSI -- GPU copy-engine transfers over PCIe, CPU AMX
//    expert jobs and NDP jobs in roofline mode -- timed from the job log.
// One probe per process: SystemC elaborates once.
#include <map>
#include <string>

#include "scenario.h"

namespace cxlvp {

enum class ProbeKind { chase, stream, loaded, gpu_chase, h2d, d2h, amx, ndp };

struct ProbeRequest {
  ProbeKind kind = ProbeKind::chase;
  bool cxl = false;                 // memory under test: CXL expander memory, else host DDR
  unsigned reads = 1, writes = 0;   // stream: bytes read : bytes written
  double load_GBps = 0;             // loaded: offered read load besides the chase (0: idle)
  unsigned tokens = 1;              // amx, ndp: batch, the M of the GEMM
};

// Named results, e.g. {"latency_ns": 287.1}.
using ProbeResult = std::map<std::string, double>;

// Elaborates the rig for `s`, runs the probe to completion and returns what it
// measured. When a job fails or the scenario cannot run the probe (e.g. an NDP
// probe with the NDP engine disabled) `error` says why, in one line. Not an exception: a
// throw once SystemC's coroutines have run confuses AddressSanitizer's view of
// the stack (google/sanitizers#189), so the error comes back as a value.
ProbeResult run_probe(const Scenario& s, const ProbeRequest& request, std::string& error);

const char* to_string(ProbeKind kind);
// False when `text` names no probe.
bool parse_probe_kind(const std::string& text, ProbeKind& kind);

// Shapes the probes use, shared with docs and tests.
namespace probe_shape {
constexpr unsigned chase_reads = 4000;         // dependent 64 B reads per idle chase
constexpr uint64_t chunk_bytes = 1 << 20;      // stream: one unit of the mix (x reads, x writes)
constexpr unsigned stream_chunks = 48;         // stream: units per run
constexpr double loaded_window_us = 40;        // loaded: duration of the offered load
// loaded: quantum of the load and latency threads. Occupancy serves in call
// order, so a load thread a whole default quantum (1 us) ahead would have
// reserved the channels that far and a chase read would queue behind all of
// it; a short quantum keeps the two threads' requests in time order.
constexpr double loaded_quantum_ns = 10;
constexpr uint64_t copy_bytes = 64ull << 20;   // h2d, d2h: one copy-engine job
constexpr unsigned gpu_chase_reads = 2000;     // gpu_chase: dependent 64 B DMA reads
constexpr uint64_t gemm_k = 4096, gemm_n = 8192;  // amx, ndp: weights K x N, 16-bit (64 MiB)
}  // namespace probe_shape

}  // namespace cxlvp
