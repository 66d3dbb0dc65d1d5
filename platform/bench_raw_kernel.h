#pragma once
// The raw kernel rate, the reference of `cxlvp bench` (platform/bench.cpp,
// docs/performance.md): a trivial initiator calls b_transport on a trivial
// target that adds 10 ns, with a tlm_quantumkeeper (1 us quantum), the loop a
// SystemC user would write with tlm_utils' simple sockets; and the same loop
// through the platform's own sockets, for information. In a file of its own,
// compiled with its functions and loops aligned (CMakeLists.txt): inside
// bench.cpp, edits to the bench's reporting moved the loop's code and its
// rate by 3 to 14 %.
#include <cstdint>
#include <memory>

namespace cxlvp {

struct KernelResult {
  uint64_t calls = 0;  // per round
  unsigned rounds = 0;         // of each loop, so far
  double wall_s = 0;           // the best round's, simple sockets (the reference)
  double slowest_wall_s = 0;   // the slowest round's, simple sockets (how steady the machine was)
  double platform_wall_s = 0;  // the best round's, the platform's sockets
  double rate() const { return wall_s > 0 ? calls / wall_s : 0; }
  double platform_rate() const { return platform_wall_s > 0 ? calls / platform_wall_s : 0; }
};

struct BenchTarget;
struct BenchInitiator;

// The raw kernel loop, elaborated once (the bench process's only
// elaboration) and measured twice: before the scenario runs and after them,
// so that a disturbed moment of the machine does not set the reference.
class RawKernel {
 public:
  RawKernel(uint64_t calls, unsigned rounds);
  ~RawKernel();
  // Runs one more set of rounds; the result is the best of all rounds so far.
  KernelResult measure();

 private:
  std::unique_ptr<BenchTarget> target_;
  std::unique_ptr<BenchInitiator> initiator_;
  bool started_ = false;
};

}  // namespace cxlvp
