// Gpu behind a PCIe link in a small host: firmware (the test) writes
// descriptors into host DDR and rings BAR0; the GPU's DMA reads descriptors
// and weights from DDR over PCIe, copies activations, and raises MSIs.
//
//   fw ----\                      /--> ddr  [0, 4 GiB)
//   rc.up --+--> bus (10 ns) ----+--> rc.host_in --> pcie --> gpu.mmio  (BAR0 at kBar)
//                                 \--> irq  (MSI window at kMsi)
//   gpu.dma --> pcie (up) --> rc.up_in --> rc.host_out --> bus
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <vector>

#include "models/common/job_descriptor.h"
#include "models/common/job_log.h"
#include "models/common/job_queue_registers.h"
#include "models/common/serial_link.h"
#include "models/gpu/gpu.h"
#include "models/common/resident_experts.h"
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

constexpr uint64_t kBar = 0x100000000ull;  // GPU BAR0, host physical
constexpr uint64_t kMsi = 0x100100000ull;  // MSI window, host physical
constexpr uint64_t kSlot = 64 * MiB;       // expert slot size
const double kPcieWire = 16.0 * 16 * 128 / 130 / 8;  // Gen4 x16, GB/s
constexpr double kTlpOverhead = 1 + 28.0 / 256;       // per-TLP bytes at MPS 256

GpuConfig gpu_config() {
  GpuConfig g;
  g.hbm = DramConfig{4 * GiB, 8, 800, 120, 256};
  g.hbm_reserved_bytes = 1 * GiB;
  g.per_token_us = 5;
  g.dma_bytes_in_flight = 64 * 4096;
  return g;
}

// The small host of the file comment. The test body runs in `fw`.
struct GpuHost {
  AddressRouter bus{"bus", sc_time(10, SC_NS)};
  Dram ddr{"ddr", DramConfig{4 * GiB, 8, 307.2, 90, 256}};
  RootComplex rc{"rc", sc_time(50, SC_NS)};
  SerialLink pcie{"pcie", std::make_unique<PcieFormat>(PcieLinkConfig{}), sc_time(100, SC_NS)};
  Gpu gpu;
  WriteRecorder irq{"irq"};
  TestInitiator fw;

  GpuHost(const GpuConfig& g, ComputeMode mode, TestInitiator::Body body)
      : gpu("gpu", g, mode, 4096, kSlot), fw("fw", std::move(body), 4096, 64) {
    set_quantum_ns(1000);
    fw.socket.bind(bus.in);
    rc.host_out.bind(bus.in);
    bus.out.bind(ddr.in);
    bus.add_window({"ddr", 0, 4 * GiB, 0, true});
    bus.out.bind(rc.host_in);
    bus.add_window({"gpu.bar0", kBar, 0x10000, 1, false});
    bus.out.bind(irq.in);
    bus.add_window({"irq", kMsi, 0x1000, 2, true});
    rc.down_out.bind(pcie.down_in);
    pcie.down_out.bind(gpu.mmio);
    gpu.dma.bind(pcie.up_in);
    pcie.up_out.bind(rc.up_in);
    rc.add_bar({"gpu.bar0", kBar, 0x10000, 0});
  }
};

// Firmware steps, run inside the test body.
bool program_msi(TestInitiator& t) { return t.write_reg<uint64_t>(kBar + job_regs::msi_addr, kMsi); }

bool submit(TestInitiator& t, uint64_t desc_addr, const JobDescriptor& d) {
  uint8_t raw[JobDescriptor::kBytes];
  d.encode(raw);
  return t.write(desc_addr, raw, sizeof(raw)) && t.write_reg<uint64_t>(kBar + job_regs::desc_addr, desc_addr) &&
         t.write_reg<uint32_t>(kBar + job_regs::doorbell, 1);
}

