// Dram: latency, channel interleaving, bandwidth sharing, functional data,
// error responses and the sparse store. Each TEST_CASE elaborates once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <random>
#include <vector>

#include "models/interconnect/address_router.h"
#include "models/common/occupancy.h"
#include "models/memory/dram.h"
#include "testbench.h"
#include "models/common/hop_trace.h"
#include "models/common/transfer_hints.h"

using namespace cxlvp;
using namespace cxlvp::test;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {
// 4 channels of 6.4 GB/s, 100 ns idle latency, 256 B interleave.
DramConfig small_dram(uint64_t capacity = 1 * GiB) { return DramConfig{capacity, 4, 25.6, 100, 256}; }
}  // namespace

// One 64 B read at t = 0 on an idle DRAM: idle_latency + 64 B / per-channel
// bandwidth = 100 ns + 64 / 6.4 GB/s = 110 ns (tolerance 1 %).
TEST_CASE("dram: idle latency of one 64 B read", "[memory]") {
  set_quantum_ns(1000);
  Dram mem("mem", small_dram());
  uint64_t done_ps = 0;
  bool ok = false;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t line[64];
    ok = t.read(0x40, line, 64);
    t.sync();
    done_ps = now_ps();
  });
  cpu.socket.bind(mem.in);
  sc_core::sc_start();
  REQUIRE(ok);
  const double expected_ns = 100 + 64 / 6.4;
  CHECK(ns_from_ps(done_ps) == Approx(expected_ns).epsilon(0.01));
  const RouteSummary r = route("cpu->mem");
  CHECK(r.count == 1);
  CHECK(r.bytes == 64);
  CHECK(r.max_ns == Approx(expected_ns).epsilon(0.01));
  CHECK(mem.bytes_read() == 64);
}

// Interleaving: four 256 B reads issued together on four different channels
// each complete at 100 + 256 / 6.4 GB/s = 140 ns; four on the same channel
// (1 KiB apart) queue: 140, 180, 220, 260 ns. Exact to the picosecond.
TEST_CASE("dram: accesses on different channels overlap, on one channel they queue", "[memory]") {
  set_quantum_ns(1000);
  Dram mem("mem", small_dram());
  std::vector<uint64_t> spread, same;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[256];
    for (uint64_t a : {0x0, 0x100, 0x200, 0x300})
      spread.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x10000 + a, buf, 256).delay.value());
    for (uint64_t a : {0x0, 0x400, 0x800, 0xC00})
      same.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x20000 + a, buf, 256, sc_time(1000, SC_NS)).delay.value());
  });
  cpu.socket.bind(mem.in);
  sc_core::sc_start();
  REQUIRE(spread.size() == 4);
  for (uint64_t d : spread) CHECK(d == ps_from_ns(140));
  REQUIRE(same.size() == 4);
  CHECK(same[0] == ps_from_ns(1000 + 140));
  CHECK(same[1] == ps_from_ns(1000 + 180));
  CHECK(same[2] == ps_from_ns(1000 + 220));
  CHECK(same[3] == ps_from_ns(1000 + 260));
}

// A 64 MiB read stream in 4 KiB bursts with 64 in flight covers the
// bandwidth-delay product, so it runs at peak: T = N / peak_GBps + idle
// latency = 64 MiB / 102.4 GB/s + 100 ns (tolerance 2 %). Every channel is
// busy N / peak, so busy_ps summed over the 4 channels is 4 N / peak.
TEST_CASE("dram: a deep-window stream achieves peak bandwidth", "[memory]") {
  set_quantum_ns(1000);
  const DramConfig cfg{1 * GiB, 4, 102.4, 100, 256};
  Dram mem("mem", cfg);
  const uint64_t N = 64 * MiB;
  bool ok = false;
  TestInitiator dma("dma", [&](TestInitiator& t) { ok = t.stream(tlm::TLM_READ_COMMAND, 0, N); }, 4096, 64);
  dma.socket.bind(mem.in);
  sc_core::sc_start();
  REQUIRE(ok);
  const double expected_ps = transfer_ps(double(N), 102.4) + ps_from_ns(100);
  CHECK(double(dma.end_ps()) == Approx(expected_ps).epsilon(0.02));
  const double achieved_GBps = double(N) / (double(dma.end_ps()) / 1e12) / 1e9;
  CHECK(achieved_GBps == Approx(102.4).epsilon(0.02));
  CHECK(mem.bytes_read() == N);
  CHECK(double(mem.busy_ps()) == Approx(4 * transfer_ps(double(N), 102.4)).epsilon(0.001));
  CHECK(route("dma->mem").count == N / 4096);
}

