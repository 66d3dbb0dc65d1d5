#pragma once
// JsonWriter: a small streaming JSON writer with fixed number formatting, so
// the same results always produce the same bytes.
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace cxlvp {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  JsonWriter& begin_object(const std::string& key = "");
  JsonWriter& end_object();
  JsonWriter& begin_array(const std::string& key = "");
  JsonWriter& end_array();
  JsonWriter& value(const std::string& key, const std::string& v);
  JsonWriter& value(const std::string& key, const char* v) { return value(key, std::string(v)); }
  JsonWriter& value(const std::string& key, double v);
  JsonWriter& value(const std::string& key, uint64_t v);
  JsonWriter& value(const std::string& key, unsigned v) { return value(key, uint64_t(v)); }
  JsonWriter& value(const std::string& key, bool v);
  JsonWriter& null(const std::string& key);  // a value that is not known

  static std::string quote(const std::string& s);
  static std::string number(double v);  // up to 9 significant digits, no exponent noise

 private:
  void key(const std::string& k);
  void newline();

  std::ostream& out_;
  std::vector<bool> first_;  // per open container: nothing written yet
};

}  // namespace cxlvp
