#include "axi_lite_bridge.h"

#include "pin_format.h"

namespace cxlvp {

namespace {
constexpr uint32_t kOkay = 0;
}

AxiLiteBridge::AxiLiteBridge(sc_core::sc_module_name name) : RegisterBridge(name) {
  SC_HAS_PROCESS(AxiLiteBridge);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

bool AxiLiteBridge::word_access(bool write, uint32_t offset, uint32_t& data) {
  write_ = write;
  addr_ = offset;
  data_ = data;
  aw_driven_ = w_driven_ = ar_driven_ = aw_done_ = w_done_ = ar_done_ = false;
  active_ = true;
  since_ = cycle();
  wake();
  sc_core::wait(done_);
  active_ = false;
  if (!write) data = data_;
  return !err_;
}

void AxiLiteBridge::check_slave_side() {
  if (const std::string* rule =
          b_rules_.check(pins.bvalid.read(), pins.bready.read(), [this] { return pins.bresp.read(); }))
    observer_->violation("B", *rule, "");
  if (const std::string* rule = r_rules_.check(pins.rvalid.read(), pins.rready.read(), [this] {
        return ReadData{pins.rdata.read(), pins.rresp.read()};
      }))
    observer_->violation("R", *rule, "");
  if (pins.bvalid.read() && !(active_ && write_ && aw_done_ && w_done_))
    observer_->violation("B", "AXI4_ERRS_BRESP_AW/WLAST (a write response before its write address and data)", "");
  if (pins.rvalid.read() && !(active_ && !write_ && ar_done_))
    observer_->violation("R", "a read response with no read request transferred (AMBA AXI A3.3.1)", "");
}

// Values sampled before the edge, as the slave sees them.
void AxiLiteBridge::on_edge() {
  if (!rst_n.read()) return;
  check_slave_side();
  if (pins.awvalid.read() && pins.awready.read()) {
    pins.awvalid.write(false);
    aw_done_ = true;
    observer_->progress();
  }
  if (pins.wvalid.read() && pins.wready.read()) {
    pins.wvalid.write(false);
    w_done_ = true;
    observer_->progress();
  }
  if (pins.arvalid.read() && pins.arready.read()) {
    pins.arvalid.write(false);
    ar_done_ = true;
    observer_->progress();
  }
  if (pins.bvalid.read() && pins.bready.read() && aw_done_ && w_done_) {
    pins.bready.write(false);
    err_ = pins.bresp.read() != kOkay;
    observer_->progress();
    done_.notify(sc_core::SC_ZERO_TIME);
  }
  if (pins.rvalid.read() && pins.rready.read() && ar_done_) {
    pins.rready.write(false);
    data_ = pins.rdata.read();
    err_ = pins.rresp.read() != kOkay;
    observer_->progress();
    done_.notify(sc_core::SC_ZERO_TIME);
  }
  if (!active_) return;
  if (write_) {
    if (!aw_driven_ && !stalls_.stall()) {
      pins.awaddr.write(addr_);
      pins.awvalid.write(true);
      aw_driven_ = true;
    }
    if (!w_driven_ && !stalls_.stall()) {
      pins.wdata.write(data_);
      pins.wstrb.write(0xF);
      pins.wvalid.write(true);
      w_driven_ = true;
    }
    if (aw_done_ && w_done_ && !pins.bready.read() && !stalls_.stall()) pins.bready.write(true);
  } else {
    if (!ar_driven_ && !stalls_.stall()) {
      pins.araddr.write(addr_);
      pins.arvalid.write(true);
      ar_driven_ = true;
    }
    if (ar_done_ && !pins.rready.read() && !stalls_.stall()) pins.rready.write(true);
  }
}

std::string AxiLiteBridge::state() const {
  if (!active_) return "idle";
  const std::string what = std::string(write_ ? "write of " : "read of ") + hex(addr_);
  if (write_ && !(aw_done_ && w_done_))
    return "the " + what + " waits for " + (aw_done_ ? "WREADY" : w_done_ ? "AWREADY" : "AWREADY and WREADY") +
           " since cycle " + std::to_string(since_);
  if (!write_ && !ar_done_) return "the " + what + " waits for ARREADY since cycle " + std::to_string(since_);
  return "the " + what + " waits for its response since cycle " + std::to_string(since_);
}

}  // namespace cxlvp
