#pragma once
// An expander as the tests see it from the host: on its own root port, 1 GiB
// of device memory at 4 GiB (by default), its register BAR at 0xF000_0000, and
// HDM decoder 0 committed for that window as boot firmware would
// (commit_decoder_now).
#include <memory>
#include <vector>

#include "models/cxl/cxl_expander.h"
#include "models/cxl/expander_setup.h"

namespace cxlvp::test {

struct CxlHostWindows {
  uint64_t hdm_base = 4ull << 30;
  uint64_t hdm_size = 1ull << 30;
  uint64_t reg_base = 0xF0000000;
  uint64_t reg_size = cxl_bar::size;
};

inline std::unique_ptr<CxlExpander> host_expander(const char* name, const CxlConfig& config, const CxlHostWindows& w,
                                                  ComputeMode mode, uint64_t burst_bytes,
                                                  const NdpFactory& make_ndp = nullptr) {
  const std::vector<AddressRange> claims{{w.hdm_base, w.hdm_size}, {w.reg_base, w.reg_size}};
  auto x = std::make_unique<CxlExpander>(name, config, AddressRange{w.reg_base, w.reg_size}, &claims, mode, burst_bytes,
                                         make_ndp);
  commit_decoder_now(*x, w.reg_base, {w.hdm_base, w.hdm_size, Interleave{}, 0, {}});
  return x;
}

}  // namespace cxlvp::test
