#include "routing_trace_format.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <iterator>

namespace cxlvp {

namespace {

std::string error_text(const std::string& file, uint64_t line, const std::string& message) {
  return file + (line ? ":" + std::to_string(line) : "") + ": " + message;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Digits only (no sign, no spaces), at most 2^32 - 1.
uint32_t parse_uint32(const std::string& text, const std::string& what) {
  uint32_t value = 0;
  const char* const last = text.data() + text.size();
  const auto [end, error] = std::from_chars(text.data(), last, value);
  if (error == std::errc::result_out_of_range) throw MalformedTraceLine{what + ": " + text + " is too large"};
  if (text.empty() || !is_digit(text[0]) || error != std::errc() || end != last)
    throw MalformedTraceLine{what + ": expected an unsigned integer (got '" + text + "')"};
  return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == separator) parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

TraceRecord parse_csv_record(const std::string& line) {
  const auto fields = split(line, ',');
  if (fields.size() != 4)
    throw MalformedTraceLine{"expected 4 comma-separated fields step,layer,token,experts (got " +
                             std::to_string(fields.size()) + ")"};
  TraceRecord record;
  record.step = parse_uint32(fields[0], "step");
  record.layer = parse_uint32(fields[1], "layer");
  record.token = parse_uint32(fields[2], "token");
  for (const auto& id : split(fields[3], ';')) record.experts.push_back(parse_uint32(id, "expert id"));
  return record;
}

// A strict reader of exactly one record object: the four keys, each once, in
// any order; unsigned integers as JSON writes them; JSON whitespace anywhere
// between tokens. Keys are compared as written (no escape sequences), which
// is all a trace needs and keeps the parser small.
class JsonRecordParser {
 public:
  explicit JsonRecordParser(const std::string& line) : text_(line) {}

  TraceRecord parse() {
    static const char* const keys[] = {"step", "layer", "token", "experts"};
    TraceRecord record;
    uint32_t* const numbers[] = {&record.step, &record.layer, &record.token};
    bool seen[std::size(keys)] = {};
    expect('{');
    do {
      skip_space();
      const size_t at = pos_;
      const std::string key = quoted_key();
      const size_t k = size_t(std::find(std::begin(keys), std::end(keys), key) - std::begin(keys));
      if (k == std::size(keys)) fail_at(at, "unknown key \"" + key + "\" (expected step, layer, token, experts)");
      if (seen[k]) fail_at(at, "duplicate key \"" + key + "\"");
      seen[k] = true;
      expect(':');
      if (k < std::size(numbers)) *numbers[k] = number();
      else record.experts = array();
    } while (eat(','));
    expect('}');
    skip_space();
    if (pos_ < text_.size()) fail_at(pos_, "unexpected text after the object");
    for (size_t k = 0; k < std::size(keys); ++k)
      if (!seen[k]) fail_at(pos_, "missing key \"" + std::string(keys[k]) + "\"");
    return record;
  }

 private:
  [[noreturn]] void fail_at(size_t at, const std::string& message) const {
    throw MalformedTraceLine{message + " at column " + std::to_string(at + 1)};
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r')) ++pos_;
  }

  bool eat(char c) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  void expect(char c) {
    if (!eat(c)) fail_at(pos_, std::string("expected '") + c + "'");
  }

  std::string quoted_key() {
    if (!eat('"')) fail_at(pos_, "expected a key in double quotes");
    const size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') fail_at(pos_, "escape sequences are not supported in keys");
      ++pos_;
    }
    if (pos_ >= text_.size()) fail_at(start - 1, "unterminated string");
    return text_.substr(start, pos_++ - start);
  }

  // JSON's spelling of an unsigned integer: no sign, no leading zero, no fraction or exponent.
  uint32_t number() {
    skip_space();
    const size_t start = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    const std::string digits = text_.substr(start, pos_ - start);
    if (digits.empty() || (pos_ < text_.size() && std::string(".eE").find(text_[pos_]) != std::string::npos))
      fail_at(start, "expected an unsigned integer");
    if (digits.size() > 1 && digits[0] == '0') fail_at(start, "leading zero in a number");
    try {
      return parse_uint32(digits, "number");
    } catch (const MalformedTraceLine& bad) {
      fail_at(start, bad.message);
    }
  }

  std::vector<uint32_t> array() {
    std::vector<uint32_t> values;
    expect('[');
    if (eat(']')) return values;
    do values.push_back(number());
    while (eat(','));
    expect(']');
    return values;
  }

  const std::string& text_;
  size_t pos_ = 0;
};

}  // namespace

RoutingTraceError::RoutingTraceError(std::string file, uint64_t line, std::string message)
    : std::runtime_error(error_text(file, line, message)),
      file(std::move(file)),
      line(line),
      message(std::move(message)) {}

bool reading_ends(const std::string& path) {
  std::error_code error;  // a path that cannot be looked at is left to the open that follows
  const auto type = std::filesystem::status(path, error).type();
  return error || type == std::filesystem::file_type::regular || type == std::filesystem::file_type::fifo ||
         type == std::filesystem::file_type::not_found;
}

const char* const kTraceCsvHeader = "step,layer,token,experts";

TraceEncoding trace_encoding(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".csv") return TraceEncoding::csv;
  if (extension == ".jsonl") return TraceEncoding::jsonl;
  throw RoutingTraceError(path, 0,
                          (extension.empty() ? std::string("no file extension")
                                             : "unsupported file extension '" + extension + "'") +
                              ": a routing trace is .csv or .jsonl");
}

TraceRecord parse_trace_record(TraceEncoding encoding, const std::string& line) {
  return encoding == TraceEncoding::csv ? parse_csv_record(line) : JsonRecordParser(line).parse();
}

void write_trace_record(std::ostream& out, TraceEncoding encoding, const TraceRecord& record) {
  const bool csv = encoding == TraceEncoding::csv;
  if (csv) out << record.step << ',' << record.layer << ',' << record.token << ',';
  else out << "{\"step\":" << record.step << ",\"layer\":" << record.layer << ",\"token\":" << record.token
           << ",\"experts\":[";
  for (size_t i = 0; i < record.experts.size(); ++i) out << (i ? (csv ? ";" : ",") : "") << record.experts[i];
  out << (csv ? "\n" : "]}\n");
}

}  // namespace cxlvp
