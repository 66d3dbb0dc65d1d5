// libFuzzer target: the routing-trace reader on arbitrary file contents, as
// CSV and as JSONL, against a few run shapes: validate_routing_trace (what the
// loader does) and RoutingTraceReader stepping layer by layer (what a run
// does). RoutingTraceError is the expected rejection; any other exception, a
// crash, a sanitizer report or a hang is a bug. docs/testing.md says how to run it.
#include <cstddef>
#include <cstdint>

#include "firmware/routing_trace.h"
#include "fuzz_input_file.h"

using namespace cxlvp;

namespace {

// experts, layers, top_k, tokens_per_batch. The first is tests/data/traces/replay.yaml's,
// which the seed traces fit; the others make different lines count as valid.
const RoutingTraceShape kShapes[] = {{32, 2, 2, 2}, {1, 1, 1, 1}, {8, 3, 3, 1}};

void read_as(const cxlvp_fuzz::fs::path& file, const RoutingTraceShape& shape) {
  try {
    validate_routing_trace(file.string(), shape, 2);
  } catch (const RoutingTraceError&) {
  }
  try {
    RoutingTraceReader reader(file.string(), shape);
    for (uint32_t step = 0; step < 3 && !reader.at_end(); ++step)
      for (uint32_t layer = 0; layer < shape.layers; ++layer) reader.next_layer(step, layer);
  } catch (const RoutingTraceError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (const char* name : {"trace.csv", "trace.jsonl"}) {
    const auto file = cxlvp_fuzz::scratch() / name;
    cxlvp_fuzz::write_file(file, data, size);
    for (const auto& shape : kShapes) read_as(file, shape);
  }
  return 0;
}

// libsystemc.so refers to sc_main; libFuzzer's main() runs instead, so this never does.
extern "C" int sc_main(int, char**) { return 0; }
