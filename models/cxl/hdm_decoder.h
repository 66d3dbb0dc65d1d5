#pragma once
// HdmDecoders: the HDM Decoder Capability Structure of a CXL component (CXL 2.0
// section 8.2.5.12): a capability register, a global control register and
// `count` decoders of eight 32-bit registers each, at the spec's offsets.
// Firmware programs a decoder's base, size, interleave ways (IW) and
// granularity (IG) and sets COMMIT; the decoder checks the programming and
// sets COMMITTED or ERROR_NOT_COMMITTED (8.2.5.12.20). Decoding needs the
// global HDM_DECODER_ENABLE bit as well.
//  - In a Type-3 device (Kind::device) a committed decoder maps its host
//    physical window onto device physical addresses: decoders take DPA in
//    order, each after its DPA_SKIP, so decoder i starts where decoder i-1's
//    share (size / ways) ended. An interleaved decoder keeps only this device's
//    granules (Interleave::target_offset).
//  - In a switch's upstream port (Kind::target_list) a committed decoder
//    picks one of up to eight downstream ports from its target list
//    (TARGET_LIST_LOW/HIGH, one port number per byte) by interleave position.
// Not modeled: lock-on-commit, decoder reprogramming while traffic flows, the
// capability header array that locates the structure (it sits at offset 0 of
// the component register block here).
#include <array>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../common/register_bank.h"
#include "interleave.h"

namespace cxlvp {

namespace hdm_regs {
constexpr uint64_t capability = 0x00;      // RO: bits 3:0 decoder count (encoded), 7:4 target count,
                                           // bit 8/9 address bits 11:8 / 14:12 usable for interleave,
                                           // bit 11 3, 6 and 12 ways supported
constexpr uint64_t global_control = 0x04;  // RW: bit 1 HDM_DECODER_ENABLE
constexpr uint32_t decoder_enable = 1u << 1;
constexpr uint64_t decoder_stride = 0x20;
constexpr uint64_t base_low = 0x10;        // + i * stride; bits 31:28 hold base bits 31:28
constexpr uint64_t base_high = 0x14;
constexpr uint64_t size_low = 0x18;
constexpr uint64_t size_high = 0x1C;
constexpr uint64_t control = 0x20;         // bits 3:0 IG, 7:4 IW, 9 COMMIT, 10 COMMITTED, 11 ERROR_NOT_COMMITTED
constexpr uint64_t target_list_low = 0x24;  // switch: targets 0..3; device: DPA_SKIP_LOW (bits 31:28)
constexpr uint64_t target_list_high = 0x28;  // switch: targets 4..7; device: DPA_SKIP_HIGH
constexpr uint32_t commit = 1u << 9;
constexpr uint32_t committed = 1u << 10;
constexpr uint32_t error_not_committed = 1u << 11;
constexpr uint64_t kGranule = 256ull << 20;  // bases, sizes and skips are multiples of 256 MiB
constexpr uint64_t block_bytes(unsigned decoders) { return base_low + decoders * decoder_stride; }
}  // namespace hdm_regs

class HdmDecoders {
 public:
  enum class Kind { device, target_list };

  // `device_capacity`: DPA bytes behind a device's decoders (0 for a switch).
  HdmDecoders(Kind kind, unsigned count, uint64_t device_capacity, unsigned targets = 0);
  HdmDecoders(const HdmDecoders&) = delete;
  HdmDecoders& operator=(const HdmDecoders&) = delete;

  // Adds the structure's registers to `bank` (at the spec's offsets from 0).
  void add_to(RegisterBank& bank);

  struct Hit {
    uint64_t offset;  // device: device physical address; switch: unused
    unsigned target;  // switch: downstream port; device: 0
  };
  // The committed decoder whose window holds [hpa, hpa + length), if the
  // access stays inside one granule of it. Inline: every CXL.mem access asks.
  // Streams stay in one window, so the last window hit is tried first: windows
  // do not overlap (can_commit), so the window holding hpa answers alone.
  std::optional<Hit> decode(uint64_t hpa, uint64_t length) const {
    const Active* a = last_hit_;
    if (!a || hpa < a->base || hpa - a->base >= a->size) {
      a = find(hpa);
      if (!a) return std::nullopt;
    }
    const uint64_t offset = hpa - a->base;
    if (length > a->size - offset || length > a->interleave.to_granule_end(offset)) return std::nullopt;
    if (kind_ == Kind::device) return Hit{a->dpa_base + a->interleave.target_offset(offset), 0};
    return Hit{0, a->targets[a->interleave.position(offset)]};
  }
  // The committed interleave of the window holding `hpa` (for splitting accesses).
  const Interleave* interleave_at(uint64_t hpa, uint64_t* window_base) const;

  unsigned count() const { return unsigned(decoders_.size()); }
  bool committed(unsigned i) const;
  size_t committed_count() const { return active_.size(); }

 private:
  struct Decoder {
    Register base_low, base_high, size_low, size_high, control, list_low, list_high;
    explicit Decoder(unsigned i);
    uint64_t base() const { return base_low.value | base_high.value << 32; }
    uint64_t size() const { return size_low.value | size_high.value << 32; }
    uint64_t list() const { return list_low.value | list_high.value << 32; }
  };
  struct Active {  // a committed decoder, latched at commit as hardware does
    uint64_t base, size, dpa_base;
    Interleave interleave;
    std::array<uint8_t, 8> targets;
  };

  // The committed window holding `hpa` while decoding is enabled, kept as the
  // last hit; out of line, as decode's first try usually answers.
  const Active* find(uint64_t hpa) const;
  // The committed window holding `hpa`, enabled or not.
  const Active* window_of(uint64_t hpa) const;
  void on_control(unsigned i, uint64_t value);
  bool can_commit(unsigned i, const Interleave& il) const;

  Kind kind_;
  uint64_t capacity_;
  unsigned targets_;
  Register capability_, global_control_;
  std::vector<std::unique_ptr<Decoder>> decoders_;
  std::vector<Active> active_;
  bool enabled_ = false;
  // decode's last window: null while decoding is disabled, reset whenever
  // active_ changes (a commit may move its elements).
  mutable const Active* last_hit_ = nullptr;
};

}  // namespace cxlvp
