// PcieFormat (wire rates and per-TLP costs), SerialLink carrying PCIe, and
// the RootComplex's BAR routing.
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <vector>

#include "models/common/serial_link.h"
#include "models/interconnect/address_router.h"
#include "models/memory/dram.h"
#include "models/pcie/pcie_format.h"
#include "models/pcie/root_complex.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {
PcieLinkConfig gen4x16() { return PcieLinkConfig{}; }  // Gen4 x16, MPS 256, MRRS 512, 26 + 2 B per TLP, 100 ns
constexpr double kPerTlp = 26 + 2;
const double kGen4x16 = 16.0 * 16 * 128 / 130 / 8;  // GB/s per direction after 128b/130b
// A DRAM fast enough never to limit a PCIe link: 1000 GB/s, one channel, 50 ns.
DramConfig fast_dram() { return DramConfig{1 * GiB, 1, 1000, 50, 4096}; }
}  // namespace

// Wire rate = GT/s x lanes x encoding / 8: Gen4 x16 = 16*16*128/130/8 (exact),
// Gen5 x16 = 63.0 GB/s (0.1 %), Gen1 x1 uses 8b/10b = 0.25 GB/s, Gen6 x16
// 64*16*242/256/8 (FLIT mode); a positive bandwidth_GBps overrides all of it;
// bad generations and zero MPS/MRRS are rejected.
TEST_CASE("pcie format: wire bandwidth by generation, lanes and override", "[pcie]") {
  PcieLinkConfig c = gen4x16();
  CHECK(PcieFormat(c).wire_GBps() == Approx(kGen4x16).epsilon(1e-12));
  c.generation = 5;
  CHECK(PcieFormat(c).wire_GBps() == Approx(63.0).epsilon(0.001));
  c.generation = 1;
  c.lanes = 1;
  CHECK(PcieFormat(c).wire_GBps() == Approx(2.5 * 0.8 / 8).epsilon(1e-12));
  c.generation = 2;
  c.lanes = 8;
  CHECK(PcieFormat(c).wire_GBps() == Approx(5.0 * 8 * 0.8 / 8).epsilon(1e-12));
  c.generation = 3;
  CHECK(PcieFormat(c).wire_GBps() == Approx(8.0 * 8 * 128 / 130 / 8).epsilon(1e-12));
  c.generation = 6;
  c.lanes = 16;
  CHECK(PcieFormat(c).wire_GBps() == Approx(64.0 * 16 * 242 / 256 / 8).epsilon(1e-12));
  c.bandwidth_GBps = 12.5;
  CHECK(PcieFormat(c).wire_GBps() == 12.5);

  PcieLinkConfig bad = gen4x16();
  bad.generation = 7;
  CHECK_THROWS_AS(PcieFormat(bad), std::invalid_argument);
  bad.generation = 0;
  CHECK_THROWS_AS(PcieFormat(bad), std::invalid_argument);
  bad = gen4x16();
  bad.max_payload_bytes = 0;
  CHECK_THROWS_AS(PcieFormat(bad), std::invalid_argument);
  bad = gen4x16();
  bad.max_read_request_bytes = 0;
  CHECK_THROWS_AS(PcieFormat(bad), std::invalid_argument);
}

// cost(): a write of n bytes is n + ceil(n/MPS) x 28 B one way and nothing
// back (posted); a read is ceil(n/MRRS) x 28 B of requests one way and
// n + ceil(n/MPS) x 28 B of completions back. MPS 256, MRRS 512.
TEST_CASE("pcie format: per-TLP cost of reads and writes", "[pcie]") {
  const PcieFormat f(gen4x16());
  struct Case {
    uint64_t n;
    double write_req, read_req, read_resp;
  };
  for (const Case& c : {Case{1, 1 + kPerTlp, kPerTlp, 1 + kPerTlp},
                        Case{4, 4 + kPerTlp, kPerTlp, 4 + kPerTlp},
                        Case{256, 256 + kPerTlp, kPerTlp, 256 + kPerTlp},
                        Case{257, 257 + 2 * kPerTlp, kPerTlp, 257 + 2 * kPerTlp},
                        Case{1024, 1024 + 4 * kPerTlp, 2 * kPerTlp, 1024 + 4 * kPerTlp},
                        Case{4096, 4096 + 16 * kPerTlp, 8 * kPerTlp, 4096 + 16 * kPerTlp}}) {
    INFO("n = " << c.n);
    const WireCost w = f.cost(false, c.n);
    CHECK(w.request_bytes == Approx(c.write_req));
    CHECK(w.response_bytes == 0.0);
    const WireCost r = f.cost(true, c.n);
    CHECK(r.request_bytes == Approx(c.read_req));
    CHECK(r.response_bytes == Approx(c.read_resp));
  }
  CHECK(f.payload_efficiency() == Approx(256.0 / (256 + kPerTlp)));
}

