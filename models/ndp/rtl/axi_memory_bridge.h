#pragma once
// AxiMemoryBridge: an AXI4 slave (128-bit data) served from TLM, the AXI4
// flavor's memory path (docs/ndp-plugin.md "AXI4 flavor"): the engine's AXI4
// master reads and writes device DRAM through `mem`.
//  - Read bursts: up to kMaxReads accepted at a time, by any IDs. Each burst's
//    bytes are read as TLM transactions of burst_bytes, issued as soon as the
//    data buffered for the engine stays within bytes_in_flight. A burst's
//    beats go out back to back (no interleaving) once its first beat's data
//    have arrived; bursts of one ID in the order they were accepted, bursts
//    of different IDs in the order their data arrive (A5, transaction
//    ordering). RRESP is SLVERR for beats of a failed transaction.
//  - Write bursts: up to kMaxWrites accepted; WREADY only for the oldest
//    accepted burst still short of data (a slave may wait for the address,
//    A3.3.1). Once a burst's data are in, its enabled bytes (WSTRB) go out as
//    TLM writes (a run of contiguous enabled bytes per write, cut at
//    burst_bytes); the response follows their completion, per ID in order.
// It checks the master's side (rule names of ARM's AXI4 protocol checker,
// sections of ARM IHI 0022E): valid held and payload stable until the
// handshake on AR, AW and W (A3.2.1); INCR bursts of full-width beats at
// aligned addresses (the contract's; FIXED and WRAP are legal AXI but not
// used), no burst across a 4 KiB boundary (A3.4.1); WLAST on the burst's
// last beat and on no other (A3.4.1, AXI4_ERRM_WDATA_NUM); no write data left
// waiting without a write address when a job ends.
#include <cstdint>
#include <list>
#include <string>
#include <systemc>
#include <vector>

#include "handshake_monitor.h"
#include "memory_bridge.h"

namespace cxlvp {

struct Axi4Pins {
  sc_core::sc_signal<bool> awvalid{"m_axi_awvalid"}, awready{"m_axi_awready"};
  sc_core::sc_signal<uint32_t> awid{"m_axi_awid"}, awlen{"m_axi_awlen"}, awsize{"m_axi_awsize"},
      awburst{"m_axi_awburst"};
  sc_core::sc_signal<uint64_t> awaddr{"m_axi_awaddr"};
  sc_core::sc_signal<bool> wvalid{"m_axi_wvalid"}, wready{"m_axi_wready"}, wlast{"m_axi_wlast"};
  sc_core::sc_signal<sc_dt::sc_bv<128>> wdata{"m_axi_wdata"};
  sc_core::sc_signal<uint32_t> wstrb{"m_axi_wstrb"};
  sc_core::sc_signal<bool> bvalid{"m_axi_bvalid"}, bready{"m_axi_bready"};
  sc_core::sc_signal<uint32_t> bid{"m_axi_bid"}, bresp{"m_axi_bresp"};
  sc_core::sc_signal<bool> arvalid{"m_axi_arvalid"}, arready{"m_axi_arready"};
  sc_core::sc_signal<uint32_t> arid{"m_axi_arid"}, arlen{"m_axi_arlen"}, arsize{"m_axi_arsize"},
      arburst{"m_axi_arburst"};
  sc_core::sc_signal<uint64_t> araddr{"m_axi_araddr"};
  sc_core::sc_signal<bool> rvalid{"m_axi_rvalid"}, rready{"m_axi_rready"}, rlast{"m_axi_rlast"};
  sc_core::sc_signal<uint32_t> rid{"m_axi_rid"}, rresp{"m_axi_rresp"};
  sc_core::sc_signal<sc_dt::sc_bv<128>> rdata{"m_axi_rdata"};
};

class AxiMemoryBridge : public MemoryBridge {
 public:
  static constexpr unsigned kBeat = 16;     // bytes per beat: 128-bit data
  static constexpr unsigned kMaxReads = 8;  // read bursts accepted and not yet returned
  static constexpr unsigned kMaxWrites = 8; // write bursts accepted and not yet answered
  Axi4Pins pins;

  AxiMemoryBridge(sc_core::sc_module_name name, TransactionIssuer& issuer, TransactionIssuer::Socket& socket,
                  const MemoryBridgeConfig& config);
  std::string state() const override;
  void job_finished() override;

 private:
  // An address channel's payload.
  struct Address {
    uint32_t id, len, size, burst;
    uint64_t addr;
    bool operator==(const Address& o) const {
      return id == o.id && len == o.len && size == o.size && burst == o.burst && addr == o.addr;
    }
  };
  struct WriteBeat {
    sc_dt::sc_bv<128> data;
    uint32_t strb;
    bool last;
    bool operator==(const WriteBeat& o) const { return data == o.data && strb == o.strb && last == o.last; }
  };
  struct ReadBurst {
    Address a;
    std::vector<uint8_t> data;
    std::vector<uint64_t> ready_ps;  // per TLM transaction: when it and those before it completed
    std::vector<bool> err;
    size_t issued = 0;
    unsigned sent = 0;  // beats handed over
  };
  struct WriteBurst {
    Address a;
    std::vector<uint8_t> data;
    std::vector<bool> enabled;
    unsigned received = 0;
    bool known = false, err = false;  // the TLM writes returned; one failed
    uint64_t done_ps = 0;
  };

  void on_edge();
  void check_master_side();
  bool burst_ok(const char* channel, const Address& a);
  void serve_reads(uint64_t now);
  void issue_reads();
  void serve_writes(uint64_t now);
  void issue_write(WriteBurst& w);
  static bool beat_ready(const ReadBurst& r, unsigned beat, uint64_t bytes_per_transaction, uint64_t now);
  uint64_t transactions(uint64_t bytes) const { return (bytes + config_.burst_bytes - 1) / config_.burst_bytes; }

  std::list<ReadBurst> reads_;  // a list: pointers to its elements stay valid
  std::list<WriteBurst> writes_;
  ReadBurst* sending_ = nullptr;   // the burst whose beats are on R
  WriteBurst* answering_ = nullptr;  // the burst whose response is on B
  uint64_t buffered_ = 0;          // read bytes issued and not yet handed over
  uint64_t last_transfer_ = 0;     // cycle
  HandshakeMonitor<Address> ar_rules_{"AXI4_ERRM_ARVALID_STABLE (ARVALID dropped before ARREADY)",
                                      "AXI4_ERRM_ARADDR_STABLE (an AR field changed while ARVALID waited)"};
  HandshakeMonitor<Address> aw_rules_{"AXI4_ERRM_AWVALID_STABLE (AWVALID dropped before AWREADY)",
                                      "AXI4_ERRM_AWADDR_STABLE (an AW field changed while AWVALID waited)"};
  HandshakeMonitor<WriteBeat> w_rules_{"AXI4_ERRM_WVALID_STABLE (WVALID dropped before WREADY)",
                                       "AXI4_ERRM_WDATA_STABLE (WDATA, WSTRB or WLAST changed while WVALID waited)"};
};

}  // namespace cxlvp
