#include "cxl_flit_format.h"

#include <stdexcept>

#include "../pcie/pcie_format.h"

namespace cxlvp {

CxlFlitFormat::CxlFlitFormat(const CxlLinkConfig& config) : config_(config) {
  if (config.flit_bytes == 68) slots_per_flit_ = 4;
  else if (config.flit_bytes == 256) slots_per_flit_ = 15;
  else throw std::invalid_argument("CXL flit size must be 68 or 256 bytes");
  flit_bytes_ = config.flit_bytes;
  // Up to 32 GT/s both flit sizes ride on 128b/130b line coding; at 64 GT/s
  // (PCIe 6 PAM4) there is no line code and the 256 B flit carries CRC and FEC.
  if (config.generation >= 6 && config.flit_bytes != 256)
    throw std::invalid_argument("CXL at 64 GT/s (generation 6) uses 256 B flits");
  const double encoding = config.generation >= 6 ? 1.0 : pcie_encoding_efficiency(config.generation);
  wire_GBps_ = config.bandwidth_GBps > 0
                   ? config.bandwidth_GBps
                   : pcie_transfer_rate_GTps(config.generation) * config.lanes * encoding / 8.0;
}

WireCost CxlFlitFormat::cost(bool is_read, uint64_t payload_bytes) const {
  const double lines = double((payload_bytes + kLineBytes - 1) / kLineBytes);
  const double header = config_.header_slots_per_message;
  const double data_slots = kLineBytes / kSlotBytes;
  const double with_data = slots_to_wire_bytes(lines * (header + data_slots));
  const double header_only = slots_to_wire_bytes(lines * header);
  if (is_read) return {header_only, with_data};
  return {with_data, header_only};
}

double CxlFlitFormat::read_efficiency() const {
  const double data_slots = kLineBytes / kSlotBytes;
  return kLineBytes / slots_to_wire_bytes(config_.header_slots_per_message + data_slots);
}

}  // namespace cxlvp
