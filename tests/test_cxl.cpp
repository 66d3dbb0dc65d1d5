// CXL: flit format costs, the HDM decoder, the whole CxlExpander seen from the
// host (bandwidth, errors, functional data), and the full host path
// PCIe device -> root complex -> host router -> CXL root port -> link -> DRAM.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <stdexcept>
#include <vector>

#include "models/common/job_descriptor.h"
#include "models/common/job_log.h"
#include "models/common/job_queue_registers.h"
#include "models/common/serial_link.h"
#include "models/cxl/cxl_expander.h"
#include "models/cxl/cxl_flit_format.h"
#include "models/cxl/hdm_decoder.h"
#include "models/interconnect/address_router.h"
#include "models/pcie/pcie_format.h"
#include "models/pcie/root_complex.h"
#include "platform/platform.h"
#include "expander_bench.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

const double kGen5x16_128b130b = 32.0 * 16 * 128 / 130 / 8;  // 68 B flits ride on 128b/130b
constexpr double kSlotWire68 = 16.0 * 68 / 64;               // 17 B of wire per 16 B slot

// Host view used by the expander tests: 1 GiB of device DRAM at 4 GiB, the
// register BAR at 0xF000_0000.
CxlHostWindows host_windows() { return {}; }

CxlConfig expander_config(bool ndp) {
  CxlConfig c;                                  // Gen5 x16, 68 B flits, 0.5 header slots, 30 ns link
  c.dram = DramConfig{1 * GiB, 4, 153.6, 100, 256};
  c.ndp.enabled = ndp;
  return c;
}

}  // namespace

// 68 B flits: 4 slots of 16 B in 68 B on a 128b/130b PHY. A 64 B line read is
// 0.5 header slots down and 0.5 + 4 slots back, so read efficiency =
// 64 / ((4 + 0.5) x 16 x 68/64) = 64 / 76.5. Writes are the mirror image.
// 256 B flits: 15 slots in 256 B; up to 32 GT/s they also ride on 128b/130b,
// at 64 GT/s (generation 6) there is no line code and only 256 B flits exist.
TEST_CASE("cxl flit format: 68 B and 256 B flit costs and efficiency", "[cxl]") {
  const CxlFlitFormat f68(CxlLinkConfig{});
  CHECK(f68.wire_GBps() == Approx(kGen5x16_128b130b).epsilon(1e-12));
  CHECK(f68.read_efficiency() == Approx(64.0 / ((4 + 0.5) * 16 * 68.0 / 64)).epsilon(1e-12));
  WireCost c = f68.cost(true, 64);
  CHECK(c.request_bytes == Approx(0.5 * kSlotWire68));
  CHECK(c.response_bytes == Approx(4.5 * kSlotWire68));
  c = f68.cost(false, 64);
  CHECK(c.request_bytes == Approx(4.5 * kSlotWire68));
  CHECK(c.response_bytes == Approx(0.5 * kSlotWire68));
  c = f68.cost(true, 4096);  // 64 lines
  CHECK(c.request_bytes == Approx(64 * 0.5 * kSlotWire68));
  CHECK(c.response_bytes == Approx(64 * 4.5 * kSlotWire68));
  c = f68.cost(false, 4);    // a register write still moves one line's worth of slots
  CHECK(c.request_bytes == Approx(4.5 * kSlotWire68));
  c = f68.cost(true, 65);    // two lines
  CHECK(c.response_bytes == Approx(2 * 4.5 * kSlotWire68));

  CxlLinkConfig l256;
  l256.flit_bytes = 256;
  const CxlFlitFormat f256(l256);
  CHECK(f256.wire_GBps() == Approx(kGen5x16_128b130b).epsilon(1e-12));
  CHECK(f256.read_efficiency() == Approx(64.0 / (4.5 * 256.0 / 15)).epsilon(1e-12));
  CHECK(f256.cost(true, 64).response_bytes == Approx(4.5 * 256.0 / 15));

  CxlLinkConfig g6 = l256;
  g6.generation = 6;
  CHECK(CxlFlitFormat(g6).wire_GBps() == Approx(64.0 * 16 / 8).epsilon(1e-12));
  g6.flit_bytes = 68;
  CHECK_THROWS_AS(CxlFlitFormat(g6), std::invalid_argument);

  CxlLinkConfig one_header;
  one_header.header_slots_per_message = 1;
  CHECK(CxlFlitFormat(one_header).read_efficiency() == Approx(64.0 / (5 * kSlotWire68)));
  CxlLinkConfig over;
  over.bandwidth_GBps = 40;
  CHECK(CxlFlitFormat(over).wire_GBps() == 40.0);
  CxlLinkConfig bad;
  bad.flit_bytes = 128;
  CHECK_THROWS_AS(CxlFlitFormat(bad), std::invalid_argument);
}

