// AddressRouter (host interconnect) and MsiController.
#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "models/interconnect/address_router.h"
#include "models/interconnect/msi_controller.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using sc_core::SC_NS;
using sc_core::sc_time;

// Windows: "mem" [0x1000_0000, +256 MiB) relative on port 0, "dev"
// [0x4000_0000, +4 KiB) absolute on port 1. The target sees address - base for
// a relative window and the unchanged address for an absolute one; the
// initiator's payload has its address restored afterwards. Debug transport is
// routed the same way.
TEST_CASE("address router: routes to the right target, relative and absolute", "[interconnect]") {
  set_quantum_ns(1000);
  AddressRouter bus("bus", sc_time(10, SC_NS));
  ProbeTarget mem("mem"), dev("dev");
  std::vector<TestInitiator::Raw> r;
  unsigned dbg_mem = 0, dbg_dev = 0;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[64];
    r.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x10000040, buf, 64));
    r.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x1FFFFFC0, buf, 64));  // last line of "mem"
    r.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x40000010, buf, 4));
    dbg_mem = t.debug(tlm::TLM_READ_COMMAND, 0x10000100, buf, 16);
    dbg_dev = t.debug(tlm::TLM_READ_COMMAND, 0x40000020, buf, 8);
  });
  cpu.socket.bind(bus.in);
  bus.out.bind(mem.in);
  bus.out.bind(dev.in);
  bus.add_window({"dev", 0x40000000, 0x1000, 1, false});
  bus.add_window({"mem", 0x10000000, 0x10000000, 0, true});
  sc_core::sc_start();

  REQUIRE(r.size() == 3);
  for (const auto& x : r) CHECK(x.status == tlm::TLM_OK_RESPONSE);
  CHECK(r[0].address_after == 0x10000040);
  CHECK(r[1].address_after == 0x1FFFFFC0);
  CHECK(r[2].address_after == 0x40000010);
  REQUIRE(mem.seen.size() == 2);
  CHECK(mem.seen[0].address == 0x40);
  CHECK(mem.seen[0].cmd == tlm::TLM_READ_COMMAND);
  CHECK(mem.seen[1].address == 0x0FFFFFC0);
  REQUIRE(dev.seen.size() == 1);
  CHECK(dev.seen[0].address == 0x40000010);
  CHECK(dev.seen[0].length == 4);
  CHECK(dbg_mem == 16);
  CHECK(dbg_dev == 8);
  REQUIRE(mem.debug_seen.size() == 1);
  CHECK(mem.debug_seen[0].address == 0x100);
  REQUIRE(dev.debug_seen.size() == 1);
  CHECK(dev.debug_seen[0].address == 0x40000020);
  REQUIRE(bus.decode(0x10000000) != nullptr);
  CHECK(bus.decode(0x10000000)->name == "mem");
  CHECK(bus.decode(0x0FFFFFFF) == nullptr);
}

// Addresses outside every window (below, between, above, the top of the
// 64-bit space) and accesses that start inside a window but run past its end
// get TLM_ADDRESS_ERROR_RESPONSE; no target is called, nothing crashes.
TEST_CASE("address router: unmapped or straddling access is an address error", "[interconnect]") {
  set_quantum_ns(1000);
  AddressRouter bus("bus", sc_time(10, SC_NS));
  ProbeTarget a("a"), b("b");
  std::vector<tlm::tlm_response_status> st;
  unsigned dbg_unmapped = 1;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[128] = {};
    for (uint64_t addr : {0x0ull, 0xFFFull, 0x3000ull, 0x6000ull, 0xFFFFFFFFFFFFFFC0ull})
      st.push_back(t.raw(tlm::TLM_READ_COMMAND, addr, buf, 64).status);
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x2000 - 32, buf, 64).status);  // straddles a's end
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x5000 - 64, buf, 128).status); // straddles b's end
    dbg_unmapped = t.debug(tlm::TLM_READ_COMMAND, 0x3000, buf, 64);
  });
  cpu.socket.bind(bus.in);
  bus.out.bind(a.in);
  bus.out.bind(b.in);
  bus.add_window({"a", 0x1000, 0x1000, 0, true});
  bus.add_window({"b", 0x4000, 0x1000, 1, false});
  sc_core::sc_start();
  REQUIRE(st.size() == 7);
  for (auto s : st) CHECK(s == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(a.seen.empty());
  CHECK(b.seen.empty());
  CHECK(dbg_unmapped == 0);
}

