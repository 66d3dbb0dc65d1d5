// The NDP plug-in contract (docs/ndp-plugin.md), checked against every
// implementation: each case runs once with the TLM engine, once with the RTL
// engine of the valid/ready pin contract and once with the RTL engine of the
// AXI4 pin contract, as three ctest tests ("ndp conformance (tlm): ...",
// "ndp conformance (rtl): ...", "ndp conformance (axi4): ..."), each in its
// own process. Results are compared with expert_ffn() bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

#include "models/common/job_log.h"
#include "ndp_bench.h"

using namespace cxlvp;
using namespace cxlvp::test;

#define NDP_CONFORMANCE(name, fn)                                    \
  static void fn(NdpUnderTest impl);                                 \
  TEST_CASE("ndp conformance (tlm): " name, "[ndp][conformance]") {  \
    fn(NdpUnderTest::tlm);                                           \
  }                                                                  \
  TEST_CASE("ndp conformance (rtl): " name, "[ndp][conformance]") {  \
    fn(NdpUnderTest::rtl);                                           \
  }                                                                  \
  TEST_CASE("ndp conformance (axi4): " name, "[ndp][conformance]") { \
    fn(NdpUnderTest::axi4);                                          \
  }                                                                  \
  static void fn(NdpUnderTest impl)

