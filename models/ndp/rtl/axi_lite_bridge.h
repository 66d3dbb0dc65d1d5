#pragma once
// AxiLiteBridge: TLM register accesses onto an AXI4-Lite slave (32-bit data),
// the master side: the AXI4 flavor's register path (docs/ndp-plugin.md "AXI4
// flavor"). A write drives AW and W in the same cycle, each held until its
// handshake, then takes the write response; a read drives AR and takes the
// read data. A response that is not OKAY (SLVERR, DECERR) is an error.
// It checks the slave's side (AMBA AXI, ARM IHI 0022E): a response only after
// its request (A3.3.1: B after both AW and W, R after AR), and BVALID/RVALID
// held with a stable payload until the handshake (A3.2.1).
#include <systemc>

#include "handshake_monitor.h"
#include "register_bridge.h"

namespace cxlvp {

struct AxiLitePins {
  sc_core::sc_signal<bool> awvalid{"s_axil_awvalid"}, awready{"s_axil_awready"};
  sc_core::sc_signal<uint32_t> awaddr{"s_axil_awaddr"};
  sc_core::sc_signal<bool> wvalid{"s_axil_wvalid"}, wready{"s_axil_wready"};
  sc_core::sc_signal<uint32_t> wdata{"s_axil_wdata"}, wstrb{"s_axil_wstrb"};
  sc_core::sc_signal<bool> bvalid{"s_axil_bvalid"}, bready{"s_axil_bready"};
  sc_core::sc_signal<uint32_t> bresp{"s_axil_bresp"};
  sc_core::sc_signal<bool> arvalid{"s_axil_arvalid"}, arready{"s_axil_arready"};
  sc_core::sc_signal<uint32_t> araddr{"s_axil_araddr"};
  sc_core::sc_signal<bool> rvalid{"s_axil_rvalid"}, rready{"s_axil_rready"};
  sc_core::sc_signal<uint32_t> rdata{"s_axil_rdata"}, rresp{"s_axil_rresp"};
};

class AxiLiteBridge : public RegisterBridge {
 public:
  AxiLitePins pins;

  explicit AxiLiteBridge(sc_core::sc_module_name name);
  std::string state() const override;

 private:
  struct ReadData {
    uint32_t data, resp;
    bool operator==(const ReadData& o) const { return data == o.data && resp == o.resp; }
  };

  bool word_access(bool write, uint32_t offset, uint32_t& data) override;
  void on_edge();
  void check_slave_side();

  bool active_ = false, write_ = false;
  bool aw_driven_ = false, w_driven_ = false, ar_driven_ = false;  // put on the pins
  bool aw_done_ = false, w_done_ = false, ar_done_ = false;        // handshake happened
  uint32_t addr_ = 0, data_ = 0;
  bool err_ = false;
  uint64_t since_ = 0;
  sc_core::sc_event done_;
  HandshakeMonitor<uint32_t> b_rules_{"AXI4_ERRS_BVALID_STABLE (BVALID dropped before BREADY)",
                                      "AXI4_ERRS_BRESP_STABLE (BRESP changed while BVALID waited)"};
  HandshakeMonitor<ReadData> r_rules_{"AXI4_ERRS_RVALID_STABLE (RVALID dropped before RREADY)",
                                      "AXI4_ERRS_RDATA_STABLE (RDATA or RRESP changed while RVALID waited)"};
};

}  // namespace cxlvp