// Overlapping, empty or wrapping windows are rejected with std::invalid_argument;
// windows that touch are fine.
TEST_CASE("address router: overlapping windows are rejected", "[interconnect]") {
  AddressRouter bus("bus", sc_core::SC_ZERO_TIME);
  bus.add_window({"a", 0x1000, 0x1000, 0, true});
  CHECK_THROWS_AS(bus.add_window({"b", 0x1800, 0x1000, 1, true}), std::invalid_argument);
  CHECK_THROWS_AS(bus.add_window({"c", 0x0800, 0x1000, 1, true}), std::invalid_argument);
  CHECK_THROWS_AS(bus.add_window({"d", 0x0000, 0x10000, 1, true}), std::invalid_argument);  // contains a
  CHECK_THROWS_AS(bus.add_window({"e", 0x1100, 0x10, 1, true}), std::invalid_argument);     // inside a
  CHECK_THROWS_AS(bus.add_window({"f", 0x8000, 0, 1, true}), std::invalid_argument);        // empty
  CHECK_THROWS_AS(bus.add_window({"g", 0xFFFFFFFFFFFFF000ull, 0x2000, 1, true}), std::invalid_argument);
  CHECK_NOTHROW(bus.add_window({"h", 0x2000, 0x1000, 1, true}));  // touches a's end
  CHECK_NOTHROW(bus.add_window({"i", 0x0000, 0x1000, 2, true}));  // touches a's start
  CHECK(bus.windows().size() == 3);
}

// The router adds its latency exactly once per traversal: through one router
// (10 ns) the delay grows by 10 ns; through two in series by 20 ns; plus the
// target's own 5 ns. The target sees the arrival at timestamp + 10 ns.
TEST_CASE("address router: latency added once per traversal", "[interconnect]") {
  set_quantum_ns(1000);
  AddressRouter outer("outer", sc_time(10, SC_NS));
  AddressRouter inner("inner", sc_time(10, SC_NS));
  ProbeTarget near("near", sc_time(5, SC_NS)), far("far", sc_time(5, SC_NS));
  std::vector<TestInitiator::Raw> r;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint32_t v = 0;
    r.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x100, &v, 4, sc_time(100, SC_NS)));
    r.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x10100, &v, 4, sc_time(100, SC_NS)));
    r.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x90000, &v, 4, sc_time(100, SC_NS)));  // unmapped
  });
  cpu.socket.bind(outer.in);
  outer.out.bind(near.in);
  outer.out.bind(inner.in);
  inner.out.bind(far.in);
  outer.add_window({"near", 0x0, 0x10000, 0, true});
  outer.add_window({"inner", 0x10000, 0x10000, 1, false});
  inner.add_window({"far", 0x10000, 0x10000, 0, true});
  sc_core::sc_start();
  REQUIRE(r.size() == 3);
  CHECK(r[0].status == tlm::TLM_OK_RESPONSE);
  CHECK(r[0].delay == sc_time(100 + 10 + 5, SC_NS));
  CHECK(r[1].status == tlm::TLM_OK_RESPONSE);
  CHECK(r[1].delay == sc_time(100 + 10 + 10 + 5, SC_NS));
  CHECK(r[2].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  REQUIRE(near.seen.size() == 1);
  CHECK(near.seen[0].time_ps == ps_from_ns(110));
  REQUIRE(far.seen.size() == 1);
  CHECK(far.seen[0].address == 0x100);
  CHECK(far.seen[0].time_ps == ps_from_ns(120));
}

