#pragma once
// HopTrace: a generic-payload extension that every model on a transaction's
// path stamps with its node id and the (local) simulated time at which the
// transaction passed it. The initiator that owns the payload attaches it once
// and resets it before each transaction; the TransactionRecorder turns it into
// per-route latency statistics and optional log lines.
#include <cstdint>
#include <tlm>

#include "node_registry.h"

namespace cxlvp {

class HopTrace : public tlm::tlm_extension<HopTrace> {
 public:
  static constexpr unsigned kMaxHops = 16;
  // Hops are stamped only while something reads them: the transaction log
  // (TransactionRecorder::open_log) switches this on. Without it, a model that
  // only passes a transaction on does not even look its trace up (a library
  // call per hop).
  static inline bool record_hops = false;
  struct Hop {
    NodeId node;
    uint64_t time_ps;
  };

  // The kernel time (sc_time_stamp()) the transaction was issued at. No model
  // waits inside b_transport, so the whole path runs at this time and hops
  // read it here instead of asking the kernel at every hop (a library call).
  sc_core::sc_time now;
  NodeId initiator = 0;
  NodeId target = 0;        // set by the terminal target (memory, register bank)
  bool carries_data = true; // false: timing-only bulk traffic, memories skip the copy
  bool bulk = false;        // part of a stream of bursts (not a single register/descriptor access)
  uint8_t hop_count = 0;
  Hop hops[kMaxHops];

  void reset(NodeId init, bool data, bool is_bulk, const sc_core::sc_time& kernel_now) {
    now = kernel_now;
    initiator = init;
    target = init;
    carries_data = data;
    bulk = is_bulk;
    hop_count = 0;
  }
  void stamp(NodeId node, const sc_core::sc_time& delay) {
    if (record_hops && hop_count < kMaxHops) hops[hop_count++] = Hop{node, now.value() + delay.value()};
  }

  tlm::tlm_extension_base* clone() const override { return new HopTrace(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const HopTrace&>(other);
  }
};

// Stamp the payload's trace, if hops are recorded and it carries one (debug
// or foreign initiators may not).
inline void stamp_hop(tlm::tlm_generic_payload& p, NodeId node, const sc_core::sc_time& delay) {
  if (!HopTrace::record_hops) return;
  if (auto* t = p.get_extension<HopTrace>()) t->stamp(node, delay);
}

// The kernel time of a transaction in flight: from its trace, else the kernel's.
inline sc_core::sc_time kernel_now(const HopTrace* t) { return t ? t->now : sc_core::sc_time_stamp(); }

// Mark the terminal target of a transaction (its trace `t`, may be null), and
// say whether its bytes should be copied.
inline bool arrive_at_target(HopTrace* t, NodeId node, const sc_core::sc_time& delay) {
  if (!t) return true;
  t->stamp(node, delay);
  t->target = node;
  return t->carries_data;
}
inline bool arrive_at_target(tlm::tlm_generic_payload& p, NodeId node, const sc_core::sc_time& delay) {
  return arrive_at_target(p.get_extension<HopTrace>(), node, delay);
}

}  // namespace cxlvp
