// The NDP plug-in contract (docs/ndp-plugin.md), checked against both
// implementations: every case runs once with the TLM engine and once with the
// RTL engine, as two ctest tests ("ndp conformance (tlm): ..." and
// "ndp conformance (rtl): ..."), each in its own process. Results are compared
// with expert_ffn() bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>

#include "models/common/job_log.h"
#include "ndp_bench.h"

using namespace cxlvp;
using namespace cxlvp::test;

#define NDP_CONFORMANCE(name, fn)                                   \
  static void fn(NdpUnderTest impl);                                \
  TEST_CASE("ndp conformance (tlm): " name, "[ndp][conformance]") { \
    fn(NdpUnderTest::tlm);                                          \
  }                                                                 \
  TEST_CASE("ndp conformance (rtl): " name, "[ndp][conformance]") { \
    fn(NdpUnderTest::rtl);                                          \
  }                                                                 \
  static void fn(NdpUnderTest impl)

namespace {

struct Outcome {
  std::vector<WriteRecorder::Write> msis;
  std::vector<std::vector<int8_t>> outputs;  // per job, read back from device memory
  uint32_t status = 0, error = 0, completed = 0;
  bool finished = false;
};

// Loads `jobs` (slot i = job i), rings them back to back, waits for
// `msis_expected` MSIs, reads every job's outputs and the registers.
Outcome run_jobs(NdpUnderTest impl, const std::vector<FfnJob>& jobs, size_t msis_expected) {
  set_quantum_ns(1000);
  auto cxl = ndp_expander("cxl", ndp_config(impl));
  WriteRecorder up("up");
  Outcome out;
  TestInitiator host("host", [&](TestInitiator& t) {
    t.write_reg<uint64_t>(kNdpRegs + job_regs::msi_addr, kNdpMsiAddr);
    for (size_t i = 0; i < jobs.size(); ++i) load_job(t, jobs[i], ndp_desc_addr(unsigned(i)));
    for (size_t i = 0; i < jobs.size(); ++i) ring(t, ndp_desc_addr(unsigned(i)));
    t.sync();
    up.wait_for(msis_expected);
    for (const FfnJob& j : jobs) out.outputs.push_back(read_device(t, j.d.act_out_addr, j.expected.size()));
    out.status = reg32(t, job_regs::status);
    out.error = reg32(t, job_regs::error);
    out.completed = reg32(t, job_regs::completed);
  });
  host.socket.bind(cxl->rp.host_in);
  cxl->rp.host_out.bind(up.in);
  sc_core::sc_start();
  out.msis = up.writes;
  out.finished = host.finished();
  return out;
}

// `unsaturated`: the jobs' data are meant to exercise rounding, not only the rails.
void check_all_ok(const Outcome& o, const std::vector<FfnJob>& jobs, bool unsaturated = true) {
  for (const FfnJob& j : jobs)
    if (unsaturated && j.d.tokens) CHECK(unsaturated_share(j) > 0.5);
  REQUIRE(o.finished);
  REQUIRE(o.msis.size() == jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    CHECK(o.msis[i].address == kNdpMsiAddr);
    CHECK(o.msis[i].word() == jobs[i].d.tag);
    CHECK(o.outputs[i] == jobs[i].expected);
  }
  CHECK(o.status == 0);
  CHECK(o.error == 0);
  CHECK(o.completed == jobs.size());
  // Both engines log their jobs for the reports.
  const auto& log = JobLog::global().records();
  REQUIRE(log.size() == jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    CHECK(log[i].device == "ndp");
    CHECK(log[i].ok);
    CHECK(log[i].job.tag == jobs[i].d.tag);
    CHECK(log[i].job.tokens == jobs[i].d.tokens);
    CHECK(log[i].end_ps >= log[i].start_ps);
  }
}

// One job that fails with `code`: its MSI carries `tag` with the failed bit,
// STATUS shows the error, COMPLETED counts the job, nothing hangs.
void check_failed(const Outcome& o, uint32_t tag, JobError code) {
  REQUIRE(o.finished);
  REQUIRE(o.msis.size() == 1);
  CHECK(o.msis[0].word() == (tag | job_regs::msi_failed_bit));
  CHECK(o.error == uint32_t(code));
  CHECK(o.status == 2u);  // idle, error, nothing queued
  CHECK(o.completed == 1);
  REQUIRE(JobLog::global().records().size() == 1);
  CHECK_FALSE(JobLog::global().records()[0].ok);
}

}  // namespace