// 64 MiB written over Gen4 x16 (MPS 256) into a DRAM that never limits, 4 KiB
// bursts, 32 in flight. The downstream direction is busy the whole time, so
//   T = N (1 + 28/256) / wire_GBps + link latency (100 ns)
//       + DRAM time of the last burst (4096 B / 1000 GB/s + 50 ns),
// tolerance 1 %. Writes are posted: nothing crosses upstream.
TEST_CASE("pcie link: write stream time matches the closed form", "[pcie]") {
  set_quantum_ns(1000);
  SerialLink link("link", std::make_unique<PcieFormat>(gen4x16()), sc_time(100, SC_NS));
  Dram mem("mem", fast_dram());
  const uint64_t N = 64 * MiB;
  bool ok = false;
  TestInitiator host("host", [&](TestInitiator& t) { ok = t.stream(tlm::TLM_WRITE_COMMAND, 0, N); }, 4096, 32);
  host.socket.bind(link.down_in);
  link.down_out.bind(mem.in);
  ProbeTarget unused("unused");  // the upstream direction is not used; simple sockets must be bound
  link.up_out.bind(unused.in);
  TestInitiator idle("idle", [](TestInitiator&) {});
  idle.socket.bind(link.up_in);
  sc_core::sc_start();
  REQUIRE(ok);
  const double expected_ps =
      transfer_ps(double(N) * (1 + kPerTlp / 256), kGen4x16) + ps_from_ns(100) + transfer_ps(4096, 1000) + ps_from_ns(50);
  CHECK(double(host.end_ps()) == Approx(expected_ps).epsilon(0.01));
  CHECK(link.downstream_bytes() == N);
  CHECK(link.upstream_bytes() == 0);
  CHECK(double(link.downstream_busy_ps()) == Approx(transfer_ps(double(N) * (1 + kPerTlp / 256), kGen4x16)).epsilon(1e-5));  // ps rounding per TLP burst
  CHECK(link.upstream_busy_ps() == 0);
}

