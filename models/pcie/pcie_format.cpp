#include "pcie_format.h"

#include <stdexcept>

namespace cxlvp {

double pcie_transfer_rate_GTps(unsigned generation) {
  switch (generation) {
    case 1: return 2.5;
    case 2: return 5.0;
    case 3: return 8.0;
    case 4: return 16.0;
    case 5: return 32.0;
    case 6: return 64.0;
    default: throw std::invalid_argument("PCIe generation must be 1..6");
  }
}

double pcie_encoding_efficiency(unsigned generation) {
  if (generation <= 2) return 8.0 / 10.0;
  if (generation <= 5) return 128.0 / 130.0;
  return 242.0 / 256.0;  // Gen6 FLIT mode: FEC and CRC bytes inside each 256 B flit
}

PcieFormat::PcieFormat(const PcieLinkConfig& config) : config_(config) {
  wire_GBps_ = config.bandwidth_GBps > 0
                   ? config.bandwidth_GBps
                   : pcie_transfer_rate_GTps(config.generation) * config.lanes *
                         pcie_encoding_efficiency(config.generation) / 8.0;
  if (config.max_payload_bytes == 0 || config.max_read_request_bytes == 0)
    throw std::invalid_argument("PCIe payload and read request sizes must be positive");
}

WireCost PcieFormat::cost(bool is_read, uint64_t payload_bytes) const {
  const double per_tlp = config_.tlp_overhead_bytes + config_.dllp_overhead_bytes;
  const auto tlps = [&](uint64_t limit) { return double((payload_bytes + limit - 1) / limit); };
  const double data = double(payload_bytes) + tlps(config_.max_payload_bytes) * per_tlp;
  if (is_read) return {tlps(config_.max_read_request_bytes) * per_tlp, data};
  return {data, 0.0};  // memory writes are posted: nothing comes back
}

double PcieFormat::payload_efficiency() const {
  const double mps = config_.max_payload_bytes;
  return mps / (mps + config_.tlp_overhead_bytes + config_.dllp_overhead_bytes);
}

}  // namespace cxlvp