// Host reads 64 MiB of device memory through rp.host_in (4 KiB bursts, 32 in
// flight). The link's return direction carries 4.5 slots per 64 B line, so
// the stream runs at wire_GBps x read_efficiency = 63.0 x 64/76.5 = 52.7 GB/s
// (device DRAM, 153.6 GB/s, does not limit): T = N / (wire x eff), 3 %.
TEST_CASE("cxl expander: host read stream is bounded by the link's read efficiency", "[cxl][expander]") {
  set_quantum_ns(1000);
  auto cxl_model = host_expander("cxl", expander_config(true), host_windows(), ComputeMode::per_token, 4096);
  CxlExpander& cxl = *cxl_model;  // NDP idle
  WriteRecorder up("up");
  const uint64_t N = 64 * MiB;
  bool ok = false;
  TestInitiator host("host", [&](TestInitiator& t) { ok = t.stream(tlm::TLM_READ_COMMAND, 4 * GiB, N); }, 4096, 32);
  host.socket.bind(cxl.rp->host_in);
  cxl.rp->host_out.bind(up.in);
  sc_core::sc_start();
  REQUIRE(ok);
  const CxlFlitFormat f(CxlLinkConfig{});
  const double rate_GBps = f.wire_GBps() * f.read_efficiency();
  CHECK(rate_GBps == Approx(52.7).epsilon(0.001));
  CHECK(double(host.end_ps()) == Approx(transfer_ps(double(N), rate_GBps)).epsilon(0.03));
  CHECK(cxl.link.upstream_bytes() == N);
  CHECK(cxl.mem.bytes_read() == N);
  const RouteSummary r = route("host->cxl.mem");
  CHECK(r.count == N / 4096);
  CHECK(r.bytes == N);
}

