#include "register_bus_bridge.h"

#include "pin_format.h"

namespace cxlvp {

RegisterBusBridge::RegisterBusBridge(sc_core::sc_module_name name) : RegisterBridge(name) {
  SC_HAS_PROCESS(RegisterBusBridge);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

bool RegisterBusBridge::word_access(bool write, uint32_t offset, uint32_t& data) {
  write_ = write;
  addr_ = offset;
  data_ = data;
  step_ = Step::posted;
  since_ = cycle();
  wake();
  sc_core::wait(done_);
  step_ = Step::idle;
  if (!write) data = data_;
  return !err_;
}

// Reads see the values before the edge (signals update after this
// evaluation), so both sides agree that a transfer happened on an edge where
// valid and ready were both 1.
void RegisterBusBridge::on_edge() {
  if (!rst_n.read()) return;
  if (pins.rsp_valid.read()) {
    if (step_ != Step::driven || pins.valid.read()) {
      observer_->violation("reg_rsp", "a response with no request outstanding", "");
    } else {
      data_ = pins.rsp_rdata.read();
      err_ = pins.rsp_err.read();
      step_ = Step::answered;
      observer_->progress();
      done_.notify(sc_core::SC_ZERO_TIME);
    }
  }
  if (pins.valid.read() && pins.ready.read()) {
    pins.valid.write(false);
    since_ = cycle();
  }
  if (step_ == Step::posted && !stalls_.stall()) {
    pins.write.write(write_);
    pins.addr.write(addr_);
    pins.wdata.write(write_ ? data_ : 0);
    pins.valid.write(true);
    step_ = Step::driven;
    since_ = cycle();
  }
}

std::string RegisterBusBridge::state() const {
  const std::string what = std::string(write_ ? "write of " : "read of ") + hex(addr_);
  switch (step_) {
    case Step::idle:
      return "idle";
    case Step::posted:
      return "a " + what + " waits to be driven";
    case Step::driven:
      return pins.valid.read() ? "the " + what + " waits for reg_ready since cycle " + std::to_string(since_)
                               : "the " + what + " waits for its response since cycle " + std::to_string(since_);
    case Step::answered:
      return "the " + what + " was answered";
  }
  return "";
}

}  // namespace cxlvp
