// ndp_engine_axi: the NDP engine with the AXI4 flavor of the pin contract
// (docs/ndp-plugin.md "AXI4 flavor"): the same register block (ndp_regs) and
// job sequencer with its MAC array (ndp_core) as ndp_engine, behind an
// AXI4-Lite register slave (ndp_axil_slave) and an AXI4 memory master
// (ndp_axi_master), with a level completion interrupt.
//
// Ports (all synchronous to the rising edge of aclk; aresetn active low,
// synchronous, held for at least two edges):
//   cfg_dram_bytes  device DRAM size in bytes (a strap, stable after reset)
//   s_axil_*        AXI4-Lite slave, 32-bit data, 12-bit addresses: the registers
//   m_axi_*         AXI4 master, 128-bit data, 64-bit addresses, 4-bit IDs: device DRAM
//   irq             level: a job's completion waits to be signalled; with it,
//                   irq_data (tag, bit 31 failed) and irq_addr (MSI_ADDR)
//   irq_ack         one cycle from the host once it has written the MSI; irq drops
//   active          high while the engine has work; the host may stop aclk
//                   when it is low and no register access is outstanding
`default_nettype none

module ndp_engine_axi #(
    parameter integer LANES = 16,
    parameter integer TILE = 8,
    parameter integer MAX_D_MODEL = 256,
    parameter integer MAX_D_FF = 1024,
    parameter integer QUEUE_DEPTH = 64
) (
    input  wire         aclk,
    input  wire         aresetn,
    input  wire [ 63:0] cfg_dram_bytes,
    input  wire         s_axil_awvalid,
    output wire         s_axil_awready,
    input  wire [ 11:0] s_axil_awaddr,
    input  wire         s_axil_wvalid,
    output wire         s_axil_wready,
    input  wire [ 31:0] s_axil_wdata,
    input  wire [  3:0] s_axil_wstrb,
    output wire         s_axil_bvalid,
    input  wire         s_axil_bready,
    output wire [  1:0] s_axil_bresp,
    input  wire         s_axil_arvalid,
    output wire         s_axil_arready,
    input  wire [ 11:0] s_axil_araddr,
    output wire         s_axil_rvalid,
    input  wire         s_axil_rready,
    output wire [ 31:0] s_axil_rdata,
    output wire [  1:0] s_axil_rresp,
    output wire         m_axi_awvalid,
    input  wire         m_axi_awready,
    output wire [  3:0] m_axi_awid,
    output wire [ 63:0] m_axi_awaddr,
    output wire [  7:0] m_axi_awlen,
    output wire [  2:0] m_axi_awsize,
    output wire [  1:0] m_axi_awburst,
    output wire         m_axi_wvalid,
    input  wire         m_axi_wready,
    output wire [127:0] m_axi_wdata,
    output wire [ 15:0] m_axi_wstrb,
    output wire         m_axi_wlast,
    input  wire         m_axi_bvalid,
    output wire         m_axi_bready,
    input  wire [  3:0] m_axi_bid,
    input  wire [  1:0] m_axi_bresp,
    output wire         m_axi_arvalid,
    input  wire         m_axi_arready,
    output wire [  3:0] m_axi_arid,
    output wire [ 63:0] m_axi_araddr,
    output wire [  7:0] m_axi_arlen,
    output wire [  2:0] m_axi_arsize,
    output wire [  1:0] m_axi_arburst,
    input  wire         m_axi_rvalid,
    output wire         m_axi_rready,
    input  wire [  3:0] m_axi_rid,
    input  wire [127:0] m_axi_rdata,
    input  wire [  1:0] m_axi_rresp,
    input  wire         m_axi_rlast,
    output wire         irq,
    input  wire         irq_ack,
    output wire [ 31:0] irq_data,
    output wire [ 63:0] irq_addr,
    output wire         active
);
  // register bus between the AXI4-Lite slave and the register block
  wire reg_valid, reg_ready, reg_write, reg_rsp_valid, reg_rsp_err;
  wire [11:0] reg_addr;
  wire [31:0] reg_wdata, reg_rsp_rdata;
  // memory port between the sequencer and the AXI4 master
  wire mem_req_valid, mem_req_ready, mem_req_write, mem_wvalid, mem_wready;
  wire mem_rsp_valid, mem_rsp_ready, mem_rsp_err, mem_rsp_last;
  wire [63:0] mem_req_addr;
  wire [31:0] mem_req_bytes;
  wire [127:0] mem_wdata, mem_rsp_data;
  // register block <-> sequencer
  wire q_valid, q_pop, job_busy, job_done, job_error;
  wire [63:0] q_head, msi_addr;
  wire [31:0] job_error_code;

  ndp_axil_slave axil (
      .clk(aclk),
      .rst_n(aresetn),
      .s_awvalid(s_axil_awvalid),
      .s_awready(s_axil_awready),
      .s_awaddr(s_axil_awaddr),
      .s_wvalid(s_axil_wvalid),
      .s_wready(s_axil_wready),
      .s_wdata(s_axil_wdata),
      .s_wstrb(s_axil_wstrb),
      .s_bvalid(s_axil_bvalid),
      .s_bready(s_axil_bready),
      .s_bresp(s_axil_bresp),
      .s_arvalid(s_axil_arvalid),
      .s_arready(s_axil_arready),
      .s_araddr(s_axil_araddr),
      .s_rvalid(s_axil_rvalid),
      .s_rready(s_axil_rready),
      .s_rdata(s_axil_rdata),
      .s_rresp(s_axil_rresp),
      .reg_valid(reg_valid),
      .reg_ready(reg_ready),
      .reg_write(reg_write),
      .reg_addr(reg_addr),
      .reg_wdata(reg_wdata),
      .reg_rsp_valid(reg_rsp_valid),
      .reg_rsp_rdata(reg_rsp_rdata),
      .reg_rsp_err(reg_rsp_err)
  );

  ndp_regs #(
      .QUEUE_DEPTH(QUEUE_DEPTH),
      .MAX_D_MODEL(MAX_D_MODEL),
      .MAX_D_FF(MAX_D_FF)
  ) regs (
      .clk(aclk),
      .rst_n(aresetn),
      .reg_valid(reg_valid),
      .reg_ready(reg_ready),
      .reg_write(reg_write),
      .reg_addr(reg_addr),
      .reg_wdata(reg_wdata),
      .reg_rsp_valid(reg_rsp_valid),
      .reg_rsp_rdata(reg_rsp_rdata),
      .reg_rsp_err(reg_rsp_err),
      .q_valid(q_valid),
      .q_head(q_head),
      .q_pop(q_pop),
      .msi_addr(msi_addr),
      .job_busy(job_busy),
      .job_done(job_done),
      .job_error(job_error),
      .job_error_code(job_error_code)
  );

  ndp_core #(
      .LANES(LANES),
      .TILE(TILE),
      .MAX_D_MODEL(MAX_D_MODEL),
      .MAX_D_FF(MAX_D_FF)
  ) core (
      .clk(aclk),
      .rst_n(aresetn),
      .dram_bytes(cfg_dram_bytes),
      .q_valid(q_valid),
      .q_head(q_head),
      .q_pop(q_pop),
      .msi_addr(msi_addr),
      .job_busy(job_busy),
      .job_done(job_done),
      .job_error(job_error),
      .job_error_code(job_error_code),
      .mem_req_valid(mem_req_valid),
      .mem_req_ready(mem_req_ready),
      .mem_req_write(mem_req_write),
      .mem_req_addr(mem_req_addr),
      .mem_req_bytes(mem_req_bytes),
      .mem_wvalid(mem_wvalid),
      .mem_wready(mem_wready),
      .mem_wdata(mem_wdata),
      .mem_rsp_valid(mem_rsp_valid),
      .mem_rsp_ready(mem_rsp_ready),
      .mem_rsp_data(mem_rsp_data),
      .mem_rsp_err(mem_rsp_err),
      .mem_rsp_last(mem_rsp_last),
      .irq_valid(irq),
      .irq_ready(irq_ack),
      .irq_data(irq_data),
      .irq_addr(irq_addr),
      .active(active)
  );

  ndp_axi_master axi (
      .clk(aclk),
      .rst_n(aresetn),
      .req_valid(mem_req_valid),
      .req_ready(mem_req_ready),
      .req_write(mem_req_write),
      .req_addr(mem_req_addr),
      .req_bytes(mem_req_bytes),
      .wvalid(mem_wvalid),
      .wready(mem_wready),
      .wdata(mem_wdata),
      .rsp_valid(mem_rsp_valid),
      .rsp_ready(mem_rsp_ready),
      .rsp_data(mem_rsp_data),
      .rsp_err(mem_rsp_err),
      .rsp_last(mem_rsp_last),
      .m_awvalid(m_axi_awvalid),
      .m_awready(m_axi_awready),
      .m_awid(m_axi_awid),
      .m_awaddr(m_axi_awaddr),
      .m_awlen(m_axi_awlen),
      .m_awsize(m_axi_awsize),
      .m_awburst(m_axi_awburst),
      .m_wvalid(m_axi_wvalid),
      .m_wready(m_axi_wready),
      .m_wdata(m_axi_wdata),
      .m_wstrb(m_axi_wstrb),
      .m_wlast(m_axi_wlast),
      .m_bvalid(m_axi_bvalid),
      .m_bready(m_axi_bready),
      .m_bid(m_axi_bid),
      .m_bresp(m_axi_bresp),
      .m_arvalid(m_axi_arvalid),
      .m_arready(m_axi_arready),
      .m_arid(m_axi_arid),
      .m_araddr(m_axi_araddr),
      .m_arlen(m_axi_arlen),
      .m_arsize(m_axi_arsize),
      .m_arburst(m_axi_arburst),
      .m_rvalid(m_axi_rvalid),
      .m_rready(m_axi_rready),
      .m_rid(m_axi_rid),
      .m_rdata(m_axi_rdata),
      .m_rresp(m_axi_rresp),
      .m_rlast(m_axi_rlast)
  );
endmodule

`default_nettype wire
