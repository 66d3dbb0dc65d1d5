#pragma once
// MemoryPortBridge: serves the valid/ready memory port of docs/ndp-plugin.md
// ("Memory port") from TLM: the engine's requests become TLM transactions of
// burst_bytes into device DRAM, read data goes back in 16-byte beats no
// earlier than the transactions' annotated completion, on clock edges, and a
// write is acknowledged once its bytes are written. It checks the engine's
// side of the port (valid held until the handshake, payload stable while it
// waits, a request of at least one byte, write beats only between a write
// request and its last beat) and reports violations to its observer.
#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

#include "handshake_monitor.h"
#include "memory_bridge.h"

namespace cxlvp {

struct MemoryPortPins {
  sc_core::sc_signal<bool> req_valid{"mem_req_valid"}, req_ready{"mem_req_ready"}, req_write{"mem_req_write"};
  sc_core::sc_signal<uint64_t> req_addr{"mem_req_addr"};
  sc_core::sc_signal<uint32_t> req_bytes{"mem_req_bytes"};
  sc_core::sc_signal<bool> wvalid{"mem_wvalid"}, wready{"mem_wready"};
  sc_core::sc_signal<sc_dt::sc_bv<128>> wdata{"mem_wdata"}, rsp_data{"mem_rsp_data"};
  sc_core::sc_signal<bool> rsp_valid{"mem_rsp_valid"}, rsp_ready{"mem_rsp_ready"}, rsp_err{"mem_rsp_err"},
      rsp_last{"mem_rsp_last"};
};

class MemoryPortBridge : public MemoryBridge {
 public:
  static constexpr unsigned kBeat = 16;
  MemoryPortPins pins;

  MemoryPortBridge(sc_core::sc_module_name name, TransactionIssuer& issuer, TransactionIssuer::Socket& socket,
                   const MemoryBridgeConfig& config);
  std::string state() const override;

 private:
  struct Request {
    bool write;
    uint64_t addr;
    uint32_t bytes;
    bool operator==(const Request& o) const { return write == o.write && addr == o.addr && bytes == o.bytes; }
  };

  void on_edge();
  void check_engine_side();
  void accept(uint64_t now);
  void serve_read(uint64_t now);
  void serve_write_data();
  void serve_write_ack(uint64_t now);
  void issue_read_bursts();
  void issue_write();
  uint64_t burst_count() const { return (bytes_ + config_.burst_bytes - 1) / config_.burst_bytes; }
  std::string request_text() const;

  unsigned window_;  // bursts in flight
  enum class Mem { idle, read, write_data, write_ack } mem_ = Mem::idle;
  bool last_was_write_ = false;
  uint64_t addr_ = 0, bytes_ = 0, beats_ = 0, beat_ = 0;
  uint64_t since_ = 0;  // cycle of the request's last transfer
  std::vector<uint8_t> data_;
  std::vector<uint64_t> ready_ps_;  // per burst: when it, and every burst before it, completed (unknown: max)
  std::vector<bool> burst_err_;
  size_t issued_ = 0;
  bool ack_known_ = false, ack_err_ = false;
  uint64_t ack_ps_ = 0;
  HandshakeMonitor<Request> request_rules_{"mem_req_valid dropped before the handshake",
                                           "mem_req_write/addr/bytes changed while mem_req_valid waited"};
  HandshakeMonitor<sc_dt::sc_bv<128>> wdata_rules_{"mem_wvalid dropped before the handshake",
                                                   "mem_wdata changed while mem_wvalid waited"};
};

}  // namespace cxlvp
