#include "hdm_programming.h"

#include "hdm_decoder.h"

namespace cxlvp {

std::string program_hdm_decoder(const RegisterIo& io, uint64_t block, unsigned index, const HdmDecoderSetup& setup) {
  const auto eiw = Interleave::encode_ways(setup.interleave.ways);
  const auto eig = Interleave::encode_granularity(setup.interleave.granularity);
  if (!eiw || !eig) return "interleave ways or granularity the HDM decoder cannot encode";
  uint64_t list = setup.dpa_skip;
  if (!setup.targets.empty()) {
    list = 0;
    for (size_t w = 0; w < setup.targets.size() && w < 8; ++w) list |= uint64_t(setup.targets[w] & 0xFF) << (8 * w);
  }
  const uint64_t d = block + index * hdm_regs::decoder_stride;
  const auto write = [&](uint64_t offset, uint64_t value) {
    uint32_t v = uint32_t(value);
    return io(d + offset, &v, true);
  };
  const bool written = write(hdm_regs::base_low, setup.base) && write(hdm_regs::base_high, setup.base >> 32) &&
                       write(hdm_regs::size_low, setup.size) && write(hdm_regs::size_high, setup.size >> 32) &&
                       write(hdm_regs::target_list_low, list) && write(hdm_regs::target_list_high, list >> 32) &&
                       write(hdm_regs::control, *eig | *eiw << 4 | hdm_regs::commit);
  if (!written) return "a register write failed";
  uint32_t control = 0;
  if (!io(d + hdm_regs::control, &control, false)) return "reading the control register failed";
  if (!(control & hdm_regs::committed)) return "the decoder did not commit (ERROR_NOT_COMMITTED)";
  uint32_t enable = hdm_regs::decoder_enable;
  if (!io(block + hdm_regs::global_control, &enable, true)) return "enabling decoding failed";
  return "";
}

}  // namespace cxlvp
