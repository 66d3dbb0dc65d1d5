#include "cxl_boot.h"

#include <string>
#include <vector>

#include "../models/cxl/cxl_registers.h"

namespace cxlvp {

void program_cxl_windows(const RegisterIo& io, const PlatformTable& t) {
  const auto read = [&io](uint64_t address, uint32_t& value) { return io(address, &value, false); };
  std::vector<int> port_of_slot(t.slots, -1);
  if (t.switch_bar) {
    uint32_t id = 0, ports = 0, slot = 0;
    if (!read(t.switch_bar + cxl_switch_regs::id, id) || id != cxl_switch_regs::kSwitchId ||
        !read(t.switch_bar + cxl_switch_regs::port_count, ports))
      throw CxlBootError("no CXL switch answers at its BAR");
    for (uint32_t p = 0; p < ports; ++p)
      if (read(t.switch_bar + cxl_switch_regs::port_slot + 4 * p, slot) && slot < t.slots) port_of_slot[slot] = int(p);
  }
  std::vector<unsigned> decoders(t.slots, 0);
  unsigned switch_decoders = 0;
  for (const CxlWindowEntry& w : t.cxl_windows) {
    const HdmDecoderSetup device{w.base, w.size, w.interleave, 0, {}};
    HdmDecoderSetup sw{w.base, w.size, w.interleave, 0, {}};
    for (unsigned slot : w.devices) {
      const uint64_t bar = t.cxl_bars + slot * t.slot_bytes;
      const std::string problem = program_hdm_decoder(io, bar + cxl_bar::component_regs, decoders[slot]++, device);
      if (!problem.empty())
        throw CxlBootError("CXL device in slot " + std::to_string(slot) + ": HDM decoder: " + problem +
                           " (is a device there?)");
      if (w.switch_decodes) {
        if (port_of_slot[slot] < 0) throw CxlBootError("the CXL switch has no port leading to slot " + std::to_string(slot));
        sw.targets.push_back(unsigned(port_of_slot[slot]));
      }
    }
    if (w.switch_decodes) {
      const std::string problem = program_hdm_decoder(io, t.switch_bar + cxl_switch_regs::hdm, switch_decoders++, sw);
      if (!problem.empty()) throw CxlBootError("CXL switch: HDM decoder: " + problem);
    }
  }
}

}  // namespace cxlvp
