// NdpEngine inside a CxlExpander, driven the way firmware drives it: the
// descriptor is written into device memory through the HDM window, MSI_ADDR,
// DESC_ADDR and DOORBELL are written through the register BAR
// (reg_base + cxl_bar::ndp_regs + offset), and completion is the MSI write
// that comes up the CXL link to rp.host_out.
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/common/job_descriptor.h"
#include "models/common/job_log.h"
#include "models/common/job_queue_registers.h"
#include "models/cxl/cxl_expander.h"
#include "expander_bench.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;

namespace {

const CxlHostWindows kWindows{};
const uint64_t kNdp = kWindows.reg_base + cxl_bar::ndp_regs;  // NDP job-queue registers, host view
constexpr uint64_t kMsiAddr = 0xFEE00008;                    // where the MSI goes (any host address)
constexpr uint64_t kDesc = 0x1000;                           // descriptor, device physical

struct NdpRun {
  bool host_ok = false;
  uint64_t doorbell_ps = 0;
  std::vector<WriteRecorder::Write> msis;
  uint32_t status_during = 0, status_after = 0, error = 0, completed = 0, version = 0;
};

// Elaborates an expander, submits `d` (tag, addresses as given) with DESC_ADDR
// = desc_addr, waits for the MSI, reads the registers back.
NdpRun run_job(const CxlConfig& cfg, ComputeMode mode, const JobDescriptor& d, uint64_t desc_addr = kDesc,
               bool write_descriptor = true) {
  set_quantum_ns(1000);
  auto cxl_model = host_expander("cxl", cfg, kWindows, mode, 4096);
  CxlExpander& cxl = *cxl_model;
  WriteRecorder up("up");
  NdpRun out;
  TestInitiator fw("fw", [&](TestInitiator& t) {
    uint8_t raw[JobDescriptor::kBytes];
    d.encode(raw);
    out.version = t.read_reg<uint32_t>(kNdp + job_regs::version);
    out.host_ok = (!write_descriptor || t.write(kWindows.hdm_base + desc_addr, raw, sizeof(raw))) &&
                  t.write_reg<uint64_t>(kNdp + job_regs::msi_addr, kMsiAddr) &&
                  t.write_reg<uint64_t>(kNdp + job_regs::desc_addr, desc_addr) &&
                  t.write_reg<uint32_t>(kNdp + job_regs::doorbell, 1);
    t.sync();
    out.doorbell_ps = now_ps();
    t.wait_until_ps(out.doorbell_ps + ps_from_ns(50'000));  // 50 us into the job
    out.status_during = t.read_reg<uint32_t>(kNdp + job_regs::status);
    t.sync();
    up.wait_for(1);
    t.wait_until_ps(now_ps() + ps_from_ns(1000));
    out.status_after = t.read_reg<uint32_t>(kNdp + job_regs::status);
    out.error = t.read_reg<uint32_t>(kNdp + job_regs::error);
    out.completed = t.read_reg<uint32_t>(kNdp + job_regs::completed);
  });
  fw.socket.bind(cxl.rp->host_in);
  cxl.rp->host_out.bind(up.in);
  sc_core::sc_start();
  out.msis = up.writes;
  return out;
}

CxlConfig config(double dram_GBps = 153.6) {
  CxlConfig c;
  c.dram = DramConfig{1 * GiB, 4, dram_GBps, 100, 256};
  c.ndp.enabled = true;
  c.ndp.per_token_us = 500;
  c.ndp.internal_GBps = 100;
  c.ndp.mac_GMACps = 1000;
  return c;
}

JobDescriptor expert_job(uint32_t tag, uint32_t tokens, uint64_t weight_bytes) {
  JobDescriptor d;
  d.op = JobOp::expert_ffn;
  d.tag = tag;
  d.expert = 3;
  d.tokens = tokens;
  d.weight_addr = 256 * MiB;
  d.weight_bytes = weight_bytes;
  d.act_in_addr = 16 * MiB;
  d.act_in_bytes = 8 * KiB;
  d.act_out_addr = 32 * MiB;
  d.act_out_bytes = 8 * KiB;
  d.flops = 0;
  return d;
}

double job_ps(const NdpRun& r) { return double(r.msis.at(0).time_ps - r.doorbell_ps); }

void check_completed_ok(const NdpRun& r, uint32_t tag) {
  REQUIRE(r.host_ok);
  CHECK(r.version == NdpEngine::kVersion);
  REQUIRE(r.msis.size() == 1);
  CHECK(r.msis[0].address == kMsiAddr);
  CHECK(r.msis[0].bytes.size() == 4);
  CHECK(r.msis[0].word() == tag);
  CHECK((r.status_during & 1u) == 1u);  // busy 50 us into the job
  CHECK(r.status_after == 0);           // idle, no error, nothing queued
  CHECK(r.error == 0);
  CHECK(r.completed == 1);
}

}  // namespace

// per_token mode (the paper's model): 4 tokens x 500 us = 2 ms, tolerance 5 %.
// The engine read descriptor and activations and wrote the outputs through its
// own port; per_token jobs stream no weights.
TEST_CASE("ndp: per_token expert job takes tokens x per_token_us", "[ndp]") {
  const JobDescriptor d = expert_job(0x77, 4, 16 * MiB);
  const NdpRun r = run_job(config(), ComputeMode::per_token, d);
  check_completed_ok(r, 0x77);
  CHECK(job_ps(r) == Approx(4 * 500e6).epsilon(0.05));
  CHECK(route("cxl.ndp->cxl.mem").bytes == JobDescriptor::kBytes + d.act_in_bytes + d.act_out_bytes);
  REQUIRE(Telemetry::standalone().jobs.records().size() == 1);
  CHECK(Telemetry::standalone().jobs.records()[0].device == "ndp");
  CHECK(Telemetry::standalone().jobs.records()[0].ok);
}

// Memory-bound (engine port), roofline with no FLOPs: 256 MiB (+ 16 KiB of
// activations) at min(100, 153.6) = 100 GB/s = 2.68 ms; tolerance 5 %.
TEST_CASE("ndp: memory-bound expert job is limited by the engine's port", "[ndp]") {
  const JobDescriptor d = expert_job(0x78, 1, 256 * MiB);
  const NdpRun r = run_job(config(), ComputeMode::roofline, d);
  check_completed_ok(r, 0x78);
  const double bytes = double(d.weight_bytes + d.act_in_bytes + d.act_out_bytes);
  CHECK(job_ps(r) == Approx(transfer_ps(bytes, 100)).epsilon(0.05));
}

// Memory-bound (device DRAM): DRAM peak 50 GB/s below the 100 GB/s port:
// 128 MiB / 50 GB/s = 2.68 ms (roofline, no FLOPs); tolerance 5 %.
TEST_CASE("ndp: memory-bound expert job is limited by device DRAM", "[ndp]") {
  const JobDescriptor d = expert_job(0x79, 1, 128 * MiB);
  const NdpRun r = run_job(config(50), ComputeMode::roofline, d);
  check_completed_ok(r, 0x79);
  const double bytes = double(d.weight_bytes + d.act_in_bytes + d.act_out_bytes);
  CHECK(job_ps(r) == Approx(transfer_ps(bytes, 50)).epsilon(0.05));
}

// Roofline mode: compute = flops / (2 x mac_GMACps x 1e9) = 4e9 / 2e12 = 2 ms,
// weights 16 MiB at 100 GB/s = 0.17 ms: job time 2 ms, tolerance 5 %.
TEST_CASE("ndp: roofline compute time from the MAC rate", "[ndp]") {
  JobDescriptor d = expert_job(0x7A, 1, 16 * MiB);
  d.flops = 4'000'000'000ull;
  const NdpRun r = run_job(config(), ComputeMode::roofline, d);
  check_completed_ok(r, 0x7A);
  CHECK(job_ps(r) == Approx(2e9).epsilon(0.05));
}

// A descriptor whose weights lie outside device memory: the job fails with
// ERROR = bad_descriptor (2) and STATUS bit1 set, COMPLETED still counts it,
// and the MSI still comes with the job's tag so firmware is not left waiting.
TEST_CASE("ndp: descriptor outside device memory sets bad_descriptor and still raises the MSI", "[ndp]") {
  JobDescriptor d = expert_job(0x99, 1, 16 * MiB);
  d.weight_addr = 2 * GiB;  // device has 1 GiB
  const NdpRun r = run_job(config(), ComputeMode::per_token, d);
  REQUIRE(r.host_ok);
  REQUIRE(r.msis.size() == 1);
  CHECK(r.msis[0].address == kMsiAddr);
  CHECK(r.msis[0].word() == (0x99 | job_regs::msi_failed_bit));
  CHECK(r.error == uint32_t(JobError::bad_descriptor));
  CHECK((r.status_after & 2u) == 2u);
  CHECK((r.status_after & 1u) == 0u);
  CHECK(r.completed == 1);
  CHECK(job_ps(r) < 10e6);  // fails fast: no weight streaming (< 10 us)
  CHECK(route("cxl.ndp->cxl.mem").bytes == JobDescriptor::kBytes);
  REQUIRE(Telemetry::standalone().jobs.records().size() == 1);
  CHECK_FALSE(Telemetry::standalone().jobs.records()[0].ok);
}

// DESC_ADDR itself outside device memory: the descriptor read fails; the job
// is reported bad_descriptor and the MSI carries tag 0 with the failed bit (documented behaviour
// of serve_next_job: the tag is unknown).
TEST_CASE("ndp: unreadable descriptor gives bad_descriptor and an MSI with tag 0 and the failed bit", "[ndp]") {
  const JobDescriptor d = expert_job(0x55, 1, 16 * MiB);
  const NdpRun r = run_job(config(), ComputeMode::per_token, d, 2 * GiB, false);
  REQUIRE(r.host_ok);
  REQUIRE(r.msis.size() == 1);
  CHECK(r.msis[0].word() == job_regs::msi_failed_bit);
  CHECK(r.error == uint32_t(JobError::bad_descriptor));
  CHECK((r.status_after & 2u) == 2u);
  CHECK(r.completed == 1);
}

// Bytes that are not a descriptor (bad magic, here never-written zeros) at
// DESC_ADDR: bad_descriptor, MSI with tag 0.
TEST_CASE("ndp: descriptor with a bad magic gives bad_descriptor", "[ndp]") {
  const JobDescriptor d = expert_job(0x56, 1, 16 * MiB);
  const NdpRun r = run_job(config(), ComputeMode::per_token, d, 0x8000, false);
  REQUIRE(r.host_ok);
  REQUIRE(r.msis.size() == 1);
  CHECK(r.msis[0].word() == job_regs::msi_failed_bit);
  CHECK(r.error == uint32_t(JobError::bad_descriptor));
  CHECK(r.completed == 1);
}
