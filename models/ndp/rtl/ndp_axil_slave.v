// ndp_axil_slave: an AXI4-Lite slave in front of the register block's
// valid/ready bus (ndp_regs), for the AXI4 flavor of the engine
// (docs/ndp-plugin.md "AXI4 flavor").
//
// The write address and the write data are accepted independently (either
// may come first, AMBA AXI A3.3.1) and held until both are there; then the
// bus access runs and the write response follows. Reads likewise. One access
// at a time; a write waiting with both halves goes before a read. Registers
// are 32 bits: a write whose strobes are not all set changes nothing and is
// answered SLVERR, as is an unmapped offset (reg_rsp_err).
`default_nettype none

module ndp_axil_slave (
    input  wire        clk,
    input  wire        rst_n,
    // AXI4-Lite slave
    input  wire        s_awvalid,
    output wire        s_awready,
    input  wire [11:0] s_awaddr,
    input  wire        s_wvalid,
    output wire        s_wready,
    input  wire [31:0] s_wdata,
    input  wire [ 3:0] s_wstrb,
    output reg         s_bvalid,
    input  wire        s_bready,
    output reg  [ 1:0] s_bresp,
    input  wire        s_arvalid,
    output wire        s_arready,
    input  wire [11:0] s_araddr,
    output reg         s_rvalid,
    input  wire        s_rready,
    output reg  [31:0] s_rdata,
    output reg  [ 1:0] s_rresp,
    // register bus, master side
    output wire        reg_valid,
    input  wire        reg_ready,
    output wire        reg_write,
    output wire [11:0] reg_addr,
    output wire [31:0] reg_wdata,
    input  wire        reg_rsp_valid,
    input  wire [31:0] reg_rsp_rdata,
    input  wire        reg_rsp_err
);
  localparam [1:0] OKAY = 2'b00, SLVERR = 2'b10;
  localparam [1:0] S_IDLE = 2'd0, S_REQ = 2'd1, S_WAIT = 2'd2, S_RESP = 2'd3;

  reg [1:0] state;
  reg aw_full, w_full, ar_full, writing;
  reg [11:0] aw_addr, ar_addr;
  reg [31:0] w_data;
  reg [3:0] w_strb;

  assign s_awready = !aw_full;
  assign s_wready = !w_full;
  assign s_arready = !ar_full;
  assign reg_valid = state == S_REQ;
  assign reg_write = writing;
  assign reg_addr = writing ? aw_addr : ar_addr;
  assign reg_wdata = w_data;

  always @(posedge clk) begin
    if (!rst_n) begin
      state <= S_IDLE;
      aw_full <= 1'b0;
      w_full <= 1'b0;
      ar_full <= 1'b0;
      writing <= 1'b0;
      s_bvalid <= 1'b0;
      s_rvalid <= 1'b0;
      s_bresp <= OKAY;
      s_rresp <= OKAY;
      s_rdata <= 32'd0;
    end else begin
      if (s_awvalid && s_awready) begin
        aw_full <= 1'b1;
        aw_addr <= s_awaddr;
      end
      if (s_wvalid && s_wready) begin
        w_full <= 1'b1;
        w_data <= s_wdata;
        w_strb <= s_wstrb;
      end
      if (s_arvalid && s_arready) begin
        ar_full <= 1'b1;
        ar_addr <= s_araddr;
      end
      case (state)
        S_IDLE:
        if (aw_full && w_full) begin
          writing <= 1'b1;
          if (w_strb == 4'hF) state <= S_REQ;
          else begin  // a partial register write: refused, nothing changes
            s_bvalid <= 1'b1;
            s_bresp <= SLVERR;
            state <= S_RESP;
          end
        end else if (ar_full) begin
          writing <= 1'b0;
          state <= S_REQ;
        end
        S_REQ: if (reg_ready) state <= S_WAIT;
        S_WAIT:
        if (reg_rsp_valid) begin
          if (writing) begin
            s_bvalid <= 1'b1;
            s_bresp <= reg_rsp_err ? SLVERR : OKAY;
          end else begin
            s_rvalid <= 1'b1;
            s_rdata <= reg_rsp_rdata;
            s_rresp <= reg_rsp_err ? SLVERR : OKAY;
          end
          state <= S_RESP;
        end
        S_RESP:
        if (s_bvalid && s_bready) begin
          s_bvalid <= 1'b0;
          aw_full <= 1'b0;
          w_full <= 1'b0;
          state <= S_IDLE;
        end else if (s_rvalid && s_rready) begin
          s_rvalid <= 1'b0;
          ar_full <= 1'b0;
          state <= S_IDLE;
        end
        default: state <= S_IDLE;
      endcase
    end
  end
endmodule

`default_nettype wire
