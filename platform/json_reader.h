#pragma once
// A minimal JSON reader for the files cxlvp writes itself (summary.json):
// just enough to look up scalar values by path, without a JSON library.
#include <map>
#include <set>
#include <string>

namespace cxlvp {

// The scalar values of a JSON document keyed by path: object keys and array
// indices joined with '/', e.g. "jobs/gpu.fetch/busy_s" or "batches/0/latency_s".
// Numbers, true, false and null keep their text as written (so numbers copy
// over byte for byte); strings are unescaped. Throws std::runtime_error for
// malformed input, including a bare word that is no JSON number or literal
// and nesting deeper than kMaxJsonDepth (the files it reads may be damaged or
// hostile: a sweep point's summary.json). With `wanted`, only those paths are
// kept (the whole document is still checked), so memory does not grow with it.
inline constexpr int kMaxJsonDepth = 64;
std::map<std::string, std::string> read_json_scalars(const std::string& text,
                                                     const std::set<std::string>* wanted = nullptr);

}  // namespace cxlvp