// Reset values of every register, and the access rules: exact offset and
// width, writes to read-only registers ignored, DOORBELL reads 0.
NDP_CONFORMANCE("register reset values and access rules", reset_values) {
  set_quantum_ns(1000);
  auto cxl = ndp_expander("cxl", ndp_config(impl));
  WriteRecorder up("up");
  const NdpRtlParameters p = ndp_rtl_parameters();
  uint32_t version = 0, status = 1, error = 1, completed = 1, depth = 0, max_dm = 0, max_dff = 0, doorbell = 1;
  uint32_t version_after_write = 0;
  uint64_t desc = 1, msi = 1, desc_back = 0, msi_back = 0;
  tlm::tlm_response_status half = tlm::TLM_OK_RESPONSE, narrow = tlm::TLM_OK_RESPONSE, hole = tlm::TLM_OK_RESPONSE;
  TestInitiator host("host", [&](TestInitiator& t) {
    version = reg32(t, job_regs::version);
    status = reg32(t, job_regs::status);
    error = reg32(t, job_regs::error);
    completed = reg32(t, job_regs::completed);
    depth = reg32(t, job_regs::queue_depth);
    max_dm = reg32(t, job_regs::max_d_model);
    max_dff = reg32(t, job_regs::max_d_ff);
    doorbell = reg32(t, job_regs::doorbell);
    desc = t.read_reg<uint64_t>(kNdpRegs + job_regs::desc_addr);
    msi = t.read_reg<uint64_t>(kNdpRegs + job_regs::msi_addr);
    t.write_reg<uint64_t>(kNdpRegs + job_regs::desc_addr, 0x0123456789ABCDEFull);
    t.write_reg<uint64_t>(kNdpRegs + job_regs::msi_addr, 0xFEDCBA9876543210ull);
    desc_back = t.read_reg<uint64_t>(kNdpRegs + job_regs::desc_addr);
    msi_back = t.read_reg<uint64_t>(kNdpRegs + job_regs::msi_addr);
    t.write_reg<uint32_t>(kNdpRegs + job_regs::version, 0xDEAD);
    version_after_write = reg32(t, job_regs::version);
    t.sync();
    uint32_t w = 0;
    half = t.raw(tlm::TLM_READ_COMMAND, kNdpRegs + job_regs::desc_addr + 4, &w, 4).status;
    uint16_t h = 0;
    narrow = t.raw(tlm::TLM_READ_COMMAND, kNdpRegs + job_regs::status, &h, 2).status;
    hole = t.raw(tlm::TLM_READ_COMMAND, kNdpRegs + 0x100, &w, 4).status;
  });
  host.socket.bind(cxl->rp.host_in);
  cxl->rp.host_out.bind(up.in);
  sc_core::sc_start();
  REQUIRE(host.finished());
  CHECK(version == NdpEngine::kVersion);
  CHECK(status == 0);
  CHECK(error == 0);
  CHECK(completed == 0);
  CHECK(depth == p.queue_depth);
  CHECK(max_dm == p.max_d_model);
  CHECK(max_dff == p.max_d_ff);
  CHECK(doorbell == 0);
  CHECK(desc == 0);
  CHECK(msi == 0);
  CHECK(desc_back == 0x0123456789ABCDEFull);
  CHECK(msi_back == 0xFEDCBA9876543210ull);
  CHECK(version_after_write == NdpEngine::kVersion);
  CHECK(half == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(narrow == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(hole == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(up.writes.empty());
}

// DOORBELL queues the DESC_ADDR of its moment: rewriting DESC_ADDR after the
// doorbell does not change the queued job. Unaligned dimensions and addresses.
NDP_CONFORMANCE("descriptor handling: DESC_ADDR latched at the doorbell", descriptor_latched) {
  set_quantum_ns(1000);
  auto cxl = ndp_expander("cxl", ndp_config(impl));
  WriteRecorder up("up");
  const FfnJob job = ffn_job(0x31, 5, 37, 53);
  REQUIRE(unsaturated_share(job) > 0.5);
  std::vector<int8_t> y;
  TestInitiator host("host", [&](TestInitiator& t) {
    t.write_reg<uint64_t>(kNdpRegs + job_regs::msi_addr, kNdpMsiAddr);
    load_job(t, job, ndp_desc_addr(0));
    ring(t, ndp_desc_addr(0));
    t.write_reg<uint64_t>(kNdpRegs + job_regs::desc_addr, ndp_desc_addr(9));  // nothing there
    t.sync();
    up.wait_for(1);
    y = read_device(t, job.d.act_out_addr, job.expected.size());
  });
  host.socket.bind(cxl->rp.host_in);
  cxl->rp.host_out.bind(up.in);
  sc_core::sc_start();
  REQUIRE(up.writes.size() == 1);
  CHECK(up.writes[0].word() == 0x31);
  CHECK(y == job.expected);
}

// Bytes at DESC_ADDR that are not a descriptor: bad_descriptor, tag unknown (0).
NDP_CONFORMANCE("descriptor handling: bad magic", bad_magic) {
  FfnJob job = ffn_job(0x32, 1, 16, 16);
  job.d.magic = 0x12345678;
  check_failed(run_jobs(impl, {job}, 1), 0, JobError::bad_descriptor);
}

// A descriptor of another operation: bad_descriptor, with the job's tag.
NDP_CONFORMANCE("descriptor handling: unknown operation", bad_op) {
  FfnJob job = ffn_job(0x33, 1, 16, 16);
  job.d.op = JobOp::copy;
  check_failed(run_jobs(impl, {job}, 1), 0x33, JobError::bad_descriptor);
}

// Zero tokens: the job completes at once and writes nothing.
NDP_CONFORMANCE("zero tokens", zero_tokens) {
  FfnJob job = ffn_job(0x40, 0, 64, 128);
  const Outcome o = run_jobs(impl, {job}, 1);
  check_all_ok(o, {job});
  CHECK(o.outputs[0].empty());
}

NDP_CONFORMANCE("single token", single_token) {
  const FfnJob job = ffn_job(0x41, 1, 64, 128);
  check_all_ok(run_jobs(impl, {job}, 1), {job});
}

// The largest shape the engine reports (MAX_D_MODEL x MAX_D_FF), with more
// tokens than one RTL tile holds.
NDP_CONFORMANCE("maximum dimensions", max_dims) {
  const NdpRtlParameters p = ndp_rtl_parameters();
  const FfnJob job = ffn_job(0x42, p.tile + 1, p.max_d_model, p.max_d_ff, -1, FfnActivation::relu, 7);
  check_all_ok(run_jobs(impl, {job}, 1), {job});
}

// Requantization saturates to both rails; activation none keeps negatives.
NDP_CONFORMANCE("saturation in requantization", saturation) {
  const FfnJob job = ffn_job(0x43, 4, 48, 96, 2, FfnActivation::none, 3);
  REQUIRE(std::count(job.expected.begin(), job.expected.end(), int8_t(127)) > 0);
  REQUIRE(std::count(job.expected.begin(), job.expected.end(), int8_t(-128)) > 0);
  check_all_ok(run_jobs(impl, {job}, 1), {job}, false);
}

// Three jobs rung back to back: completed in order, each with its own MSI.
NDP_CONFORMANCE("back-to-back jobs", back_to_back) {
  const NdpRtlParameters p = ndp_rtl_parameters();
  const std::vector<FfnJob> jobs = {ffn_job(0x51, 3, 32, 64, -1, FfnActivation::relu, 11, 0),
                                    ffn_job(0x52, 17, 40, 24, -1, FfnActivation::none, 12, 1),
                                    ffn_job(0x53, 1, std::min(128u, p.max_d_model), std::min(256u, p.max_d_ff), -1,
                                            FfnActivation::relu, 13, 2)};
  check_all_ok(run_jobs(impl, jobs, 3), jobs);
}

// A job rung while another runs waits in the queue (STATUS shows it) and
// runs after it.
NDP_CONFORMANCE("job submitted while busy", submitted_while_busy) {
  set_quantum_ns(1000);
  auto cxl = ndp_expander("cxl", ndp_config(impl));
  WriteRecorder up("up");
  const NdpRtlParameters p = ndp_rtl_parameters();
  const FfnJob first =
      ffn_job(0x61, 16, std::min(128u, p.max_d_model), std::min(512u, p.max_d_ff), -1, FfnActivation::relu, 21, 0);
  const FfnJob second = ffn_job(0x62, 2, 64, 64, -1, FfnActivation::relu, 22, 1);
  uint32_t status_busy = 0, status_queued = 0;
  std::vector<int8_t> y1, y2;
  TestInitiator host("host", [&](TestInitiator& t) {
    t.write_reg<uint64_t>(kNdpRegs + job_regs::msi_addr, kNdpMsiAddr);
    load_job(t, first, ndp_desc_addr(0));
    load_job(t, second, ndp_desc_addr(1));
    ring(t, ndp_desc_addr(0));
    t.wait_until_ps(now_ps() + ps_from_ns(5000));
    status_busy = reg32(t, job_regs::status);
    ring(t, ndp_desc_addr(1));
    status_queued = reg32(t, job_regs::status);
    t.sync();
    up.wait_for(2);
    y1 = read_device(t, first.d.act_out_addr, first.expected.size());
    y2 = read_device(t, second.d.act_out_addr, second.expected.size());
  });
  host.socket.bind(cxl->rp.host_in);
  cxl->rp.host_out.bind(up.in);
  sc_core::sc_start();
  CHECK(status_busy == 1u);
  CHECK(status_queued == (1u | (1u << 16)));
  REQUIRE(up.writes.size() == 2);
  CHECK(up.writes[0].word() == 0x61);
  CHECK(up.writes[1].word() == 0x62);
  CHECK(y1 == first.expected);
  CHECK(y2 == second.expected);
}

// ---------------------------------------------------------------- bad input

// DESC_ADDR beyond device memory: nothing to read, bad_descriptor, tag 0.
NDP_CONFORMANCE("bad input: descriptor outside device memory", desc_outside) {
  set_quantum_ns(1000);
  auto cxl = ndp_expander("cxl", ndp_config(impl));
  WriteRecorder up("up");
  Outcome o;
  TestInitiator host("host", [&](TestInitiator& t) {
    t.write_reg<uint64_t>(kNdpRegs + job_regs::msi_addr, kNdpMsiAddr);
    ring(t, 2 * GiB);
    t.sync();
    up.wait_for(1);
    o.status = reg32(t, job_regs::status);
    o.error = reg32(t, job_regs::error);
    o.completed = reg32(t, job_regs::completed);
  });
  host.socket.bind(cxl->rp.host_in);
  cxl->rp.host_out.bind(up.in);
  sc_core::sc_start();
  o.msis = up.writes;
  o.finished = host.finished();
  check_failed(o, 0, JobError::bad_descriptor);
}

// Weights that run past the end of device memory: bad_descriptor with the tag.
NDP_CONFORMANCE("bad input: weights outside device memory", weights_outside) {
  FfnJob job = ffn_job(0x71, 1, 16, 16);
  job.d.weight_addr = 1 * GiB - 100;
  check_failed(run_jobs(impl, {job}, 1), 0x71, JobError::bad_descriptor);
}

NDP_CONFORMANCE("bad input: d_ff beyond MAX_D_FF", dims_beyond) {
  FfnJob job = ffn_job(0x72, 1, 16, 16);
  job.d.d_ff = uint16_t(ndp_rtl_parameters().max_d_ff + 1);
  job.d.weight_bytes = 1 * MiB;
  check_failed(run_jobs(impl, {job}, 1), 0x72, JobError::bad_dimensions);
}

NDP_CONFORMANCE("bad input: activations shorter than tokens x d_model", short_activations) {
  FfnJob job = ffn_job(0x73, 4, 16, 16);
  job.d.act_in_bytes = 63;
  check_failed(run_jobs(impl, {job}, 1), 0x73, JobError::bad_dimensions);
}

// A doorbell while the queue is full is refused with ERROR queue_full; every
// queued job still completes, and the simulation ends.
NDP_CONFORMANCE("bad input: doorbell while the queue is full", queue_full) {
  set_quantum_ns(1000);
  auto cxl = ndp_expander("cxl", ndp_config(impl));
  WriteRecorder up("up");
  const NdpRtlParameters p = ndp_rtl_parameters();
  const unsigned depth = p.queue_depth;
  const FfnJob running = ffn_job(0x100, 4, p.max_d_model, p.max_d_ff, -1, FfnActivation::relu, 5, 0);
  const FfnJob quick = ffn_job(0x200, 0, 16, 16, -1, FfnActivation::relu, 6, 1);
  uint32_t error_before = 1, error_after = 0, status_after = 0;
  TestInitiator host("host", [&](TestInitiator& t) {
    t.write_reg<uint64_t>(kNdpRegs + job_regs::msi_addr, kNdpMsiAddr);
    load_job(t, running, ndp_desc_addr(0));
    load_job(t, quick, ndp_desc_addr(1));
    ring(t, ndp_desc_addr(0));
    t.wait_until_ps(now_ps() + ps_from_ns(2000));  // the long job has started
    for (unsigned i = 0; i < depth; ++i) ring(t, ndp_desc_addr(1));
    error_before = reg32(t, job_regs::error);
    ring(t, ndp_desc_addr(1));  // one too many
    error_after = reg32(t, job_regs::error);
    status_after = reg32(t, job_regs::status);
    t.sync();
    up.wait_for(depth + 1);
  });
  host.socket.bind(cxl->rp.host_in);
  cxl->rp.host_out.bind(up.in);
  sc_core::sc_start();
  REQUIRE(host.finished());
  CHECK(error_before == 0);
  CHECK(error_after == uint32_t(JobError::queue_full));
  CHECK(status_after == (1u | 2u | (depth << 16)));
  REQUIRE(up.writes.size() == depth + 1);  // the refused doorbell has no MSI
  CHECK(up.writes[0].word() == 0x100);
  for (unsigned i = 1; i <= depth; ++i) CHECK(up.writes[i].word() == 0x200);
}
