#pragma once
// AddressRouter: the host interconnect. Any number of initiators bind to `in`;
// each target window is bound to one port of `out`. A window either passes the
// host physical address through unchanged (root complexes, root ports, which
// decode it themselves) or hands the target an offset from the window base
// (plain memories and register blocks). An address outside every window gets
// TLM_ADDRESS_ERROR_RESPONSE. A window may also be a host interleave set (a
// CXL Fixed Memory Window over several root ports, with the host bridge's
// decoder): granule g of it goes to port interleave_ports[g mod ways], and an
// access spanning granules is split, one piece per granule (granule_split.h).
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <vector>

#include "../common/node_registry.h"
#include "../cxl/interleave.h"
#include "../common/target_socket.h"

namespace cxlvp {

struct AddressWindow {
  AddressWindow(std::string name, uint64_t base, uint64_t size, unsigned port, bool relative)
      : name(std::move(name)), base(base), size(size), port(port), relative(relative) {}

  std::string name;
  uint64_t base = 0;
  uint64_t size = 0;
  unsigned port = 0;        // index of the `out` binding
  bool relative = true;     // target sees address - base
  // A host interleave set: empty, or `interleave.ways` ports (then `port` is unused).
  std::vector<unsigned> interleave_ports;
  Interleave interleave;
  uint64_t end() const { return base + size; }
};

class AddressRouter : public sc_core::sc_module {
  // The socket's handler, declared first: the TargetSocket names it
  // (target_socket.h).
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);

 public:
  TargetSocket<AddressRouter, &AddressRouter::b_transport> in;
  tlm_utils::multi_passthrough_initiator_socket<AddressRouter> out;

  AddressRouter(sc_core::sc_module_name name, sc_core::sc_time latency);

  // Throws std::invalid_argument if the window is empty or overlaps another.
  void add_window(const AddressWindow& w);
  const std::vector<AddressWindow>& windows() const { return windows_; }
  const AddressWindow* decode(uint64_t address) const {
    // Streams hit one window again and again: the last hit is tried first,
    // inline (windows do not wrap around: add_window).
    if (last_hit_ && address - last_hit_->base < last_hit_->size) return last_hit_;
    return search(address);
  }

 private:
  // The handler's work, behind its stamp (hop_trace.h, stamped).
  void pass(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  const AddressWindow* search(uint64_t address) const;
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  void send_interleaved(const AddressWindow& w, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void end_of_elaboration() override;

  sc_core::sc_time latency_;
  TraceNode node_;
  std::vector<AddressWindow> windows_;
  mutable const AddressWindow* last_hit_ = nullptr;  // decode
  // Each port's target, found once after binding: calling through `out[i]->`
  // converts to its blocking interface (a virtual base) on every call
  // (initiator_socket.h).
  std::vector<DirectTransport> targets_;
};

}  // namespace cxlvp
