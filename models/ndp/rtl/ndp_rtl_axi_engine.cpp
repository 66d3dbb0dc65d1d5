#include "ndp_rtl_axi_engine.h"

#include <verilated.h>

#include <stdexcept>

#include "Vndp_engine_axi.h"
#include "checked_vcd.h"

namespace cxlvp {

struct NdpRtlAxiEngine::Model {
  Vndp_engine_axi rtl{"rtl"};
  std::unique_ptr<CheckedVcdSc> vcd;
};

namespace {

MemoryBridgeConfig with_burst(MemoryBridgeConfig c, uint64_t burst_bytes, const char* name) {
  if (burst_bytes == 0 || burst_bytes % AxiMemoryBridge::kBeat)
    throw std::invalid_argument(std::string(name) + ": burst size must be a multiple of 16 bytes");
  c.burst_bytes = burst_bytes;
  return c;
}

}  // namespace

NdpRtlAxiEngine::NdpRtlAxiEngine(sc_core::sc_module_name name, const NdpConfig& config, uint64_t burst_bytes,
                                 uint64_t dram_bytes, const NdpRtlOptions& options)
    : NdpRtlHost(name, config, dram_bytes, "RTL, AXI4", options, "irq", "irq_ack"),
      axi_lite_("registers"),
      axi_memory_("memory", issuer, mem, with_burst(memory_config_, burst_bytes, this->name())) {
  attach(axi_lite_, axi_memory_);
  if (!options.vcd_file.empty()) Verilated::traceEverOn(true);
  model_ = std::make_unique<Model>();
  Vndp_engine_axi& v = model_->rtl;
  v.aclk(clk);
  v.aresetn(rst_n);
  v.cfg_dram_bytes(cfg_dram_bytes);
  AxiLitePins& l = axi_lite_.pins;
  v.s_axil_awvalid(l.awvalid);
  v.s_axil_awready(l.awready);
  v.s_axil_awaddr(l.awaddr);
  v.s_axil_wvalid(l.wvalid);
  v.s_axil_wready(l.wready);
  v.s_axil_wdata(l.wdata);
  v.s_axil_wstrb(l.wstrb);
  v.s_axil_bvalid(l.bvalid);
  v.s_axil_bready(l.bready);
  v.s_axil_bresp(l.bresp);
  v.s_axil_arvalid(l.arvalid);
  v.s_axil_arready(l.arready);
  v.s_axil_araddr(l.araddr);
  v.s_axil_rvalid(l.rvalid);
  v.s_axil_rready(l.rready);
  v.s_axil_rdata(l.rdata);
  v.s_axil_rresp(l.rresp);
  Axi4Pins& m = axi_memory_.pins;
  v.m_axi_awvalid(m.awvalid);
  v.m_axi_awready(m.awready);
  v.m_axi_awid(m.awid);
  v.m_axi_awaddr(m.awaddr);
  v.m_axi_awlen(m.awlen);
  v.m_axi_awsize(m.awsize);
  v.m_axi_awburst(m.awburst);
  v.m_axi_wvalid(m.wvalid);
  v.m_axi_wready(m.wready);
  v.m_axi_wdata(m.wdata);
  v.m_axi_wstrb(m.wstrb);
  v.m_axi_wlast(m.wlast);
  v.m_axi_bvalid(m.bvalid);
  v.m_axi_bready(m.bready);
  v.m_axi_bid(m.bid);
  v.m_axi_bresp(m.bresp);
  v.m_axi_arvalid(m.arvalid);
  v.m_axi_arready(m.arready);
  v.m_axi_arid(m.arid);
  v.m_axi_araddr(m.araddr);
  v.m_axi_arlen(m.arlen);
  v.m_axi_arsize(m.arsize);
  v.m_axi_arburst(m.arburst);
  v.m_axi_rvalid(m.rvalid);
  v.m_axi_rready(m.rready);
  v.m_axi_rid(m.rid);
  v.m_axi_rdata(m.rdata);
  v.m_axi_rresp(m.rresp);
  v.m_axi_rlast(m.rlast);
  v.irq(irq.valid);
  v.irq_ack(irq.ready);
  v.irq_data(irq.data);
  v.irq_addr(irq.addr);
  v.active(active);
}

NdpRtlAxiEngine::~NdpRtlAxiEngine() {
  if (model_->vcd) model_->vcd->close();
}

void NdpRtlAxiEngine::start_of_simulation() {
  if (options_.vcd_file.empty()) return;
  model_->vcd = std::make_unique<CheckedVcdSc>();
  model_->rtl.trace(model_->vcd.get(), 99);
  model_->vcd->open(options_.vcd_file.c_str());
  if (!model_->vcd->isOpen())
    throw std::runtime_error(std::string(name()) + ": cannot write the waveform file " + options_.vcd_file);
}

void NdpRtlAxiEngine::end_of_simulation() {
  if (model_->vcd) model_->vcd->flush();
}

}  // namespace cxlvp
