#include "routing_trace.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace cxlvp {

namespace {

std::string position(uint32_t step, uint32_t layer) {
  return "step " + std::to_string(step) + " layer " + std::to_string(layer);
}

std::string count_of(uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace

RoutingTraceShape routing_trace_shape(const MoeModelConfig& model, const WorkloadConfig& workload) {
  return {model.experts, model.layers, workload.top_k, workload.tokens_per_batch};
}

// ---------------------------------------------------------------------------
// Reading.

RoutingTraceReader::RoutingTraceReader(std::string path, const RoutingTraceShape& shape)
    : path_(std::move(path)), shape_(shape), encoding_(trace_encoding(path_)) {
  // A zero would make validate_routing_trace loop forever on an empty layer.
  if (!shape.experts || !shape.layers || !shape.top_k || !shape.tokens_per_batch)
    throw std::invalid_argument("RoutingTraceReader: every field of the shape must be at least 1");
  std::error_code ignored;
  if (std::filesystem::is_directory(path_, ignored))  // opens fine on Linux, then fails every read
    throw RoutingTraceError(path_, 0, std::string("cannot open routing trace: ") + std::strerror(EISDIR));
  if (!reading_ends(path_)) throw RoutingTraceError(path_, 0, "cannot open routing trace: not a regular file");
  in_.open(path_);
  if (!in_) throw RoutingTraceError(path_, 0, std::string("cannot open routing trace: ") + std::strerror(errno));
  if (encoding_ != TraceEncoding::csv) return;
  const std::string header = at_end() ? "" : read_line();
  if (header != kTraceCsvHeader)
    throw RoutingTraceError(path_, 1, std::string("expected the header '") + kTraceCsvHeader + "' (got '" +
                                          header + "')");
}

bool RoutingTraceReader::at_end() { return in_.peek() == std::ifstream::traits_type::eof(); }

std::string RoutingTraceReader::read_line() {
  std::string text;
  std::getline(in_, text);
  ++line_;
  if (!text.empty() && text.back() == '\r') text.pop_back();  // CRLF line ends
  return text;
}

TraceRecord RoutingTraceReader::read_record() {
  const std::string text = read_line();
  if (text.empty()) fail("empty line");
  try {
    return parse_trace_record(encoding_, text);
  } catch (const MalformedTraceLine& bad) {
    fail(bad.message);
  }
}

LayerRouting RoutingTraceReader::next_layer(uint32_t step, uint32_t layer) {
  LayerRouting routing{step, layer, shape_.top_k, {}};
  routing.experts.reserve(size_t(shape_.tokens_per_batch) * shape_.top_k);
  for (uint32_t token = 0; token < shape_.tokens_per_batch; ++token) {
    if (at_end())
      fail(token ? "the file ends after " + count_of(token, "token") + " of " + position(step, layer) +
                       "; workload.tokens_per_batch is " + std::to_string(shape_.tokens_per_batch)
                 : "the file ends before " + position(step, layer));
    const TraceRecord record = read_record();
    check_position(record, step, layer, token);
    check_experts(record);
    routing.experts.insert(routing.experts.end(), record.experts.begin(), record.experts.end());
  }
  layer_read_ = true;
  last_step_ = step;
  last_layer_ = layer;
  return routing;
}

// Names the likely cause when a line is not the one expected: a layer cut
// short, a step cut short, a layer too long, or lines out of order.
void RoutingTraceReader::check_position(const TraceRecord& r, uint32_t step, uint32_t layer, uint32_t token) const {
  if (r.layer >= shape_.layers)
    fail("layer " + std::to_string(r.layer) + " out of range: model.layers is " + std::to_string(shape_.layers));
  if (r.step == step && r.layer == layer && r.token == token) return;
  const bool later_layer = r.step > step || (r.step == step && r.layer > layer);
  if (token > 0 && r.token == 0 && later_layer)
    fail(position(step, layer) + " has " + count_of(token, "token") + "; workload.tokens_per_batch is " +
         std::to_string(shape_.tokens_per_batch));
  if (token == 0 && layer > 0 && r.token == 0 && r.layer == 0 && r.step > step)
    fail("step " + std::to_string(step) + " has " + count_of(layer, "layer") + "; model.layers is " +
         std::to_string(shape_.layers));
  if (token == 0 && layer_read_ && r.step == last_step_ && r.layer == last_layer_ &&
      r.token == shape_.tokens_per_batch)
    fail(position(r.step, r.layer) + " has more tokens than workload.tokens_per_batch (" +
         std::to_string(shape_.tokens_per_batch) + ")");
  fail("expected " + position(step, layer) + " token " + std::to_string(token) + " (got " +
       position(r.step, r.layer) + " token " + std::to_string(r.token) + ")");
}

void RoutingTraceReader::check_experts(const TraceRecord& r) const {
  if (r.experts.size() != shape_.top_k)
    fail("token " + std::to_string(r.token) + " has " + count_of(r.experts.size(), "expert") +
         "; workload.top_k is " + std::to_string(shape_.top_k));
  for (auto e = r.experts.begin(); e != r.experts.end(); ++e) {
    if (*e >= shape_.experts)
      fail("expert " + std::to_string(*e) + " out of range: model.experts is " + std::to_string(shape_.experts));
    if (std::find(r.experts.begin(), e, *e) != e)
      fail("expert " + std::to_string(*e) + " appears twice in token " + std::to_string(r.token));
  }
}

void RoutingTraceReader::fail(const std::string& message) const { throw RoutingTraceError(path_, line_, message); }

void validate_routing_trace(const std::string& path, const RoutingTraceShape& shape, unsigned batches) {
  RoutingTraceReader reader(path, shape);
  uint32_t steps = 0;
  for (; !reader.at_end(); ++steps)
    for (uint32_t layer = 0; layer < shape.layers; ++layer) reader.next_layer(steps, layer);
  if (steps < batches)
    throw RoutingTraceError(path, reader.line(),
                            "the trace has " + count_of(steps, "step") + "; workload.batches is " +
                                std::to_string(batches) + " (one step per batch)");
}

// ---------------------------------------------------------------------------
// Writing.

RoutingTraceWriter::RoutingTraceWriter(std::string path, std::unique_ptr<RoutingSource> source)
    : path_(std::move(path)), encoding_(trace_encoding(path_)), out_(path_), source_(std::move(source)) {
  if (!out_) throw RoutingTraceError(path_, 0, std::string("cannot create routing trace: ") + std::strerror(errno));
  if (encoding_ == TraceEncoding::csv) out_ << kTraceCsvHeader << '\n';
}

LayerRouting RoutingTraceWriter::next_layer(uint32_t step, uint32_t layer) {
  LayerRouting routing = source_->next_layer(step, layer);
  record_.step = routing.step;
  record_.layer = routing.layer;
  for (size_t t = 0; t < routing.tokens(); ++t) {
    const auto first = routing.experts.begin() + t * routing.top_k;
    record_.token = uint32_t(t);
    record_.experts.assign(first, first + routing.top_k);
    write_trace_record(out_, encoding_, record_);
  }
  // Flushed per layer: a write error surfaces now, and a run that fails later leaves a usable prefix.
  out_.flush();
  if (!out_) throw RoutingTraceError(path_, 0, std::string("cannot write routing trace: ") + std::strerror(errno));
  return routing;
}

}  // namespace cxlvp
