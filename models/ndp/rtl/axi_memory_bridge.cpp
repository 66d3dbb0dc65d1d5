#include "axi_memory_bridge.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "pin_format.h"

namespace cxlvp {

namespace {

constexpr uint64_t kUnknown = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kIncr = 1, kOkay = 0, kSlverr = 2;
constexpr uint32_t kBeatSize = 4;  // AxSIZE of a 16-byte beat

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

uint64_t burst_bytes_of(uint32_t len) { return uint64_t(len + 1) * AxiMemoryBridge::kBeat; }

// No earlier burst in `list` has `b`'s ID: AXI orders responses within an ID.
template <class List, class Burst>
bool oldest_of_its_id(const List& list, const Burst& b) {
  for (const auto& other : list) {
    if (&other == &b) return true;
    if (other.a.id == b.a.id) return false;
  }
  return true;
}

}  // namespace

AxiMemoryBridge::AxiMemoryBridge(sc_core::sc_module_name name, TransactionIssuer& issuer,
                                 TransactionIssuer::Socket& socket, const MemoryBridgeConfig& config)
    : MemoryBridge(name, issuer, socket, config) {
  SC_HAS_PROCESS(AxiMemoryBridge);
  SC_METHOD(on_edge);
  sensitive << clk.pos();
  dont_initialize();
}

// Values sampled before the edge, as the engine sees them.
void AxiMemoryBridge::on_edge() {
  if (!rst_n.read()) return;
  const uint64_t now = now_ps();
  check_master_side();
  if (pins.arvalid.read() && pins.arready.read()) {
    const Address a{pins.arid.read(), pins.arlen.read(), pins.arsize.read(), pins.arburst.read(), pins.araddr.read()};
    observer_->progress();
    last_transfer_ = cycle();
    if (burst_ok("AR", a)) {
      ReadBurst r;
      r.a = a;
      r.data.assign(burst_bytes_of(a.len), 0);
      r.ready_ps.assign(transactions(r.data.size()), kUnknown);
      r.err.assign(r.ready_ps.size(), false);
      reads_.push_back(std::move(r));
      observer_->memory_request(false, a.addr, burst_bytes_of(a.len));
    }
  }
  pins.arready.write(reads_.size() < kMaxReads && !stalls_.stall());
  if (pins.awvalid.read() && pins.awready.read()) {
    const Address a{pins.awid.read(), pins.awlen.read(), pins.awsize.read(), pins.awburst.read(), pins.awaddr.read()};
    observer_->progress();
    last_transfer_ = cycle();
    if (burst_ok("AW", a)) {
      WriteBurst w;
      w.a = a;
      w.data.assign(burst_bytes_of(a.len), 0);
      w.enabled.assign(w.data.size(), false);
      writes_.push_back(std::move(w));
      observer_->memory_request(true, a.addr, burst_bytes_of(a.len));
    }
  }
  pins.awready.write(writes_.size() < kMaxWrites && !stalls_.stall());
  serve_writes(now);
  issue_reads();
  serve_reads(now);
}

void AxiMemoryBridge::check_master_side() {
  if (const std::string* rule = ar_rules_.check(pins.arvalid.read(), pins.arready.read(), [this] {
        return Address{pins.arid.read(), pins.arlen.read(), pins.arsize.read(), pins.arburst.read(), pins.araddr.read()};
      }))
    observer_->violation("AR", *rule, "");
  if (const std::string* rule = aw_rules_.check(pins.awvalid.read(), pins.awready.read(), [this] {
        return Address{pins.awid.read(), pins.awlen.read(), pins.awsize.read(), pins.awburst.read(), pins.awaddr.read()};
      }))
    observer_->violation("AW", *rule, "");
  if (const std::string* rule = w_rules_.check(pins.wvalid.read(), pins.wready.read(), [this] {
        return WriteBeat{pins.wdata.read(), pins.wstrb.read(), pins.wlast.read()};
      }))
    observer_->violation("W", *rule, "");
}

// The contract's bursts: INCR, full-width beats, aligned, within a 4 KiB page.
bool AxiMemoryBridge::burst_ok(const char* channel, const Address& a) {
  const std::string ch = channel;
  const std::string detail = ch + "ADDR " + hex(a.addr) + ", " + std::to_string(a.len + 1) + " beats";
  if (a.burst != kIncr) {
    observer_->violation(ch, "AXI4_ERRM_" + ch + "BURST (burst type " + std::to_string(a.burst) +
                                 (a.burst == 3 ? ": reserved" : ": the contract's bursts are INCR") + ")", detail);
    return false;
  }
  if (a.size != kBeatSize) {
    observer_->violation(ch, "AXI4_ERRM_" + ch + "SIZE (" + ch + "SIZE " + std::to_string(a.size) +
                                 ": the contract's beats are 16 bytes, the data width)", detail);
    return false;
  }
  if (a.addr % kBeat) {
    observer_->violation(ch, "unaligned address (the contract's bursts start on a 16-byte beat)", detail);
    return false;
  }
  if ((a.addr & 0xFFF) + burst_bytes_of(a.len) > 0x1000) {
    observer_->violation(ch, "AXI4_ERRM_" + ch + "ADDR_BOUNDARY (a burst crosses a 4 KiB boundary, AMBA AXI A3.4.1)",
                         detail);
    return false;
  }
  return true;
}

// Read data buffered for the engine stay within bytes_in_flight (at least one
// transaction), issued in the order the bursts were accepted.
void AxiMemoryBridge::issue_reads() {
  for (ReadBurst& r : reads_) {
    while (r.issued < r.ready_ps.size()) {
      const size_t i = r.issued;
      const uint64_t off = i * config_.burst_bytes;
      const auto len = unsigned(std::min<uint64_t>(config_.burst_bytes, r.data.size() - off));
      if (buffered_ > 0 && buffered_ + len > config_.bytes_in_flight) return;
      buffered_ += len;
      ++r.issued;
      ReadBurst* burst = &r;
      const uint64_t at = now_ps();
      issuer_.post([this, burst, i, off, len, at](TransactionIssuer& t) {
        bool ok = false;
        const uint64_t done =
            t.transport(socket_, tlm::TLM_READ_COMMAND, burst->a.addr + off, burst->data.data() + off, len, true, at, ok);
        burst->ready_ps[i] = std::max(done, i ? burst->ready_ps[i - 1] : 0);
        burst->err[i] = !ok;
      });
    }
  }
}

bool AxiMemoryBridge::beat_ready(const ReadBurst& r, unsigned beat, uint64_t bytes_per_transaction, uint64_t now) {
  const size_t i = uint64_t(beat) * kBeat / bytes_per_transaction;
  return i < r.issued && r.ready_ps[i] <= now;
}

void AxiMemoryBridge::serve_reads(uint64_t now) {
  bool presenting = pins.rvalid.read();
  if (sending_ && pins.rvalid.read() && pins.rready.read()) {
    observer_->progress();
    last_transfer_ = cycle();
    presenting = false;
    if (++sending_->sent == sending_->a.len + 1) {
      if (std::none_of(sending_->err.begin(), sending_->err.end(), [](bool e) { return e; }))
        observer_->read_delivered(sending_->a.addr, sending_->data.data(), sending_->data.size());
      buffered_ -= sending_->data.size();
      reads_.remove_if([this](const ReadBurst& r) { return &r == sending_; });
      sending_ = nullptr;
    }
  }
  if (!sending_)
    for (ReadBurst& r : reads_)
      if (oldest_of_its_id(reads_, r) && beat_ready(r, 0, config_.burst_bytes, now)) {
        sending_ = &r;
        break;
      }
  if (sending_ && beat_ready(*sending_, sending_->sent, config_.burst_bytes, now) &&
      (presenting || !stalls_.stall())) {
    const unsigned beat = sending_->sent;
    pins.rdata.write(to_beat(sending_->data.data() + beat * kBeat));
    pins.rresp.write(sending_->err[uint64_t(beat) * kBeat / config_.burst_bytes] ? kSlverr : kOkay);
    pins.rlast.write(beat == sending_->a.len);
    pins.rid.write(sending_->a.id);
    pins.rvalid.write(true);
  } else {
    pins.rvalid.write(false);
  }
}

void AxiMemoryBridge::serve_writes(uint64_t now) {
  const auto short_of_data = [this]() -> WriteBurst* {
    for (WriteBurst& w : writes_)
      if (w.received <= w.a.len) return &w;
    return nullptr;
  };
  WriteBurst* target = short_of_data();
  if (target && pins.wvalid.read() && pins.wready.read()) {
    observer_->progress();
    last_transfer_ = cycle();
    const unsigned beat = target->received++;
    from_beat(pins.wdata.read(), target->data.data() + beat * kBeat);
    const uint32_t strb = pins.wstrb.read();
    for (unsigned i = 0; i < kBeat; ++i) target->enabled[beat * kBeat + i] = strb >> i & 1;
    const bool last = beat == target->a.len;
    if (pins.wlast.read() != last)
      observer_->violation("W",
                           last ? "AXI4_ERRM_WDATA_NUM (WLAST missing on the burst's last beat)"
                                : "AXI4_ERRM_WDATA_NUM (WLAST before the burst's last beat)",
                           "AWADDR " + hex(target->a.addr) + ", beat " + std::to_string(beat + 1) + " of " +
                               std::to_string(target->a.len + 1));
    if (last) issue_write(*target);
    target = short_of_data();
  }
  pins.wready.write(target && !stalls_.stall());

  bool presenting = pins.bvalid.read();
  if (answering_ && pins.bvalid.read() && pins.bready.read()) {
    observer_->progress();
    last_transfer_ = cycle();
    writes_.remove_if([this](const WriteBurst& w) { return &w == answering_; });
    answering_ = nullptr;
    presenting = false;
  }
  if (!answering_)
    for (WriteBurst& w : writes_)
      if (oldest_of_its_id(writes_, w) && w.known && w.done_ps <= now) {
        answering_ = &w;
        break;
      }
  if (answering_ && (presenting || !stalls_.stall())) {
    pins.bid.write(answering_->a.id);
    pins.bresp.write(answering_->err ? kSlverr : kOkay);
    pins.bvalid.write(true);
  } else {
    pins.bvalid.write(false);
  }
}

// The burst's enabled bytes as TLM writes: one per run of contiguous enabled
// bytes, cut at burst_bytes, bytes_in_flight of them in flight.
void AxiMemoryBridge::issue_write(WriteBurst& w) {
  struct Piece {
    uint64_t off;
    unsigned len;
  };
  std::vector<Piece> pieces;
  for (uint64_t i = 0; i < w.enabled.size();) {
    if (!w.enabled[i]) {
      ++i;
      continue;
    }
    uint64_t end = i;
    while (end < w.enabled.size() && w.enabled[end] && end - i < config_.burst_bytes) ++end;
    pieces.push_back({i, unsigned(end - i)});
    i = end;
  }
  const uint64_t at = now_ps();
  WriteBurst* burst = &w;
  const unsigned window = unsigned(std::max<uint64_t>(1, config_.bytes_in_flight / config_.burst_bytes));
  issuer_.post([this, burst, pieces, at, window](TransactionIssuer& t) {
    std::vector<uint64_t> in_flight(window, at);
    uint64_t done_all = at, start = at;
    bool err = false;
    for (size_t k = 0; k < pieces.size(); ++k) {
      bool ok = false;
      start = std::max(start, in_flight[k % window]);
      const uint64_t done = t.transport(socket_, tlm::TLM_WRITE_COMMAND, burst->a.addr + pieces[k].off,
                                        burst->data.data() + pieces[k].off, pieces[k].len, true, start, ok);
      in_flight[k % window] = done;
      done_all = std::max(done_all, done);
      err = err || !ok;
    }
    burst->done_ps = done_all;
    burst->err = err;
    burst->known = true;
  });
}

void AxiMemoryBridge::job_finished() {
  const bool data_wanted = std::any_of(writes_.begin(), writes_.end(), [](const WriteBurst& w) { return w.received <= w.a.len; });
  if (pins.wvalid.read() && !data_wanted)
    observer_->violation("W", "AXI4_ERRM_WDATA_NUM (write data beyond the bursts requested: a W beat waits with no "
                              "write address when the job ends)", "");
}

std::string AxiMemoryBridge::state() const {
  std::string s = std::to_string(reads_.size()) + " read burst(s) outstanding";
  if (!reads_.empty())
    s += " (oldest: ARADDR " + hex(reads_.front().a.addr) + ", " + std::to_string(reads_.front().sent) + " of " +
         std::to_string(reads_.front().a.len + 1) + " beats returned)";
  s += ", " + std::to_string(writes_.size()) + " write burst(s) outstanding";
  if (!writes_.empty())
    s += " (oldest: AWADDR " + hex(writes_.front().a.addr) + ", " + std::to_string(writes_.front().received) + " of " +
         std::to_string(writes_.front().a.len + 1) + " beats in)";
  return s + ", last transfer at cycle " + std::to_string(last_transfer_);
}

}  // namespace cxlvp
