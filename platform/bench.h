#pragma once
// cxlvp bench: how fast the platform simulates, against the raw SystemC kernel.
//  (a) raw kernel rate: a trivial initiator calling b_transport on a trivial target
//      with a tlm_quantumkeeper (1 us quantum), in this process (its only elaboration);
//  (b) end to end: each scenario x burst size as its own `cxlvp run --quiet` child
//      process, timed around fork/exec/wait, transactions and simulated time read
//      from its summary.json;
//  (c) a table and the two targets (paper scenarios at 4 KiB < 2 s wall in total;
//      end-to-end rate >= 25 % of the raw kernel rate, kRateTargetPercent), plainly held or not;
//  (d) --scaling: wall time as tokens, experts and layers double; (e) peak
//      memory at 10, 100 and 1000 batches;
//  (f), (g) the checks (bench_checks.h): the four-expander switch scenario's
//      tx/s against the default scenario's; the model scenarios' simulated time
//      at 64 KiB bursts against 4 KiB.
// docs/performance.md describes it and a run's results.
#include <string>
#include <vector>

namespace cxlvp {

class CommandLine;

// The speed target: the end-to-end rate (transactions per second of
// sc_start) at least this share of the raw kernel rate (issue 14: 25 %; the
// first round's target was 10 %).
inline constexpr double kRateTargetPercent = 25;

// Runs `cxlvp bench` with its options (cli.h). Returns the exit status: 0, or 1
// when a run failed; throws UsageError for bad options (exit status 2).
// Prints to stdout, notes to stderr.
int run_bench(const CommandLine& line);

extern const char* const kBenchUsage;

}  // namespace cxlvp
