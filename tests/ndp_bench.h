#pragma once
// Test bench for NDP engine implementations (the TLM NdpEngine and the RTL
// engines, valid/ready and AXI4, behind their adapters): a CXL expander with
// device DRAM whose engine is the one under test, driven by a host initiator
// the way firmware drives it (descriptor, blob and activations written through
// the HDM window, registers through the BAR), with an MSI sink on the link's
// upstream side. Optionally the engine's memory port fails the transactions
// that touch a given range (FaultyMemoryPath: bus errors on demand).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "models/common/expert_ffn.h"
#include "models/common/job_descriptor.h"
#include "models/common/job_queue_registers.h"
#include "models/cxl/cxl_expander.h"
#include "models/ndp/rtl/ndp_rtl_axi_engine.h"
#include "models/ndp/rtl/ndp_rtl_engine.h"
#include "expander_bench.h"
#include "testbench.h"

namespace cxlvp::test {

enum class NdpUnderTest { tlm, rtl, axi4 };
inline bool is_rtl(NdpUnderTest impl) { return impl != NdpUnderTest::tlm; }

const CxlHostWindows kNdpWindows{};
const uint64_t kNdpRegs = kNdpWindows.reg_base + cxl_bar::ndp_regs;  // host view
constexpr uint64_t kNdpMsiAddr = 0xFEE00008;

// The TLM engine configured as the RTL engine is built: its limits, and the
// rates of its MAC array (LANES MACs per cycle) and memory port (16 bytes per
// cycle) at the RTL clock, so that the two can be compared.
inline CxlConfig ndp_config(NdpUnderTest impl, double clock_MHz = 1000) {
  const NdpRtlParameters rtl = ndp_rtl_parameters();
  CxlConfig c;
  c.dram = DramConfig{1 * GiB, 4, 153.6, 100, 256};
  c.ndp.enabled = true;
  c.ndp.impl = is_rtl(impl) ? NdpImpl::rtl : NdpImpl::tlm;
  c.ndp.rtl_interface = impl == NdpUnderTest::axi4 ? NdpRtlInterface::axi4 : NdpRtlInterface::valid_ready;
  c.ndp.rtl_clock_MHz = clock_MHz;
  c.ndp.mac_GMACps = rtl.lanes * clock_MHz * 1e-3;
  c.ndp.internal_GBps = NdpRtlParameters::port_bytes * clock_MHz * 1e-3;
  c.ndp.queue_depth = rtl.queue_depth;
  c.ndp.max_d_model = rtl.max_d_model;
  c.ndp.max_d_ff = rtl.max_d_ff;
  return c;
}

// Memory-port transactions of `command` that touch [from, to) fail with an
// address error, as a broken path into device DRAM would answer.
struct MemoryFault {
  tlm::tlm_command command = tlm::TLM_IGNORE_COMMAND;  // IGNORE: no fault
  uint64_t from = 0, to = 0;
};

// The engine under test with a fault between its memory port and device
// DRAM; registers and MSIs pass through unchanged.
class FaultyMemoryPath : public NdpEngineBase {
 public:
  FaultyMemoryPath(sc_core::sc_module_name name, const NdpFactory& make, const NdpConfig& config, ComputeMode mode,
                   uint64_t burst_bytes, uint64_t dram_bytes, MemoryFault fault)
      : NdpEngineBase(name), to_engine_("to_engine"), from_memory_("from_memory"), from_msi_("from_msi"), fault_(fault) {
    engine = make("engine", config, mode, burst_bytes, dram_bytes);
    to_engine_.bind(engine->mmio);
    engine->mem.bind(from_memory_);
    engine->msi.bind(from_msi_);
    from_memory_.register_b_transport(this, &FaultyMemoryPath::memory);
    from_memory_.register_transport_dbg(this, &FaultyMemoryPath::memory_debug);
    from_msi_.register_b_transport(this, &FaultyMemoryPath::upstream);
  }
  std::unique_ptr<NdpEngineBase> engine;

