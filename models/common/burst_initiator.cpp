#include "burst_initiator.h"

#include <algorithm>
#include <stdexcept>

#include "transaction_recorder.h"

namespace cxlvp {

using sc_core::sc_time;

BurstInitiator::BurstInitiator(const std::string& node_name, tlm_utils::tlm_quantumkeeper& keeper,
                               uint64_t burst_bytes, unsigned window)
    : node_(register_node(node_name)),
      keeper_(keeper),
      burst_(burst_bytes),
      in_flight_(std::max(1u, window), 0),
      scratch_(burst_bytes) {
  if (burst_bytes == 0) throw std::invalid_argument(node_name + ": burst size must be positive");
  payload_.set_extension(&trace_);
}

BurstInitiator::~BurstInitiator() { payload_.clear_extension(&trace_); }

void BurstInitiator::advance_to(uint64_t t_ps) {
  const uint64_t now = now_ps();
  keeper_.set(sc_time::from_value(t_ps > now ? t_ps - now : 0));
  if (keeper_.need_sync()) keeper_.sync();
}

uint64_t BurstInitiator::issue(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint8_t* data,
                               unsigned length, bool functional, bool bulk, uint64_t issue_ps) {
  payload_.set_command(cmd);
  payload_.set_address(address);
  payload_.set_data_ptr(data);
  payload_.set_data_length(length);
  payload_.set_streaming_width(length);
  payload_.set_byte_enable_ptr(nullptr);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const uint64_t now = now_ps();
  trace_.reset(node_, functional, bulk, now);
  sc_time delay = sc_time::from_value(issue_ps - now);
  trace_.stamp(node_, delay);
  socket->b_transport(payload_, delay);
  status_ = payload_.get_response_status();
  if (status_ != tlm::TLM_OK_RESPONSE) return 0;
  const uint64_t done = now + delay.value();
  TransactionRecorder::global().record(payload_, trace_, issue_ps, done);
  return done;
}

bool BurstInitiator::stream(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint64_t bytes,
                            uint8_t* data, double pace_ps_per_byte) {
  std::fill(in_flight_.begin(), in_flight_.end(), 0);
  uint64_t next_issue = local_ps();
  uint64_t last_done = next_issue;
  double paced = static_cast<double>(next_issue);
  size_t slot = 0;
  for (uint64_t off = 0; off < bytes; off += burst_) {
    const auto len = static_cast<unsigned>(std::min(burst_, bytes - off));
    const uint64_t t = std::max({next_issue, in_flight_[slot], static_cast<uint64_t>(paced)});
    const uint64_t done = issue(socket, cmd, address + off, data ? data + off : scratch_.data(), len,
                                data != nullptr, true, t);
    if (!done) return false;
    in_flight_[slot] = done;
    slot = (slot + 1) % in_flight_.size();
    last_done = std::max(last_done, done);
    paced = std::max(paced, static_cast<double>(t)) + pace_ps_per_byte * len;
    next_issue = t;
    advance_to(t);
  }
  advance_to(std::max({last_done, static_cast<uint64_t>(paced)}));
  return true;
}

bool BurstInitiator::copy(Socket& from, uint64_t src, Socket& to, uint64_t dst, uint64_t bytes,
                          bool functional) {
  std::fill(in_flight_.begin(), in_flight_.end(), 0);
  std::vector<uint8_t> buffer(functional ? burst_ : 0);
  uint8_t* data = functional ? buffer.data() : scratch_.data();
  uint64_t next_issue = local_ps();
  uint64_t last_done = next_issue;
  size_t slot = 0;
  for (uint64_t off = 0; off < bytes; off += burst_) {
    const auto len = static_cast<unsigned>(std::min(burst_, bytes - off));
    const uint64_t t = std::max(next_issue, in_flight_[slot]);
    const uint64_t read_done = issue(from, tlm::TLM_READ_COMMAND, src + off, data, len, functional, true, t);
    if (!read_done) return false;
    const uint64_t done = issue(to, tlm::TLM_WRITE_COMMAND, dst + off, data, len, functional, true, read_done);
    if (!done) return false;
    in_flight_[slot] = done;
    slot = (slot + 1) % in_flight_.size();
    last_done = std::max(last_done, done);
    next_issue = t;
    advance_to(t);
  }
  advance_to(last_done);
  return true;
}

bool BurstInitiator::access(Socket& socket, tlm::tlm_command cmd, uint64_t address, void* data,
                            unsigned length) {
  const uint64_t done =
      issue(socket, cmd, address, static_cast<uint8_t*>(data), length, true, false, local_ps());
  if (!done) return false;
  advance_to(done);
  return true;
}

}  // namespace cxlvp