// A read crosses down as request TLPs and comes back as completions: read data
// counts in the upstream direction of a host-initiated read, and in the
// downstream direction of a device-initiated (up_in) read. Functional bytes
// survive both ways. The read stream's time is
//   T = N (1 + 28/256) / wire + 2 x 100 ns + 8 x 28 B / wire + 4096 B / 1000 GB/s + 50 ns
// (completions bound the rate; 1 % tolerance).
TEST_CASE("pcie link: reads return data in the upstream direction", "[pcie]") {
  set_quantum_ns(1000);
  SerialLink link("link", std::make_unique<PcieFormat>(gen4x16()), sc_time(100, SC_NS));
  Dram dev_mem("dev_mem", fast_dram()), host_mem("host_mem", fast_dram());
  const uint64_t N = 64 * MiB;
  const std::vector<uint8_t> data = pattern(20000, 3), dma_data = pattern(5000, 4);
  std::vector<uint8_t> back(20000), dma_back(5000);
  bool ok_host = false, ok_dev = false;
  uint64_t read_start = 0, read_end = 0, up_after_write = 0, down_after_write = 0;
  TestInitiator host("host", [&](TestInitiator& t) {
    std::vector<uint8_t> src = data;
    ok_host = t.stream(tlm::TLM_WRITE_COMMAND, 0x100, src.size(), src.data());
    t.sync();
    up_after_write = link.upstream_bytes();
    down_after_write = link.downstream_bytes();
    ok_host = ok_host && t.stream(tlm::TLM_READ_COMMAND, 0x100, back.size(), back.data());
    t.sync();
    read_start = now_ps();
    ok_host = ok_host && t.stream(tlm::TLM_READ_COMMAND, 1 * MiB, N);
    t.sync();
    read_end = now_ps();
  }, 4096, 32);
  TestInitiator dev("dev", [&](TestInitiator& t) {
    t.wait_until_ps(ps_from_ns(10'000'000));  // after the host is done (10 ms)
    std::vector<uint8_t> src = dma_data;
    ok_dev = t.stream(tlm::TLM_WRITE_COMMAND, 0x40, src.size(), src.data()) &&
             t.stream(tlm::TLM_READ_COMMAND, 0x40, dma_back.size(), dma_back.data());
  }, 4096, 32);
  host.socket.bind(link.down_in);
  link.down_out.bind(dev_mem.in);
  dev.socket.bind(link.up_in);
  link.up_out.bind(host_mem.in);
  const uint64_t up_before_dev = 20000 + N;  // read data of the host's two reads
  sc_core::sc_start();
  REQUIRE(ok_host);
  REQUIRE(ok_dev);
  CHECK(back == data);
  CHECK(dma_back == dma_data);
  CHECK(up_after_write == 0);
  CHECK(down_after_write == 20000);
  // Device-initiated: its write (5000) counts upstream, its read data (5000) downstream.
  CHECK(link.upstream_bytes() == up_before_dev + 5000);
  CHECK(link.downstream_bytes() == 20000 + 5000);
  const double expected_ps = transfer_ps(double(N) * (1 + kPerTlp / 256), kGen4x16) + 2 * ps_from_ns(100) +
                             transfer_ps(8 * kPerTlp, kGen4x16) + transfer_ps(4096, 1000) + ps_from_ns(50);
  CHECK(double(read_end - read_start) == Approx(expected_ps).epsilon(0.01));
  // The bytes are where the functional writes put them.
  std::vector<uint8_t> in_dev(20000), in_host(5000);
  dev_mem.store().read(0x100, in_dev.data(), in_dev.size());
  host_mem.store().read(0x40, in_host.data(), in_host.size());
  CHECK(in_dev == data);
  CHECK(in_host == dma_data);
}

// Two writers share the link's downstream direction through a zero-latency
// router. Solo, each 32 MiB stream would take T1 = N (1 + 28/256) / wire +
// 154 ns; together each finishes at about 2 T1 (tolerance 5 %).
TEST_CASE("pcie link: two concurrent streams each get half the bandwidth", "[pcie]") {
  set_quantum_ns(1000);
  AddressRouter bus("bus", sc_core::SC_ZERO_TIME);
  SerialLink link("link", std::make_unique<PcieFormat>(gen4x16()), sc_time(100, SC_NS));
  Dram mem("mem", fast_dram());
  const uint64_t N = 32 * MiB;
  bool ok_a = false, ok_b = false;
  TestInitiator a("a", [&](TestInitiator& t) { ok_a = t.stream(tlm::TLM_WRITE_COMMAND, 0, N); }, 4096, 32);
  TestInitiator b("b", [&](TestInitiator& t) { ok_b = t.stream(tlm::TLM_WRITE_COMMAND, 256 * MiB, N); }, 4096, 32);
  a.socket.bind(bus.in);
  b.socket.bind(bus.in);
  bus.out.bind(link.down_in);
  bus.add_window({"link", 0, 1 * GiB, 0, true});
  link.down_out.bind(mem.in);
  ProbeTarget unused("unused");
  link.up_out.bind(unused.in);
  TestInitiator idle("idle", [](TestInitiator&) {});
  idle.socket.bind(link.up_in);
  sc_core::sc_start();
  REQUIRE(ok_a);
  REQUIRE(ok_b);
  const double solo_ps = transfer_ps(double(N) * (1 + kPerTlp / 256), kGen4x16) + ps_from_ns(154.096);
  CHECK(double(a.end_ps()) == Approx(2 * solo_ps).epsilon(0.05));
  CHECK(double(b.end_ps()) == Approx(2 * solo_ps).epsilon(0.05));
  CHECK(link.downstream_bytes() == 2 * N);
}