 private:
  void register_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override { to_engine_->b_transport(p, delay); }
  unsigned register_debug(tlm::tlm_generic_payload& p) override { return to_engine_->transport_dbg(p); }
  void memory(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const uint64_t a = p.get_address(), n = p.get_data_length();
    if (p.get_command() == fault_.command && a < fault_.to && fault_.from < a + n) {
      p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    mem->b_transport(p, delay);
  }
  unsigned memory_debug(tlm::tlm_generic_payload& p) { return mem->transport_dbg(p); }
  void upstream(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { msi->b_transport(p, delay); }

  tlm_utils::simple_initiator_socket<FaultyMemoryPath> to_engine_;
  tlm_utils::simple_target_socket<FaultyMemoryPath> from_memory_, from_msi_;
  MemoryFault fault_;
};

inline std::unique_ptr<CxlExpander> ndp_expander(const char* name, const CxlConfig& c, const NdpRtlOptions& options = {},
                                                 MemoryFault fault = {}) {
  NdpFactory make = ndp_rtl_factory(options);
  if (fault.command != tlm::TLM_IGNORE_COMMAND)
    make = [make, fault](const char* n, const NdpConfig& config, ComputeMode mode, uint64_t burst, uint64_t dram) {
      return std::unique_ptr<NdpEngineBase>(new FaultyMemoryPath(n, make, config, mode, burst, dram, fault));
    };
  return host_expander(name, c, kNdpWindows, ComputeMode::roofline, 4096, make);
}

// The engine a bench built (inside a FaultyMemoryPath, if any).
inline const NdpEngineBase& engine_of(const CxlExpander& cxl) {
  if (const auto* faulty = dynamic_cast<const FaultyMemoryPath*>(cxl.ndp.get())) return *faulty->engine;
  return *cxl.ndp;
}

// One functional expert job: its descriptor, weight blob and activations,
// and the outputs expert_ffn() says it must produce.
struct FfnJob {
  JobDescriptor d;
  std::vector<uint8_t> blob;
  std::vector<int8_t> x, expected;
};

// The requantization shift that keeps most outputs of ffn_job()'s random
// data off the int8 rails, so that rounding shows in the results: an int8 dot
// product of d random terms is about sqrt(d) x 5461 (= 128^2 / 3), the mean
// scale is 2048, and the aim is about 32.
inline unsigned unsaturated_shift(unsigned d_model) {
  return unsigned(std::lround(std::log2(std::sqrt(double(d_model)) * 5461 * 2048 / 32)));
}

// Addresses are deliberately not aligned to the 16-byte port. shift < 0:
// unsaturated_shift(d_model).
inline FfnJob ffn_job(uint32_t tag, uint32_t tokens, unsigned d_model, unsigned d_ff, int shift = -1,
                      FfnActivation act = FfnActivation::relu, uint32_t seed = 1, unsigned slot = 0) {
  FfnJob j;
  const ExpertShape s{d_model, d_ff, shift < 0 ? unsaturated_shift(d_model) : unsigned(shift), act};
  j.blob = pattern(s.blob_bytes(), seed);
  // Scales in 1..4095: large enough to reach both int8 rails at shift 8.
  for (uint64_t o = s.scale1_offset(); o + 1 < s.blob_bytes(); o += 2) j.blob[o + 1] &= 0x0F;
  const auto xs = pattern(s.activation_bytes(tokens), seed + 100);
  j.x.assign(xs.begin(), xs.end());
  j.expected.resize(j.x.size());
  expert_ffn(s, j.blob.data(), j.x.data(), tokens, j.expected.data());
  JobDescriptor& d = j.d;
  d.op = JobOp::expert_ffn;
  d.flags = job_flags::functional;
  d.tag = tag;
  d.expert = tag * 3 + 1;  // any value: the job log must show it
  d.tokens = tokens;
  d.weight_addr = 256 * MiB + slot * 2 * MiB + 3;
  d.weight_bytes = s.blob_bytes();
  d.act_in_addr = 16 * MiB + slot * 256 * KiB + 5;
  d.act_in_bytes = s.activation_bytes(tokens);
  d.act_out_addr = 32 * MiB + slot * 256 * KiB + 7;
  d.act_out_bytes = s.activation_bytes(tokens);
  d.flops = 2 * s.macs(tokens);
  d.d_model = uint16_t(d_model);
  d.d_ff = uint16_t(d_ff);
  d.requant_shift = uint8_t(s.shift);
  d.activation = uint8_t(act);
  return j;
}

// Share of outputs strictly between the rails: how much of a job's result
// depends on rounding rather than on saturation.
inline double unsaturated_share(const FfnJob& j) {
  size_t inside = 0;
  for (int8_t v : j.expected) inside += v > -128 && v < 127;
  return j.expected.empty() ? 0 : double(inside) / double(j.expected.size());
}

inline uint64_t ndp_desc_addr(unsigned slot) { return 0x1000 + slot * JobDescriptor::kBytes; }

// Host-side steps, from a TestInitiator body.
inline void write_device(TestInitiator& t, uint64_t device_addr, const void* data, uint64_t bytes) {
  std::vector<uint8_t> copy(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + bytes);
  if (bytes) t.stream(tlm::TLM_WRITE_COMMAND, kNdpWindows.hdm_base + device_addr, bytes, copy.data());
}
inline std::vector<int8_t> read_device(TestInitiator& t, uint64_t device_addr, uint64_t bytes) {
  std::vector<int8_t> out(bytes);
  if (bytes) t.stream(tlm::TLM_READ_COMMAND, kNdpWindows.hdm_base + device_addr, bytes, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}
inline void load_job(TestInitiator& t, const FfnJob& j, uint64_t desc_addr) {
  write_device(t, j.d.weight_addr, j.blob.data(), j.blob.size());
  write_device(t, j.d.act_in_addr, j.x.data(), j.x.size());
  uint8_t raw[JobDescriptor::kBytes];
  j.d.encode(raw);
  write_device(t, desc_addr, raw, sizeof(raw));
}
inline void ring(TestInitiator& t, uint64_t desc_addr) {
  t.write_reg<uint64_t>(kNdpRegs + job_regs::desc_addr, desc_addr);
  t.write_reg<uint32_t>(kNdpRegs + job_regs::doorbell, 1);
}
inline uint32_t reg32(TestInitiator& t, uint64_t offset) { return t.read_reg<uint32_t>(kNdpRegs + offset); }

}  // namespace cxlvp::test
