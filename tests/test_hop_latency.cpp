// One latency term at a time: every hop kind on the platform's paths, alone on
// an idle bench, one access, and the delay it adds compared with its closed
// form to the picosecond. The parameters are chosen so that every term is a
// whole number of picoseconds (16 GB/s is 62.5 ps per byte, 64 GB/s 15.625),
// so the tolerance is exact; where a term does not come out whole it is
// rounded to the picosecond the way Occupancy::time_for rounds, and the check
// says so. A change that drops, doubles or moves one latency term fails here
// (tools/mutate.py applies such changes on purpose; docs/testing.md lists them).
//
// Hops: address router, root complex (both ways), CXL root port (both ways),
// serial link carrying PCIe and CXL (each direction, reads and writes, the
// return path, the packet an interleaved access waits for), CXL device
// controller, DRAM (one channel, all channels in lockstep, uneven spread),
// HBM (the GPU's memory configuration), register bank; then two whole paths
// whose latency is the sum of their hops.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "models/common/register_bank.h"
#include "models/common/serial_link.h"
#include "models/cxl/cxl_device_controller.h"
#include "models/cxl/cxl_flit_format.h"
#include "models/cxl/cxl_root_port.h"
#include "models/cxl/hdm_decoder.h"
#include "models/cxl/hdm_programming.h"
#include "models/gpu/gpu_config.h"
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

constexpr tlm::tlm_command R = tlm::TLM_READ_COMMAND;
constexpr tlm::tlm_command W = tlm::TLM_WRITE_COMMAND;

// Picoseconds to move `bytes` at `GBps`, exact for the rates used here.
uint64_t wire_ps(double bytes, double GBps) {
  const double ps = bytes * 1000.0 / GBps;
  REQUIRE(ps == std::floor(ps));  // the bench's parameters keep every term whole
  return uint64_t(ps);
}

// PCIe at 16 GB/s per direction (62.5 ps per byte), MPS 256, MRRS 512, 26 B
// of TLP and 2 B of DLLP overhead per TLP, 100 ns per traversal.
PcieLinkConfig pcie16() {
  PcieLinkConfig c;
  c.bandwidth_GBps = 16;
  c.max_payload_bytes = 256;
  c.max_read_request_bytes = 512;
  c.tlp_overhead_bytes = 26;
  c.dllp_overhead_bytes = 2;
  c.latency_ns = 100;
  return c;
}
constexpr double kPcieGBps = 16, kPerTlp = 28;
constexpr uint64_t kPcieLatencyPs = 100'000;
// TLPs of `bytes` cut at `limit` (MPS for data, MRRS for read requests).
double tlps(uint64_t bytes, uint64_t limit) { return double((bytes + limit - 1) / limit); }

// CXL with 68 B flits (4 slots of 16 B), half a header slot per message, at
// 16 GB/s per direction, 30 ns per traversal. A slot costs 68 / 4 = 17 B of
// wire; a message of L lines costs L x 0.5 slots of header, and L x 4 slots
// more when it carries data.
CxlLinkConfig cxl16() {
  CxlLinkConfig c;
  c.bandwidth_GBps = 16;
  c.flit_bytes = 68;
  c.header_slots_per_message = 0.5;
  c.latency_ns = 30;
  return c;
}
constexpr double kCxlGBps = 16, kWirePerSlot = 68.0 / 4;
constexpr uint64_t kCxlLatencyPs = 30'000;
double cxl_header_bytes(uint64_t lines) { return double(lines) * 0.5 * kWirePerSlot; }
double cxl_data_bytes(uint64_t lines) { return double(lines) * (0.5 + 4) * kWirePerSlot; }

// A target that is only a register bank (the way devices front theirs), with
// one 4-byte and one 8-byte register.
class RegisterTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<RegisterTarget> in;
  RegisterBank bank;
  Register control{"control", 0x0, 4, 0x11};
  Register address{"address", 0x8, 8, 0};

  RegisterTarget(sc_core::sc_module_name name, sc_time latency)
      : sc_module(name), in("in"), bank(std::string(this->name()) + ".regs", latency) {
    bank.add(control);
    bank.add(address);
    in.register_b_transport(this, &RegisterTarget::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_time& delay) { bank.transport(p, delay); }
};