// RootComplex: host MMIO inside a BAR goes to that BAR's port with a
// BAR-relative address (restored for the initiator afterwards) and pays the
// RC latency (50 ns); outside every BAR or straddling a BAR's end it is an
// address error; upstream traffic reaches host_out with its address unchanged.
TEST_CASE("root complex: BAR routing, relative addresses, unmapped is an error", "[pcie][root_complex]") {
  set_quantum_ns(1000);
  RootComplex rc("rc", sc_time(50, SC_NS));
  ProbeTarget bar0("bar0"), bar1("bar1"), host("host_side");
  std::vector<TestInitiator::Raw> down, up;
  unsigned dbg = 0, dbg_unmapped = 1;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint64_t v = 0x1122334455667788ull;
    down.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x80000010, &v, 8));
    down.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x90000FF8, &v, 8));
    down.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x80010000, &v, 4));  // just past bar0
    down.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x8000FFFC, &v, 8));  // straddles bar0's end
    down.push_back(t.raw(tlm::TLM_READ_COMMAND, 0x10, &v, 4));        // nowhere
    dbg = t.debug(tlm::TLM_READ_COMMAND, 0x80000100, &v, 8);
    dbg_unmapped = t.debug(tlm::TLM_READ_COMMAND, 0x70000000, &v, 8);
  });
  TestInitiator gpu("gpu", [&](TestInitiator& t) {
    uint32_t tag = 5;
    up.push_back(t.raw(tlm::TLM_WRITE_COMMAND, 0x123456789000ull, &tag, 4, sc_time(10, SC_NS)));
  });
  cpu.socket.bind(rc.host_in);
  rc.down_out.bind(bar0.in);
  rc.down_out.bind(bar1.in);
  gpu.socket.bind(rc.up_in);
  rc.host_out.bind(host.in);
  rc.add_bar({"bar0", 0x80000000, 0x10000, 0});
  rc.add_bar({"bar1", 0x90000000, 0x1000, 1});
  CHECK_THROWS_AS(rc.add_bar({"overlap", 0x8000F000, 0x2000, 1}), std::invalid_argument);
  CHECK_THROWS_AS(rc.add_bar({"empty", 0xA0000000, 0, 1}), std::invalid_argument);
  sc_core::sc_start();

  REQUIRE(down.size() == 5);
  CHECK(down[0].status == tlm::TLM_OK_RESPONSE);
  CHECK(down[0].delay == sc_time(50, SC_NS));
  CHECK(down[0].address_after == 0x80000010);
  CHECK(down[1].status == tlm::TLM_OK_RESPONSE);
  CHECK(down[2].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(down[3].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(down[4].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  REQUIRE(bar0.seen.size() == 1);
  CHECK(bar0.seen[0].address == 0x10);
  CHECK(bar0.seen[0].length == 8);
  REQUIRE(bar1.seen.size() == 1);
  CHECK(bar1.seen[0].address == 0xFF8);
  CHECK(dbg == 8);
  REQUIRE(bar0.debug_seen.size() == 1);
  CHECK(bar0.debug_seen[0].address == 0x100);
  CHECK(dbg_unmapped == 0);

  REQUIRE(up.size() == 1);
  CHECK(up[0].status == tlm::TLM_OK_RESPONSE);
  CHECK(up[0].delay == sc_time(60, SC_NS));
  REQUIRE(host.seen.size() == 1);
  CHECK(host.seen[0].address == 0x123456789000ull);
}

// The PCIe MMIO path: RC -> link -> endpoint. A 4-byte posted write costs
// 4 + 28 B on the wire: delay = 50 ns (RC) + 32 B / wire + 100 ns (link).
TEST_CASE("pcie: MMIO write through root complex and link", "[pcie][root_complex]") {
  set_quantum_ns(1000);
  RootComplex rc("rc", sc_time(50, SC_NS));
  SerialLink link("link", std::make_unique<PcieFormat>(gen4x16()), sc_time(100, SC_NS));
  ProbeTarget ep("ep");
  ProbeTarget host("host_side");
  TestInitiator::Raw r{};
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint32_t v = 1;
    r = t.raw(tlm::TLM_WRITE_COMMAND, 0xC0000010, &v, 4);
  });
  TestInitiator idle("idle", [](TestInitiator&) {});
  cpu.socket.bind(rc.host_in);
  rc.down_out.bind(link.down_in);
  link.down_out.bind(ep.in);
  idle.socket.bind(link.up_in);
  link.up_out.bind(rc.up_in);
  rc.host_out.bind(host.in);
  rc.add_bar({"bar0", 0xC0000000, 0x10000, 0});
  sc_core::sc_start();
  CHECK(r.status == tlm::TLM_OK_RESPONSE);
  REQUIRE(ep.seen.size() == 1);
  CHECK(ep.seen[0].address == 0x10);
  CHECK(double(r.delay.value()) == Approx(ps_from_ns(150) + transfer_ps(4 + kPerTlp, kGen4x16)).margin(1));
}

