// ndp_regs: the job-queue register block of the NDP engine (docs/ndp-plugin.md,
// "Register map") on a 32-bit register bus, and the descriptor queue the
// DOORBELL register fills.
//
// Bus: a request is transferred on a rising edge with reg_valid && reg_ready;
// the response (reg_rsp_valid for one cycle, with reg_rsp_rdata for reads and
// reg_rsp_err for an unmapped offset) follows on the next cycle. 64-bit
// registers are two 32-bit halves, low half at the lower offset.
`default_nettype none

module ndp_regs #(
    parameter integer QUEUE_DEPTH = 64,
    parameter integer MAX_D_MODEL = 256,
    parameter integer MAX_D_FF = 1024,
    parameter [31:0] VERSION = 32'h0001_0000
) (
    input  wire        clk,
    input  wire        rst_n,
    // register bus
    input  wire        reg_valid,
    output wire        reg_ready,
    input  wire        reg_write,
    input  wire [11:0] reg_addr,
    input  wire [31:0] reg_wdata,
    output reg         reg_rsp_valid,
    output reg  [31:0] reg_rsp_rdata,
    output reg         reg_rsp_err,
    // to the job sequencer
    output wire        q_valid,      // a descriptor address is queued
    output wire [63:0] q_head,       // the oldest one
    input  wire        q_pop,        // the sequencer takes it
    output wire [63:0] msi_addr,
    input  wire        job_busy,     // STATUS.busy
    input  wire        job_done,     // one cycle per finished job: COMPLETED += 1
    input  wire        job_error,    // one cycle: ERROR <= job_error_code
    input  wire [31:0] job_error_code
);
  localparam integer QW = QUEUE_DEPTH > 1 ? $clog2(QUEUE_DEPTH) : 1;
  localparam [31:0] ERR_QUEUE_FULL = 32'd1;

  localparam [11:0] A_VERSION = 12'h000, A_STATUS = 12'h004, A_DESC_LO = 12'h008, A_DESC_HI = 12'h00C,
                    A_DOORBELL = 12'h010, A_ERROR = 12'h014, A_MSI_LO = 12'h018, A_MSI_HI = 12'h01C,
                    A_COMPLETED = 12'h020, A_QDEPTH = 12'h024, A_MAX_DM = 12'h028, A_MAX_DFF = 12'h02C;

  reg [63:0] desc_addr_q, msi_addr_q;
  reg [31:0] error_q, completed_q;
  reg [63:0] queue[0:QUEUE_DEPTH-1];
  reg [QW-1:0] head, tail;
  reg [31:0] count;

  // The bus never stalls: every request completes in two cycles.
  assign reg_ready = 1'b1;
  assign q_valid = count != 0;
  assign q_head = queue[head];
  assign msi_addr = msi_addr_q;

  wire take = reg_valid && reg_ready;
  wire ring = take && reg_write && reg_addr == A_DOORBELL;
  wire full = count == QUEUE_DEPTH;
  wire push = ring && !full;
  wire pop = q_pop && q_valid;

  function automatic [QW-1:0] next_slot(input [QW-1:0] slot);
    next_slot = slot == QW'(QUEUE_DEPTH - 1) ? {QW{1'b0}} : slot + 1'b1;
  endfunction

  always @(posedge clk) begin
    if (!rst_n) begin
      desc_addr_q <= 64'd0;
      msi_addr_q <= 64'd0;
      error_q <= 32'd0;
      completed_q <= 32'd0;
      head <= {QW{1'b0}};
      tail <= {QW{1'b0}};
      count <= 32'd0;
      reg_rsp_valid <= 1'b0;
      reg_rsp_rdata <= 32'd0;
      reg_rsp_err <= 1'b0;
    end else begin
      reg_rsp_valid <= take;
      reg_rsp_err <= 1'b0;
      reg_rsp_rdata <= 32'd0;
      if (take && reg_write) begin
        // Writes to read-only registers are ignored, as in the TLM register bank.
        case (reg_addr)
          A_DESC_LO: desc_addr_q[31:0] <= reg_wdata;
          A_DESC_HI: desc_addr_q[63:32] <= reg_wdata;
          A_MSI_LO:  msi_addr_q[31:0] <= reg_wdata;
          A_MSI_HI:  msi_addr_q[63:32] <= reg_wdata;
          A_VERSION, A_STATUS, A_DOORBELL, A_ERROR, A_COMPLETED, A_QDEPTH, A_MAX_DM, A_MAX_DFF: ;
          default:   reg_rsp_err <= 1'b1;
        endcase
      end else if (take) begin
        case (reg_addr)
          A_VERSION:   reg_rsp_rdata <= VERSION;
          A_STATUS:    reg_rsp_rdata <= {count[15:0], 14'd0, error_q != 32'd0, job_busy};
          A_DESC_LO:   reg_rsp_rdata <= desc_addr_q[31:0];
          A_DESC_HI:   reg_rsp_rdata <= desc_addr_q[63:32];
          A_DOORBELL:  reg_rsp_rdata <= 32'd0;  // write-only
          A_ERROR:     reg_rsp_rdata <= error_q;
          A_MSI_LO:    reg_rsp_rdata <= msi_addr_q[31:0];
          A_MSI_HI:    reg_rsp_rdata <= msi_addr_q[63:32];
          A_COMPLETED: reg_rsp_rdata <= completed_q;
          A_QDEPTH:    reg_rsp_rdata <= QUEUE_DEPTH;
          A_MAX_DM:    reg_rsp_rdata <= MAX_D_MODEL;
          A_MAX_DFF:   reg_rsp_rdata <= MAX_D_FF;
          default:     reg_rsp_err <= 1'b1;
        endcase
      end

      // DOORBELL queues the DESC_ADDR it sees (a write to DESC_ADDR in the same
      // cycle is impossible: one request per cycle).
      if (push) begin
        queue[tail] <= desc_addr_q;
        tail <= next_slot(tail);
      end
      if (pop) head <= next_slot(head);
      count <= count + (push ? 32'd1 : 32'd0) - (pop ? 32'd1 : 32'd0);

      if (job_done) completed_q <= completed_q + 32'd1;
      // A refused doorbell and a failing job in the same cycle: the doorbell's
      // error is the one the host can act on, so it wins.
      if (ring && full) error_q <= ERR_QUEUE_FULL;
      else if (job_error) error_q <= job_error_code;
    end
  end
endmodule

`default_nettype wire
