#pragma once
// A minimal JSON reader for the files cxlvp writes itself (summary.json):
// just enough to look up scalar values by path, without a JSON library.
#include <map>
#include <string>

namespace cxlvp {

// The scalar values of a JSON document keyed by path: object keys and array
// indices joined with '/', e.g. "jobs/gpu.fetch/busy_s" or "batches/0/latency_s".
// Numbers, true, false and null keep their text as written (so numbers copy
// over byte for byte); strings are unescaped. Throws std::runtime_error for
// malformed input.
std::map<std::string, std::string> read_json_scalars(const std::string& text);

}  // namespace cxlvp