namespace {
// A read of `buffer.size()` bytes at `address` into `buffer`, ready to issue.
void make_read(tlm::tlm_generic_payload& p, uint64_t address, std::vector<uint8_t>& buffer) {
  const auto length = unsigned(buffer.size());
  p.set_command(tlm::TLM_READ_COMMAND);
  p.set_address(address);
  p.set_data_ptr(buffer.data());
  p.set_data_length(length);
  p.set_streaming_width(length);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

// Behind the link: answers reads, and on the first one sends a 4 KiB read of
// its own across the same link in the same direction before it returns (as
// the NDP engine answers a doorbell with accesses of its own).
struct NestingTarget : sc_core::sc_module {
  void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) {
    if (!nested_sent) {
      nested_sent = true;
      std::vector<uint8_t> buffer(4096);
      tlm::tlm_generic_payload q;
      make_read(q, 0x10000, buffer);
      sc_time nested_delay = sc_core::SC_ZERO_TIME;
      out->b_transport(q, nested_delay);
      nested_ok = q.is_response_ok();
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    (void)delay;
  }
  TargetSocket<NestingTarget, &NestingTarget::b_transport> in{"in", this};
  tlm_utils::simple_initiator_socket<NestingTarget> out{"out"};
  bool nested_sent = false, nested_ok = false;
  explicit NestingTarget(sc_core::sc_module_name name) : sc_module(name) {}
};

// Issues one 64-byte read at time 0 and keeps its annotated delay.
struct OneRead : sc_core::sc_module {
  SC_HAS_PROCESS(OneRead);
  tlm_utils::simple_initiator_socket<OneRead> socket{"socket"};
  sc_time delay;
  bool ok = false;
  explicit OneRead(sc_core::sc_module_name name) : sc_module(name) { SC_THREAD(run); }
  void run() {
    std::vector<uint8_t> buffer(64);
    tlm::tlm_generic_payload p;
    make_read(p, 0, buffer);
    delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(p, delay);
    ok = p.is_response_ok();
  }
};
}  // namespace

// A read whose target sends a 4 KiB read across the same link before it
// returns still costs its own size: request TLP down, 100 ns, completion (64 B
// + one TLP's overhead) up, 100 ns. (The nested read's completions come later
// and do not delay it.) Guards the link's per-size cost cache, which the
// nested crossing refills (tolerance 1 ps per rounding).
TEST_CASE("pcie link: a nested crossing of the same link does not change the outer transfer's cost", "[pcie]") {
  set_quantum_ns(1000);
  SerialLink link("link", std::make_unique<PcieFormat>(gen4x16()), sc_time(100, SC_NS));
  NestingTarget target("target");
  OneRead reader("reader");
  ProbeTarget unused("unused");  // the upstream direction's exit
  TestInitiator idle("idle", [](TestInitiator&) {}, 4096, 1);
  reader.socket.bind(link.down_in);
  target.out.bind(link.down_in);
  link.down_out.bind(target.in);
  idle.socket.bind(link.up_in);
  link.up_out.bind(unused.in);
  sc_core::sc_start();
  REQUIRE(reader.ok);
  REQUIRE(target.nested_ok);
  const WireCost cost = link.format().cost(true, 64);
  const double expected_ps = transfer_ps(cost.request_bytes, kGen4x16) + transfer_ps(cost.response_bytes, kGen4x16) +
                             2 * ps_from_ns(100);
  CHECK(double(reader.delay.value()) == Approx(expected_ps).margin(2));
}