JobDescriptor expert_job(uint32_t tag, uint32_t expert, uint32_t tokens, uint64_t weight_bytes) {
  JobDescriptor d;
  d.op = JobOp::expert_ffn;
  d.tag = tag;
  d.expert = expert;
  d.tokens = tokens;
  d.weight_addr = 1 * GiB;  // host DDR
  d.weight_bytes = weight_bytes;
  d.act_in_addr = 0;        // HBM workspace
  d.act_in_bytes = uint64_t(tokens) * 2048;
  d.act_out_addr = 64 * MiB;
  d.act_out_bytes = uint64_t(tokens) * 2048;
  return d;
}

std::vector<JobRecord> records_of(const std::string& device) {
  std::vector<JobRecord> out;
  for (const auto& r : Telemetry::standalone().jobs.records())
    if (r.device == device) out.push_back(r);
  return out;
}

}  // namespace

// Job 1 (expert 5, no tokens) makes the fetch engine copy 64 MiB of weights
// from host DDR into an HBM slot over the DMA path; the path's bottleneck is
// PCIe completions: T_fetch = 64 MiB x (1 + 28/256) / 31.5 GB/s (2 %).
// Job 2 for the same expert hits ResidentExperts: no second fetch, and its
// compute (weights in HBM at 800 GB/s, 84 us) is compute-bound:
// 200 tokens x 5 us = 1 ms (1 %). MSIs carry tags 1 and 2 in order.
TEST_CASE("gpu: weight fetch over DMA, resident hit, per-token compute", "[gpu]") {
  uint64_t t_doorbells = 0;
  bool ok = false;
  std::unique_ptr<GpuHost> host;
  host = std::make_unique<GpuHost>(gpu_config(), ComputeMode::per_token, [&](TestInitiator& t) {
    ok = program_msi(t) && submit(t, 0x1000, expert_job(1, 5, 0, 64 * MiB)) &&
         submit(t, 0x1080, expert_job(2, 5, 200, 64 * MiB));
    t.sync();
    t_doorbells = now_ps();
  });
  sc_core::sc_start();
  REQUIRE(ok);
  const GpuHost& h = *host;
  CHECK(h.gpu.resident().slots() == (4 * GiB - 1 * GiB) / kSlot);
  CHECK(h.gpu.resident().misses() == 1);
  CHECK(h.gpu.resident().hits() == 1);

  const auto fetches = records_of("gpu.fetch");
  REQUIRE(fetches.size() == 1);
  CHECK(fetches[0].ok);
  const double fetch_ps = transfer_ps(64.0 * MiB * kTlpOverhead, kPcieWire);
  CHECK(double(fetches[0].end_ps - fetches[0].start_ps) == Approx(fetch_ps).epsilon(0.02));

  const auto jobs = records_of("gpu");
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].job.tag == 1);
  CHECK(jobs[1].job.tag == 2);
  CHECK(jobs[0].ok);
  CHECK(jobs[1].ok);
  CHECK(double(jobs[1].end_ps - jobs[1].start_ps) == Approx(200 * 5e6).epsilon(0.01));

  REQUIRE(h.irq.writes.size() == 2);
  CHECK(h.irq.writes[0].address == 0);
  CHECK(h.irq.writes[0].word() == 1);
  CHECK(h.irq.writes[1].word() == 2);
  CHECK(h.irq.writes[1].time_ps > t_doorbells + uint64_t(fetch_ps + 200 * 5e6 * 0.99));
  // DMA reads from DDR: two descriptors and one copy of the weights, nothing more.
  CHECK(route("gpu.dma->ddr").bytes == 2 * JobDescriptor::kBytes + 64 * MiB);
  CHECK(h.pcie.downstream_bytes() >= 64 * MiB);
}

// HBM capacity bounds the expert slots: (capacity - reserved) / slot_bytes,
// and 0 when the reserved workspace leaves no room. (No simulation needed.)
TEST_CASE("gpu: HBM capacity bounds the expert slots", "[gpu]") {
  GpuConfig a = gpu_config();
  Gpu g1("g1", a, ComputeMode::per_token, 4096, 64 * MiB);
  CHECK(g1.resident().slots() == 48);
  Gpu g2("g2", a, ComputeMode::per_token, 4096, 1000 * MiB);
  CHECK(g2.resident().slots() == 3);
  CHECK(g2.slot_address(2) == 1 * GiB + 2 * 1000 * MiB);
  GpuConfig full = a;
  full.hbm_reserved_bytes = 4 * GiB;
  Gpu g3("g3", full, ComputeMode::per_token, 4096, 64 * MiB);
  CHECK(g3.resident().slots() == 0);
  GpuConfig over = a;
  over.hbm_reserved_bytes = 8 * GiB;
  Gpu g4("g4", over, ComputeMode::per_token, 4096, 64 * MiB);
  CHECK(g4.resident().slots() == 0);
}

