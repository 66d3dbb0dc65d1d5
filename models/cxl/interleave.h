#pragma once
// Interleave: how an HDM decoder stripes a host physical address window over
// `ways` targets in `granularity`-byte granules (CXL 2.0 section 8.2.5.12, the
// HDM decoder control register's IW and IG fields). Granule g of the window
// goes to target g mod ways, and inside that target it is granule g / ways.
// For power-of-two ways this is the spec's bit selection (HPA bits
// [IG+8+IW-1 : IG+8] pick the target, and the device drops them); for 3, 6 and
// 12 ways it is the spec's modulo arithmetic. The same arithmetic serves a
// host bridge or switch decoder (which target) and a device decoder (which
// device physical address).
#include <cstdint>
#include <optional>

namespace cxlvp {

struct Interleave {
  unsigned ways = 1;
  uint64_t granularity = 256;  // bytes per granule

  // CXL 2.0 allows 1, 2, 4, 8 and 3, 6, 12 ways; CXL 3.0 adds 16.
  static bool valid_ways(unsigned ways) {
    return ways == 1 || ways == 2 || ways == 3 || ways == 4 || ways == 6 || ways == 8 || ways == 12 || ways == 16;
  }
  // 256 B to 16 KiB, a power of two.
  static bool valid_granularity(uint64_t bytes) {
    return bytes >= 256 && bytes <= 16384 && (bytes & (bytes - 1)) == 0;
  }
  // Register encodings (control register IW bits 7:4, IG bits 3:0).
  static std::optional<uint32_t> encode_ways(unsigned ways);
  static std::optional<unsigned> decode_ways(uint32_t eiw);
  static std::optional<uint32_t> encode_granularity(uint64_t bytes);
  static std::optional<uint64_t> decode_granularity(uint32_t eig);

  // Target (0 .. ways-1) of the byte at `offset` from the window base.
  unsigned position(uint64_t offset) const { return ways == 1 ? 0 : unsigned((offset / granularity) % ways); }
  // Offset of that byte inside its target's share of the window.
  uint64_t target_offset(uint64_t offset) const {
    if (ways == 1) return offset;
    return offset / (granularity * ways) * granularity + offset % granularity;
  }
  // The inverse: the window offset of byte `target_offset` of target `position`.
  uint64_t window_offset(uint64_t target_offset, unsigned position) const {
    if (ways == 1) return target_offset;
    return (target_offset / granularity * ways + position) * granularity + target_offset % granularity;
  }
  // Bytes from `offset` to the end of its granule: an access longer than this
  // spans two targets and must be split.
  uint64_t to_granule_end(uint64_t offset) const {
    return ways == 1 ? UINT64_MAX : granularity - offset % granularity;
  }
};

}  // namespace cxlvp
