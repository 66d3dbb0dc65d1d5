#pragma once
// HdmDecoder: one Host-managed Device Memory decoder of a CXL Type-3 device
// (CXL 2.0 section 8.2.5.12, reduced to what a single-device, non-interleaved
// setup needs). Firmware programs BASE and SIZE and sets COMMIT; while
// committed, host physical addresses in [BASE, BASE+SIZE) translate to device
// physical addresses from 0. An uncommitted decoder translates nothing.
#include <cstdint>
#include <optional>

#include "../common/register_bank.h"

namespace cxlvp {

namespace hdm_regs {
constexpr uint64_t base = 0x00;     // RW 64, 256 MiB aligned
constexpr uint64_t size = 0x08;     // RW 64, multiple of 256 MiB
constexpr uint64_t control = 0x10;  // RW 32: bit0 COMMIT; reads back bit1 COMMITTED
constexpr uint32_t commit = 1u << 0;
constexpr uint32_t committed = 1u << 1;
constexpr uint64_t kGranule = 256ull << 20;
}  // namespace hdm_regs

class HdmDecoder {
 public:
  explicit HdmDecoder(uint64_t device_capacity);

  void add_to(RegisterBank& bank);
  // Programs and commits the decoder the way boot firmware would.
  void program(uint64_t hpa_base, uint64_t size);
  // Inline: every access to device memory goes through it.
  std::optional<uint64_t> translate(uint64_t hpa, uint64_t length) const {
    if (!committed_ || hpa < committed_base_ || hpa - committed_base_ >= committed_size_ ||
        length > committed_size_ - (hpa - committed_base_))
      return std::nullopt;
    return hpa - committed_base_;
  }
  bool committed() const { return committed_; }
  uint64_t hpa_base() const { return committed_base_; }
  uint64_t size() const { return committed_size_; }

 private:
  void on_control(uint64_t value);

  uint64_t capacity_;
  bool committed_ = false;
  uint64_t committed_base_ = 0, committed_size_ = 0;  // latched at commit, as hardware does
  Register base_, size_, control_;
};

}  // namespace cxlvp
