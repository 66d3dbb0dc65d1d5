#include "ndp_rtl_engine.h"

#include <verilated.h>

#include <stdexcept>

#include "Vndp_engine.h"
#include "checked_vcd.h"

namespace cxlvp {

struct NdpRtlEngine::Model {
  Vndp_engine rtl{"rtl"};
  std::unique_ptr<CheckedVcdSc> vcd;
};

namespace {

MemoryBridgeConfig with_burst(MemoryBridgeConfig c, uint64_t burst_bytes, const char* name) {
  if (burst_bytes == 0 || burst_bytes % MemoryPortBridge::kBeat)
    throw std::invalid_argument(std::string(name) + ": burst size must be a multiple of 16 bytes");
  c.burst_bytes = burst_bytes;
  return c;
}

}  // namespace

NdpRtlEngine::NdpRtlEngine(sc_core::sc_module_name name, const NdpConfig& config, uint64_t burst_bytes,
                           uint64_t dram_bytes, const NdpRtlOptions& options)
    : NdpRtlHost(name, config, dram_bytes, "RTL, valid/ready", options, "irq_valid", "irq_ready"),
      register_bus_("registers"),
      memory_port_("memory", issuer, mem, with_burst(memory_config_, burst_bytes, this->name())) {
  attach(register_bus_, memory_port_);
  if (!options.vcd_file.empty()) Verilated::traceEverOn(true);
  model_ = std::make_unique<Model>();
  Vndp_engine& v = model_->rtl;
  v.clk(clk);
  v.rst_n(rst_n);
  v.cfg_dram_bytes(cfg_dram_bytes);
  RegisterBusPins& r = register_bus_.pins;
  v.reg_valid(r.valid);
  v.reg_ready(r.ready);
  v.reg_write(r.write);
  v.reg_addr(r.addr);
  v.reg_wdata(r.wdata);
  v.reg_rsp_valid(r.rsp_valid);
  v.reg_rsp_rdata(r.rsp_rdata);
  v.reg_rsp_err(r.rsp_err);
  MemoryPortPins& m = memory_port_.pins;
  v.mem_req_valid(m.req_valid);
  v.mem_req_ready(m.req_ready);
  v.mem_req_write(m.req_write);
  v.mem_req_addr(m.req_addr);
  v.mem_req_bytes(m.req_bytes);
  v.mem_wvalid(m.wvalid);
  v.mem_wready(m.wready);
  v.mem_wdata(m.wdata);
  v.mem_rsp_valid(m.rsp_valid);
  v.mem_rsp_ready(m.rsp_ready);
  v.mem_rsp_data(m.rsp_data);
  v.mem_rsp_err(m.rsp_err);
  v.mem_rsp_last(m.rsp_last);
  v.irq_valid(irq.valid);
  v.irq_ready(irq.ready);
  v.irq_data(irq.data);
  v.irq_addr(irq.addr);
  v.active(active);
}

NdpRtlEngine::~NdpRtlEngine() {
  if (model_->vcd) model_->vcd->close();
}

void NdpRtlEngine::start_of_simulation() {
  if (options_.vcd_file.empty()) return;
  model_->vcd = std::make_unique<CheckedVcdSc>();
  model_->rtl.trace(model_->vcd.get(), 99);
  model_->vcd->open(options_.vcd_file.c_str());
  if (!model_->vcd->isOpen())
    throw std::runtime_error(std::string(name()) + ": cannot write the waveform file " + options_.vcd_file);
}

void NdpRtlEngine::end_of_simulation() {
  if (model_->vcd) model_->vcd->flush();
}

}  // namespace cxlvp
