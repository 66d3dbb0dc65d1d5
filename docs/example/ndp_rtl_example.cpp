// Runs one expert job on the verilated NDP engine with the AXI4 pin contract
// (cxlvp::ndp_rtl) in a platform of one's own, without cxlvp's expander:
//
//   host.regs --> engine.mmio           (register accesses: AXI4-Lite on the pins)
//   engine.mem --> dram                 (the engine's AXI4 master into device memory)
//   engine.msi --> host.msi_in          (the completion MSI)
//   host.loader --> dram (debug only)   (puts the job's bytes in memory, reads the outputs)
//
// and prints the cycles it took and whether the outputs are expert_ffn()'s.
#include <cstdio>
#include <cstring>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

#include "models/common/debug_access.h"
#include "models/common/expert_ffn.h"
#include "models/common/job_descriptor.h"
#include "models/common/job_queue_registers.h"
#include "models/memory/dram.h"
#include "models/ndp/rtl/ndp_rtl_axi_engine.h"

using namespace cxlvp;
using namespace sc_core;

constexpr uint64_t kDesc = 0x1000, kWeights = 0x10000, kIn = 0x80000, kOut = 0x90000, kMsi = 0xFEE00000;

struct Host : sc_module {
  tlm_utils::simple_initiator_socket<Host> regs{"regs"}, loader{"loader"};
  tlm_utils::simple_target_socket<Host> msi_in{"msi_in"};
  ExpertShape shape{64, 128, 14, FfnActivation::relu};
  uint32_t tokens = 4, msi_word = 0;
  std::vector<int8_t> y, expected;
  sc_event msi_arrived;

  SC_HAS_PROCESS(Host);
  explicit Host(sc_module_name name) : sc_module(name) {
    msi_in.register_b_transport(this, &Host::msi);
    SC_THREAD(run);
  }

  void msi(tlm::tlm_generic_payload& p, sc_time& delay) {
    std::memcpy(&msi_word, p.get_data_ptr(), 4);
    msi_arrived.notify(delay);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void write_reg(uint64_t offset, uint64_t value, unsigned bytes) {
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_WRITE_COMMAND);
    p.set_address(offset);
    p.set_data_ptr(reinterpret_cast<unsigned char*>(&value));
    p.set_data_length(bytes);
    p.set_streaming_width(bytes);
    sc_time delay = SC_ZERO_TIME;
    regs->b_transport(p, delay);
    wait(delay);
  }

  void run() {
    std::vector<uint8_t> blob(shape.blob_bytes());
    std::vector<int8_t> x(shape.activation_bytes(tokens));
    for (size_t i = 0; i < blob.size(); ++i) blob[i] = uint8_t(i * 37 + 11);
    for (size_t i = 0; i < x.size(); ++i) x[i] = int8_t(i * 13 + 5);
    expected.resize(x.size());
    expert_ffn(shape, blob.data(), x.data(), tokens, expected.data());
    JobDescriptor d;
    d.flags = job_flags::functional;
    d.tag = 7;
    d.tokens = tokens;
    d.weight_addr = kWeights;
    d.weight_bytes = blob.size();
    d.act_in_addr = kIn;
    d.act_in_bytes = d.act_out_bytes = x.size();
    d.act_out_addr = kOut;
    d.d_model = uint16_t(shape.d_model);
    d.d_ff = uint16_t(shape.d_ff);
    d.requant_shift = uint8_t(shape.shift);
    d.activation = uint8_t(shape.activation);
    uint8_t raw[JobDescriptor::kBytes];
    d.encode(raw);
    debug_transfer(loader, tlm::TLM_WRITE_COMMAND, kDesc, raw, sizeof(raw));
    debug_transfer(loader, tlm::TLM_WRITE_COMMAND, kWeights, blob.data(), blob.size());
    debug_transfer(loader, tlm::TLM_WRITE_COMMAND, kIn, reinterpret_cast<uint8_t*>(x.data()), x.size());
    write_reg(job_regs::msi_addr, kMsi, 8);
    write_reg(job_regs::desc_addr, kDesc, 8);
    write_reg(job_regs::doorbell, 1, 4);
    wait(msi_arrived);
    y.resize(x.size());
    debug_transfer(loader, tlm::TLM_READ_COMMAND, kOut, reinterpret_cast<uint8_t*>(y.data()), y.size());
  }
};

int sc_main(int, char*[]) {
  NdpConfig config;
  config.impl = NdpImpl::rtl;
  config.rtl_interface = NdpRtlInterface::axi4;
  DramConfig dram_config;
  dram_config.capacity_bytes = 1ull << 30;
  dram_config.channels = 4;
  dram_config.peak_GBps = 153.6;

  Host host("host");
  NdpRtlAxiEngine engine("ndp", config, 4096, dram_config.capacity_bytes);
  Dram dram("dram", dram_config);
  host.regs.bind(engine.mmio);
  engine.mem.bind(dram.in);
  host.loader.bind(dram.in);
  engine.msi.bind(host.msi_in);

  sc_start();

  if (const NdpFault* fault = engine.fault()) {
    std::printf("the engine stopped the run: %s\n", fault->message.c_str());
    return 1;
  }
  const bool match = host.y == host.expected && host.msi_word == 7;
  std::printf("NDP RTL engine (AXI4): job tag %u done in %llu cycles at %.3f us; outputs %s expert_ffn()\n",
              host.msi_word, (unsigned long long)engine.cycles(), sc_time_stamp().to_seconds() * 1e6,
              match ? "match" : "DIFFER FROM");
  return match ? 0 : 1;
}
