#pragma once
// RegisterBusBridge: TLM register accesses onto the valid/ready register bus
// of docs/ndp-plugin.md ("Register bus"), the host side. One request at a
// time: the bridge drives reg_valid with the request until the engine takes
// it (reg_ready), then waits for the engine's one-cycle reg_rsp_valid. A
// response while no request is outstanding is a pin-protocol violation.
#include <systemc>

#include "register_bridge.h"

namespace cxlvp {

// The bus's signals; the engine's ports bind to them.
struct RegisterBusPins {
  sc_core::sc_signal<bool> valid{"reg_valid"}, ready{"reg_ready"}, write{"reg_write"};
  sc_core::sc_signal<uint32_t> addr{"reg_addr"}, wdata{"reg_wdata"};
  sc_core::sc_signal<bool> rsp_valid{"reg_rsp_valid"}, rsp_err{"reg_rsp_err"};
  sc_core::sc_signal<uint32_t> rsp_rdata{"reg_rsp_rdata"};
};

class RegisterBusBridge : public RegisterBridge {
 public:
  RegisterBusPins pins;

  explicit RegisterBusBridge(sc_core::sc_module_name name);
  std::string state() const override;

 private:
  bool word_access(bool write, uint32_t offset, uint32_t& data) override;
  void on_edge();

  enum class Step { idle, posted, driven, answered } step_ = Step::idle;
  bool write_ = false;
  uint32_t addr_ = 0, data_ = 0;
  bool err_ = false;
  uint64_t since_ = 0;  // cycle the current step began
  sc_core::sc_event done_;
};

}  // namespace cxlvp