// Addresses outside the HDM range (below, above, straddling its end) and
// register-BAR offsets that hold no register are address errors; the HDM
// decoder's registers are visible through the BAR (committed at 4 GiB).
TEST_CASE("cxl expander: outside HDM is an address error, BAR shows the decoder", "[cxl][expander]") {
  set_quantum_ns(1000);
  const CxlHostWindows w = host_windows();
  auto cxl_model = host_expander("cxl", expander_config(true), w, ComputeMode::per_token, 4096);
  CxlExpander& cxl = *cxl_model;
  WriteRecorder up("up");
  std::vector<tlm::tlm_response_status> bad;
  uint32_t control = 0, ndp_version = 0;
  uint64_t base = 0, size = 0;
  tlm::tlm_response_status inside{};
  TestInitiator host("host", [&](TestInitiator& t) {
    uint8_t buf[64] = {};
    bad.push_back(t.raw(tlm::TLM_READ_COMMAND, w.hdm_base - 64, buf, 64).status);
    bad.push_back(t.raw(tlm::TLM_READ_COMMAND, w.hdm_base + w.hdm_size, buf, 64).status);
    bad.push_back(t.raw(tlm::TLM_WRITE_COMMAND, w.hdm_base + w.hdm_size - 32, buf, 64).status);
    bad.push_back(t.raw(tlm::TLM_READ_COMMAND, w.reg_base + 0x700, buf, 4).status);             // no register
    bad.push_back(t.raw(tlm::TLM_READ_COMMAND, w.reg_base + cxl_bar::size - 4, buf, 4).status);  // past NDP block
    bad.push_back(t.raw(tlm::TLM_READ_COMMAND, w.reg_base + cxl_bar::size, buf, 4).status);      // past the BAR
    inside = t.raw(tlm::TLM_READ_COMMAND, w.hdm_base + w.hdm_size - 64, buf, 64).status;
    control = t.read_reg<uint32_t>(w.reg_base + hdm_regs::control);
    base = t.read_reg<uint32_t>(w.reg_base + hdm_regs::base_low) |
           uint64_t(t.read_reg<uint32_t>(w.reg_base + hdm_regs::base_high)) << 32;
    size = t.read_reg<uint32_t>(w.reg_base + hdm_regs::size_low) |
           uint64_t(t.read_reg<uint32_t>(w.reg_base + hdm_regs::size_high)) << 32;
    ndp_version = t.read_reg<uint32_t>(w.reg_base + cxl_bar::ndp_regs + job_regs::version);
  });
  host.socket.bind(cxl.rp->host_in);
  cxl.rp->host_out.bind(up.in);
  sc_core::sc_start();
  REQUIRE(bad.size() == 6);
  for (auto s : bad) CHECK(s == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(inside == tlm::TLM_OK_RESPONSE);
  CHECK((control & (hdm_regs::committed | hdm_regs::error_not_committed)) == hdm_regs::committed);
  CHECK(base == w.hdm_base);
  CHECK(size == w.hdm_size);
  CHECK(ndp_version == NdpEngine::kVersion);
  CHECK(cxl.mem.bytes_read() == 64);
}

// An expander without an NDP engine must elaborate (its controller's NDP-side
// sockets were once left unbound: "(E109) complete binding failed"), serve
// memory, and answer its NDP register window with an address error.
TEST_CASE("cxl expander: without an NDP engine it elaborates, NDP window is an address error", "[cxl][expander][bug]") {
  set_quantum_ns(1000);
  const CxlHostWindows w = host_windows();
  auto cxl_model = host_expander("cxl", expander_config(false), w, ComputeMode::per_token, 4096);
  CxlExpander& cxl = *cxl_model;
  WriteRecorder up("up");
  tlm::tlm_response_status ndp_window{}, memory{};
  TestInitiator host("host", [&](TestInitiator& t) {
    uint8_t buf[64] = {};
    ndp_window = t.raw(tlm::TLM_READ_COMMAND, w.reg_base + cxl_bar::ndp_regs, buf, 4).status;
    memory = t.raw(tlm::TLM_READ_COMMAND, w.hdm_base, buf, 64).status;
  });
  host.socket.bind(cxl.rp->host_in);
  cxl.rp->host_out.bind(up.in);
  CHECK(cxl.ndp == nullptr);
  sc_core::sc_start();
  CHECK(ndp_window == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(memory == tlm::TLM_OK_RESPONSE);
}

// Bytes written through rp.host_in with data land in device DRAM at
// HPA - hdm_base (checked in the store and by debug transport through the
// whole chain) and read back identical.
TEST_CASE("cxl expander: functional data written by the host reads back", "[cxl][expander]") {
  set_quantum_ns(1000);
  const CxlHostWindows w = host_windows();
  auto cxl_model = host_expander("cxl", expander_config(true), w, ComputeMode::per_token, 4096);
  CxlExpander& cxl = *cxl_model;
  WriteRecorder up("up");
  const std::vector<uint8_t> data = pattern(50000, 11);
  std::vector<uint8_t> back(data.size()), dbg(data.size());
  bool ok = false;
  unsigned dbg_n = 0;
  TestInitiator host("host", [&](TestInitiator& t) {
    std::vector<uint8_t> src = data;
    ok = t.stream(tlm::TLM_WRITE_COMMAND, w.hdm_base + 0x12345, src.size(), src.data()) &&
         t.stream(tlm::TLM_READ_COMMAND, w.hdm_base + 0x12345, back.size(), back.data());
    dbg_n = t.debug(tlm::TLM_READ_COMMAND, w.hdm_base + 0x12345, dbg.data(), unsigned(dbg.size()));
  }, 4096, 8);
  host.socket.bind(cxl.rp->host_in);
  cxl.rp->host_out.bind(up.in);
  sc_core::sc_start();
  REQUIRE(ok);
  CHECK(back == data);
  CHECK(dbg_n == data.size());
  CHECK(dbg == data);
  std::vector<uint8_t> stored(data.size());
  cxl.mem.store().read(0x12345, stored.data(), stored.size());
  CHECK(stored == data);
  CHECK(cxl.link.downstream_bytes() == data.size());
  CHECK(cxl.link.upstream_bytes() == data.size());
}

// ---------------------------------------------------------------------------
// The full host path a GPU's DMA takes to CXL memory, built from the models:
//   dma -> PCIe link (up) -> root complex (up) -> host router -> CXL root port
//       -> CXL link -> device controller (HDM) -> device DRAM
// Functional bytes written by the DMA arrive identical in cxl.mem and read
// back identical. A timing-only 32 MiB write over the same path runs at the
// slower link's payload rate: PCIe Gen4 x16 writes, 31.5 / (1 + 28/256) =
// 28.4 GB/s, below CXL's write rate (63.0 x 64/76.5 = 52.7 GB/s): T = N (1 +
// 28/256) / 31.5 GB/s (2 %); a 32 MiB read is bounded by PCIe completions the
// same way (2 %).
TEST_CASE("full path: PCIe DMA -> root complex -> router -> CXL expander memory", "[cxl][path]") {
  set_quantum_ns(1000);
  const CxlHostWindows w = host_windows();
  RootComplex rc("rc", sc_time(50, SC_NS));
  SerialLink pcie("pcie", std::make_unique<PcieFormat>(PcieLinkConfig{}), sc_time(100, SC_NS));
  AddressRouter bus("bus", sc_time(10, SC_NS));
  auto cxl_model = host_expander("cxl", expander_config(true), w, ComputeMode::per_token, 4096);
  CxlExpander& cxl = *cxl_model;  // NDP idle
  ProbeTarget bar0("bar0");
  const std::vector<uint8_t> data = pattern(100000, 5);
  std::vector<uint8_t> back(data.size());
  bool ok = false, ok_w = false, ok_r = false;
  uint64_t t0 = 0, t1 = 0, t2 = 0;
  const uint64_t N = 32 * MiB;
  const std::string log_path = "/tmp/cxlvp_test_full_path_" + std::to_string(::getpid()) + ".csv";
  Telemetry::standalone().transactions.open_log(log_path);
  TestInitiator dma("dma", [&](TestInitiator& t) {
    std::vector<uint8_t> src = data;
    ok = t.stream(tlm::TLM_WRITE_COMMAND, w.hdm_base + 0x1000, src.size(), src.data()) &&
         t.stream(tlm::TLM_READ_COMMAND, w.hdm_base + 0x1000, back.size(), back.data());
    Telemetry::standalone().transactions.close_log();  // log only the functional transfers
    t.sync();
    t0 = now_ps();
    ok_w = t.stream(tlm::TLM_WRITE_COMMAND, w.hdm_base + 256 * MiB, N);
    t.sync();
    t1 = now_ps();
    ok_r = t.stream(tlm::TLM_READ_COMMAND, w.hdm_base + 256 * MiB, N);
    t.sync();
    t2 = now_ps();
  }, 4096, 64);
  TestInitiator idle("host_cpu", [](TestInitiator&) {});
  dma.socket.bind(pcie.up_in);
  pcie.up_out.bind(rc.up_in);
  rc.host_out.bind(bus.in);
  cxl.rp->host_out.bind(bus.in);
  idle.socket.bind(rc.host_in);
  rc.down_out.bind(pcie.down_in);
  pcie.down_out.bind(bar0.in);
  rc.add_bar({"bar0", 0xE0000000, 0x10000, 0});
  bus.out.bind(cxl.rp->host_in);
  bus.add_window({"cxl.hdm", w.hdm_base, w.hdm_size, 0, false});
  bus.add_window({"cxl.bar", w.reg_base, w.reg_size, 0, false});
  sc_core::sc_start();
  REQUIRE(ok);
  REQUIRE(ok_w);
  REQUIRE(ok_r);
  CHECK(back == data);
  std::vector<uint8_t> stored(data.size());
  cxl.mem.store().read(0x1000, stored.data(), stored.size());
  CHECK(stored == data);
  const RouteSummary r = route("dma->cxl.mem");
  CHECK(r.bytes == 2 * data.size() + 2 * N);
  const double pcie_wire = 16.0 * 16 * 128 / 130 / 8;
  const double expected_ps = transfer_ps(double(N) * (1 + 28.0 / 256), pcie_wire);
  CHECK(double(t1 - t0) == Approx(expected_ps).epsilon(0.02));
  CHECK(double(t2 - t1) == Approx(expected_ps).epsilon(0.02));
  CHECK(pcie.upstream_bytes() == data.size() + N);    // DMA writes go up
  CHECK(pcie.downstream_bytes() == data.size() + N);  // read completions come down

  // Every model on the way stamped its hop, in path order, at non-decreasing times.
  std::ifstream log(log_path);
  std::string header, first;
  std::getline(log, header);
  std::getline(log, first);
  std::remove(log_path.c_str());
  CHECK(header == "start_ns,route,cmd,address,bytes,latency_ns,hops");
  INFO(first);
  const auto hops_at = first.rfind(',');
  REQUIRE(hops_at != std::string::npos);
  CHECK(first.find(",dma->cxl.mem,W,") != std::string::npos);
  std::vector<std::string> names;
  std::vector<double> times;
  std::stringstream hops(first.substr(hops_at + 1));
  for (std::string hop; std::getline(hops, hop, ';');) {
    const auto at = hop.find('@');
    REQUIRE(at != std::string::npos);
    names.push_back(hop.substr(0, at));
    times.push_back(std::stod(hop.substr(at + 1)));
  }
  CHECK(names == std::vector<std::string>{"dma", "pcie", "rc", "bus", "cxl.rp", "cxl.link", "cxl.ctrl", "cxl.mem"});
  CHECK(std::is_sorted(times.begin(), times.end()));
}

// ---------------------------------------------------------------------------
// The whole Platform (platform/platform.h) with weights in CXL memory and the
// static hot/warm/cold placement: every lane reaches CXL memory over its own
// path, and every byte on those routes is accounted for by the jobs the
// devices logged:
//   gpu.dma -> cxl.mem : weight fetches + activation copies to/from CXL staging
//   cpu     -> cxl.mem : the CPU jobs' weights (their activations stage in DDR)
//   cxl.ndp -> cxl.mem : descriptor + activations + weights of each NDP job
//   fw      -> cxl.mem : the NDP jobs' descriptors (written by the firmware)
namespace {
Scenario small_scenario() {
  Scenario s;
  s.name = "unit";
  s.model.experts = 16;
  s.model.layers = 1;
  s.workload.tokens_per_batch = 128;
  s.workload.batches = 1;
  s.workload.top_k = 1;
  s.simulation.compute = ComputeMode::roofline;  // engines stream their weights
  s.policy.name = "static_tiers";
  s.policy.hot_experts = 2;
  s.policy.warm_experts = 4;
  return s;
}
}  // namespace

TEST_CASE("platform: every byte on the CXL routes is accounted for by the jobs", "[cxl][platform]") {
  const Scenario s = small_scenario();
  Platform p(s);
  REQUIRE(p.run());
  const uint64_t cxl_lo = p.memory_map().cxl_base, cxl_hi = cxl_lo + p.memory_map().cxl_size;
  const auto in_cxl = [&](uint64_t a) { return a >= cxl_lo && a < cxl_hi; };
  uint64_t gpu_bytes = 0, cpu_bytes = 0, ndp_bytes = 0, fw_bytes = 0;
  std::map<std::string, unsigned> jobs;
  for (const JobRecord& r : p.telemetry().jobs.records()) {
    INFO(r.device << " tag " << r.job.tag);
    CHECK(r.ok);
    ++jobs[r.device];
    const JobDescriptor& d = r.job;
    if (r.device == "gpu.fetch") gpu_bytes += d.weight_bytes;
    if (r.device == "gpu.copy" && in_cxl((d.flags & job_flags::to_host) ? d.act_out_addr : d.act_in_addr))
      gpu_bytes += d.act_in_bytes;
    if (r.device == "cpu") cpu_bytes += d.weight_bytes;
    if (r.device == "ndp") {
      ndp_bytes += JobDescriptor::kBytes + d.act_in_bytes + d.weight_bytes + d.act_out_bytes;
      fw_bytes += JobDescriptor::kBytes;
    }
  }
  CHECK(jobs["gpu"] > 0);
  CHECK(jobs["gpu.fetch"] == jobs["gpu"]);  // one layer, one batch: every GPU expert is a miss
  CHECK(jobs["cpu"] > 0);
  CHECK(jobs["ndp"] > 0);
  CHECK(jobs["gpu.copy"] == 2 * (jobs["cpu"] + jobs["ndp"]));  // scatter + gather per off-GPU job
  CHECK(route("gpu.dma->cxl.mem", p.telemetry()).bytes == gpu_bytes);
  CHECK(route("cpu->cxl.mem", p.telemetry()).bytes == cpu_bytes);
  CHECK(route("cxl.ndp->cxl.mem", p.telemetry()).bytes == ndp_bytes);
  CHECK(route("fw->cxl.mem", p.telemetry()).bytes == fw_bytes);
  // The CXL link carried the host's traffic: GPU and CPU reads and writes, the firmware's descriptors.
  const SerialLink& link = p.hw.expanders.front()->link;
  CHECK(link.upstream_bytes() + link.downstream_bytes() >= gpu_bytes + cpu_bytes + fw_bytes);
}

// A whole platform with platform.cxl.ndp.enabled = false (see "without an NDP
// engine it elaborates" above) runs, with the cold experts on the CPU.
TEST_CASE("platform: a CXL expander without NDP engine runs, cold experts go to the CPU", "[cxl][platform][bug]") {
  Scenario s = small_scenario();
  s.platform.cxl.ndp.enabled = false;
  Platform p(s);
  REQUIRE(p.run());
  unsigned ndp_jobs = 0, cpu_jobs = 0;
  for (const JobRecord& r : p.telemetry().jobs.records()) {
    CHECK(r.ok);
    ndp_jobs += r.device == "ndp";
    cpu_jobs += r.device == "cpu";
  }
  CHECK(ndp_jobs == 0);
  CHECK(cpu_jobs > 0);
}
