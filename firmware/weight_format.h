#pragma once
// WeightFormat: how a weight matrix is stored, with the bytes of its scales:
// real formats (bf16, fp8 with DeepSeek-V3's 128x128 block scales, int8/int4
// with a group size, MXFP4), not a compression ratio. Sources and the byte
// counts of each: docs/quantization.md#weight-formats.
#include <cstdint>
#include <optional>
#include <string>

namespace cxlvp {

enum class WeightEncoding {
  bytes_per_param,  // "auto": the model's weight_bytes_per_param per weight, no scales (the original model)
  bf16,
  fp16,
  fp32,
  fp8,        // e4m3, one fp32 scale per matrix
  fp8_block,  // e4m3, one fp32 scale per group x group block (DeepSeek-V3: 128)
  int8,       // one fp16 scale per output row, or per `group` inputs of a row
  int4,       // two weights a byte; fp16 scales as int8
  mxfp4,      // OCP MX: e2m1 weights, two a byte, one e8m0 (1 byte) scale per 32 inputs of a row
};

struct WeightFormat {
  WeightEncoding encoding = WeightEncoding::bytes_per_param;
  unsigned group = 0;  // fp8_block: block edge; int8/int4: inputs per scale (0: one scale per row)

  bool operator==(const WeightFormat& o) const { return encoding == o.encoding && group == o.group; }
  bool operator!=(const WeightFormat& o) const { return !(*this == o); }
};

// The name a scenario writes: auto, bf16, fp16, fp32, fp8, fp8_block128,
// int8, int8_g128, int4, int4_g128, mxfp4 (any N in fp8_blockN, int8_gN, int4_gN).
std::string format_name(const WeightFormat& format);
// The format called `name`, or nothing.
std::optional<WeightFormat> parse_weight_format(const std::string& name);
// "auto, bf16, ..." for error messages and the key reference.
const char* weight_format_names();

// Bytes of a rows x cols matrix (rows = outputs, cols = inputs, as a
// PyTorch Linear stores it; groups and blocks run along the inputs), scales
// included. `auto_bytes` is what auto stores per weight.
uint64_t matrix_bytes(const WeightFormat& format, uint64_t rows, uint64_t cols, unsigned auto_bytes);

}  // namespace cxlvp
