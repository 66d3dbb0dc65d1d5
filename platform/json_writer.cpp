#include "json_writer.h"

#include <cmath>
#include <cstdio>

namespace cxlvp {

std::string JsonWriter::quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') q += '\\', q += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      q += buf;
    } else q += c;
  }
  return q + "\"";
}

std::string JsonWriter::number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void JsonWriter::newline() {
  out_ << '\n' << std::string(2 * first_.size(), ' ');
}

void JsonWriter::key(const std::string& k) {
  if (!first_.empty()) {
    if (!first_.back()) out_ << ',';
    first_.back() = false;
    newline();
  }
  if (!k.empty()) out_ << quote(k) << ": ";
}

JsonWriter& JsonWriter::begin_object(const std::string& k) {
  key(k);
  out_ << '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_ << '}';
  if (first_.empty()) out_ << '\n';
  return *this;
}

JsonWriter& JsonWriter::begin_array(const std::string& k) {
  key(k);
  out_ << '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_ << ']';
  return *this;
}

JsonWriter& JsonWriter::value(const std::string& k, const std::string& v) {
  key(k);
  out_ << quote(v);
  return *this;
}

JsonWriter& JsonWriter::value(const std::string& k, double v) {
  key(k);
  out_ << number(v);
  return *this;
}

JsonWriter& JsonWriter::value(const std::string& k, uint64_t v) {
  key(k);
  out_ << v;
  return *this;
}

JsonWriter& JsonWriter::value(const std::string& k, bool v) {
  key(k);
  out_ << (v ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null(const std::string& k) {
  key(k);
  out_ << "null";
  return *this;
}

}  // namespace cxlvp
