#pragma once
// AddressRange: a window of addresses [base, base + size).
#include <cstdint>

namespace cxlvp {

struct AddressRange {
  uint64_t base = 0;
  uint64_t size = 0;

  uint64_t end() const { return base + size; }
  // Whether [address, address + length) lies inside, without overflow.
  bool holds(uint64_t address, uint64_t length) const {
    return address >= base && address - base < size && length <= size - (address - base);
  }
};

}  // namespace cxlvp
