#pragma once
// CxlFlitFormat: the wire cost of CXL.mem traffic. Messages travel in 16-byte
// slots packed into flits: a 68 B flit carries 4 slots (64 B) plus CRC and
// protocol id; a 256 B flit carries 15 slots (240 B) plus header, CRC and FEC.
// A 64 B line read is one request message (M2S Req) one way and a response
// header plus four data slots (S2M DRS) back; a write is header plus data
// (M2S RwD) and a no-data response (S2M NDR).
#include "../common/serial_link.h"

namespace cxlvp {

struct CxlLinkConfig {
  unsigned generation = 5;       // PCIe PHY generation the link trains to
  unsigned lanes = 16;
  double bandwidth_GBps = 0;     // >0: raw per-direction rate after encoding, overrides gen x lanes
  unsigned flit_bytes = 68;      // 68 (CXL 1.1/2.0) or 256 (CXL 3.x)
  double header_slots_per_message = 0.5;  // slots per message header (two headers share a slot)
  double latency_ns = 30;        // one traversal, each direction (PHY, flit packing, retimers)
};

class CxlFlitFormat : public LinkFormat {
 public:
  static constexpr unsigned kLineBytes = 64;
  static constexpr unsigned kSlotBytes = 16;

  explicit CxlFlitFormat(const CxlLinkConfig& config);
  WireCost cost(bool is_read, uint64_t payload_bytes) const override;
  double wire_GBps() const override { return wire_GBps_; }
  uint64_t packet_payload_bytes() const override { return kLineBytes; }
  // Fraction of the wire rate that carries read data in a long stream of line reads.
  double read_efficiency() const;

 private:
  double slots_to_wire_bytes(double slots) const { return slots / slots_per_flit_ * flit_bytes_; }

  CxlLinkConfig config_;
  double wire_GBps_;
  double slots_per_flit_;
  double flit_bytes_;
};

}  // namespace cxlvp
