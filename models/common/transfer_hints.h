#pragma once
// TransferHints: a generic-payload extension with what the issuing initiator
// says about a transaction, which the models on its path use for timing and
// data: whether it is one burst of a stream or copy (a link queues it) or a
// single access (a link interleaves it between queued packets), whether its
// bytes are real (else memories skip the copy), and the kernel time it was
// issued at. The platform's initiators set it on every transaction, whether
// or not hops are traced (hop_trace.h), so timing never depends on tracing.
//
// A payload without it (a foreign initiator's) counts as a burst that carries
// data, and models ask the kernel for the time.
#include <systemc>
#include <tlm>

#include "payload_extension.h"

namespace cxlvp {

class TransferHints : public tlm::tlm_extension<TransferHints> {
 public:
  // The kernel time (sc_time_stamp()) the transaction was issued at. No model
  // waits inside b_transport, so the whole path runs at this time and models
  // read it here instead of asking the kernel at every hop (a library call).
  sc_core::sc_time now;
  // No transaction arrives anywhere before this time from now on, so
  // resources may forget what ended by it: the kernel time, or later while
  // the issuing thread skips quantum syncs that no one else could observe
  // (BurstInitiator::pass), where it is the time the kernel would stand at.
  sc_core::sc_time settled;
  bool bulk = true;          // a burst of a stream or copy; false: a single register, descriptor or MSI access
  bool carries_data = true;  // false: timing-only bulk traffic, memories skip the copy

  void set(bool is_bulk, bool data, const sc_core::sc_time& kernel_now, const sc_core::sc_time& settled_by) {
    now = kernel_now;
    settled = settled_by;
    bulk = is_bulk;
    carries_data = data;
  }
  void set(bool is_bulk, bool data, const sc_core::sc_time& kernel_now) { set(is_bulk, data, kernel_now, kernel_now); }
  void set_times(const sc_core::sc_time& kernel_now, const sc_core::sc_time& settled_by) {
    now = kernel_now;
    settled = settled_by;
  }

  tlm::tlm_extension_base* clone() const override { return new TransferHints(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const TransferHints&>(other);
  }
};

// What a payload's hints (`h`, may be null) say, with the defaults of a foreign initiator.
inline sc_core::sc_time kernel_now(const TransferHints* h) { return h ? h->now : sc_core::sc_time_stamp(); }
inline sc_core::sc_time settled_time(const TransferHints* h) { return h ? h->settled : sc_core::sc_time_stamp(); }
inline bool is_single_access(const TransferHints* h) { return h && !h->bulk; }
inline bool carries_data(const TransferHints* h) { return !h || h->carries_data; }

}  // namespace cxlvp