// Several initiators share one router; each reaches the same target.
TEST_CASE("address router: several initiators share the router", "[interconnect]") {
  set_quantum_ns(1000);
  AddressRouter bus("bus", sc_time(1, SC_NS));
  ProbeTarget mem("mem");
  int ok = 0;
  TestInitiator a("a", [&](TestInitiator& t) { ok += t.write_reg<uint32_t>(0x10, 1); });
  TestInitiator b("b", [&](TestInitiator& t) { ok += t.write_reg<uint32_t>(0x20, 2); });
  a.socket.bind(bus.in);
  b.socket.bind(bus.in);
  bus.out.bind(mem.in);
  bus.add_window({"mem", 0, 0x1000, 0, true});
  sc_core::sc_start();
  CHECK(ok == 2);
  CHECK(mem.seen.size() == 2);
  std::vector<uint64_t> addrs{mem.seen[0].address, mem.seen[1].address};
  std::sort(addrs.begin(), addrs.end());
  CHECK(addrs == std::vector<uint64_t>{0x10, 0x20});
}

// ---------------------------------------------------------------------------
// MsiController: a 4-byte write at word offset k queues (time, vector k, data);
// next() returns messages in time order, not before their time. Reads are
// command errors; other sizes, unaligned or out-of-window writes are address errors.
namespace {
struct MsiBench : sc_core::sc_module {
  MsiController& irq;
  std::vector<MsiMessage> got;
  std::vector<uint64_t> got_at;
  explicit MsiBench(sc_core::sc_module_name n, MsiController& c) : sc_module(n), irq(c) {
    SC_HAS_PROCESS(MsiBench);
    SC_THREAD(firmware);
  }
  void firmware() {
    for (int i = 0; i < 3; ++i) {
      got.push_back(irq.next());
      got_at.push_back(now_ps());
    }
  }
};
}  // namespace

TEST_CASE("msi controller: writes queue messages, reads are command errors", "[interconnect][msi]") {
  set_quantum_ns(1000);
  MsiController irq("irq", 0x1000);
  MsiBench fw("fw", irq);
  std::vector<tlm::tlm_response_status> st;
  TestInitiator dev("dev", [&](TestInitiator& t) {
    uint32_t tag = 0xDEADBEEF;
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x8, &tag, 4, sc_time(300, SC_NS)).status);   // vector 2
    tag = 7;
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x0, &tag, 4, sc_time(100, SC_NS)).status);   // vector 0, earlier
    tag = 9;
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0xFFC, &tag, 4, sc_time(500, SC_NS)).status); // vector 1023
    uint32_t r = 0;
    st.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x8, &r, 4).status);
    uint64_t wide = 1;
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x10, &wide, 8).status);
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x6, &tag, 4).status);
    st.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x1000, &tag, 4).status);
  });
  dev.socket.bind(irq.in);
  sc_core::sc_start();
  REQUIRE(st.size() == 7);
  CHECK(st[0] == tlm::TLM_OK_RESPONSE);
  CHECK(st[1] == tlm::TLM_OK_RESPONSE);
  CHECK(st[2] == tlm::TLM_OK_RESPONSE);
  CHECK(st[3] == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(st[4] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(st[5] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(st[6] == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(irq.received() == 3);
  REQUIRE(fw.got.size() == 3);
  CHECK(fw.got[0].vector == 0);
  CHECK(fw.got[0].data == 7);
  CHECK(fw.got[0].time_ps == ps_from_ns(100));
  CHECK(fw.got_at[0] == ps_from_ns(100));
  CHECK(fw.got[1].vector == 2);
  CHECK(fw.got[1].data == 0xDEADBEEF);
  CHECK(fw.got_at[1] == ps_from_ns(300));
  CHECK(fw.got[2].vector == 1023);
  CHECK(fw.got[2].data == 9);
  CHECK(fw.got_at[2] == ps_from_ns(500));
}
