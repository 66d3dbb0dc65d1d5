#include "burst_initiator.h"
#include "time_resolution.h"

#include <algorithm>
#include <stdexcept>

namespace cxlvp {

BurstInitiator::BurstInitiator(const std::string& node_name, QuantumKeeper& keeper, uint64_t burst_bytes,
                               unsigned window)
    : node_(register_node(node_name)),
      telemetry_(Telemetry::current()),
      keeper_(keeper),
      burst_(burst_bytes),
      in_flight_(std::max(1u, window)),
      scratch_(burst_bytes) {
  require_picosecond_resolution("BurstInitiator");
  if (burst_bytes == 0) throw std::invalid_argument(node_name + ": burst size must be positive");
  payload_.set_byte_enable_ptr(nullptr);  // and so it stays: no burst has byte enables
  payload_.set_extension(&hints_);
  payload_.set_extension(&trace_);
}

BurstInitiator::~BurstInitiator() {
  payload_.clear_extension(&hints_);
  payload_.clear_extension(&trace_);
}

void BurstInitiator::advance_to(const Time& t, Time& now) {
  const bool ahead = t > now;
  keeper_.set(ahead ? t - now : sc_core::SC_ZERO_TIME);
  if (keeper_.due_at(ahead ? t : now)) {
    keeper_.sync();
    now = sc_core::sc_time_stamp();
  }
}

void BurstInitiator::sync_or_skip(const Time& t, Time& now) {
  // If the next activity of any other process lies after `t`, a wait for `t`
  // would only move the kernel time. When nothing is pending at a future time
  // (a thread streaming alone), two quick questions answer it; otherwise the
  // time to that activity (zero when a process is runnable now).
  const sc_core::sc_simcontext* kernel = sc_core::sc_get_curr_simcontext();
  const bool later = !sc_core::sc_pending_activity_at_future_time(kernel)
                         ? !sc_core::sc_pending_activity_at_current_time(kernel)
                         : sc_core::sc_time_to_pending_activity(kernel) > t - now;
  if (kernel->sim_status() == sc_core::SC_SIM_OK && later) {
    keeper_.skip_sync_at(t, quantum_);
    synced_ = t;
  } else {
    keeper_.sync();
    now = synced_ = sc_core::sc_time_stamp();
  }
  hints_.set_times(now, synced_);
}

void BurstInitiator::catch_up(Time& now) {
  if (synced_ <= now) return;
  const Time local = keeper_.get_local_time() - (synced_ - now);
  sc_core::wait(synced_ - now);
  now = sc_core::sc_time_stamp();
  keeper_.set(local);
}

bool BurstInitiator::issue(const Target& target, tlm::tlm_command cmd, uint64_t address, const Time& now,
                           const Time& at, Time& done, Route& route) {
  payload_.set_command(cmd);
  payload_.set_address(address);
  payload_.set_dmi_allowed(false);
  payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  trace_.reset(node_.id());
  if (node_.stamps_hops()) trace_.stamp(node_.id(), at.value());
  Time delay = at - now;
  target(payload_, delay);
  status_ = payload_.get_response_status();
  if (status_ != tlm::TLM_OK_RESPONSE) return false;
  done = now + delay;
  telemetry_.transactions.record(payload_, trace_, at.value(), done.value(), route);
  return true;
}

bool BurstInitiator::stream(Socket& socket, tlm::tlm_command cmd, uint64_t address, uint64_t bytes,
                            uint8_t* data, double pace_ps_per_byte) {
  Time now = synced_ = sc_core::sc_time_stamp();
  quantum_ = keeper_.get_global_quantum();
  Time next_issue = now + keeper_.get_local_time();
  std::fill(in_flight_.begin(), in_flight_.end(), sc_core::SC_ZERO_TIME);
  Time last_done = next_issue;
  // The paced consumer's clock, in picoseconds (only when there is a pace).
  const bool paced = pace_ps_per_byte > 0;
  double consumer_ps = next_issue.to_double();
  // As an sc_time: one picosecond scaled by it, inline, where from_value is a
  // library call per held-back burst. Exact below 2^52 ps (75 minutes), where
  // the scaling's +0.5 rounding still truncates to the same integer.
  const Time one_ps = Time::from_value(1);
  const auto consumer = [&consumer_ps, &one_ps] {
    const auto ps = static_cast<uint64_t>(consumer_ps);
    return ps < (uint64_t(1) << 52) ? one_ps * static_cast<double>(ps) : Time::from_value(ps);
  };
  const Target target = target_of(socket);
  hints_.set(true, data != nullptr, now, synced_);
  set_data(data ? data : scratch_.data(), static_cast<unsigned>(std::min(burst_, bytes)));
  Route route;
  size_t slot = 0;
  for (uint64_t off = 0; off < bytes; off += burst_) {
    const auto len = static_cast<unsigned>(std::min(burst_, bytes - off));
    if (len < burst_) set_data(data ? data + off : scratch_.data(), len);  // the last, shorter burst
    else if (data) payload_.set_data_ptr(data + off);
    Time t = std::max(next_issue, in_flight_[slot]);
    // The consumer's time as an sc_time only when it holds the burst back.
    if (paced && static_cast<uint64_t>(consumer_ps) > t.value()) t = consumer();
    Time done;
    if (!issue(target, cmd, address + off, now, t, done, route)) {
      catch_up(now);
      return false;
    }
    in_flight_[slot] = done;
    if (++slot == in_flight_.size()) slot = 0;  // not %: a 64-bit division per burst
    last_done = std::max(last_done, done);
    if (paced) consumer_ps = std::max(consumer_ps, t.to_double()) + pace_ps_per_byte * len;
    next_issue = t;
    pass(t, now);
  }
  catch_up(now);
  advance_to(paced ? std::max(last_done, consumer()) : last_done, now);
  return true;
}

bool BurstInitiator::copy(Socket& from, uint64_t src, Socket& to, uint64_t dst, uint64_t bytes,
                          bool functional) {
  std::vector<uint8_t> buffer(functional ? burst_ : 0);
  uint8_t* data = functional ? buffer.data() : scratch_.data();
  Time now = synced_ = sc_core::sc_time_stamp();
  quantum_ = keeper_.get_global_quantum();
  Time next_issue = now + keeper_.get_local_time();
  std::fill(in_flight_.begin(), in_flight_.end(), sc_core::SC_ZERO_TIME);
  Time last_done = next_issue;
  const Target source = target_of(from);
  const Target sink = target_of(to);
  hints_.set(true, functional, now, synced_);
  set_data(data, static_cast<unsigned>(std::min(burst_, bytes)));
  Route read_route, write_route;
  size_t slot = 0;
  for (uint64_t off = 0; off < bytes; off += burst_) {
    if (bytes - off < burst_) set_data(data, static_cast<unsigned>(bytes - off));  // the last, shorter burst
    const Time t = std::max(next_issue, in_flight_[slot]);
    Time read_done, done;
    if (!issue(source, tlm::TLM_READ_COMMAND, src + off, now, t, read_done, read_route) ||
        !issue(sink, tlm::TLM_WRITE_COMMAND, dst + off, now, read_done, done, write_route)) {
      catch_up(now);
      return false;
    }
    in_flight_[slot] = done;
    if (++slot == in_flight_.size()) slot = 0;  // not %: a 64-bit division per burst
    last_done = std::max(last_done, done);
    next_issue = t;
    pass(t, now);
  }
  catch_up(now);
  advance_to(last_done, now);
  return true;
}

bool BurstInitiator::access(Socket& socket, tlm::tlm_command cmd, uint64_t address, void* data,
                            unsigned length) {
  Time now = synced_ = sc_core::sc_time_stamp();
  hints_.set(false, true, now);
  set_data(static_cast<uint8_t*>(data), length);
  Route route;
  Time done;
  if (!issue(target_of(socket), cmd, address, now, now + keeper_.get_local_time(), done, route)) return false;
  advance_to(done, now);
  return true;
}

}  // namespace cxlvp