// Two initiators (through a zero-latency router) each stream 32 MiB at the
// same time. Solo, one would take T1 = N / peak + 100 ns; sharing the channels
// fairly, each finishes at about 2 T1 (tolerance 5 %), i.e. each got half.
TEST_CASE("dram: two concurrent streams share the bandwidth", "[memory]") {
  set_quantum_ns(1000);
  const DramConfig cfg{1 * GiB, 4, 102.4, 100, 256};
  Dram mem("mem", cfg);
  AddressRouter bus("bus", sc_core::SC_ZERO_TIME);
  const uint64_t N = 32 * MiB;
  bool ok_a = false, ok_b = false;
  TestInitiator a("a", [&](TestInitiator& t) { ok_a = t.stream(tlm::TLM_READ_COMMAND, 0, N); }, 4096, 64);
  TestInitiator b("b", [&](TestInitiator& t) { ok_b = t.stream(tlm::TLM_READ_COMMAND, 512 * MiB, N); }, 4096, 64);
  a.socket.bind(bus.in);
  b.socket.bind(bus.in);
  bus.out.bind(mem.in);
  bus.add_window({"mem", 0, cfg.capacity_bytes, 0, true});
  sc_core::sc_start();
  REQUIRE(ok_a);
  REQUIRE(ok_b);
  const double solo_ps = transfer_ps(double(N), 102.4) + ps_from_ns(100);
  CHECK(double(a.end_ps()) == Approx(2 * solo_ps).epsilon(0.05));
  CHECK(double(b.end_ps()) == Approx(2 * solo_ps).epsilon(0.05));
  CHECK(mem.bytes_read() == 2 * N);
}

// Functional writes (non-null data) store bytes; reads return them identical,
// across burst and 4 KiB page boundaries and at an unaligned address; bytes
// never written read as zero; debug transport sees the same bytes.
TEST_CASE("dram: written data reads back identical, unwritten reads as zero", "[memory]") {
  set_quantum_ns(1000);
  Dram mem("mem", small_dram());
  const std::vector<uint8_t> data = pattern(10000, 7);
  std::vector<uint8_t> back(10000, 0xEE), unwritten(8192, 0xEE), dbg(10000, 0xEE);
  bool ok = true;
  unsigned dbg_n = 0;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    std::vector<uint8_t> src = data;
    ok &= t.stream(tlm::TLM_WRITE_COMMAND, 0x1003, src.size(), src.data());
    ok &= t.stream(tlm::TLM_READ_COMMAND, 0x1003, back.size(), back.data());
    ok &= t.stream(tlm::TLM_READ_COMMAND, 0x100000, unwritten.size(), unwritten.data());
    dbg_n = t.debug(tlm::TLM_READ_COMMAND, 0x1003, dbg.data(), unsigned(dbg.size()));
  }, 4096, 8);
  cpu.socket.bind(mem.in);
  sc_core::sc_start();
  REQUIRE(ok);
  CHECK(back == data);
  CHECK(unwritten == std::vector<uint8_t>(8192, 0));
  CHECK(dbg_n == 10000);
  CHECK(dbg == data);
  // [0x1003, 0x1003 + 10000) touches pages 1, 2 and 3.
  CHECK(mem.store().allocated_bytes() == 3 * 4096);
  CHECK(mem.bytes_written() == 10000);
}

