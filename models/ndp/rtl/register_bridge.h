#pragma once
// RegisterBridge: the TLM side of a bridge from TLM register accesses to a
// 32-bit register bus on pins (RegisterBusBridge: the valid/ready flavor of
// docs/ndp-plugin.md; AxiLiteBridge: AXI4-Lite). A b_transport of 4 bytes is
// one bus access, of 8 bytes two (low word first, at the lower address).
// Accesses are serialized. Timing: the access starts on the clock at the
// caller's local time (time at the call + annotated delay) and the delay
// returned is measured from the timestamp at the call (completion = time at
// the call + returned delay, the convention of this code base's initiators),
// so it never decreases. Only threads may call it: it waits for the bus.
#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "backpressure.h"
#include "bridge_observer.h"

namespace cxlvp {

class RegisterBridge : public sc_core::sc_module {
 public:
  // Optional: the NDP adapters call b_transport directly.
  tlm_utils::simple_target_socket_optional<RegisterBridge> in;
  sc_core::sc_in<bool> clk, rst_n;

  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  // An access is in progress: the bus clock has to run.
  bool busy() const { return owned_; }
  // A word is on the bus, waiting for the engine.
  bool word_pending() const { return word_pending_; }
  // What the bus is doing, for diagnostics ("idle", "waiting for the response to the read of 0x04 since cycle 12").
  virtual std::string state() const = 0;

  // `wake` is called whenever a word is put on the bus (an adapter that stops
  // its clock when idle restarts it there); `observer` hears of transfers and
  // violations; `stalls` delays the host's side of each handshake.
  void attach(std::function<void()> wake, BridgeObserver* observer, const uint64_t* cycle);
  void set_backpressure(Backpressure stalls) { stalls_ = stalls; }

 protected:
  explicit RegisterBridge(sc_core::sc_module_name name);
  // One 32-bit access on the pins, from the thread in b_transport; false if the
  // engine answered with an error.
  virtual bool word_access(bool write, uint32_t offset, uint32_t& data) = 0;
  void wake() {
    if (wake_) wake_();
  }
  uint64_t cycle() const { return cycle_ ? *cycle_ : 0; }

  BridgeObserver* observer_;
  Backpressure stalls_;

 private:
  std::function<void()> wake_;
  const uint64_t* cycle_ = nullptr;
  NullBridgeObserver no_observer_;
  bool owned_ = false, word_pending_ = false;
  sc_core::sc_event free_;
};

}  // namespace cxlvp
