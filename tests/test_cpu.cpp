// CpuComplex: expert jobs on the host cores. Firmware (the test) writes a
// descriptor into DDR and rings the work-queue doorbell; the cores stream the
// weights through the host router from DDR (fast) or from a memory behind a
// slow serial link, and the job takes max(compute, weight streaming).
//
//   fw ---\                      /--> ddr       [0, 4 GiB)        307.2 GB/s
//   cpu.bus+--> bus (10 ns) ----+--> cpu.mmio  (work queue at kWq)
//                                +--> irq       (MSI window at kMsi)
//                                \--> link (2 GB/s PCIe-style) --> slow [8 GiB, +1 GiB)
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "models/common/job_descriptor.h"
#include "models/common/job_log.h"
#include "models/common/job_queue_registers.h"
#include "models/common/serial_link.h"
#include "models/cpu/cpu_complex.h"
#include "models/interconnect/address_router.h"
#include "models/memory/dram.h"
#include "models/pcie/pcie_format.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr uint64_t kWq = 0x100000000ull;
constexpr uint64_t kMsi = 0x100100000ull;
constexpr uint64_t kSlow = 8 * GiB;
constexpr double kSlowLinkGBps = 2.0;
constexpr double kTlpOverhead = 1 + 28.0 / 256;  // MPS 256, 26 + 2 B per TLP

struct CpuHost {
  AddressRouter bus{"bus", sc_time(10, SC_NS)};
  Dram ddr{"ddr", DramConfig{4 * GiB, 8, 307.2, 90, 256}};
  SerialLink link;
  Dram slow{"slow", DramConfig{1 * GiB, 4, 100, 90, 256}};
  CpuComplex cpu;
  WriteRecorder irq{"irq"};
  ProbeTarget unused{"unused"};
  TestInitiator idle{"idle", [](TestInitiator&) {}};
  TestInitiator fw;

  static PcieLinkConfig slow_link() {
    PcieLinkConfig c;
    c.bandwidth_GBps = kSlowLinkGBps;
    return c;
  }

  CpuHost(const CpuConfig& c, ComputeMode mode, TestInitiator::Body body)
      : link("link", std::make_unique<PcieFormat>(slow_link()), sc_time(100, SC_NS)),
        cpu("cpu", c, mode, 4096),
        fw("fw", std::move(body)) {
    set_quantum_ns(1000);
    fw.socket.bind(bus.in);
    cpu.bus.bind(bus.in);
    bus.out.bind(ddr.in);
    bus.add_window({"ddr", 0, 4 * GiB, 0, true});
    bus.out.bind(cpu.mmio);
    bus.add_window({"cpu.wq", kWq, 0x1000, 1, true});
    bus.out.bind(irq.in);
    bus.add_window({"irq", kMsi, 0x1000, 2, true});
    bus.out.bind(link.down_in);
    bus.add_window({"slow", kSlow, 1 * GiB, 3, true});
    link.down_out.bind(slow.in);
    idle.socket.bind(link.up_in);
    link.up_out.bind(unused.in);
  }
};

JobDescriptor expert_job(uint32_t tag, uint32_t tokens, uint64_t weight_addr, uint64_t weight_bytes) {
  JobDescriptor d;
  d.op = JobOp::expert_ffn;
  d.tag = tag;
  d.expert = 1;
  d.tokens = tokens;
  d.weight_addr = weight_addr;
  d.weight_bytes = weight_bytes;
  d.act_in_addr = 64 * MiB;
  d.act_in_bytes = uint64_t(tokens) * 2048;
  d.act_out_addr = 96 * MiB;
  d.act_out_bytes = uint64_t(tokens) * 2048;
  return d;
}

struct CpuRun {
  bool ok = false;
  std::vector<WriteRecorder::Write> msis;
  uint32_t error = 0, status = 0, completed = 0;
  double job_ps = 0;  // JobLog: doorbell taken -> work done
  bool job_ok = false;
};

