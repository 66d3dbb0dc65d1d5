#include "json_reader.h"

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace cxlvp {

namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::set<std::string>* wanted) : text_(text), wanted_(wanted) {}

  std::map<std::string, std::string> document() {
    value("", 0);
    skip_space();
    if (at_ < text_.size()) fail("text after the document");
    return scalars_;
  }

 private:
  void value(const std::string& path, int depth) {
    skip_space();
    const char c = peek();
    if ((c == '{' || c == '[') && depth >= kMaxJsonDepth) fail("nested deeper than " + std::to_string(kMaxJsonDepth));
    if (c == '{') object(path, depth + 1);
    else if (c == '[') array(path, depth + 1);
    else keep(path, c == '"' ? string() : bare_word());
  }

  void keep(const std::string& path, std::string value) {
    if (!wanted_ || wanted_->count(path)) scalars_[path] = std::move(value);
  }

  void object(const std::string& path, int depth) {
    expect('{');
    if (consume('}')) return;
    do {
      skip_space();
      const std::string key = string();
      skip_space();
      expect(':');
      value(path.empty() ? key : path + "/" + key, depth);
      skip_space();
    } while (consume(','));
    expect('}');
  }

  void array(const std::string& path, int depth) {
    expect('[');
    if (consume(']')) return;
    size_t index = 0;
    do {
      const std::string item = std::to_string(index++);
      value(path.empty() ? item : path + "/" + item, depth);
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
    std::string word = text_.substr(start, at_ - start);
    if (word != "true" && word != "false" && word != "null" && !is_number(word)) {
      at_ = start;
      fail("expected a value");
    }
    return word;
  }

  // JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  static bool is_number(const std::string& w) {
    size_t i = 0;
    const auto digits = [&] {
      const size_t from = i;
      while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
      return i > from;
    };
    if (i < w.size() && w[i] == '-') ++i;
    if (i < w.size() && w[i] == '0') ++i;
    else if (!digits()) return false;
    if (i < w.size() && w[i] == '.' && (++i, !digits())) return false;
    if (i < w.size() && (w[i] == 'e' || w[i] == 'E')) {
      ++i;
      if (i < w.size() && (w[i] == '+' || w[i] == '-')) ++i;
      if (!digits()) return false;
    }
    return i == w.size();
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

  const std::string& text_;
  const std::set<std::string>* wanted_;
  size_t at_ = 0;
  std::map<std::string, std::string> scalars_;
};

}  // namespace

std::map<std::string, std::string> read_json_scalars(const std::string& text, const std::set<std::string>* wanted) {
  return Parser(text, wanted).document();
}

}  // namespace cxlvp