// Out-of-range and straddling accesses get TLM_ADDRESS_ERROR_RESPONSE (the
// stream stops and reports it); byte enables are not supported.
TEST_CASE("dram: out-of-range access is an address error", "[memory]") {
  set_quantum_ns(1000);
  const uint64_t cap = 1 * MiB;
  Dram mem("mem", small_dram(cap));
  tlm::tlm_response_status past_end{}, straddle{}, last_line{}, huge{}, empty{}, byte_enable{}, stream_status{};
  bool stream_ok = true;
  unsigned dbg_past = 1;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[64] = {};
    past_end = t.raw(tlm::TLM_READ_COMMAND, cap, buf, 64).status;
    straddle = t.raw(tlm::TLM_WRITE_COMMAND, cap - 32, buf, 64).status;
    last_line = t.raw(tlm::TLM_READ_COMMAND, cap - 64, buf, 64).status;
    huge = t.raw(tlm::TLM_READ_COMMAND, ~0ull - 8, buf, 64).status;
    empty = t.raw(tlm::TLM_READ_COMMAND, 0, buf, 0).status;  // no bytes: refused, not a zero-time access
    unsigned char be[64];
    std::memset(be, 0xff, sizeof(be));
    byte_enable = t.raw(tlm::TLM_READ_COMMAND, 0, buf, 64, sc_core::SC_ZERO_TIME, be, 64).status;
    stream_ok = t.stream(tlm::TLM_READ_COMMAND, cap - 8192, 16384);
    stream_status = t.status();
    dbg_past = t.debug(tlm::TLM_READ_COMMAND, cap, buf, 64);
  });
  cpu.socket.bind(mem.in);
  sc_core::sc_start();
  CHECK(past_end == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(straddle == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(last_line == tlm::TLM_OK_RESPONSE);
  CHECK(huge == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(empty == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(byte_enable == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  CHECK_FALSE(stream_ok);
  CHECK(stream_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(dbg_past == 0);
  CHECK(mem.store().allocated_bytes() == 0);
}

// Timing-only transfers (null data: TransferHints carries_data = false) take time
// and count bytes but never touch the backing store.
TEST_CASE("dram: timing-only writes do not allocate backing store", "[memory]") {
  set_quantum_ns(1000);
  Dram mem("mem", small_dram());
  bool ok = false;
  uint64_t allocated_after_timing_only = 1;
  TestInitiator dma("dma", [&](TestInitiator& t) {
    ok = t.stream(tlm::TLM_WRITE_COMMAND, 0, 16 * MiB, nullptr) &&
         t.stream(tlm::TLM_READ_COMMAND, 0, 16 * MiB, nullptr);
    allocated_after_timing_only = mem.store().allocated_bytes();
    uint8_t one = 0x5A;
    ok = ok && t.write(0x2000, &one, 1);
  });
  dma.socket.bind(mem.in);
  sc_core::sc_start();
  REQUIRE(ok);
  CHECK(allocated_after_timing_only == 0);
  CHECK(mem.bytes_written() == 16 * MiB + 1);
  CHECK(mem.bytes_read() == 16 * MiB);
  CHECK(mem.store().allocated_bytes() == 4096);  // the one functional byte
  CHECK(dma.end_ps() > transfer_ps(32.0 * MiB, 25.6));  // and the traffic did take time
}

// ---------------------------------------------------------------------------
namespace {
// Occupancy works in sc_time; these tests speak picoseconds.
uint64_t reserve_ps(Occupancy& o, uint64_t arrival_ps, double wire_bytes, uint64_t payload_bytes, uint64_t now_ps) {
  return o.reserve(sc_time::from_value(arrival_ps), wire_bytes, payload_bytes, sc_time::from_value(now_ps)).value();
}
}  // namespace

// Occupancy, the contention primitive behind every DRAM channel and link
// direction: a transfer takes wire_bytes / bandwidth in the earliest idle gap
// at or after its arrival. At 1 GB/s one byte is 1000 ps. (No elaboration.)
TEST_CASE("occupancy: queueing, out-of-order reservations and gaps", "[memory][occupancy]") {
  Occupancy o(1e9);
  CHECK(reserve_ps(o, 1000, 100, 100, 0) == 101000);       // idle: arrival + 100 B
  CHECK(reserve_ps(o, 1000, 100, 100, 0) == 201000);       // queues behind the first
  CHECK(reserve_ps(o, 1000000, 100, 0, 0) == 1100000);     // far in the future
  CHECK(reserve_ps(o, 300000, 100, 0, 0) == 400000);       // earlier gap, not after the future one
  CHECK(reserve_ps(o, 450000, 600, 0, 0) == 1700000);      // gap [400k, 1000k) too small for 600 k: after 1100k
  CHECK(reserve_ps(o, 400000, 600, 0, 0) == 1000000);      // exactly fills [400k, 1000k)
  CHECK(reserve_ps(o, 0, 1, 0, 0) == 1000);                // before everything
  CHECK(reserve_ps(o, 201000, 99, 0, 0) == 300000);        // exactly fills [201k, 300k)
  CHECK(reserve_ps(o, 1000, 1, 0, 0) == 1701000);          // everything from 1 ns to 1.7 us is now busy
  CHECK(o.payload_bytes() == 200);
  CHECK(o.busy_ps() == (100 + 100 + 100 + 100 + 600 + 600 + 1 + 99 + 1) * 1000ull);
  CHECK(reserve_ps(o, 5000, 0, 0, 0) == 5000);             // nothing to send: no wait
}

namespace {
// Brute-force first fit: the earliest start at or after `arrival` where
// `service` overlaps none of the [start, end) intervals in `busy`.
uint64_t first_fit(const std::vector<std::pair<uint64_t, uint64_t>>& busy, uint64_t arrival, uint64_t service) {
  uint64_t start = arrival;
  for (bool moved = true; moved;) {
    moved = false;
    for (const auto& [s, e] : busy)
      if (start < e && s < start + service) {
        start = e;
        moved = true;
      }
  }
  return start;
}
}  // namespace

// Randomised against a brute-force first-fit over all reservations so far
// (3000 reservations, random arrivals in and out of order, random sizes).
TEST_CASE("occupancy: matches brute-force first fit", "[memory][occupancy]") {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> arrival(0, 2'000'000);
  std::uniform_int_distribution<int> bytes(1, 400);
  Occupancy o(2e9);  // 500 ps per byte
  std::vector<std::pair<uint64_t, uint64_t>> busy;  // [start, end)
  for (int i = 0; i < 3000; ++i) {
    const uint64_t a = arrival(rng);
    const int n = bytes(rng);
    const uint64_t service = uint64_t(n) * 500;
    const uint64_t start = first_fit(busy, a, service);
    busy.push_back({start, start + service});
    INFO("reservation " << i << " at " << a << " of " << n << " B");
    REQUIRE(reserve_ps(o, a, n, 0, 0) == start + service);
  }
}

// With the global time advancing (arrivals never before it), intervals that
// ended are forgotten in bulk; the answers stay those of brute-force first fit
// over every reservation ever made.
TEST_CASE("occupancy: forgetting the past does not change first fit", "[memory][occupancy]") {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<uint64_t> ahead(0, 200'000);
  std::uniform_int_distribution<int> bytes(1, 400);
  Occupancy o(2e9);  // 500 ps per byte
  std::vector<std::pair<uint64_t, uint64_t>> busy;  // [start, end)
  uint64_t now = 0;
  for (int i = 0; i < 20000; ++i) {
    now += 2'000;  // the kernel moves on; callers run up to 200 ns ahead of it
    const uint64_t a = now + ahead(rng);
    const uint64_t service = uint64_t(bytes(rng)) * 500;
    const uint64_t start = first_fit(busy, a, service);
    busy.push_back({start, start + service});
    REQUIRE(reserve_ps(o, a, double(service) / 500, 0, now) == start + service);
    // Brute force keeps only what can still matter, to stay fast.
    busy.erase(std::remove_if(busy.begin(), busy.end(), [now](const auto& b) { return b.second <= now; }), busy.end());
  }
}

// What a GPU's memory sees while it computes from HBM and copies weights in:
// a paced read stream at the kernel time and writes issued microseconds
// ahead, so most reads land in gaps between the writes, right after the
// interval the previous read extended (Occupancy::reserve_in_gap starts
// there). Against brute-force first fit.
TEST_CASE("occupancy: a stream reserving in the gaps of one ahead of it matches first fit", "[memory][occupancy]") {
  std::mt19937_64 rng(13);
  Occupancy o(2e9);  // 500 ps per byte
  std::vector<std::pair<uint64_t, uint64_t>> busy;  // [start, end)
  uint64_t now = 0;
  for (int i = 0; i < 20000; ++i) {
    now += 1'000 + rng() % 2'000;
    const bool ahead = i % 3 == 0;
    const uint64_t a = ahead ? now + 2'000'000 + rng() % 50'000 : now + rng() % 500;
    const uint64_t service = uint64_t(1 + rng() % 8) * 500;
    const uint64_t start = first_fit(busy, a, service);
    busy.push_back({start, start + service});
    INFO("reservation " << i);
    REQUIRE(reserve_ps(o, a, double(service) / 500, 0, now) == start + service);
    busy.erase(std::remove_if(busy.begin(), busy.end(), [now](const auto& b) { return b.second <= now; }), busy.end());
  }
}

// A stream at the kernel time behind a queue of another's transfers whose
// gaps are mostly too short for it: a gap search resumes after the interval
// the previous one reserved in when the arrival is not earlier and the
// service not shorter (Occupancy::reserve_in_gap); arrivals that go back in
// time and shorter services must search from the arrival instead. Against
// brute-force first fit.
TEST_CASE("occupancy: a stream queued behind short gaps matches first fit", "[memory][occupancy]") {
  std::mt19937_64 rng(19);
  Occupancy o(1e12);  // 1 ps per byte
  std::vector<std::pair<uint64_t, uint64_t>> busy;  // [start, end)
  uint64_t now = 0;
  const auto reserve = [&](uint64_t a, uint64_t service) {
    const uint64_t start = first_fit(busy, a, service);
    busy.push_back({start, start + service});
    return reserve_ps(o, a, double(service), 0, now) == start + service;
  };
  const uint64_t gaps[] = {0, 200, 600, 1'000, 4'000};
  for (int i = 0; i < 20000; ++i) {
    now += rng() % 4'000;
    INFO("reservation " << i);
    if (i % 40 == 0) {  // the queue ahead: 10 transfers, mostly with gaps too short for the stream's
      uint64_t ahead = now + 20'000;
      for (int k = 0; k < 10; ++k, ahead += 3'200 + gaps[rng() % 5]) REQUIRE(reserve(ahead, 3'200));
    }
    // The stream: 1.2 ns at about the kernel time; now and then 0.4 ns (fits
    // the gaps of 0.6 and 1 ns), or at the kernel time (earlier than the last).
    const uint64_t pick = rng() % 8;
    REQUIRE(reserve(pick == 0 ? now : now + rng() % 400, pick == 1 ? 400 : 1'200));
    busy.erase(std::remove_if(busy.begin(), busy.end(), [now](const auto& b) { return b.second <= now; }), busy.end());
  }
}

// Dram moves a channel onto a copy of another's schedule
// (Occupancy::copy_schedule_from): the copy's gap searches must not resume
// after the last search of the schedule it replaced, whose gaps were
// shorter. 1 ps per byte, nothing forgotten.
TEST_CASE("occupancy: a copied schedule does not resume the replaced one's search", "[memory][occupancy]") {
  Occupancy a(1e12), b(1e12);
  for (const uint64_t start : {1000, 2500, 4000, 10000}) reserve_ps(a, start, 1000, 0, 0);
  b.copy_schedule_from(a);                          // [1000, 2000) [2500, 3500) [4000, 5000) [10000, 11000)
  CHECK(reserve_ps(a, 2000, 300, 0, 0) == 2300);    // a's gaps shrink to 200 ps
  CHECK(reserve_ps(a, 3500, 300, 0, 0) == 3800);
  CHECK(reserve_ps(a, 1500, 400, 0, 0) == 5400);    // a search past both gaps, into [4000, 5400)
  CHECK(reserve_ps(b, 5000, 400, 0, 0) == 5400);    // b's third interval is the same now
  a.copy_schedule_from(b);                          // ... but its gaps before it are 500 ps
  CHECK(reserve_ps(a, 1600, 400, 0, 0) == 2400);    // later and as long as a's last search: fits at 2000
}

namespace {
// One read of the lockstep checks below: `idle` is waited first, then the
// read goes `ahead` of the kernel time.
struct LockstepAccess {
  uint64_t address, length;
  sc_time ahead, idle;
};

// Reads the accesses `next` gives through a Dram and through a reference
// made of one plain Occupancy per channel, where every touched channel
// reserves its own share; the Dram's channels share reservations while their
// futures are equal (dram.h), which must give the same completion times and
// busy time. Returns the number of completion times that differ. Three reads
// in four carry what the platform's initiators attach (timing-only
// TransferHints and a HopTrace), which Dram::b_transport's shortcuts need;
// the fourth is a foreign initiator's plain payload, which always takes the
// general path: both paths on one state.
int lockstep_mismatches(const DramConfig& cfg, int count, const std::function<LockstepAccess(int)>& next) {
  Dram mem("mem", cfg);
  std::vector<Occupancy> reference(cfg.channels, Occupancy(cfg.peak_GBps * 1e9 / cfg.channels));
  uint64_t reference_busy = 0;
  int mismatches = 0, checked = 0;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    std::vector<uint8_t> buf(8192);
    const uint64_t n = cfg.channels, interleave = cfg.interleave_bytes;
    for (int i = 0; i < count; ++i) {
      const LockstepAccess a = next(i);
      if (a.idle > sc_core::SC_ZERO_TIME) sc_core::wait(a.idle);
      const uint64_t now = now_ps();
      TransferHints hints;
      hints.set(true, false, sc_core::sc_time_stamp());
      HopTrace trace;
      const bool platform = i % 4 != 3;
      const uint64_t got = now + t.raw(tlm::TLM_READ_COMMAND, a.address, buf.data(), unsigned(a.length), a.ahead,
                                       nullptr, 0, 0, platform ? &hints : nullptr, platform ? &trace : nullptr)
                                     .delay.value();
      const uint64_t first = a.address / interleave, granules = (a.address + a.length - 1) / interleave - first + 1;
      uint64_t done = now + a.ahead.value();
      for (uint64_t k = 0; k < std::min(granules, n); ++k) {
        const uint64_t share = granules / n + (k < granules % n ? 1 : 0);
        const double bytes = double(a.length) * double(share) / double(granules);
        Occupancy& c = reference[(first + k) % n];
        const uint64_t before = c.busy_ps();
        done = std::max(done, reserve_ps(c, now + a.ahead.value(), bytes, uint64_t(bytes), now));
        reference_busy += c.busy_ps() - before;
      }
      ++checked;
      if (got != done + ps_from_ns(cfg.idle_latency_ns)) ++mismatches;
    }
  });
  cpu.socket.bind(mem.in);
  sc_core::sc_start();
  CHECK(checked == count);
  CHECK(mem.busy_ps() == reference_busy);
  return mismatches;
}
}  // namespace

// A random mix of even, uneven and single-granule accesses, in and out of
// time order, with idle spells so that the channels come back to one
// schedule.
TEST_CASE("dram: lockstep channels match per-channel reservations", "[memory]") {
  set_quantum_ns(1000);
  std::mt19937_64 rng(3);
  const uint64_t sizes[] = {64, 256, 1024, 4096, 8192, 768, 3000};  // [2..4]: whole stripes
  CHECK(lockstep_mismatches(small_dram(), 4000, [&](int i) {  // 4 channels, 256 B interleave
    // Each spell starts with even accesses (1, 4 or 8 KiB at 256 B alignment), then mixes in uneven ones.
    const bool even_phase = i % 500 < 150;
    const uint64_t len = even_phase ? sizes[2 + rng() % 3] : sizes[rng() % 7];
    const uint64_t addr = even_phase ? (rng() % 1024) * 256 : (rng() % 4096) * 64;
    const sc_time idle = i % 500 == 499 ? sc_time(50, sc_core::SC_US) : sc_core::SC_ZERO_TIME;  // lockstep may resume
    return LockstepAccess{addr, len, sc_time::from_value(rng() % 3'000'000), idle};
  }) == 0);
}

// What the platform does: a saturated stream of 4 KiB bursts with a 128 B
// descriptor read now and then, which lengthens one channel's queue while the
// stream goes on (the channels' futures differ until the stream pauses), over
// 8 channels; the kernel time moves on, so old reservations are forgotten.
TEST_CASE("dram: a stream with small accesses between its bursts matches per-channel reservations", "[memory]") {
  set_quantum_ns(1000);
  std::mt19937_64 rng(5);
  DramConfig cfg = small_dram();
  cfg.channels = 8;
  uint64_t next_burst = 0;
  CHECK(lockstep_mismatches(cfg, 6000, [&](int i) {
    // A burst every 150 ns takes 160 ns: the queue grows until the stream pauses.
    const sc_time idle = i % 1000 == 999 ? sc_time(20, sc_core::SC_US) : sc_time(150, SC_NS);
    if (rng() % 16 == 0) return LockstepAccess{(rng() % 8192) * 128, 128, sc_time::from_value(rng() % 200'000), idle};
    next_burst = (next_burst + 4096) % (64 * MiB);
    return LockstepAccess{next_burst, 4096, sc_time::from_value(rng() % 200'000), idle};
  }) == 0);
}

// 4 KiB accesses over 5 channels are never even (16 granules: the first
// channel takes 4), so every channel keeps a schedule of its own
// (Dram::occupy_own_schedules); in and out of time order, with 128 B reads
// and even 5 KiB accesses now and then.
TEST_CASE("dram: uneven accesses over 5 channels match per-channel reservations", "[memory]") {
  set_quantum_ns(1000);
  std::mt19937_64 rng(17);
  DramConfig cfg = small_dram();
  cfg.channels = 5;
  CHECK(lockstep_mismatches(cfg, 6000, [&](int i) {
    const sc_time idle = i % 1000 == 999 ? sc_time(20, sc_core::SC_US) : sc_time(100, SC_NS);
    const uint64_t pick = rng() % 32;
    const uint64_t len = pick == 0 ? 128 : pick == 1 ? 5 * 1024 : 4096;
    return LockstepAccess{(rng() % 16384) * 256, len, sc_time::from_value(rng() % 2'000'000), idle};
  }) == 0);
}

// A stream of 4 KiB bursts paced near the channels' rate, where an arrival
// often falls after some channels' last interval and within the others'
// (the channels with an extra granule end later), now and then one from
// another initiator at the kernel time, behind the stream's reservations,
// and pauses after which every channel is idle: the cases around
// Dram::Tails, whose shortcut must answer as the channels one by one.
namespace {
int paced_stream_mismatches(unsigned channels) {
  set_quantum_ns(1000);
  std::mt19937_64 rng(channels);
  DramConfig cfg = small_dram();
  cfg.channels = channels;
  // One channel's time for one granule of 256 B, in ps: the pace is drawn
  // around the time of 16 granules over the channels.
  const uint64_t granule_ps = uint64_t(256 / (cfg.peak_GBps / channels) * 1000);
  uint64_t next_burst = 0;
  return lockstep_mismatches(cfg, 5000, [&](int i) {
    const sc_time idle = i % 700 == 699 ? sc_time(5, sc_core::SC_US)
                                        : sc_time::from_value(granule_ps * 16 / channels * (80 + rng() % 40) / 100);
    if (rng() % 10 == 0) return LockstepAccess{(rng() % 4096) * 256, 4096, sc_time::from_value(rng() % 2'000'000), idle};
    next_burst = (next_burst + 4096) % (64 * MiB);
    return LockstepAccess{next_burst, 4096, sc_time(2, sc_core::SC_US), idle};
  });
}
}  // namespace

// 16 granules over 5 channels: one channel takes 4, the others 3.
TEST_CASE("dram: a stream paced near 5 channels' rate matches per-channel reservations", "[memory]") {
  CHECK(paced_stream_mismatches(5) == 0);
}

// 16 granules over 6 channels: four channels take 3, two take 2.
TEST_CASE("dram: a stream paced near 6 channels' rate matches per-channel reservations", "[memory]") {
  CHECK(paced_stream_mismatches(6) == 0);
}

// Two streams over 5 channels, as a GPU's compute reads run microseconds
// ahead while its DMA writes come in runs at the kernel time: every 9th
// access is one ahead by 3 us, which leaves an interval on each channel
// every 1.5 to 2.5 us; the 8 between come together, each 100 ns after the
// one before, so each falls in the interval the one before reserved in and
// extends it on every channel (Dram::Recent) while its share fits before the
// interval ahead, and searches again when it does not.
TEST_CASE("dram: runs in the gaps of a stream ahead of them over 5 channels match per-channel reservations", "[memory]") {
  set_quantum_ns(1000);
  std::mt19937_64 rng(29);
  DramConfig cfg = small_dram();
  cfg.channels = 5;
  uint64_t ahead_burst = 0, run_burst = 32 * MiB;
  CHECK(lockstep_mismatches(cfg, 9000, [&](int i) {
    if (i % 9 == 0) {
      ahead_burst = (ahead_burst + 4096) % (32 * MiB);
      return LockstepAccess{ahead_burst, 4096, sc_time(3, sc_core::SC_US), sc_core::SC_ZERO_TIME};
    }
    const sc_time idle = i % 9 == 8 ? sc_time::from_value(1'500'000 + rng() % 1'000'000) : sc_core::SC_ZERO_TIME;
    run_burst = 32 * MiB + (run_burst + 4096) % (32 * MiB);
    return LockstepAccess{run_burst, 4096, sc_time::from_value(uint64_t(i % 9 - 1) * 100'000), idle};
  }) == 0);
}

// The burst engine skips a due quantum sync when no other process could run
// before it (burst_initiator.h, BurstInitiator::pass) and brings the kernel
// time to where the syncs would have left it before the stream returns. The
// same stream three times on three equal memories: first while another
// thread wakes every quantum (every sync waits); then alone, 10 ms later (a
// multiple of the quantum); then at 20 ms, while another thread's one timed
// wait ends 20 us into it. All end at the same kernel and local time; the
// lone one went through far fewer delta cycles, and the third syncs only
// where the other thread wakes, which it does at its own time.
TEST_CASE("burst engine: a stream that skips its quantum syncs ends as one that waits at each", "[memory]") {
  set_quantum_ns(1000);
  Dram first("first", small_dram()), second("second", small_dram()), third("third", small_dram());
  const uint64_t start = 10'000'000'000, crossed_start = 20'000'000'000;  // 10 and 20 ms, in ps
  const uint64_t wake = crossed_start + 20'000'000;                       // 20 us into the third stream
  struct Ends {
    uint64_t kernel_ps, local_ps, deltas;
  } waited{}, skipped{}, crossed{};
  const auto stream = [](TestInitiator& t, uint64_t begin, Ends& e) {
    const uint64_t deltas = sc_core::sc_delta_count();
    REQUIRE(t.stream(tlm::TLM_READ_COMMAND, 0, 1 * MiB, nullptr, 50));  // paced at 20 GB/s: 52 us
    e = {now_ps() - begin, t.local_ps() - begin, sc_core::sc_delta_count() - deltas};
  };
  TestInitiator a("a", [&](TestInitiator& t) { stream(t, 0, waited); });
  TestInitiator ticker("ticker", [&](TestInitiator&) {
    for (int i = 0; i < 100; ++i) sc_core::wait(sc_time(1, sc_core::SC_US));  // past the first stream's 52 us
  });
  TestInitiator b("b", [&](TestInitiator& t) {
    t.wait_until_ps(start);
    stream(t, start, skipped);
  });
  TestInitiator c("c", [&](TestInitiator& t) {
    t.wait_until_ps(crossed_start);
    stream(t, crossed_start, crossed);
  });
  uint64_t woke_ps = 0, read_at_wake = 0;
  TestInitiator sleeper("sleeper", [&](TestInitiator& t) {
    t.wait_until_ps(wake);
    woke_ps = now_ps();
    read_at_wake = third.bytes_read();
  });
  a.socket.bind(first.in);
  ticker.socket.bind(first.in);
  b.socket.bind(second.in);
  c.socket.bind(third.in);
  sleeper.socket.bind(third.in);
  sc_core::sc_start();
  CHECK(waited.local_ps > 50'000'000);  // some 50 quanta
  CHECK(skipped.kernel_ps == waited.kernel_ps);
  CHECK(skipped.local_ps == waited.local_ps);
  CHECK(crossed.kernel_ps == waited.kernel_ps);
  CHECK(crossed.local_ps == waited.local_ps);
  CHECK(waited.deltas >= 50);
  CHECK(skipped.deltas <= 2);
  CHECK(crossed.deltas <= 4);
  CHECK(woke_ps == wake);
  // It ran when the stream had issued its first 20 us at 20 GB/s, give or take
  // the quantum it was in, not after the whole stream.
  CHECK(read_at_wake >= 400'000);
  CHECK(read_at_wake <= 440'000);
}

// A skipped sync moves the keeper's next sync point to the first multiple of
// the quantum after the burst's time, as the sync would have: one quantum on
// by an addition, several by the division (QuantumKeeper::skip_sync_at).
TEST_CASE("burst engine: a skipped sync moves the keeper to the next multiple of the quantum", "[memory]") {
  set_quantum_ns(1000);
  const sc_time quantum(1000, SC_NS);
  const auto at_ns = [](double ns) { return sc_time(ns, SC_NS); };
  QuantumKeeper keeper;  // its next sync point starts at 0
  keeper.skip_sync_at(at_ns(400), quantum);
  CHECK(!keeper.due_at(at_ns(999)));
  CHECK(keeper.due_at(at_ns(1000)));
  keeper.skip_sync_at(at_ns(1000), quantum);  // exactly on the point: the next one
  CHECK(!keeper.due_at(at_ns(1999)));
  CHECK(keeper.due_at(at_ns(2000)));
  keeper.skip_sync_at(at_ns(5300), quantum);  // several quanta past
  CHECK(!keeper.due_at(at_ns(5999)));
  CHECK(keeper.due_at(at_ns(6000)));
}

namespace {
// Records, per transaction, the kernel time and what its TransferHints say.
class HintsProbe : public sc_core::sc_module {
 public:
  struct Seen {
    uint64_t kernel_ps, now_ps, settled_ps, arrival_ps;
  };
  tlm_utils::simple_target_socket<HintsProbe> in;
  std::vector<Seen> seen;

  explicit HintsProbe(sc_core::sc_module_name name) : sc_module(name), in("in") {
    in.register_b_transport(this, &HintsProbe::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const TransferHints* h = p.get_extension<TransferHints>();
    REQUIRE(h);
    seen.push_back({now_ps(), h->now.value(), h->settled.value(), now_ps() + delay.value()});
    delay += sc_time(100, SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};
}  // namespace

// While a lone stream skips its syncs, its transactions still carry the
// kernel time in TransferHints::now (their delays count from it), and in
// `settled` the time the kernel would stand at, which moves on quantum by
// quantum and never passes an arrival: resources forget up to it.
TEST_CASE("burst engine: skipped syncs move the settled time on, not the kernel time", "[memory]") {
  set_quantum_ns(1000);
  HintsProbe probe("probe");
  TestInitiator t("t", [](TestInitiator& i) { REQUIRE(i.stream(tlm::TLM_READ_COMMAND, 0, 64 * 4096, nullptr, 1000)); },
                  4096, 4);  // paced at 1 GB/s: a burst every 4.1 us, four quanta
  t.socket.bind(probe.in);
  sc_core::sc_start();
  REQUIRE(probe.seen.size() == 64);
  uint64_t last_settled = 0;
  for (const auto& s : probe.seen) {
    CHECK(s.now_ps == s.kernel_ps);
    CHECK(s.settled_ps >= last_settled);
    CHECK(s.settled_ps <= s.arrival_ps);
    last_settled = s.settled_ps;
  }
  CHECK(probe.seen.back().kernel_ps == 0);  // never synced: nothing else was there to run
  CHECK(last_settled > 250'000'000);        // the 64th burst issues at 258 us
}

// A paced stream issues each burst at its consumer's clock cut to whole
// picoseconds. The burst engine builds that time inline below 2^52 ps and with
// sc_time::from_value above (where the inline scaling would round odd
// picoseconds up); this stream starts 20 bursts before 2^52 ps and crosses it,
// at a pace with a fraction (1000.3 ps per byte), against the same arithmetic
// done here.
TEST_CASE("burst engine: a paced stream issues at its consumer's clock, on both sides of 2^52 ps", "[memory][time]") {
  set_quantum_ns(1000);
  HintsProbe probe("probe");
  constexpr double kPace = 1000.3;  // ps per byte: 4.097 us per 4 KiB burst, far above the probe's 100 ns
  constexpr uint64_t kBursts = 64;
  const uint64_t start_ps = (uint64_t(1) << 52) - 20 * 4'097'229;
  TestInitiator t("t", [&](TestInitiator& i) {
    sc_core::wait(sc_core::sc_time::from_value(start_ps));
    REQUIRE(i.stream(tlm::TLM_READ_COMMAND, 0, kBursts * 4096, nullptr, kPace));
  }, 4096, 4);
  t.socket.bind(probe.in);
  sc_core::sc_start();
  REQUIRE(probe.seen.size() == kBursts);
  double consumer = static_cast<double>(start_ps);
  unsigned odd_above = 0;
  for (uint64_t k = 0; k < kBursts; ++k) {
    const auto expected = static_cast<uint64_t>(consumer);
    CHECK(probe.seen[k].arrival_ps == expected);
    odd_above += expected >= (uint64_t(1) << 52) && expected % 2 == 1;
    consumer = std::max(consumer, static_cast<double>(expected)) + kPace * 4096;
  }
  CHECK(odd_above > 0);  // the case the fallback is there for did occur
}

// The models count picoseconds: a platform that sets another SystemC time
// resolution is refused when a model is built, not silently scaled.
TEST_CASE("the models refuse a time resolution other than 1 ps", "[memory][time]") {
  sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
  CHECK_THROWS_WITH(Dram("ddr", DramConfig{}), Catch::Contains("time resolution at 1 ps"));
}