// ResidentExperts: misses claim free slots, hits reuse them, pinned slots are
// never evicted (acquire fails while all are pinned), the least recently used
// unpinned slot is evicted, invalidate frees a slot.
TEST_CASE("gpu: resident experts LRU with pinning", "[gpu][resident]") {
  ResidentExperts r(2);
  auto a = r.acquire(10);
  auto b = r.acquire(20);
  REQUIRE(a);
  REQUIRE(b);
  CHECK_FALSE(a->hit);
  CHECK(a->index != b->index);
  CHECK_FALSE(r.acquire(30).has_value());  // both pinned
  r.release(10);
  r.release(20);
  auto a2 = r.acquire(10);                 // hit, and 10 becomes most recent
  REQUIRE(a2);
  CHECK(a2->hit);
  CHECK(a2->index == a->index);
  r.release(10);
  auto c = r.acquire(30);                  // evicts 20 (LRU)
  REQUIRE(c);
  CHECK_FALSE(c->hit);
  CHECK(c->index == b->index);
  CHECK(r.evictions() == 1);
  r.release(30);
  r.invalidate(10);
  auto d = r.acquire(40);                  // takes 10's freed slot without eviction
  REQUIRE(d);
  CHECK(d->index == a->index);
  CHECK(r.evictions() == 1);
  CHECK(r.hits() == 1);
  CHECK(r.misses() == 4);
}

// Copy jobs with the functional flag move real bytes: host DDR -> HBM, then
// HBM -> another host address; the bytes read back identical (and are in HBM).
// A timing-only 32 MiB copy to host is bounded by PCIe posted writes:
// T = 32 MiB x (1 + 28/256) / 31.5 GB/s (2 %).
TEST_CASE("gpu: functional copy jobs move bytes to HBM and back to host", "[gpu][copy]") {
  const uint64_t L = 1 * MiB + 123;
  const std::vector<uint8_t> data = pattern(L, 9);
  std::vector<uint8_t> back(L);
  bool ok = false, ok_read = false;
  std::unique_ptr<GpuHost> host;
  host = std::make_unique<GpuHost>(gpu_config(), ComputeMode::per_token, [&](TestInitiator& t) {
    std::vector<uint8_t> src = data;
    JobDescriptor in;
    in.op = JobOp::copy;
    in.flags = job_flags::functional;
    in.tag = 11;
    in.act_in_addr = 0x10000000;  // host
    in.act_in_bytes = L;
    in.act_out_addr = 0x100000;   // HBM
    JobDescriptor out = in;
    out.flags = job_flags::functional | job_flags::to_host;
    out.tag = 12;
    out.act_in_addr = 0x100000;
    out.act_out_addr = 0x20000000;
    JobDescriptor big;
    big.op = JobOp::copy;
    big.flags = job_flags::to_host;
    big.tag = 13;
    big.act_in_addr = 512 * MiB;
    big.act_in_bytes = 32 * MiB;
    big.act_out_addr = 0x40000000;
    ok = program_msi(t) && t.stream(tlm::TLM_WRITE_COMMAND, 0x10000000, L, src.data()) &&
         submit(t, 0x1000, in) && submit(t, 0x1080, out) && submit(t, 0x1100, big);
    t.sync();
    host->irq.wait_for(3);
    ok_read = t.stream(tlm::TLM_READ_COMMAND, 0x20000000, L, back.data());
  });
  sc_core::sc_start();
  REQUIRE(ok);
  REQUIRE(ok_read);
  REQUIRE(host->irq.writes.size() == 3);
  CHECK(host->irq.writes[0].word() == 11);
  CHECK(host->irq.writes[1].word() == 12);
  CHECK(host->irq.writes[2].word() == 13);
  CHECK(back == data);
  std::vector<uint8_t> in_hbm(L);
  host->gpu.hbm.store().read(0x100000, in_hbm.data(), L);
  CHECK(in_hbm == data);
  const auto copies = records_of("gpu.copy");
  REQUIRE(copies.size() == 3);
  for (const auto& c : copies) CHECK(c.ok);
  CHECK(double(copies[2].end_ps - copies[2].start_ps) ==
        Approx(transfer_ps(32.0 * MiB * kTlpOverhead, kPcieWire)).epsilon(0.02));
}