CpuRun run_job(const CpuConfig& c, ComputeMode mode, const JobDescriptor& d) {
  CpuRun out;
  std::unique_ptr<CpuHost> host;
  host = std::make_unique<CpuHost>(c, mode, [&](TestInitiator& t) {
    uint8_t raw[JobDescriptor::kBytes];
    d.encode(raw);
    out.ok = t.write(0x2000, raw, sizeof(raw)) && t.write_reg<uint64_t>(kWq + job_regs::msi_addr, kMsi + 4) &&
             t.write_reg<uint64_t>(kWq + job_regs::desc_addr, 0x2000) &&
             t.write_reg<uint32_t>(kWq + job_regs::doorbell, 1);
    t.sync();
    host->irq.wait_for(1);
    out.error = t.read_reg<uint32_t>(kWq + job_regs::error);
    out.status = t.read_reg<uint32_t>(kWq + job_regs::status);
    out.completed = t.read_reg<uint32_t>(kWq + job_regs::completed);
  });
  sc_core::sc_start();
  out.msis = host->irq.writes;
  for (const auto& r : Telemetry::standalone().jobs.records())
    if (r.device == "cpu") {
      out.job_ps = double(r.end_ps - r.start_ps);
      out.job_ok = r.ok;
    }
  return out;
}

void check_done(const CpuRun& r, uint32_t tag) {
  REQUIRE(r.ok);
  REQUIRE(r.msis.size() == 1);
  CHECK(r.msis[0].address == 4);  // MSI_ADDR = kMsi + 4: vector 1 of the window
  CHECK(r.msis[0].word() == tag);
  CHECK(r.job_ok);
  CHECK(r.error == 0);
  CHECK(r.status == 0);
  CHECK(r.completed == 1);
}

}  // namespace

// per_token mode (the paper's model): 20 tokens x 50 us = 1 ms (2 %), and no
// weights move -- only the descriptor and the activations cross the bus.
TEST_CASE("cpu: per_token job costs tokens x per_token_us and streams no weights", "[cpu]") {
  CpuConfig c;  // 32 cores, 50 us per token
  const CpuRun r = run_job(c, ComputeMode::per_token, expert_job(7, 20, 1 * GiB, 16 * MiB));
  check_done(r, 7);
  CHECK(r.job_ps == Approx(20 * 50e6).epsilon(0.02));
  CHECK(route("cpu->ddr").bytes == JobDescriptor::kBytes + 2 * 20 * 2048);
}

// Roofline: weights (16 MiB) in DDR at 307 GB/s take 55 us; 1e10 FLOPs at
// 19.66 TFLOP/s take 509 us: compute-bound, and the weights are streamed.
TEST_CASE("cpu: roofline job with weights in fast memory is compute-bound", "[cpu]") {
  CpuConfig c;
  JobDescriptor d = expert_job(7, 20, 1 * GiB, 16 * MiB);
  d.flops = 10'000'000'000ull;
  const CpuRun r = run_job(c, ComputeMode::roofline, d);
  check_done(r, 7);
  CHECK(r.job_ps == Approx(1e10 / (32 * 2.0e9 * 1024 * 0.3) * 1e12).epsilon(0.02));
  CHECK(route("cpu->ddr").bytes == JobDescriptor::kBytes + 16 * MiB + 2 * 20 * 2048);
}

// Weights behind a 2 GB/s link (PCIe-style TLPs, MPS 256): reads come back as
// completions at 2 / (1 + 28/256) = 1.80 GB/s of payload, so 16 MiB take
// 9.3 ms against no compute (roofline, 0 FLOPs): T = 16 MiB x (1 + 28/256) / 2 GB/s (5 %).
TEST_CASE("cpu: job with weights behind a slow link is bandwidth-bound", "[cpu]") {
  CpuConfig c;
  const CpuRun r = run_job(c, ComputeMode::roofline, expert_job(8, 1, kSlow, 16 * MiB));
  check_done(r, 8);
  CHECK(r.job_ps == Approx(transfer_ps(16.0 * MiB * kTlpOverhead, kSlowLinkGBps)).epsilon(0.05));
  CHECK(route("cpu->slow").bytes == 16 * MiB);
}

