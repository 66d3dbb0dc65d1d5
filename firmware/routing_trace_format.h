#pragma once
// The routing-trace line grammar (docs/workloads.md): one token's routing per
// line, as CSV (`step,layer,token,experts` with experts separated by `;`) or as
// JSONL (`{"step":0,"layer":0,"token":17,"experts":[3,41]}`), the encoding
// chosen by the file's extension. Only single lines are handled here; the
// order of lines and their fit to the model is routing_trace.h's job.
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cxlvp {

// A problem with a routing trace file. what() is "FILE:LINE: MESSAGE"; the
// line part is left out when line is 0 (about the file as a whole).
struct RoutingTraceError : std::runtime_error {
  RoutingTraceError(std::string file, uint64_t line, std::string message);
  std::string file;
  uint64_t line;        // 1-based; 0 = not about one line
  std::string message;  // what() without the file and line
};

enum class TraceEncoding { csv, jsonl };

// From the extension of `path`: .csv or .jsonl; anything else throws RoutingTraceError.
TraceEncoding trace_encoding(const std::string& path);

// Whether reading `path` to its end finishes: a regular file or a pipe
// (`cxlvp validate <(...)`), or nothing there at all (opening it then fails
// with its own message). Not a device: /dev/zero or a terminal would be read
// forever or wait for input, and no device is a scenario or trace (/dev/null
// neither, though it ends at once). Used for scenarios and traces alike.
bool reading_ends(const std::string& path);

// The CSV header line; JSONL files have none.
extern const char* const kTraceCsvHeader;

// One line: which experts token `token` of layer `layer` in step `step` went to.
struct TraceRecord {
  uint32_t step = 0, layer = 0, token = 0;
  std::vector<uint32_t> experts;
};

// A line that does not follow the grammar; the reader adds the file and line.
struct MalformedTraceLine {
  std::string message;
};

// Parses one line (without its line break). Throws MalformedTraceLine.
TraceRecord parse_trace_record(TraceEncoding encoding, const std::string& line);

// Writes one record as a line, line break included.
void write_trace_record(std::ostream& out, TraceEncoding encoding, const TraceRecord& record);

}  // namespace cxlvp
