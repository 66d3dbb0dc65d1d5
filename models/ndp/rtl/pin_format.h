#pragma once
// Number formatting for the adapters' diagnostics.
#include <cstdint>
#include <cstdio>
#include <string>

namespace cxlvp {

inline std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

// Up to 6 significant digits, no trailing zeros: 10000, 0.5.
inline std::string decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

}  // namespace cxlvp
