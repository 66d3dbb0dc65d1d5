#pragma once
// HandshakeMonitor: the two rules every valid/ready channel shares, checked on
// the values sampled at each rising edge (docs/ndp-plugin.md "Pin protocol
// checks"; AMBA AXI A3.2.1 states them for AXI's five channels): once valid
// is 1 it stays 1 until the edge where ready is 1 too, and the payload does
// not change while valid waits.
#include <string>

namespace cxlvp {

template <class Payload>
class HandshakeMonitor {
 public:
  // `dropped`, `changed`: the names of the two rules as the channel's
  // specification states them (AXI: AXI4_ERRM_ARVALID_STABLE, ...).
  HandshakeMonitor(std::string dropped, std::string changed)
      : dropped_(std::move(dropped)), changed_(std::move(changed)) {}

  // The values sampled at one rising edge. Returns the rule they break, or null.
  const std::string* check(bool valid, bool ready, const Payload& payload) {
    const std::string* broken = nullptr;
    if (waiting_) {
      if (!valid) broken = &dropped_;
      else if (!(payload == held_)) broken = &changed_;
    }
    waiting_ = valid && !ready;
    if (waiting_) held_ = payload;
    return broken;
  }
  void reset() { waiting_ = false; }

 private:
  std::string dropped_, changed_;
  bool waiting_ = false;  // valid was 1 and ready 0 at the previous edge
  Payload held_{};
};

}  // namespace cxlvp
