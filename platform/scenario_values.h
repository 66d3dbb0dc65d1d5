#pragma once
// Scalar values of a scenario: how each is parsed from its YAML text and the
// constraints a key may put on it (Check), with the words the errors and the
// key reference use. Internal to the scenario loader (scenario_schema.h).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

namespace cxlvp::keys {

inline constexpr double kBytesPerGiB = double(1ull << 30);

// A problem with one value; the loader adds the file, line and key.
struct BadValue {
  std::string message;
};

inline std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Up to 15 significant digits: whole numbers stay whole, decimals stay short (0.7, not 0.69999...).
template <class T>
std::string number_text(T value) {
  std::ostringstream text;
  text << std::setprecision(15) << value;
  return text.str();
}

inline std::string lower_case(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Decimal, or hexadecimal with a 0x prefix (addresses). Not yaml-cpp's as<>(),
// which reads a leading 0 as octal.
inline uint64_t parse_uint64(const std::string& text) {
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char* const last = text.data() + text.size();
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data() + (hex ? 2 : 0), last, value, hex ? 16 : 10);
  if (error == std::errc::result_out_of_range)
    throw BadValue{"must be <= " + number_text(UINT64_MAX) + " (got " + text + ")"};
  if (error != std::errc() || end != last) throw BadValue{"expected an unsigned integer (got " + quoted(text) + ")"};
  return value;
}

inline unsigned parse_unsigned(const std::string& text) {
  const uint64_t value = parse_uint64(text);
  if (value > UINT_MAX) throw BadValue{"must be <= " + number_text(UINT_MAX) + " (got " + text + ")"};
  return unsigned(value);
}

inline double parse_number(const std::string& text) {
  const char* const last = text.data() + text.size();
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), last, value);
  if (error != std::errc() || end != last || !std::isfinite(value))
    throw BadValue{"expected a number (got " + quoted(text) + ")"};
  return value;
}

// The YAML 1.1 spellings yaml-cpp itself accepts, in any case.
inline bool parse_bool(const std::string& text) {
  const std::string word = lower_case(text);
  if (word == "true" || word == "yes" || word == "on") return true;
  if (word == "false" || word == "no" || word == "off") return false;
  throw BadValue{"expected true or false (got " + quoted(text) + ")"};
}

// A constraint on a value: what it requires in words that follow "must be"
// (used by error messages and the docs alike), and the test itself.
template <class T>
struct Check {
  std::string must_be;  // empty: any value of the type
  std::function<bool(T)> holds;
};

template <class T>
Check<T> any_value() {
  return {"", [](T) { return true; }};
}

template <class T>
Check<T> above(T low) {
  return {"> " + number_text(low), [low](T v) { return v > low; }};
}

template <class T>
Check<T> at_least(T low) {
  return {">= " + number_text(low), [low](T v) { return v >= low; }};
}

template <class T>
Check<T> in_range(T low, T high) {
  return {"in " + number_text(low) + ".." + number_text(high), [low, high](T v) { return v >= low && v <= high; }};
}

inline Check<double> above_and_at_most(double low, double high) {
  return {"> " + number_text(low) + " and <= " + number_text(high),
          [low, high](double v) { return v > low && v <= high; }};
}

template <class T>
Check<T> one_of(std::vector<T> allowed) {
  std::string words;
  for (T v : allowed) words += (words.empty() ? "one of " : ", ") + number_text(v);
  return {words, [allowed](T v) { return std::find(allowed.begin(), allowed.end(), v) != allowed.end(); }};
}

inline Check<uint64_t> power_of_two_from(uint64_t low) {
  return {"a power of two >= " + number_text(low), [low](uint64_t v) { return v >= low && (v & (v - 1)) == 0; }};
}

// `value` if it passes `check`; otherwise the error, quoting the value as written.
template <class T>
T checked(const Check<T>& check, T value, const std::string& text) {
  if (!check.holds(value)) throw BadValue{"must be " + check.must_be + " (got " + text + ")"};
  return value;
}

}  // namespace cxlvp::keys
