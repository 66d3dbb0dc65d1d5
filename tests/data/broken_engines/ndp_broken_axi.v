// ndp_broken_axi: our AXI4 NDP engine (ndp_engine_axi) with one deliberate
// fault, for tests/test_broken_engines.cpp; chosen like ndp_broken's (DPI
// broken_engine_fault(), environment variable CXLVP_BROKEN_ENGINE):
//   6 burst_across_4k   a read burst crosses a 4 KiB boundary
`default_nettype none

module ndp_broken_axi #(
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
  import "DPI-C" function int broken_engine_fault();
  integer fault;
  initial fault = broken_engine_fault();

  wire [7:0] e_arlen, long_arlen;
  burst_across_4k across (
      .araddr_page(m_axi_araddr[11:0]),
      .arlen_in(e_arlen),
      .arlen_out(long_arlen)
  );
  assign m_axi_arlen = fault == 6 ? long_arlen : e_arlen;

  ndp_engine_axi #(
      .LANES(LANES),
      .TILE(TILE),
      .MAX_D_MODEL(MAX_D_MODEL),
      .MAX_D_FF(MAX_D_FF),
      .QUEUE_DEPTH(QUEUE_DEPTH)
  ) engine (
      .aclk(aclk),
      .aresetn(aresetn),
      .cfg_dram_bytes(cfg_dram_bytes),
      .s_axil_awvalid(s_axil_awvalid),
      .s_axil_awready(s_axil_awready),
      .s_axil_awaddr(s_axil_awaddr),
      .s_axil_wvalid(s_axil_wvalid),
      .s_axil_wready(s_axil_wready),
      .s_axil_wdata(s_axil_wdata),
      .s_axil_wstrb(s_axil_wstrb),
      .s_axil_bvalid(s_axil_bvalid),
      .s_axil_bready(s_axil_bready),
      .s_axil_bresp(s_axil_bresp),
      .s_axil_arvalid(s_axil_arvalid),
      .s_axil_arready(s_axil_arready),
      .s_axil_araddr(s_axil_araddr),
      .s_axil_rvalid(s_axil_rvalid),
      .s_axil_rready(s_axil_rready),
      .s_axil_rdata(s_axil_rdata),
      .s_axil_rresp(s_axil_rresp),
      .m_axi_awvalid(m_axi_awvalid),
      .m_axi_awready(m_axi_awready),
      .m_axi_awid(m_axi_awid),
      .m_axi_awaddr(m_axi_awaddr),
      .m_axi_awlen(m_axi_awlen),
      .m_axi_awsize(m_axi_awsize),
      .m_axi_awburst(m_axi_awburst),
      .m_axi_wvalid(m_axi_wvalid),
      .m_axi_wready(m_axi_wready),
      .m_axi_wdata(m_axi_wdata),
      .m_axi_wstrb(m_axi_wstrb),
      .m_axi_wlast(m_axi_wlast),
      .m_axi_bvalid(m_axi_bvalid),
      .m_axi_bready(m_axi_bready),
      .m_axi_bid(m_axi_bid),
      .m_axi_bresp(m_axi_bresp),
      .m_axi_arvalid(m_axi_arvalid),
      .m_axi_arready(m_axi_arready),
      .m_axi_arid(m_axi_arid),
      .m_axi_araddr(m_axi_araddr),
      .m_axi_arlen(e_arlen),
      .m_axi_arsize(m_axi_arsize),
      .m_axi_arburst(m_axi_arburst),
      .m_axi_rvalid(m_axi_rvalid),
      .m_axi_rready(m_axi_rready),
      .m_axi_rid(m_axi_rid),
      .m_axi_rdata(m_axi_rdata),
      .m_axi_rresp(m_axi_rresp),
      .m_axi_rlast(m_axi_rlast),
      .irq(irq),
      .irq_ack(irq_ack),
      .irq_data(irq_data),
      .irq_addr(irq_addr),
      .active(active)
  );
endmodule

`default_nettype wire
