#include "memory_port_bridge.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "pin_format.h"

namespace cxlvp {

namespace {

constexpr uint64_t kUnknown = std::numeric_limits<uint64_t>::max();

sc_dt::sc_bv<128> to_beat(const uint8_t* bytes) {
  sc_dt::sc_bv<128> v;
  for (int w = 0; w < 4; ++w) {
    uint32_t word = 0;
    std::memcpy(&word, bytes + 4 * w, 4);
    v.set_word(w, word);
  }
  return v;
}

void from_beat(const sc_dt::sc_bv<128>& v, uint8_t* bytes) {
  for (int w = 0; w < 4; ++w) {
    const uint32_t word = v.get_word(w);
    std::memcpy(bytes + 4 * w, &word, 4);
  }
}

}  // namespace

MemoryPortBridge::MemoryPortBridge(sc_core::sc_module_name name, TransactionIssuer& issuer,
                                   TransactionIssuer::Socket& socket, const MemoryBridgeConfig& config)
    : MemoryBridge(name, issuer, socket, config),
      window_(unsigned(std::max<uint64_t>(1, config.bytes_in_flight / config.burst_bytes))) {
  pins.req_ready.write(true);
  SC_HAS_PROCESS(MemoryPortBridge);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

// Host side of the port, on the rising edge. Reads see the values before the
// edge (signals update after this evaluation), so both sides agree that a
// transfer happened on an edge where valid and ready were both 1.
void MemoryPortBridge::on_edge() {
  if (!rst_n.read()) return;
  const uint64_t now = now_ps();
  check_engine_side();
  switch (mem_) {
    case Mem::idle:
      if (pins.req_ready.read() && pins.req_valid.read()) accept(now);
      else pins.req_ready.write(!stalls_.stall());
      break;
    case Mem::read:
      serve_read(now);
      break;
    case Mem::write_data:
      serve_write_data();
      break;
    case Mem::write_ack:
      serve_write_ack(now);
      break;
  }
}

void MemoryPortBridge::check_engine_side() {
  if (const std::string* rule = request_rules_.check(pins.req_valid.read(), pins.req_ready.read(), [this] {
        return Request{pins.req_write.read(), pins.req_addr.read(), pins.req_bytes.read()};
      }))
    observer_->violation("mem_req", *rule, "");
  if (const std::string* rule =
          wdata_rules_.check(pins.wvalid.read(), pins.wready.read(), [this] { return pins.wdata.read(); }))
    observer_->violation("mem_w", *rule, "");
  // Write beats may be valid only from the edge after their request's transfer
  // to the edge that transfers the last of them.
  if (pins.wvalid.read() && mem_ != Mem::write_data) {
    if (last_was_write_ && (mem_ == Mem::write_ack || mem_ == Mem::idle))
      observer_->violation("mem_w", "a write beat beyond the request",
                           "the write of " + std::to_string(bytes_) + " bytes at " + hex(addr_) + " took its " +
                               std::to_string(beats_) + " beats");
    else
      observer_->violation("mem_w", "a write beat without a write request", "");
  }
}

void MemoryPortBridge::accept(uint64_t now) {
  pins.req_ready.write(false);
  observer_->progress();
  const bool write = pins.req_write.read();
  addr_ = pins.req_addr.read();
  bytes_ = pins.req_bytes.read();
  beats_ = std::max<uint64_t>(1, (bytes_ + kBeat - 1) / kBeat);
  beat_ = 0;
  since_ = cycle();
  last_was_write_ = write;
  data_.assign(beats_ * kBeat, 0);
  observer_->memory_request(write, addr_, bytes_);
  if (bytes_ == 0) observer_->violation("mem_req", "a request of 0 bytes", "mem_req_bytes must be at least 1");
  if (write) {
    mem_ = Mem::write_data;
    pins.wready.write(!stalls_.stall());
    return;
  }
  mem_ = Mem::read;
  ready_ps_.assign(burst_count(), kUnknown);
  burst_err_.assign(burst_count(), false);
  issued_ = 0;
  if (bytes_ == 0) {  // outside the contract (reported above): one failed beat, so that nothing hangs
    ready_ps_.assign(1, now);
    burst_err_.assign(1, true);
    issued_ = 1;
  }
}

// Keeps `window_` bursts in the read buffer ahead of the engine, each issued
// at the edge it is decided on.
void MemoryPortBridge::issue_read_bursts() {
  const size_t consumed = beat_ * kBeat / config_.burst_bytes;
  while (issued_ < ready_ps_.size() && issued_ < consumed + window_) {
    const size_t i = issued_++;
    const uint64_t off = i * config_.burst_bytes;
    const auto len = unsigned(std::min(config_.burst_bytes, bytes_ - off));
    const uint64_t at = now_ps();
    issuer_.post([this, i, off, len, at](TransactionIssuer& t) {
      bool ok = false;
      const uint64_t done = t.transport(socket_, tlm::TLM_READ_COMMAND, addr_ + off, data_.data() + off, len, true, at, ok);
      ready_ps_[i] = std::max(done, i ? ready_ps_[i - 1] : 0);
      burst_err_[i] = !ok;
    });
  }
}

void MemoryPortBridge::serve_read(uint64_t now) {
  if (pins.rsp_valid.read() && pins.rsp_ready.read()) {
    observer_->progress();
    since_ = cycle();
    if (++beat_ == beats_) {
      if (std::none_of(burst_err_.begin(), burst_err_.end(), [](bool e) { return e; }))
        observer_->read_delivered(addr_, data_.data(), bytes_);
      pins.rsp_valid.write(false);
      pins.req_ready.write(true);
      mem_ = Mem::idle;
      return;
    }
  }
  issue_read_bursts();
  // A beat is presented at the first edge at or after the completion of every
  // transaction holding its bytes.
  const uint64_t first = beat_ * kBeat;
  const uint64_t last = std::min(first + kBeat, std::max<uint64_t>(bytes_, 1)) - 1;
  const size_t b0 = first / config_.burst_bytes, b1 = last / config_.burst_bytes;
  const bool ready = b1 < issued_ && ready_ps_[b1] <= now;
  if (ready && (pins.rsp_valid.read() || !stalls_.stall())) {
    pins.rsp_data.write(to_beat(data_.data() + first));
    pins.rsp_err.write(burst_err_[b0] || burst_err_[b1]);
    pins.rsp_last.write(beat_ + 1 == beats_);
    pins.rsp_valid.write(true);
  } else {
    pins.rsp_valid.write(false);
  }
}

void MemoryPortBridge::serve_write_data() {
  if (pins.wready.read() && pins.wvalid.read()) {
    observer_->progress();
    since_ = cycle();
    from_beat(pins.wdata.read(), data_.data() + beat_ * kBeat);
    if (++beat_ == beats_) {
      pins.wready.write(false);
      issue_write();
      mem_ = Mem::write_ack;
      return;
    }
  }
  pins.wready.write(!stalls_.stall());
}

// After the last beat the bytes go out as bursts, `window_` of them in flight.
void MemoryPortBridge::issue_write() {
  ack_known_ = false;
  const uint64_t at = now_ps();
  issuer_.post([this, at](TransactionIssuer& t) {
    std::vector<uint64_t> in_flight(window_, at);
    uint64_t ack = at, start = at;
    bool err = bytes_ == 0;
    for (uint64_t i = 0; i < burst_count(); ++i) {
      const uint64_t off = i * config_.burst_bytes;
      const auto len = unsigned(std::min(config_.burst_bytes, bytes_ - off));
      bool ok = false;
      start = std::max(start, in_flight[i % window_]);
      const uint64_t done =
          t.transport(socket_, tlm::TLM_WRITE_COMMAND, addr_ + off, data_.data() + off, len, true, start, ok);
      in_flight[i % window_] = done;
      ack = std::max(ack, done);
      err = err || !ok;
    }
    ack_ps_ = ack;
    ack_err_ = err;
    ack_known_ = true;
  });
}

void MemoryPortBridge::serve_write_ack(uint64_t now) {
  if (pins.rsp_valid.read() && pins.rsp_ready.read()) {
    observer_->progress();
    pins.rsp_valid.write(false);
    pins.req_ready.write(true);
    mem_ = Mem::idle;
  } else if (ack_known_ && ack_ps_ <= now && (pins.rsp_valid.read() || !stalls_.stall())) {
    pins.rsp_err.write(ack_err_);
    pins.rsp_last.write(true);
    pins.rsp_valid.write(true);
  }
}

std::string MemoryPortBridge::request_text() const {
  return std::string(last_was_write_ ? "write" : "read") + " of " + std::to_string(bytes_) + " bytes at " + hex(addr_);
}

std::string MemoryPortBridge::state() const {
  const std::string since = " (last transfer at cycle " + std::to_string(since_) + ")";
  switch (mem_) {
    case Mem::idle:
      return beats_ ? "idle after a " + request_text() + since : "idle, no request yet";
    case Mem::read:
      return "serving a " + request_text() + ", " + std::to_string(beat_) + " of " + std::to_string(beats_) +
             " beats taken" + since;
    case Mem::write_data:
      return "waiting for write beats of a " + request_text() + ", " + std::to_string(beat_) + " of " +
             std::to_string(beats_) + " taken" + since;
    case Mem::write_ack:
      return "acknowledging a " + request_text() + since;
  }
  return "";
}

}  // namespace cxlvp
