// ndp_broken: our valid/ready NDP engine (ndp_engine) with one deliberate
// fault, for the tests that check that the platform catches broken engines
// (tests/test_broken_engines.cpp). The fault is chosen when the simulation
// starts, through the DPI function broken_engine_fault()
// (tests/broken_engine_fault.cpp, from the environment variable
// CXLVP_BROKEN_ENGINE); 0 leaves the engine healthy. Each fault is one small
// module in this folder that alters some of the engine's pins:
//   1 wrong_result      a bit of every output byte 0 flipped (the outputs differ from expert_ffn())
//   2 stays_active      stops making memory requests but keeps `active` 1 (hangs)
//   3 idle_unfinished   stops making memory requests and drops `active` (never finishes)
//   4 extra_write_beat  one write beat more than the request has
//   5 payload_change    irq_data changes while irq_valid waits for irq_ready
`default_nettype none

module ndp_broken #(
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
  import "DPI-C" function int broken_engine_fault();
  integer fault;
  initial fault = broken_engine_fault();

  // the healthy engine's outputs that a fault may change
  wire e_req_valid, e_wvalid, e_irq_valid, e_active;
  wire [127:0] e_wdata;
  wire [31:0] e_irq_data;

  ndp_engine #(
      .LANES(LANES),
      .TILE(TILE),
      .MAX_D_MODEL(MAX_D_MODEL),
      .MAX_D_FF(MAX_D_FF),
      .QUEUE_DEPTH(QUEUE_DEPTH)
  ) engine (
      .clk(clk),
      .rst_n(rst_n),
      .cfg_dram_bytes(cfg_dram_bytes),
      .reg_valid(reg_valid),
      .reg_ready(reg_ready),
      .reg_write(reg_write),
      .reg_addr(reg_addr),
      .reg_wdata(reg_wdata),
      .reg_rsp_valid(reg_rsp_valid),
      .reg_rsp_rdata(reg_rsp_rdata),
      .reg_rsp_err(reg_rsp_err),
      .mem_req_valid(e_req_valid),
      .mem_req_ready(mem_req_ready),
      .mem_req_write(mem_req_write),
      .mem_req_addr(mem_req_addr),
      .mem_req_bytes(mem_req_bytes),
      .mem_wvalid(e_wvalid),
      .mem_wready(mem_wready),
      .mem_wdata(e_wdata),
      .mem_rsp_valid(mem_rsp_valid),
      .mem_rsp_ready(mem_rsp_ready),
      .mem_rsp_data(mem_rsp_data),
      .mem_rsp_err(mem_rsp_err),
      .mem_rsp_last(mem_rsp_last),
      .irq_valid(e_irq_valid),
      .irq_ready(irq_ready),
      .irq_data(e_irq_data),
      .irq_addr(irq_addr),
      .active(e_active)
  );

  wire [127:0] wrong_wdata;
  wrong_result wrong (
      .wdata_in(e_wdata),
      .wdata_out(wrong_wdata)
  );

  wire stuck_req_valid, stuck_active, idle_req_valid, idle_active;
  stops_requests #(.KEEP_ACTIVE(1)) stays_active (
      .clk(clk),
      .rst_n(rst_n),
      .req_valid_in(e_req_valid),
      .req_ready(mem_req_ready),
      .active_in(e_active),
      .req_valid_out(stuck_req_valid),
      .active_out(stuck_active)
  );
  stops_requests #(.KEEP_ACTIVE(0)) idle_unfinished (
      .clk(clk),
      .rst_n(rst_n),
      .req_valid_in(e_req_valid),
      .req_ready(mem_req_ready),
      .active_in(e_active),
      .req_valid_out(idle_req_valid),
      .active_out(idle_active)
  );

  wire extra_wvalid;
  extra_write_beat extra (
      .clk(clk),
      .rst_n(rst_n),
      .wvalid_in(e_wvalid),
      .wready(mem_wready),
      .wvalid_out(extra_wvalid)
  );

  wire [31:0] changed_irq_data;
  payload_change change (
      .clk(clk),
      .rst_n(rst_n),
      .valid(e_irq_valid),
      .ready(irq_ready),
      .data_in(e_irq_data),
      .data_out(changed_irq_data)
  );

  assign mem_wdata = fault == 1 ? wrong_wdata : e_wdata;
  assign mem_req_valid = fault == 2 ? stuck_req_valid : fault == 3 ? idle_req_valid : e_req_valid;
  assign active = fault == 2 ? stuck_active : fault == 3 ? idle_active : e_active;
  assign mem_wvalid = fault == 4 ? extra_wvalid : e_wvalid;
  assign irq_valid = e_irq_valid;
  assign irq_data = fault == 5 ? changed_irq_data : e_irq_data;
endmodule

`default_nettype wire
