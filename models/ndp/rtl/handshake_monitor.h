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

  // The values sampled at one rising edge. Returns the rule they break, or
  // null. `payload()` gives the payload; it is asked for only while valid is
  // 1 (a wide payload is not copied on every cycle).
  template <class Get>
  const std::string* check(bool valid, bool ready, Get payload) {
    const std::string* broken = nullptr;
    const bool was_waiting = waiting_;
    waiting_ = valid && !ready;
    if (!valid) return was_waiting ? &dropped_ : nullptr;
    if (!was_waiting && !waiting_) return nullptr;
    const Payload now = payload();
    if (was_waiting && !(now == held_)) broken = &changed_;
    if (waiting_) held_ = now;
    return broken;
  }
  void reset() { waiting_ = false; }

 private:
  std::string dropped_, changed_;
  bool waiting_ = false;  // valid was 1 and ready 0 at the previous edge
  Payload held_{};
};

}  // namespace cxlvp
