// ndp_engine: the NDP engine's top level, the module a user's own engine
// replaces (docs/ndp-plugin.md, "Plug in your own Verilog"): the register
// block (ndp_regs) and the job sequencer with its MAC array (ndp_core).
//
// Ports (all synchronous to the rising edge of clk; rst_n active low,
// synchronous, held for at least two edges):
//   cfg_dram_bytes  device DRAM size in bytes (a strap, stable after reset)
//   reg_*           32-bit register bus
//   mem_*           memory port into device DRAM, 128-bit data
//   irq_*           completion interrupt: MSI data word and address
//   active          high while the engine has work; the host may stop clk
//                   when it is low and no bus request is outstanding
`default_nettype none

module ndp_engine #(
    parameter integer LANES = 16,
    parameter integer TILE = 8,
    parameter integer MAX_D_MODEL = 256,
    parameter integer MAX_D_FF = 1024,
    parameter integer QUEUE_DEPTH = 64
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [ 63:0] cfg_dram_bytes,
    input  wire         reg_valid,
    output wire         reg_ready,
    input  wire         reg_write,
    input  wire [ 11:0] reg_addr,
    input  wire [ 31:0] reg_wdata,
    output wire         reg_rsp_valid,
    output wire [ 31:0] reg_rsp_rdata,
    output wire         reg_rsp_err,
    output wire         mem_req_valid,
    input  wire         mem_req_ready,
    output wire         mem_req_write,
    output wire [ 63:0] mem_req_addr,
    output wire [ 31:0] mem_req_bytes,
    output wire         mem_wvalid,
    input  wire         mem_wready,
    output wire [127:0] mem_wdata,
    input  wire         mem_rsp_valid,
    output wire         mem_rsp_ready,
    input  wire [127:0] mem_rsp_data,
    input  wire         mem_rsp_err,
    input  wire         mem_rsp_last,
    output wire         irq_valid,
    input  wire         irq_ready,
    output wire [ 31:0] irq_data,
    output wire [ 63:0] irq_addr,
    output wire         active
);
  wire q_valid, q_pop, job_busy, job_done, job_error;
  wire [63:0] q_head, msi_addr;
  wire [31:0] job_error_code;

  ndp_regs #(
      .QUEUE_DEPTH(QUEUE_DEPTH),
      .MAX_D_MODEL(MAX_D_MODEL),
      .MAX_D_FF(MAX_D_FF)
  ) regs (
      .clk(clk),
      .rst_n(rst_n),
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
      .clk(clk),
      .rst_n(rst_n),
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
      .irq_valid(irq_valid),
      .irq_ready(irq_ready),
      .irq_data(irq_data),
      .irq_addr(irq_addr),
      .active(active)
  );
endmodule

`default_nettype wire
