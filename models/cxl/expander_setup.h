#pragma once
// Committing an expander's HDM decoder without boot firmware: for test benches
// and user platforms that have no firmware thread to program it at boot
// (docs/using-the-models.md). The register writes are those boot firmware
// makes (hdm_programming.h), sent straight into the device controller in zero
// simulated time, before or during elaboration's end.
#include <cstdint>

#include "cxl_expander.h"
#include "hdm_programming.h"

namespace cxlvp {

// Commits decoder `index` of `x`, whose register BAR is at `bar_base`, for
// `setup` (a window of host physical addresses, its interleave, DPA skip).
// Throws std::runtime_error if the decoder refuses it.
void commit_decoder_now(CxlExpander& x, uint64_t bar_base, const HdmDecoderSetup& setup, unsigned index = 0);

}  // namespace cxlvp
