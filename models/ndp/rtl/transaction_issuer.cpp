#include "transaction_issuer.h"

#include "../../common/transaction_recorder.h"

namespace cxlvp {

TransactionIssuer::TransactionIssuer(sc_core::sc_module_name name, TraceNode node) : sc_module(name), node_(node), recorder_(Telemetry::current().transactions) {
  payload_.set_extension(&hints_);
  payload_.set_extension(&trace_);
  SC_HAS_PROCESS(TransactionIssuer);
  SC_THREAD(run);
}

TransactionIssuer::~TransactionIssuer() {
  payload_.clear_extension(&hints_);
  payload_.clear_extension(&trace_);
}

void TransactionIssuer::post(Work work) {
  queue_.push_back(std::move(work));
  posted_.notify();
}

void TransactionIssuer::run() {
  for (;;) {
    while (queue_.empty()) sc_core::wait(posted_);
    Work work = std::move(queue_.front());
    queue_.pop_front();
    work(*this);
  }
}

uint64_t TransactionIssuer::transport(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint8_t* data,
                                      unsigned length, bool bulk, uint64_t issue_ps, bool& ok) {
  payload_.set_command(cmd);
  payload_.set_address(address);
  payload_.set_data_ptr(data);
  payload_.set_data_length(length);
  payload_.set_streaming_width(length);
  payload_.set_byte_enable_ptr(nullptr);
  payload_.set_byte_enable_length(0);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const uint64_t now = sc_core::sc_time_stamp().value();
  const uint64_t at = std::max(issue_ps, now);
  hints_.set(bulk, true, sc_core::sc_time_stamp());
  trace_.reset(node_.id());
  if (node_.stamps_hops()) trace_.stamp(node_.id(), at);
  sc_core::sc_time delay = sc_core::sc_time::from_value(at - now);
  socket->b_transport(payload_, delay);
  ok = payload_.get_response_status() == tlm::TLM_OK_RESPONSE;
  // The returned delay counts from the time of the return, later than `now` if the target waited.
  const uint64_t done = sc_core::sc_time_stamp().value() + delay.value();
  if (ok) recorder_.record(payload_, trace_, at, done);
  return done;
}

}  // namespace cxlvp