// The host's view of one expander in these benches: 1 GiB of device memory
// at 4 GiB, the register BAR at 0xF000_0000.
constexpr uint64_t kHdmBase = 4 * GiB, kHdmSize = 1 * GiB, kBarBase = 0xF0000000;
const AddressRange kHdm{kHdmBase, kHdmSize}, kBar{kBarBase, cxl_bar::size};

// Commits the controller's decoder 0 for [kHdmBase, +kHdmSize) the way boot
// firmware does (register writes into its BAR), in zero time before the run.
void commit_hdm(CxlDeviceController& ctrl) {
  const RegisterIo io = [&ctrl](uint64_t address, uint32_t* value, bool write) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(address);
    p.set_data_ptr(reinterpret_cast<unsigned char*>(value));
    p.set_data_length(4);
    p.set_streaming_width(4);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time ignored = sc_core::SC_ZERO_TIME;
    ctrl.link_in.get_base_interface().b_transport(p, ignored);
    return p.is_response_ok();
  };
  HdmDecoderSetup setup;
  setup.base = kHdmBase;
  setup.size = kHdmSize;
  REQUIRE(program_hdm_decoder(io, kBarBase + cxl_bar::component_regs, 0, setup).empty());
}

// Binds a link's device-to-host side to an initiator that does nothing and a
// sink, for benches that only go downstream.
struct IdleUpstream {
  TestInitiator device{"idle_device", [](TestInitiator&) {}};
  ProbeTarget host{"idle_host"};
  explicit IdleUpstream(SerialLink& link) {
    device.socket.bind(link.up_in);
    link.up_out.bind(host.in);
  }
};

}  // namespace

