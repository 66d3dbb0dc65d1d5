#include "weight_format.h"

#include <charconv>

namespace cxlvp {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

constexpr uint64_t kFp32 = 4, kFp16 = 2;  // bytes of a scale
constexpr unsigned kMxBlock = 32;         // OCP MX v1.0: values per shared scale
constexpr unsigned kMaxGroup = 1u << 16;

struct Named {
  const char* prefix;
  WeightEncoding encoding;
  bool grouped;  // takes a group: a number after the prefix
};

// fp8_block and the grouped int formats carry their group in the name.
constexpr Named kNames[] = {
    {"auto", WeightEncoding::bytes_per_param, false}, {"bf16", WeightEncoding::bf16, false},
    {"fp16", WeightEncoding::fp16, false},            {"fp32", WeightEncoding::fp32, false},
    {"fp8", WeightEncoding::fp8, false},              {"fp8_block", WeightEncoding::fp8_block, true},
    {"int8", WeightEncoding::int8, false},            {"int8_g", WeightEncoding::int8, true},
    {"int4", WeightEncoding::int4, false},            {"int4_g", WeightEncoding::int4, true},
    {"mxfp4", WeightEncoding::mxfp4, false},
};

}  // namespace

const char* weight_format_names() {
  return "auto, bf16, fp16, fp32, fp8, fp8_blockN, int8, int8_gN, int4, int4_gN, mxfp4 (N: block edge or group "
         "size, e.g. fp8_block128, int4_g128)";
}

std::string format_name(const WeightFormat& f) {
  for (const Named& n : kNames)
    if (n.encoding == f.encoding && n.grouped == (f.group != 0)) return n.grouped ? n.prefix + std::to_string(f.group) : n.prefix;
  return "?";
}

std::optional<WeightFormat> parse_weight_format(const std::string& name) {
  for (const Named& n : kNames) {
    const std::string prefix = n.prefix;
    if (!n.grouped) {
      if (name == prefix) return WeightFormat{n.encoding, 0};
      continue;
    }
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    unsigned group = 0;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    const auto [end, error] = std::from_chars(first, last, group);
    if (error != std::errc() || end != last || *first == '0' || group > kMaxGroup) return std::nullopt;
    return WeightFormat{n.encoding, group};
  }
  return std::nullopt;
}

uint64_t matrix_bytes(const WeightFormat& f, uint64_t rows, uint64_t cols, unsigned auto_bytes) {
  const uint64_t weights = rows * cols;
  const uint64_t row_scales = f.group ? rows * ceil_div(cols, f.group) : rows;  // int8 / int4
  switch (f.encoding) {
    case WeightEncoding::bytes_per_param: return weights * auto_bytes;
    case WeightEncoding::bf16:
    case WeightEncoding::fp16: return 2 * weights;
    case WeightEncoding::fp32: return 4 * weights;
    case WeightEncoding::fp8: return weights + kFp32;
    case WeightEncoding::fp8_block: return weights + ceil_div(rows, f.group) * ceil_div(cols, f.group) * kFp32;
    case WeightEncoding::int8: return weights + row_scales * kFp16;
    case WeightEncoding::int4: return rows * ceil_div(cols, 2) + row_scales * kFp16;
    case WeightEncoding::mxfp4: return rows * ceil_div(cols, 2) + rows * ceil_div(cols, kMxBlock);
  }
  return 0;
}

}  // namespace cxlvp
