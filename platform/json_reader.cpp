#include "json_reader.h"

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace cxlvp {

namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  std::map<std::string, std::string> document() {
    value("");
    skip_space();
    if (at_ < text_.size()) fail("text after the document");
    return scalars_;
  }

 private:
  void value(const std::string& path) {
    skip_space();
    const char c = peek();
    if (c == '{' || c == '[') {
      // Containers recurse: a hostile file nested a million deep must not overflow the stack.
      if (++depth_ > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth));
      if (c == '{') object(path);
      else array(path);
      --depth_;
    } else if (c == '"') scalars_[path] = string();
    else scalars_[path] = bare_word();
  }

  void object(const std::string& path) {
    expect('{');
    if (consume('}')) return;
    do {
      skip_space();
      const std::string key = string();
      skip_space();
      expect(':');
      value(path.empty() ? key : path + "/" + key);
      skip_space();
    } while (consume(','));
    expect('}');
  }

  void array(const std::string& path) {
    expect('[');
    if (consume(']')) return;
    size_t index = 0;
    do {
      const std::string item = std::to_string(index++);
      value(path.empty() ? item : path + "/" + item);
      skip_space();
    } while (consume(','));
    expect(']');
  }

  std::string string() {
    expect('"');
    std::string out;
    for (char c; (c = next()) != '"';) {
      if (c != '\\') {
        out += c;
        continue;
      }
      switch (const char e = next()) {
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': utf8(std::stoul(hex4(), nullptr, 16), out); break;
        default: out += e;  // " \ /
      }
    }
    return out;
  }

  std::string hex4() {
    std::string digits;
    for (int i = 0; i < 4; ++i) {
      const char c = next();
      if (!std::isxdigit(static_cast<unsigned char>(c))) fail("bad \\u escape");
      digits += c;
    }
    return digits;
  }

  // Code points of the Basic Multilingual Plane, which is all JsonWriter escapes.
  static void utf8(unsigned long code, std::string& out) {
    if (code < 0x80) {
      out += char(code);
    } else if (code < 0x800) {
      out += char(0xC0 | (code >> 6));
      out += char(0x80 | (code & 0x3F));
    } else {
      out += char(0xE0 | (code >> 12));
      out += char(0x80 | ((code >> 6) & 0x3F));
      out += char(0x80 | (code & 0x3F));
    }
  }

  // A number, true, false or null: its characters up to the next delimiter.
  std::string bare_word() {
    const size_t start = at_;
    while (at_ < text_.size() && !std::strchr(",]} \t\r\n", text_[at_])) ++at_;
    if (at_ == start) fail("expected a value");
    return text_.substr(start, at_ - start);
  }

  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  char next() {
    if (at_ >= text_.size()) fail("unexpected end");
    return text_[at_++];
  }
  bool consume(char c) {
    skip_space();
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  void expect(char c) {
    if (!consume(c)) fail(std::string("expected '") + c + "'");
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("json: " + what + " at offset " + std::to_string(at_));
  }

  static constexpr int kMaxDepth = 256;
  const std::string& text_;
  size_t at_ = 0;
  int depth_ = 0;
  std::map<std::string, std::string> scalars_;
};

}  // namespace

std::map<std::string, std::string> read_json_scalars(const std::string& text) { return Parser(text).document(); }

}  // namespace cxlvp