// Router latency 7 ns: a read and a write each arrive at the target 7 ns
// after they left, and an incoming delay of 3 ns is kept (7 + 3 = 10 ns).
TEST_CASE("hop latency: address router adds its latency once per access", "[hop_latency][interconnect]") {
  set_quantum_ns(1000);
  AddressRouter bus("bus", sc_time(7, SC_NS));
  ProbeTarget mem("mem");
  std::vector<TestInitiator::Raw> r;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[64] = {};
    r.push_back(t.raw(R, 0x1000, buf, 64));
    r.push_back(t.raw(W, 0x1040, buf, 64));
    r.push_back(t.raw(R, 0x1080, buf, 8, sc_time(3, SC_NS)));
  });
  cpu.socket.bind(bus.in);
  bus.out.bind(mem.in);
  bus.add_window({"mem", 0x1000, 0x1000, 0, true});
  sc_core::sc_start();
  REQUIRE(r.size() == 3);
  for (const auto& x : r) CHECK(x.status == tlm::TLM_OK_RESPONSE);
  CHECK(r[0].delay.value() == 7'000);
  CHECK(r[1].delay.value() == 7'000);
  CHECK(r[2].delay.value() == 10'000);
  REQUIRE(mem.seen.size() == 3);
  CHECK(mem.seen[0].time_ps == 7'000);  // the latency is paid before the target sees it
  CHECK(mem.seen[2].time_ps == 10'000);
}

// Root complex latency 11 ns, downstream (host MMIO to a BAR) and upstream
// (endpoint DMA into the host): 11 ns each way, paid before the next hop.
TEST_CASE("hop latency: root complex adds its latency downstream and upstream", "[hop_latency][pcie]") {
  set_quantum_ns(1000);
  RootComplex rc("rc", sc_time(11, SC_NS));
  ProbeTarget bar("bar"), host_mem("host_mem");
  std::vector<TestInitiator::Raw> down, up;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[8] = {};
    down.push_back(t.raw(W, 0xE0000010, buf, 4));
    down.push_back(t.raw(R, 0xE0000010, buf, 4));
  });
  TestInitiator dev("dev", [&](TestInitiator& t) {
    t.wait_until_ps(1'000'000);
    uint8_t buf[64] = {};
    up.push_back(t.raw(W, 0x2000, buf, 64));
    up.push_back(t.raw(R, 0x2000, buf, 64));
  });
  cpu.socket.bind(rc.host_in);
  rc.down_out.bind(bar.in);
  dev.socket.bind(rc.up_in);
  rc.host_out.bind(host_mem.in);
  rc.add_bar({"bar", 0xE0000000, 0x1000, 0});
  sc_core::sc_start();
  REQUIRE(down.size() == 2);
  REQUIRE(up.size() == 2);
  for (const auto& x : down) CHECK(x.delay.value() == 11'000);
  for (const auto& x : up) CHECK(x.delay.value() == 11'000);
  REQUIRE(bar.seen.size() == 2);
  CHECK(bar.seen[0].address == 0x10);
  REQUIRE(host_mem.seen.size() == 2);
  CHECK(host_mem.seen[0].time_ps == 1'000'000 + 11'000);
}

// CXL root port latency 13 ns: host accesses to device memory and to the
// register BAR going down, device writes (MSIs) coming up.
TEST_CASE("hop latency: CXL root port adds its latency downstream and upstream", "[hop_latency][cxl]") {
  set_quantum_ns(1000);
  CxlRootPort rp("rp", {kHdm, kBar}, sc_time(13, SC_NS));
  ProbeTarget link("link"), host("host");
  std::vector<TestInitiator::Raw> down, up;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[64] = {};
    down.push_back(t.raw(R, kHdmBase + 0x40, buf, 64));
    down.push_back(t.raw(W, kBarBase + 0x1008, buf, 8));
  });
  TestInitiator dev("dev", [&](TestInitiator& t) {
    t.wait_until_ps(1'000'000);
    uint8_t buf[4] = {};
    up.push_back(t.raw(W, 0xFEE00000, buf, 4));
  });
  cpu.socket.bind(rp.host_in);
  rp.link_out.bind(link.in);
  dev.socket.bind(rp.link_in);
  rp.host_out.bind(host.in);
  sc_core::sc_start();
  REQUIRE(down.size() == 2);
  REQUIRE(up.size() == 1);
  CHECK(down[0].delay.value() == 13'000);
  CHECK(down[1].delay.value() == 13'000);
  CHECK(up[0].delay.value() == 13'000);
  REQUIRE(link.seen.size() == 2);
  CHECK(link.seen[0].address == kHdmBase + 0x40);  // host physical addresses go down intact
}

// PCIe downstream, each access alone on an idle link, a zero-latency target:
//  - 64 B write: one TLP, (64 + 28) B down, posted (nothing comes back):
//    92 x 62.5 + 100 ns = 105750 ps;
//  - 64 B read: one request TLP (28 B) down, one completion (64 + 28 B) back,
//    a traversal each way: 1750 + 100000 + 5750 + 100000 = 207500 ps;
//  - 1024 B read: requests cut at MRRS 512 (2 TLPs, 56 B down), data at MPS
//    256 (4 TLPs, 1024 + 112 B back): 3500 + 71000 + 200000 = 274500 ps.
// Each direction's busy time says which bytes crossed which way.
TEST_CASE("hop latency: PCIe link downstream, reads and writes, both traversals", "[hop_latency][pcie]") {
  set_quantum_ns(1000);
  SerialLink link("link", std::make_unique<PcieFormat>(pcie16()), sc_time(100, SC_NS));
  ProbeTarget dev("dev");
  std::vector<TestInitiator::Raw> r;
  std::vector<uint64_t> down_busy, up_busy;
  TestInitiator host("host", [&](TestInitiator& t) {
    std::vector<uint8_t> buf(1024);
    for (auto [cmd, bytes] : {std::pair{W, 64u}, std::pair{R, 64u}, std::pair{R, 1024u}}) {
      t.wait_until_ps(now_ps() + 1'000'000);  // idle again
      r.push_back(t.raw(cmd, 0x100, buf.data(), bytes));
      down_busy.push_back(link.downstream_busy_ps());
      up_busy.push_back(link.upstream_busy_ps());
    }
  });
  host.socket.bind(link.down_in);
  link.down_out.bind(dev.in);
  IdleUpstream idle(link);
  sc_core::sc_start();
  REQUIRE(r.size() == 3);
  const uint64_t write64 = wire_ps(64 + kPerTlp, kPcieGBps);
  const uint64_t request64 = wire_ps(kPerTlp, kPcieGBps);
  const uint64_t request1024 = wire_ps(tlps(1024, 512) * kPerTlp, kPcieGBps);
  const uint64_t data1024 = wire_ps(1024 + tlps(1024, 256) * kPerTlp, kPcieGBps);
  CHECK(write64 == 5'750);
  CHECK(r[0].delay.value() == write64 + kPcieLatencyPs);
  CHECK(r[1].delay.value() == request64 + kPcieLatencyPs + write64 + kPcieLatencyPs);
  CHECK(r[2].delay.value() == request1024 + data1024 + 2 * kPcieLatencyPs);
  CHECK(r[2].delay.value() == 274'500);
  CHECK(down_busy == std::vector<uint64_t>{write64, write64 + request64, write64 + request64 + request1024});
  CHECK(up_busy == std::vector<uint64_t>{0, write64, write64 + data1024});
  CHECK(link.downstream_bytes() == 64);
  CHECK(link.upstream_bytes() == 64 + 1024);
  REQUIRE(dev.seen.size() == 3);
  CHECK(dev.seen[1].time_ps == 2'000'000 + request64 + kPcieLatencyPs);  // after the request's crossing
}

// PCIe upstream (device DMA). While the downstream direction is busy with a
// 1 MiB host write, a 64 B device write goes up in 92 x 62.5 ps + 100 ns,
// untouched by the queue going the other way. Once the link is idle, a 64 B
// device read sends its request up (28 B) and its completion down (92 B):
// 1750 + 100000 + 5750 + 100000 ps. Busy times and byte counts per direction
// say which way each part went.
TEST_CASE("hop latency: PCIe link upstream is independent of a busy downstream", "[hop_latency][pcie]") {
  set_quantum_ns(1000);
  SerialLink link("link", std::make_unique<PcieFormat>(pcie16()), sc_time(100, SC_NS));
  ProbeTarget dev_mem("dev_mem"), host_mem("host_mem");
  constexpr uint64_t kBig = 1 * MiB;
  TestInitiator::Raw big{}, up_write{}, up_read{};
  TestInitiator host("host", [&](TestInitiator& t) {
    std::vector<uint8_t> buf(kBig);
    big = t.raw(W, 0, buf.data(), unsigned(kBig));
  });
  TestInitiator dev("dev", [&](TestInitiator& t) {
    t.wait_until_ps(10'000);
    uint8_t buf[64] = {};
    up_write = t.raw(W, 0x40, buf, 64);
    t.wait_until_ps(100'000'000);  // the big write is long done (about 73 us)
    up_read = t.raw(R, 0x40, buf, 64);
  });
  host.socket.bind(link.down_in);
  link.down_out.bind(dev_mem.in);
  dev.socket.bind(link.up_in);
  link.up_out.bind(host_mem.in);
  sc_core::sc_start();
  const uint64_t big_ps = wire_ps(kBig + tlps(kBig, 256) * kPerTlp, kPcieGBps);
  CHECK(big.delay.value() == big_ps + kPcieLatencyPs);
  const uint64_t write64 = wire_ps(64 + kPerTlp, kPcieGBps);
  CHECK(up_write.delay.value() == write64 + kPcieLatencyPs);
  REQUIRE(10'000 + up_write.delay.value() < big_ps);  // it went up while the big write was on the wire
  CHECK(up_read.delay.value() == wire_ps(kPerTlp, kPcieGBps) + kPcieLatencyPs + write64 + kPcieLatencyPs);
  CHECK(link.upstream_bytes() == 64);
  CHECK(link.downstream_bytes() == kBig + 64);
  CHECK(link.upstream_busy_ps() == write64 + wire_ps(kPerTlp, kPcieGBps));
  CHECK(link.downstream_busy_ps() == big_ps + write64);
}

// A single access (a register write, bulk = false) arriving while a stream's
// bursts occupy the link goes out between two packets: it waits for the
// packet on the wire (one maximum-size TLP: 256 + 28 B = 17750 ps), not for
// the queue: a 4 B write = 17750 + (4 + 28) x 62.5 + 100000 ps.
// What makes it a single access is the initiator's TransferHints, never
// whether hops are traced: the same write issued raw with hints and no
// HopTrace waits the same; without hints (how a foreign initiator's looks) it
// is a burst and queues behind the stream.
TEST_CASE("hop latency: a single access behind a stream waits for one packet", "[hop_latency][pcie]") {
  set_quantum_ns(1000);
  AddressRouter bus("bus", sc_core::SC_ZERO_TIME);
  SerialLink link("link", std::make_unique<PcieFormat>(pcie16()), sc_time(100, SC_NS));
  ProbeTarget dev("dev");
  bool streamed = false, wrote = false;
  uint64_t single_ps = 0;
  TestInitiator::Raw hinted{}, foreign{};
  TestInitiator dma("dma", [&](TestInitiator& t) { streamed = t.stream(W, 0x100000, 4 * MiB); }, 4096, 64);
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    t.wait_until_ps(20'000'000);  // 20 us: the stream holds the wire until about 290 us
    const uint64_t before = t.local_ps();
    wrote = t.write_reg<uint32_t>(0x10, 1);
    single_ps = t.local_ps() - before;
    uint32_t value = 1;
    t.wait_until_ps(30'000'000);
    TransferHints single;
    single.set(false, true, sc_core::sc_time_stamp());
    hinted = t.raw(W, 0x10, &value, 4, sc_core::SC_ZERO_TIME, nullptr, 0, 0, &single);
    t.wait_until_ps(40'000'000);
    foreign = t.raw(W, 0x10, &value, 4);
  });
  dma.socket.bind(bus.in);
  cpu.socket.bind(bus.in);
  bus.out.bind(link.down_in);
  link.down_out.bind(dev.in);
  IdleUpstream idle(link);
  bus.add_window({"dev", 0, 1 * GiB, 0, true});
  sc_core::sc_start();
  REQUIRE(streamed);
  REQUIRE(wrote);
  REQUIRE(hinted.status == tlm::TLM_OK_RESPONSE);
  REQUIRE(foreign.status == tlm::TLM_OK_RESPONSE);
  const uint64_t packet = wire_ps(256 + kPerTlp, kPcieGBps);
  CHECK(packet == 17'750);
  const uint64_t single = packet + wire_ps(4 + kPerTlp, kPcieGBps) + kPcieLatencyPs;
  CHECK(single_ps == single);
  CHECK(hinted.delay.value() == single);
  // Queued behind the stream's bursts in flight (its window of 64 x 4 KiB,
  // about 18 us of wire), at the least behind one whole burst of 16 TLPs.
  CHECK(foreign.delay.value() > 16 * packet);
}

// CXL link, 68 B flits at 16 GB/s, 30 ns, a zero-latency target; 256 B
// (4 lines) each way:
//  - read: 4 request headers down (34 B, 2125 ps), 4 data responses back
//    (306 B, 19125 ps), a traversal each way: 81250 ps;
//  - write: the data down (19125 ps), 4 no-data responses back (2125 ps):
//    also 81250 ps, but with the busy times the other way round;
//  - the same from the device side (up_in) mirrors both.
TEST_CASE("hop latency: CXL link, reads and writes in each direction", "[hop_latency][cxl]") {
  set_quantum_ns(1000);
  SerialLink link("link", std::make_unique<CxlFlitFormat>(cxl16()), sc_time(30, SC_NS));
  ProbeTarget dev("dev"), host_side("host_side");
  std::vector<TestInitiator::Raw> down, up;
  std::vector<uint64_t> down_busy, up_busy;
  const auto busy = [&] {
    down_busy.push_back(link.downstream_busy_ps());
    up_busy.push_back(link.upstream_busy_ps());
  };
  TestInitiator host("host", [&](TestInitiator& t) {
    uint8_t buf[256] = {};
    down.push_back(t.raw(R, 0, buf, 256));
    busy();
    t.wait_until_ps(1'000'000);
    down.push_back(t.raw(W, 0, buf, 256));
    busy();
  });
  TestInitiator ndp("ndp", [&](TestInitiator& t) {
    uint8_t buf[256] = {};
    t.wait_until_ps(2'000'000);
    up.push_back(t.raw(R, 0, buf, 256));
    busy();
    t.wait_until_ps(3'000'000);
    up.push_back(t.raw(W, 0, buf, 64));
    busy();
  });
  host.socket.bind(link.down_in);
  link.down_out.bind(dev.in);
  ndp.socket.bind(link.up_in);
  link.up_out.bind(host_side.in);
  sc_core::sc_start();
  const uint64_t headers4 = wire_ps(cxl_header_bytes(4), kCxlGBps), data4 = wire_ps(cxl_data_bytes(4), kCxlGBps);
  CHECK(headers4 == 2'125);
  CHECK(data4 == 19'125);
  // One line: 8.5 B and 76.5 B of wire, 531.25 and 4781.25 ps, each rounded to the picosecond.
  const uint64_t header1 = uint64_t(std::llround(cxl_header_bytes(1) * 1000 / kCxlGBps));
  const uint64_t data1 = uint64_t(std::llround(cxl_data_bytes(1) * 1000 / kCxlGBps));
  REQUIRE(down.size() == 2);
  REQUIRE(up.size() == 2);
  CHECK(down[0].delay.value() == headers4 + data4 + 2 * kCxlLatencyPs);
  CHECK(down[1].delay.value() == data4 + headers4 + 2 * kCxlLatencyPs);
  CHECK(up[0].delay.value() == headers4 + data4 + 2 * kCxlLatencyPs);
  CHECK(up[1].delay.value() == data1 + header1 + 2 * kCxlLatencyPs);
  CHECK(down_busy == std::vector<uint64_t>{headers4, headers4 + data4, headers4 + data4 + data4,
                                           headers4 + data4 + data4 + header1});
  CHECK(up_busy == std::vector<uint64_t>{data4, data4 + headers4, data4 + headers4 + headers4,
                                         data4 + headers4 + headers4 + data1});
  CHECK(link.downstream_bytes() == 256 + 256);  // host write data, data of the device's read
  CHECK(link.upstream_bytes() == 256 + 64);     // data of the host's read, the device's write
}

// CXL device controller, latency 40 ns: a CXL.mem read reaches device memory
// 40 ns later at its device physical address (HDM decoder: host 4 GiB ->
// device 0); a CXL.io register read reaches the component registers (no
// latency of their own) after the same 40 ns.
TEST_CASE("hop latency: CXL device controller adds its latency to memory and registers", "[hop_latency][cxl]") {
  set_quantum_ns(1000);
  CxlDeviceController ctrl("ctrl", kBar, 1 * GiB, sc_time(40, SC_NS), false);
  ProbeTarget mem("mem"), host("host");
  TestInitiator::Raw mem_read{}, reg_read{};
  TestInitiator link("link", [&](TestInitiator& t) {
    uint8_t buf[64] = {};
    mem_read = t.raw(R, kHdmBase + 0x1000, buf, 64);
    reg_read = t.raw(R, kBarBase + cxl_bar::component_regs + hdm_regs::control, buf, 4);
  });
  link.socket.bind(ctrl.link_in);
  ctrl.link_out.bind(host.in);
  ctrl.mem_out.bind(mem.in);
  commit_hdm(ctrl);
  sc_core::sc_start();
  CHECK(mem_read.status == tlm::TLM_OK_RESPONSE);
  CHECK(mem_read.delay.value() == 40'000);
  CHECK(reg_read.status == tlm::TLM_OK_RESPONSE);
  CHECK(reg_read.delay.value() == 40'000);
  REQUIRE(mem.seen.size() == 1);
  CHECK(mem.seen[0].address == 0x1000);
  CHECK(mem.seen[0].time_ps == 40'000);
}

// DRAM: 4 channels, 64 GB/s together (16 GB/s, 62.5 ps per byte each),
// 90 ns idle latency, 256 B interleave. Each access alone:
//  - 64 B (one granule, one channel): 64 x 62.5 + 90 ns = 94000 ps;
//  - 1 KiB from 0 (4 granules, one per channel, in lockstep): 256 B per
//    channel, 16000 + 90000 ps; every channel busy 16000 ps;
//  - 1280 B from 0 (5 granules: channel 0 takes two, the others one):
//    the access ends with channel 0's 512 B, 32000 + 90000 ps; busy time
//    of all channels together 1280 B = 80000 ps;
//  - 256 B from 0x80 (straddles two granules, two channels, 128 B each):
//    8000 + 90000 ps.
// A write costs the same as a read.
TEST_CASE("hop latency: DRAM, one access on one channel, in lockstep, and uneven", "[hop_latency][memory]") {
  set_quantum_ns(1000);
  Dram mem("mem", DramConfig{1 * GiB, 4, 64, 90, 256});
  std::vector<TestInitiator::Raw> r;
  std::vector<uint64_t> busy;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    std::vector<uint8_t> buf(2048);
    const std::pair<uint64_t, unsigned> accesses[] = {{0x40, 64}, {0, 1024}, {0, 1280}, {0x80, 256}};
    for (const auto& [address, bytes] : accesses) {
      t.wait_until_ps(now_ps() + 1'000'000);
      r.push_back(t.raw(R, address, buf.data(), bytes));
      busy.push_back(mem.busy_ps());
    }
    t.wait_until_ps(now_ps() + 1'000'000);
    r.push_back(t.raw(W, 0, buf.data(), 1280));
  });
  cpu.socket.bind(mem.in);
  sc_core::sc_start();
  REQUIRE(r.size() == 5);
  for (const auto& x : r) CHECK(x.status == tlm::TLM_OK_RESPONSE);
  CHECK(r[0].delay.value() == wire_ps(64, 16) + 90'000);
  CHECK(r[1].delay.value() == wire_ps(256, 16) + 90'000);
  CHECK(r[2].delay.value() == wire_ps(512, 16) + 90'000);
  CHECK(r[3].delay.value() == wire_ps(128, 16) + 90'000);
  CHECK(r[4].delay.value() == r[2].delay.value());
  CHECK(busy == std::vector<uint64_t>{4'000, 4'000 + 4 * 16'000, 68'000 + 80'000, 148'000 + 16'000});
}

// HBM as the GPU has it by default (GpuConfig: 8 channels, 800 GB/s, 120 ns,
// 256 B interleave; 10 ps per byte per channel): a 64 B line costs
// 640 + 120000 ps; 2 KiB from 0 spreads over all 8 channels in lockstep,
// 256 B each: 2560 + 120000 ps; 4 KiB from 0x100 (16 granules, 2 per
// channel): 5120 + 120000 ps.
TEST_CASE("hop latency: HBM in the GPU's default configuration", "[hop_latency][memory][gpu]") {
  set_quantum_ns(1000);
  const DramConfig hbm_config = GpuConfig{}.hbm;
  REQUIRE(hbm_config.channels == 8);
  REQUIRE(hbm_config.peak_GBps == 800);
  REQUIRE(hbm_config.idle_latency_ns == 120);
  REQUIRE(hbm_config.interleave_bytes == 256);
  Dram hbm("hbm", hbm_config);
  std::vector<TestInitiator::Raw> r;
  TestInitiator gpu("gpu", [&](TestInitiator& t) {
    std::vector<uint8_t> buf(4096);
    const std::pair<uint64_t, unsigned> accesses[] = {{0x40, 64}, {0, 2048}, {0x100, 4096}};
    for (const auto& [address, bytes] : accesses) {
      t.wait_until_ps(now_ps() + 1'000'000);
      r.push_back(t.raw(W, address, buf.data(), bytes));
    }
  });
  gpu.socket.bind(hbm.in);
  sc_core::sc_start();
  REQUIRE(r.size() == 3);
  CHECK(r[0].delay.value() == 640 + 120'000);
  CHECK(r[1].delay.value() == 2'560 + 120'000);
  CHECK(r[2].delay.value() == 5'120 + 120'000);
  CHECK(hbm.busy_ps() == 640 + 8 * 2'560 + 8 * 5'120);
}

// Register bank, access latency 9 ns: reads and writes of 4- and 8-byte
// registers each add 9 ns to the delay they arrive with.
TEST_CASE("hop latency: register bank adds its access latency to reads and writes", "[hop_latency][register_bank]") {
  set_quantum_ns(1000);
  RegisterTarget regs("regs", sc_time(9, SC_NS));
  std::vector<TestInitiator::Raw> r;
  uint32_t control = 0;
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint64_t value = 0x1234;
    r.push_back(t.raw(W, 0x8, &value, 8));
    r.push_back(t.raw(R, 0x0, &control, 4));
    r.push_back(t.raw(R, 0x8, &value, 8, sc_time(5, SC_NS)));
  });
  cpu.socket.bind(regs.in);
  sc_core::sc_start();
  REQUIRE(r.size() == 3);
  for (const auto& x : r) CHECK(x.status == tlm::TLM_OK_RESPONSE);
  CHECK(r[0].delay.value() == 9'000);
  CHECK(r[1].delay.value() == 9'000);
  CHECK(r[2].delay.value() == 14'000);
  CHECK(control == 0x11);
  CHECK(regs.address.value == 0x1234);
}

// The host reading 256 B of CXL memory: router 10 ns, root port 20 ns, the
// CXL link (4 request headers down, 4 data responses back, 30 ns each way),
// controller 40 ns, device DRAM (4 channels of 16 GB/s, 90 ns; 256 B is one
// granule on one channel: 16000 ps). The sum, exact:
// 10000 + 20000 + 2125 + 30000 + 40000 + 16000 + 90000 + 19125 + 30000.
TEST_CASE("hop latency: a host read of CXL memory is the sum of its hops", "[hop_latency][cxl][path]") {
  set_quantum_ns(1000);
  AddressRouter bus("bus", sc_time(10, SC_NS));
  CxlRootPort rp("rp", {kHdm, kBar}, sc_time(20, SC_NS));
  SerialLink link("link", std::make_unique<CxlFlitFormat>(cxl16()), sc_time(30, SC_NS));
  CxlDeviceController ctrl("ctrl", kBar, 1 * GiB, sc_time(40, SC_NS), false);
  Dram mem("mem", DramConfig{1 * GiB, 4, 64, 90, 256});
  ProbeTarget host_side("host_side");
  TestInitiator::Raw read{}, write{};
  TestInitiator cpu("cpu", [&](TestInitiator& t) {
    uint8_t buf[256] = {};
    read = t.raw(R, kHdmBase + 0x400, buf, 256);
    t.wait_until_ps(1'000'000);
    write = t.raw(W, kHdmBase + 0x400, buf, 256);
  });
  cpu.socket.bind(bus.in);
  bus.out.bind(rp.host_in);
  bus.add_window({"cxl", kHdmBase, kHdmSize, 0, false});
  rp.link_out.bind(link.down_in);
  link.down_out.bind(ctrl.link_in);
  ctrl.link_out.bind(link.up_in);
  link.up_out.bind(rp.link_in);
  rp.host_out.bind(host_side.in);
  ctrl.mem_out.bind(mem.in);
  commit_hdm(ctrl);
  sc_core::sc_start();
  const uint64_t expected = 10'000 + 20'000 + 2'125 + 30'000 + 40'000 + 16'000 + 90'000 + 19'125 + 30'000;
  CHECK(read.status == tlm::TLM_OK_RESPONSE);
  CHECK(read.delay.value() == expected);
  CHECK(write.status == tlm::TLM_OK_RESPONSE);
  CHECK(write.delay.value() == expected);  // the data goes down instead of up: same sum
  CHECK(link.downstream_busy_ps() == 2'125 + 19'125);
  CHECK(link.upstream_busy_ps() == 19'125 + 2'125);
  CHECK(mem.bytes_read() == 256);
  CHECK(mem.bytes_written() == 256);
}

// The firmware's MMIO to a GPU register: root complex 50 ns, PCIe link
// (16 GB/s, 100 ns), the GPU's register bank 50 ns. A 4 B write is posted:
// 50000 + (4 + 28) x 62.5 + 100000 + 50000 = 202000 ps. A 4 B read adds the
// request TLP down and the completion back: 50000 + 1750 + 100000 + 50000 +
// 2000 + 100000 = 303750 ps.
TEST_CASE("hop latency: MMIO to a GPU register is the sum of its hops", "[hop_latency][pcie][path]") {
  set_quantum_ns(1000);
  RootComplex rc("rc", sc_time(50, SC_NS));
  SerialLink link("link", std::make_unique<PcieFormat>(pcie16()), sc_time(100, SC_NS));
  RegisterTarget bar0("bar0", sc_time(GpuConfig{}.register_latency_ns, SC_NS));
  ProbeTarget host_mem("host_mem");
  TestInitiator::Raw write{}, read{};
  uint32_t control = 0;
  TestInitiator fw("fw", [&](TestInitiator& t) {
    uint32_t value = 7;
    write = t.raw(W, 0xE0000000, &value, 4);
    t.wait_until_ps(1'000'000);
    read = t.raw(R, 0xE0000000, &control, 4);
  });
  fw.socket.bind(rc.host_in);
  rc.down_out.bind(link.down_in);
  link.down_out.bind(bar0.in);
  link.up_out.bind(rc.up_in);
  rc.host_out.bind(host_mem.in);
  rc.add_bar({"bar0", 0xE0000000, 0x1000, 0});
  TestInitiator gpu_dma("gpu_dma", [](TestInitiator&) {});
  gpu_dma.socket.bind(link.up_in);
  sc_core::sc_start();
  CHECK(write.status == tlm::TLM_OK_RESPONSE);
  CHECK(write.delay.value() == 202'000);
  CHECK(read.status == tlm::TLM_OK_RESPONSE);
  CHECK(read.delay.value() == 303'750);
  CHECK(control == 7);
}