// A job whose weights do not fit an HBM slot fails with ERROR = capacity (4),
// STATUS bit1, and still raises its MSI with its tag.
TEST_CASE("gpu: weights larger than a slot fail with a capacity error", "[gpu]") {
  uint32_t error = 0, status = 0, completed = 0;
  std::unique_ptr<GpuHost> host;
  host = std::make_unique<GpuHost>(gpu_config(), ComputeMode::per_token, [&](TestInitiator& t) {
    program_msi(t);
    submit(t, 0x1000, expert_job(21, 1, 10, 2 * kSlot));
    t.sync();
    host->irq.wait_for(1);
    error = t.read_reg<uint32_t>(kBar + job_regs::error);
    status = t.read_reg<uint32_t>(kBar + job_regs::status);
    completed = t.read_reg<uint32_t>(kBar + job_regs::completed);
  });
  sc_core::sc_start();
  REQUIRE(host->irq.writes.size() == 1);
  CHECK(host->irq.writes[0].word() == (21 | job_regs::msi_failed_bit));
  CHECK(error == uint32_t(JobError::capacity));
  CHECK((status & 2u) == 2u);
  CHECK(completed == 1);
  CHECK(records_of("gpu.fetch").empty());
}

// A descriptor that is not one (bad magic) is reported as bad_descriptor and
// answered with an MSI carrying tag 0.
TEST_CASE("gpu: bad descriptor is reported and answered", "[gpu]") {
  uint32_t error = 0;
  std::unique_ptr<GpuHost> host;
  host = std::make_unique<GpuHost>(gpu_config(), ComputeMode::per_token, [&](TestInitiator& t) {
    program_msi(t);
    t.write_reg<uint64_t>(kBar + job_regs::desc_addr, 0x7000);  // never written: zeros
    t.write_reg<uint32_t>(kBar + job_regs::doorbell, 1);
    t.sync();
    host->irq.wait_for(1);
    error = t.read_reg<uint32_t>(kBar + job_regs::error);
  });
  sc_core::sc_start();
  REQUIRE(host->irq.writes.size() == 1);
  CHECK(host->irq.writes[0].word() == job_regs::msi_failed_bit);
  CHECK(error == uint32_t(JobError::bad_descriptor));
}

// STATUS bit0 ("busy", job_queue_registers.h) is set while a job runs and
// clear once its MSI has been sent. (Regression: the first Gpu model never set it.)
TEST_CASE("gpu: STATUS busy bit is set while a job runs", "[gpu]") {
  uint32_t during = 0, after = 1;
  std::unique_ptr<GpuHost> host;
  host = std::make_unique<GpuHost>(gpu_config(), ComputeMode::per_token, [&](TestInitiator& t) {
    program_msi(t);
    submit(t, 0x1000, expert_job(31, 2, 100, 16 * MiB));  // ~0.6 ms fetch + 0.5 ms compute
    t.wait_until_ps(now_ps() + ps_from_ns(300'000));
    during = t.read_reg<uint32_t>(kBar + job_regs::status);
    t.sync();
    host->irq.wait_for(1);
    after = t.read_reg<uint32_t>(kBar + job_regs::status);
  });
  sc_core::sc_start();
  REQUIRE(host->irq.writes.size() == 1);
  CHECK((during & 1u) == 1u);
  CHECK((after & 1u) == 0u);
}