namespace {

// How a case builds its bench besides the engine: adapter options (stalls),
// a fault on the memory path, configuration changes (watchdogs).
struct Setup {
  NdpRtlOptions options;
  MemoryFault fault;
  std::function<void(NdpConfig&)> configure;
};

struct Outcome {
  std::vector<WriteRecorder::Write> msis;
  std::vector<std::vector<int8_t>> outputs;  // per job, read back from device memory
  std::vector<uint32_t> errors;              // one_at_a_time: ERROR after each job's MSI
  uint32_t status = 0, error = 0, completed = 0;
  bool finished = false;
  std::string fault;  // the engine's, if it stopped the simulation
};

// Loads `jobs` (slot i = job i), rings them back to back (or one at a time,
// reading ERROR after each), waits for `msis_expected` MSIs, reads every
// job's outputs and the registers.
Outcome run_jobs(NdpUnderTest impl, const std::vector<FfnJob>& jobs, size_t msis_expected, const Setup& setup = {},
                 bool one_at_a_time = false) {
  set_quantum_ns(1000);
  CxlConfig config = ndp_config(impl);
  if (setup.configure) setup.configure(config.ndp);
  auto cxl = ndp_expander("cxl", config, setup.options, setup.fault);
  WriteRecorder up("up");
  Outcome out;
  TestInitiator host("host", [&](TestInitiator& t) {
    t.write_reg<uint64_t>(kNdpRegs + job_regs::msi_addr, kNdpMsiAddr);
    for (size_t i = 0; i < jobs.size(); ++i) load_job(t, jobs[i], ndp_desc_addr(unsigned(i)));
    for (size_t i = 0; i < jobs.size(); ++i) {
      ring(t, ndp_desc_addr(unsigned(i)));
      if (!one_at_a_time) continue;
      t.sync();
      up.wait_for(i + 1);
      out.errors.push_back(reg32(t, job_regs::error));
    }
    t.sync();
    up.wait_for(msis_expected);
    for (const FfnJob& j : jobs) out.outputs.push_back(read_device(t, j.d.act_out_addr, j.expected.size()));
    out.status = reg32(t, job_regs::status);
    out.error = reg32(t, job_regs::error);
    out.completed = reg32(t, job_regs::completed);
  });
  host.socket.bind(cxl->rp->host_in);
  cxl->rp->host_out.bind(up.in);
  sc_core::sc_start();
  out.msis = up.writes;
  out.finished = host.finished();
  if (const NdpFault* f = engine_of(*cxl).fault()) out.fault = f->message;
  return out;
}

// `unsaturated`: the jobs' data are meant to exercise rounding, not only the rails.
void check_all_ok(const Outcome& o, const std::vector<FfnJob>& jobs, bool unsaturated = true) {
  for (const FfnJob& j : jobs)
    if (unsaturated && j.d.tokens) CHECK(unsaturated_share(j) > 0.5);
  INFO("engine fault: " << o.fault);
  REQUIRE(o.finished);
  REQUIRE(o.msis.size() == jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    INFO("job " << i << ": tag " << jobs[i].d.tag << ", " << jobs[i].d.tokens << " tokens, d_model "
                << jobs[i].d.d_model << ", d_ff " << jobs[i].d.d_ff);
    CHECK(o.msis[i].address == kNdpMsiAddr);
    CHECK(o.msis[i].word() == jobs[i].d.tag);
    CHECK(o.outputs[i] == jobs[i].expected);
  }
  CHECK(o.status == 0);
  CHECK(o.error == 0);
  CHECK(o.completed == jobs.size());
  // Every engine logs its jobs for the reports, with the descriptor's fields.
  const auto& log = Telemetry::standalone().jobs.records();
  REQUIRE(log.size() == jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    CHECK(log[i].device == "ndp");
    CHECK(log[i].ok);
    CHECK(log[i].job.tag == jobs[i].d.tag);
    CHECK(log[i].job.tokens == jobs[i].d.tokens);
    CHECK(log[i].job.expert == jobs[i].d.expert);
    CHECK(log[i].job.d_model == jobs[i].d.d_model);
    CHECK(log[i].end_ps >= log[i].start_ps);
  }
}

// One job that fails with `code`: its MSI carries `tag` with the failed bit,
// STATUS shows the error, COMPLETED counts the job, nothing hangs.
void check_failed(const Outcome& o, uint32_t tag, JobError code) {
  INFO("engine fault: " << o.fault);
  REQUIRE(o.finished);
  REQUIRE(o.msis.size() == 1);
  CHECK(o.msis[0].word() == (tag | job_regs::msi_failed_bit));
  CHECK(o.error == uint32_t(code));
  CHECK(o.status == 2u);  // idle, error, nothing queued
  CHECK(o.completed == 1);
  REQUIRE(Telemetry::standalone().jobs.records().size() == 1);
  CHECK_FALSE(Telemetry::standalone().jobs.records()[0].ok);
  if (tag) CHECK(Telemetry::standalone().jobs.records()[0].job.tag == tag);
}

// A job whose descriptor has one field changed fails with `code`.
void check_rejected(NdpUnderTest impl, const std::function<void(FfnJob&)>& change, JobError code) {
  FfnJob job = ffn_job(0x70, 3, 16, 32);
  change(job);
  check_failed(run_jobs(impl, {job}, 1), job.d.tag, code);
}

// One job whose memory path fails `command` on [from, from + bytes).
void check_bus_error(NdpUnderTest impl, const FfnJob& job, tlm::tlm_command command, uint64_t from, uint64_t bytes,
                     uint32_t tag, JobError code) {
  Setup setup;
  setup.fault = MemoryFault{command, from, from + bytes};
  check_failed(run_jobs(impl, {job}, 1, setup), tag, code);
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
  host.socket.bind(cxl->rp->host_in);
  cxl->rp->host_out.bind(up.in);
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
  host.socket.bind(cxl->rp->host_in);
  cxl->rp->host_out.bind(up.in);
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

// Rounding half up (towards +inf) at exact halves of both layers: d_model =
// d_ff = 1, every weight and scale 1, shift 1, no activation, so h = x / 2 and
// y = h / 2, over all 256 int8 inputs (one per token). Rounding half away from
// zero or truncating gives other bytes for every odd negative input.
NDP_CONFORMANCE("rounding: exact halves round up", rounding_halves) {
  FfnJob job = ffn_job(0x44, 256, 1, 1, 1, FfnActivation::none, 5);
  job.blob = {1, 1, 1, 0, 1, 0};  // W1, W2, scale1, scale2
  for (int v = 0; v < 256; ++v) job.x[size_t(v)] = int8_t(v - 128);
  expert_ffn(ExpertShape{1, 1, 1, FfnActivation::none}, job.blob.data(), job.x.data(), 256, job.expected.data());
  const auto y_of = [&job](int x) { return job.expected[size_t(x + 128)]; };
  REQUIRE(y_of(-3) == 0);   // h = -1.5 -> -1, y = -0.5 -> 0
  REQUIRE(y_of(-5) == -1);  // h = -2.5 -> -2, y = -1
  REQUIRE(y_of(3) == 1);    // h = 1.5 -> 2, y = 1
  REQUIRE(y_of(-128) == -32);
  check_all_ok(run_jobs(impl, {job}, 1), {job});
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
  host.socket.bind(cxl->rp->host_in);
  cxl->rp->host_out.bind(up.in);
  sc_core::sc_start();
  CHECK(status_busy == 1u);
  CHECK(status_queued == (1u | (1u << 16)));
  REQUIRE(up.writes.size() == 2);
  CHECK(up.writes[0].word() == 0x61);
  CHECK(up.writes[1].word() == 0x62);
  CHECK(y1 == first.expected);
  CHECK(y2 == second.expected);
}

// Many random shapes, data, shifts, activations and (unaligned) addresses
// against expert_ffn(), rung back to back. The seed is fixed so that a
// failure repeats; the INFO names the job that differed.
NDP_CONFORMANCE("randomized shapes and data against expert_ffn()", randomized) {
  const NdpRtlParameters p = ndp_rtl_parameters();
  const uint32_t seed = 20251206;
  std::mt19937 rng(seed);
  const auto pick = [&rng](unsigned lo, unsigned hi) { return std::uniform_int_distribution<unsigned>(lo, hi)(rng); };
  std::vector<FfnJob> jobs;
  for (unsigned i = 0; i < 48; ++i) {
    const unsigned d_model = pick(1, std::min(96u, p.max_d_model)), d_ff = pick(1, std::min(160u, p.max_d_ff));
    const int shift = pick(0, 3) == 0 ? int(pick(0, 31)) : int(unsaturated_shift(d_model)) + int(pick(0, 4)) - 2;
    const auto act = pick(0, 1) ? FfnActivation::relu : FfnActivation::none;
    FfnJob job = ffn_job(0x1000 + i, pick(0, 19), d_model, d_ff, std::clamp(shift, 0, 31), act, seed + i, i);
    job.d.weight_addr += pick(0, 15);
    job.d.act_in_addr += pick(0, 15);
    job.d.act_out_addr += pick(0, 15);
    jobs.push_back(job);
  }
  INFO("seed " << seed);
  check_all_ok(run_jobs(impl, jobs, jobs.size()), jobs, false);
}

// Every channel the host side drives stalls at random (ready low, valid held
// back: register bus or AXI4-Lite, memory requests, write data, read data
// and acknowledgements, interrupt acknowledgement), a third of the cycles.
// The engine must give the same results. The TLM engine has no pins: it runs
// the same jobs unstalled.
NDP_CONFORMANCE("back-pressure on every channel", backpressure) {
  Setup setup;
  setup.options.backpressure = 0.33;
  setup.options.backpressure_seed = 7;
  const std::vector<FfnJob> jobs = {ffn_job(0x81, 11, 45, 70, -1, FfnActivation::relu, 31, 0),
                                    ffn_job(0x82, 1, 64, 16, -1, FfnActivation::none, 32, 1),
                                    ffn_job(0x83, 0, 8, 8, -1, FfnActivation::relu, 33, 2)};
  check_all_ok(run_jobs(impl, jobs, jobs.size(), setup), jobs);
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
  host.socket.bind(cxl->rp->host_in);
  cxl->rp->host_out.bind(up.in);
  sc_core::sc_start();
  o.msis = up.writes;
  o.finished = host.finished();
  check_failed(o, 0, JobError::bad_descriptor);
}

// Each rejected field alone (docs/ndp-plugin.md, error codes).
NDP_CONFORMANCE("bad input: weights outside device memory", weights_outside) {
  check_rejected(impl, [](FfnJob& j) { j.d.weight_addr = 1 * GiB - 100; }, JobError::bad_descriptor);
}
NDP_CONFORMANCE("bad input: activations in outside device memory", act_in_outside) {
  check_rejected(impl, [](FfnJob& j) { j.d.act_in_bytes = 1 * GiB; }, JobError::bad_descriptor);
}
NDP_CONFORMANCE("bad input: activations out outside device memory", act_out_outside) {
  check_rejected(impl, [](FfnJob& j) { j.d.act_out_addr = ~0ull - 8; }, JobError::bad_descriptor);
}
NDP_CONFORMANCE("bad input: d_model 0", d_model_zero) {
  check_rejected(impl, [](FfnJob& j) { j.d.d_model = 0; }, JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: d_ff 0", d_ff_zero) {
  check_rejected(impl, [](FfnJob& j) { j.d.d_ff = 0; }, JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: d_model beyond MAX_D_MODEL", dims_model_beyond) {
  check_rejected(
      impl,
      [](FfnJob& j) {
        j.d.d_model = uint16_t(ndp_rtl_parameters().max_d_model + 1);
        j.d.weight_bytes = j.d.act_in_bytes = j.d.act_out_bytes = 1 * MiB;
      },
      JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: d_ff beyond MAX_D_FF", dims_beyond) {
  check_rejected(
      impl,
      [](FfnJob& j) {
        j.d.d_ff = uint16_t(ndp_rtl_parameters().max_d_ff + 1);
        j.d.weight_bytes = 1 * MiB;
      },
      JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: requant_shift above 31", shift_above_31) {
  check_rejected(impl, [](FfnJob& j) { j.d.requant_shift = 32; }, JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: activation above 1", activation_above_1) {
  check_rejected(impl, [](FfnJob& j) { j.d.activation = 2; }, JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: weight_bytes below the blob size", weights_short) {
  check_rejected(impl, [](FfnJob& j) { j.d.weight_bytes = j.blob.size() - 1; }, JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: activations shorter than tokens x d_model", short_activations) {
  check_rejected(impl, [](FfnJob& j) { j.d.act_in_bytes = j.x.size() - 1; }, JobError::bad_dimensions);
}
NDP_CONFORMANCE("bad input: outputs shorter than tokens x d_model", short_outputs) {
  check_rejected(impl, [](FfnJob& j) { j.d.act_out_bytes = j.x.size() - 1; }, JobError::bad_dimensions);
}
// Two faults at once: the first check in the contract's order names the error
// (ranges before shapes).
NDP_CONFORMANCE("bad input: a range and a shape wrong at once give bad_descriptor", two_at_once) {
  check_rejected(
      impl,
      [](FfnJob& j) {
        j.d.weight_addr = 2 * GiB;
        j.d.requant_shift = 40;
      },
      JobError::bad_descriptor);
}

// The functional flag cleared: the RTL engines run functional jobs only
// (bad_descriptor); the TLM engine runs the job timing-only, so it completes
// and writes no bytes.
NDP_CONFORMANCE("bad input: functional flag cleared", not_functional) {
  FfnJob job = ffn_job(0x74, 3, 16, 32);
  job.d.flags = 0;
  const Outcome o = run_jobs(impl, {job}, 1);
  if (is_rtl(impl)) return check_failed(o, job.d.tag, JobError::bad_descriptor);
  REQUIRE(o.msis.size() == 1);
  CHECK(o.msis[0].word() == job.d.tag);
  CHECK(o.error == 0);
  CHECK(o.outputs[0] == std::vector<int8_t>(job.expected.size(), 0));
}

// Memory-path failures: a failed read of the descriptor is a bad descriptor
// (tag unknown); a failed read of the weights or activations or a failed
// write of the outputs is a bus error. The outputs of a failed job are
// undefined (an engine may have written some of them).
NDP_CONFORMANCE("bus error: descriptor read", bus_error_descriptor) {
  const FfnJob job = ffn_job(0x91, 3, 16, 32);
  check_bus_error(impl, job, tlm::TLM_READ_COMMAND, ndp_desc_addr(0) + 64, 1, 0, JobError::bad_descriptor);
}
NDP_CONFORMANCE("bus error: weight read", bus_error_weights) {
  const FfnJob job = ffn_job(0x92, 3, 16, 32);
  check_bus_error(impl, job, tlm::TLM_READ_COMMAND, job.d.weight_addr + 100, 1, job.d.tag, JobError::bus_error);
}
NDP_CONFORMANCE("bus error: activation read", bus_error_activations) {
  const FfnJob job = ffn_job(0x93, 3, 16, 32);
  check_bus_error(impl, job, tlm::TLM_READ_COMMAND, job.d.act_in_addr, job.x.size(), job.d.tag, JobError::bus_error);
}
NDP_CONFORMANCE("bus error: output write", bus_error_outputs) {
  const NdpRtlParameters p = ndp_rtl_parameters();
  const FfnJob job = ffn_job(0x94, 2 * p.tile + 1, 16, 32);  // several RTL tiles: the last one's write fails
  const uint64_t last = job.d.act_out_addr + job.x.size() - 1;
  check_bus_error(impl, job, tlm::TLM_WRITE_COMMAND, last, 1, job.d.tag, JobError::bus_error);
}

// ERROR holds the code of the latest failed job; a job that succeeds after it
// does not clear it (sticky).
NDP_CONFORMANCE("error codes: ERROR keeps the latest failure", error_latest) {
  FfnJob shape_bad = ffn_job(0xA1, 2, 16, 16, -1, FfnActivation::relu, 41, 0);
  shape_bad.d.activation = 3;
  FfnJob range_bad = ffn_job(0xA2, 2, 16, 16, -1, FfnActivation::relu, 42, 1);
  range_bad.d.act_in_addr = 3 * GiB;
  const FfnJob good = ffn_job(0xA3, 2, 16, 16, -1, FfnActivation::relu, 43, 2);
  const Outcome o = run_jobs(impl, {shape_bad, range_bad, good}, 3, {}, true);
  INFO("engine fault: " << o.fault);
  REQUIRE(o.msis.size() == 3);
  CHECK(o.msis[0].word() == (0xA1 | job_regs::msi_failed_bit));
  CHECK(o.msis[1].word() == (0xA2 | job_regs::msi_failed_bit));
  CHECK(o.msis[2].word() == 0xA3);
  CHECK(o.errors == std::vector<uint32_t>{uint32_t(JobError::bad_dimensions), uint32_t(JobError::bad_descriptor),
                                          uint32_t(JobError::bad_descriptor)});
  CHECK(o.outputs[2] == good.expected);
  CHECK(o.completed == 3);
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
  host.socket.bind(cxl->rp->host_in);
  cxl->rp->host_out.bind(up.in);
  sc_core::sc_start();
  REQUIRE(host.finished());
  CHECK(error_before == 0);
  CHECK(error_after == uint32_t(JobError::queue_full));
  CHECK(status_after == (1u | 2u | (depth << 16)));
  REQUIRE(up.writes.size() == depth + 1);  // the refused doorbell has no MSI
  CHECK(up.writes[0].word() == 0x100);
  for (unsigned i = 1; i <= depth; ++i) CHECK(up.writes[i].word() == 0x200);
}

// ---------------------------------------------------------------- watchdogs

// A job that runs past job_time_limit_ms stops the simulation with one line
// naming the engine, the watchdog and the job's tag.
NDP_CONFORMANCE("watchdog: a job over its time limit stops the run", job_time_limit) {
  Setup setup;
  setup.configure = [](NdpConfig& c) { c.job_time_limit_ms = 0.002; };  // 2 us; the job takes about 10
  const FfnJob job = ffn_job(0xB1, 9, 64, 128);
  const Outcome o = run_jobs(impl, {job}, 1, setup);
  CHECK_FALSE(o.finished);
  INFO(o.fault);
  CHECK(o.fault.rfind("cxl.ndp (", 0) == 0);
  CHECK(o.fault.find("watchdog") != std::string::npos);
  CHECK(o.fault.find("tag 177") != std::string::npos);
  CHECK(o.fault.find("exceeds the limit") != std::string::npos);
  CHECK(o.fault.find('\n') == std::string::npos);
}

// watchdog_cycles counts clock cycles without progress on an RTL engine's
// pins: set below the memory's latency, even a healthy engine trips it, and
// the message names the job and what the pins showed. The TLM engine has no
// pins: the setting does not apply and its job completes.
NDP_CONFORMANCE("watchdog: no progress for watchdog_cycles stops an RTL engine", no_progress) {
  Setup setup;
  setup.configure = [](NdpConfig& c) { c.watchdog_cycles = 20; };  // DRAM latency alone is 100 cycles
  const FfnJob job = ffn_job(0xB2, 2, 16, 32);
  const Outcome o = run_jobs(impl, {job}, 1, setup);
  if (!is_rtl(impl)) return check_all_ok(o, {job});
  CHECK_FALSE(o.finished);
  INFO(o.fault);
  CHECK(o.fault.find("watchdog: no progress") != std::string::npos);
  CHECK(o.fault.find("last visible state: active 1") != std::string::npos);
  CHECK(o.fault.find('\n') == std::string::npos);
}
