#pragma once
// ProtocolFlights: the transactions in flight across all protocol checkers of
// a simulation. Three rules span several bindings, so no checker can check
// them alone:
//  - the response comes back through the checkers its request passed, in
//    reverse order (IEEE 1666-2011 15.2.11);
//  - an interconnect does not change read data on the response path (14.7):
//    the first checker on the way back copies the data, the later ones compare;
//  - a transaction object is not sent anew while its previous response is
//    still on its way back (14.5).
// A flight is keyed by the payload object's address. Finished flights are
// kept (initiators reuse their payload objects) until the table grows past a
// bound, then dropped, so memory follows what is in flight, not the run length.
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <unordered_map>
#include <vector>

namespace cxlvp {

class ProtocolFlights {
 public:
  // The one table of this process (SystemC elaborates one simulation per process).
  static ProtocolFlights& global();

  // p's request passes `checker` on its way in. False if p's previous
  // response has not yet passed every checker of its path (p reused).
  bool request(const tlm::tlm_generic_payload& p, const sc_core::sc_object* checker);

  // What one checker sees as p's response passes it on the way back.
  struct Passage {
    bool reversed = true;   // the checker was the last one of the request path still to see the response
    std::string path;       // the request path then (checker names, initiator side first), when not reversed
    long data_change = -1;  // a read: first offset at which the data differs from the first checker's copy
  };
  // `contents`: compare read data (see carries_contents in protocol_payload.h).
  Passage response(const tlm::tlm_generic_payload& p, const sc_core::sc_object* checker, bool contents);

  // p's transaction ended at `checker` without a response passing it (the
  // initiator answered END_REQ with TLM_COMPLETED): the completion unwinds
  // the call stack from the initiator's side, so the checker leaves the path
  // in whatever order.
  void leave(const tlm::tlm_generic_payload& p, const sc_core::sc_object* checker);

  size_t size() const { return flights_.size(); }

 private:
  struct Flight {
    std::vector<const sc_core::sc_object*> path;  // checkers the request passed, initiator side first
    bool responding = false;                      // some checkers of the path have seen the response, not all
    std::vector<unsigned char> read_data;         // a read's data as the first checker on the way back saw it
    bool idle() const { return path.empty() && !responding; }
  };
  void drop_idle();

  std::unordered_map<const tlm::tlm_generic_payload*, Flight> flights_;
  size_t limit_ = kMinLimit;
  static constexpr size_t kMinLimit = 1024;
};

}  // namespace cxlvp
