#pragma once
// Programming one HDM decoder over register accesses, as a CXL driver does
// (CXL 2.0 8.2.5.12.20): base, size, the target list (a switch) or DPA skip
// (a device), then the control register with IW, IG and COMMIT, then read
// back COMMITTED. Used by the scheduler's boot, the calibration probe and
// the tests, so that all program decoders the same way.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "interleave.h"

namespace cxlvp {

// A 32-bit register access: write `*value` or read into it; false when the
// access failed (nothing answers at the address).
using RegisterIo = std::function<bool(uint64_t address, uint32_t* value, bool write)>;

struct HdmDecoderSetup {
  uint64_t base = 0, size = 0;
  Interleave interleave;
  uint64_t dpa_skip = 0;         // a device's decoder
  std::vector<unsigned> targets;  // a switch's decoder: downstream port per interleave position
};

// Programs decoder `index` of the HDM Decoder Capability Structure at
// `block` and enables decoding. Returns "" on success, else what went wrong.
std::string program_hdm_decoder(const RegisterIo& io, uint64_t block, unsigned index, const HdmDecoderSetup& setup);

}  // namespace cxlvp
