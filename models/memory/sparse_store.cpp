#include "sparse_store.h"

#include <algorithm>
#include <cstring>

namespace cxlvp {

void SparseStore::write(uint64_t address, const uint8_t* data, uint64_t length) {
  while (length > 0) {
    const uint64_t page = address / kPageBytes;
    const uint64_t offset = address % kPageBytes;
    const uint64_t n = std::min(length, kPageBytes - offset);
    auto& slot = pages_[page];
    if (!slot) slot = std::make_unique<Page>(Page{});
    std::memcpy(slot->data() + offset, data, n);
    address += n;
    data += n;
    length -= n;
  }
}

void SparseStore::read(uint64_t address, uint8_t* data, uint64_t length) const {
  while (length > 0) {
    const uint64_t page = address / kPageBytes;
    const uint64_t offset = address % kPageBytes;
    const uint64_t n = std::min(length, kPageBytes - offset);
    const auto it = pages_.find(page);
    if (it == pages_.end()) std::memset(data, 0, n);
    else std::memcpy(data, it->second->data() + offset, n);
    address += n;
    data += n;
    length -= n;
  }
}

}  // namespace cxlvp