// Roofline mode: compute = flops / amx_flops_per_second(), with
// amx = cores x GHz x 1e9 x flops/cycle x efficiency = 32 x 2 x 1024 x 0.3 GFLOP/s
// = 19.66 TFLOP/s; 2e10 FLOPs -> 1.017 ms, weights in DDR (55 us): 2 %.
TEST_CASE("cpu: roofline mode uses amx_flops_per_second", "[cpu]") {
  CpuConfig c;
  JobDescriptor d = expert_job(9, 1, 1 * GiB, 16 * MiB);
  d.flops = 20'000'000'000ull;
  const double amx = 32 * 2.0e9 * 1024 * 0.3;
  const CpuRun r = run_job(c, ComputeMode::roofline, d);
  check_done(r, 9);
  CHECK(r.job_ps == Approx(double(d.flops) / amx * 1e12).epsilon(0.02));
}

// amx_flops_per_second() follows the configuration.
TEST_CASE("cpu: amx_flops_per_second from the configuration", "[cpu]") {
  CpuConfig c;
  c.cores = 8;
  c.freq_GHz = 2.5;
  c.amx_flops_per_cycle = 2048;
  c.efficiency = 0.5;
  CpuComplex cpu("cpu", c, ComputeMode::roofline, 4096);
  CHECK(cpu.amx_flops_per_second() == Approx(8 * 2.5e9 * 2048 * 0.5).epsilon(1e-12));
}

// Outstanding misses bound the bandwidth (Little's law): 1 core x 64 lines =
// 4 KiB in flight, which the cores keep as 16 bursts of 256 B
// (engine_burst_bytes: at least 16 in flight), each within one DDR channel.
// Each 4 KiB of the stream then takes one access's latency: router 10 ns +
// 256 B / 38.4 GB/s = 6.67 ns + 90 ns = 106.7 ns; 16 MiB = 4096 of them ->
// 437 us (2 %), far below DDR's peak.
TEST_CASE("cpu: few outstanding misses make the weight stream latency-bound", "[cpu]") {
  CpuConfig c;
  c.cores = 1;
  c.lines_in_flight_per_core = 64;
  c.per_token_us = 1;
  const CpuRun r = run_job(c, ComputeMode::roofline, expert_job(10, 1, 1 * GiB, 16 * MiB));
  check_done(r, 10);
  const double per_burst_ps = ps_from_ns(10) + transfer_ps(256, 307.2 / 8) + ps_from_ns(90);
  const double act_ps = 2 * (ps_from_ns(10) + ps_from_ns(90) + transfer_ps(256, 307.2 / 8));  // 2 KiB in, 2 KiB out
  CHECK(r.job_ps == Approx(4096 * per_burst_ps + act_ps).epsilon(0.02));
}

// Weights at an address nothing decodes: the stream fails, ERROR = bus_error
// (3), STATUS bit1, and the MSI still carries the tag.
TEST_CASE("cpu: weights at an unmapped address fail with a bus error", "[cpu]") {
  CpuConfig c;
  const CpuRun r = run_job(c, ComputeMode::roofline, expert_job(12, 1, 64 * GiB, 16 * MiB));
  REQUIRE(r.ok);
  REQUIRE(r.msis.size() == 1);
  CHECK(r.msis[0].word() == (12 | job_regs::msi_failed_bit));
  CHECK_FALSE(r.job_ok);
  CHECK(r.error == uint32_t(JobError::bus_error));
  CHECK((r.status & 2u) == 2u);
  CHECK(r.completed == 1);
}
