#pragma once
// Routing traces: the gating decisions of a run as a file, one token per line
// (grammar in routing_trace_format.h, docs/workloads.md). RoutingTraceReader
// replays one; RoutingTraceWriter saves whatever another RoutingSource hands
// out, so a generated workload can be replayed identically. Both stream: one
// layer in memory at a time, however long the trace.
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "moe_model.h"
#include "routing_generator.h"
#include "routing_source.h"
#include "routing_trace_format.h"

namespace cxlvp {

// What every step of a trace must look like for the run that replays it.
struct RoutingTraceShape {
  unsigned experts = 0;           // model.experts: expert ids are below this
  unsigned layers = 0;            // model.layers per step
  unsigned top_k = 0;             // workload.top_k distinct experts per token
  unsigned tokens_per_batch = 0;  // workload.tokens_per_batch tokens per layer
};

RoutingTraceShape routing_trace_shape(const MoeModelConfig& model, const WorkloadConfig& workload);

class RoutingTraceReader : public RoutingSource {
 public:
  // Opens `path` (encoding by extension) and checks the CSV header. Throws RoutingTraceError.
  RoutingTraceReader(std::string path, const RoutingTraceShape& shape);

  // Reads exactly the tokens of (step, layer), which must come next in the
  // file: callers go step by step, layer by layer, as the scheduler does.
  // Throws RoutingTraceError for any line that is malformed, out of order or
  // does not fit the shape.
  LayerRouting next_layer(uint32_t step, uint32_t layer) override;

  bool at_end();                          // no more lines
  uint64_t line() const { return line_; }  // last line read (1-based; 0 before the first)

 private:
  std::string read_line();  // without its line break
  TraceRecord read_record();
  void check_position(const TraceRecord& r, uint32_t step, uint32_t layer, uint32_t token) const;
  void check_experts(const TraceRecord& r) const;
  [[noreturn]] void fail(const std::string& message) const;  // about the last line read

  std::string path_;
  RoutingTraceShape shape_;
  TraceEncoding encoding_;
  std::ifstream in_;
  uint64_t line_ = 0;
  bool layer_read_ = false;  // whether a layer has been read, and then which one last:
  uint32_t last_step_ = 0, last_layer_ = 0;
};

// Checks the whole trace up front, so that a run never stops half-way on a bad
// line: every line as RoutingTraceReader checks it, every step complete (all
// layers, all tokens), and at least `batches` steps. Extra steps are fine (a
// run replays the first `batches`). Throws RoutingTraceError.
void validate_routing_trace(const std::string& path, const RoutingTraceShape& shape, unsigned batches);

class RoutingTraceWriter : public RoutingSource {
 public:
  // Creates (or truncates) `path`, encoding by extension. Throws RoutingTraceError.
  RoutingTraceWriter(std::string path, std::unique_ptr<RoutingSource> source);

  // The source's routing, written to the file (and flushed) before it is
  // returned. Throws RoutingTraceError when the file cannot be written.
  LayerRouting next_layer(uint32_t step, uint32_t layer) override;

 private:
  std::string path_;
  TraceEncoding encoding_;
  std::ofstream out_;
  std::unique_ptr<RoutingSource> source_;
  TraceRecord record_;  // reused for every token: no allocation per line
};

}  // namespace cxlvp
