#pragma once
// TransactionIssuer: the thread that makes the blocking TLM calls of a
// pin-level adapter. The adapters watch their pins from clocked method
// processes, and a method process must not call b_transport: a target may
// wait() inside it (IEEE 1666-2011 11.1.1.4 a), which only a thread can do
// (11.1.1.4 b). So the methods hand each piece of work (one or more
// transactions) to this thread as a closure. The thread runs the closures in
// the order they were posted, in the same evaluation phase when it is free
// (the post notifies it immediately), and the closures store what the methods
// read at later clock edges: completion times and whether a transfer failed.
// A target that waits only delays those results; the pins keep their rules.
#include <cstdint>
#include <deque>
#include <functional>
#include <systemc>
#include <tlm>

#include "../../common/hop_trace.h"
#include "../../common/telemetry.h"
#include "../../common/transfer_hints.h"

namespace cxlvp {

class TransactionIssuer : public sc_core::sc_module {
 public:
  using Socket = tlm::tlm_initiator_socket<>;
  using Work = std::function<void(TransactionIssuer&)>;

  // `node`: the initiator the transactions are recorded for (routes, hop traces).
  TransactionIssuer(sc_core::sc_module_name name, TraceNode node);
  ~TransactionIssuer() override;

  // From any process: `work` runs on the thread, after the work posted before it.
  void post(Work work);
  // From posted work only: one transaction through `socket`, issued at
  // `issue_ps` (simulated time; the thread's time if that has passed). Returns
  // the completion time; `ok` says whether the target answered TLM_OK_RESPONSE.
  uint64_t transport(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint8_t* data, unsigned length,
                     bool bulk, uint64_t issue_ps, bool& ok);

 private:
  void run();

  TraceNode node_;
  TransactionRecorder& recorder_;  // its platform's
  std::deque<Work> queue_;
  sc_core::sc_event posted_;
  tlm::tlm_generic_payload payload_;
  TransferHints hints_;
  HopTrace trace_;
};

}  // namespace cxlvp
