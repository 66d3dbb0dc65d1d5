#pragma once
// SparseStore: byte-addressable backing store that allocates 4 KiB pages only
// when written. Unwritten bytes read as zero, so a 256 GiB device costs nothing
// until a scenario actually puts data in it.
#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace cxlvp {

class SparseStore {
 public:
  static constexpr uint64_t kPageBytes = 4096;

  void write(uint64_t address, const uint8_t* data, uint64_t length);
  void read(uint64_t address, uint8_t* data, uint64_t length) const;
  uint64_t allocated_bytes() const { return pages_.size() * kPageBytes; }

 private:
  using Page = std::array<uint8_t, kPageBytes>;
  std::unordered_map<uint64_t, std::unique_ptr<Page>> pages_;
};

}  // namespace cxlvp
