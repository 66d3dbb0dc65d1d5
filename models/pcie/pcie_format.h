#pragma once
// PcieFormat: the wire cost of PCIe transfers. Raw rate from generation and
// lanes (or an override), line encoding by generation, then per-TLP overhead:
// data travels in TLPs of at most max_payload_bytes, reads are split into
// requests of at most max_read_request_bytes, and each TLP pays header,
// sequence number, LCRC and framing bytes plus its share of ACK/flow-control
// DLLPs.
#include "../common/serial_link.h"

namespace cxlvp {

struct PcieLinkConfig {
  unsigned generation = 4;            // 1..6
  unsigned lanes = 16;                // 1, 2, 4, 8, 16
  double bandwidth_GBps = 0;          // >0: raw per-direction rate after encoding, overrides gen x lanes
  unsigned max_payload_bytes = 256;   // MPS
  unsigned max_read_request_bytes = 512;  // MRRS
  double tlp_overhead_bytes = 26;     // 16 header + 2 sequence + 4 LCRC + 4 framing
  double dllp_overhead_bytes = 2;     // 8 B ACK/FC DLLP about every 4 TLPs
  double latency_ns = 100;            // one traversal, each direction
};

// GT/s per lane of a generation, and its line-encoding efficiency.
double pcie_transfer_rate_GTps(unsigned generation);
double pcie_encoding_efficiency(unsigned generation);

class PcieFormat : public LinkFormat {
 public:
  explicit PcieFormat(const PcieLinkConfig& config);
  WireCost cost(bool is_read, uint64_t payload_bytes) const override;
  double wire_GBps() const override { return wire_GBps_; }
  uint64_t packet_payload_bytes() const override { return config_.max_payload_bytes; }
  // Fraction of the wire rate that carries payload in a long stream of MPS TLPs.
  double payload_efficiency() const;

 private:
  PcieLinkConfig config_;
  double wire_GBps_;
};

}  // namespace cxlvp
