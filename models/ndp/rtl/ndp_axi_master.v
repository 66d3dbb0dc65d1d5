// ndp_axi_master: the job sequencer's memory port (ndp_core: one request of
// any length at any byte address, 16-byte beats in address order, one
// acknowledgement per write) on an AXI4 master, for the AXI4 flavor of the
// engine (docs/ndp-plugin.md "AXI4 flavor").
//
// A request becomes INCR bursts of full-width beats (AxSIZE 16 bytes) at
// 16-byte aligned addresses, each at most 256 beats and never across a 4 KiB
// boundary (AMBA AXI A3.4.1); a 4 KiB-aligned burst of 256 beats is exactly
// one 4 KiB page. Reads keep up to four bursts outstanding, all with ID 0, so
// their data come back in order (AXI ordering within one ID). Read data are
// realigned from the bus's byte lanes to the request's start address through
// a 32-byte buffer; write beats are realigned the other way, with WSTRB
// enabling exactly the request's bytes. The write address and data channels
// run independently (the data may lead). The engine's acknowledgement of a
// write follows the last burst's write response. A read response that is not
// OKAY marks the beat being handed over and every later beat of the request
// as failed, which is all the sequencer needs (it fails the phase); a write
// response that is not OKAY fails the acknowledgement.
`default_nettype none

module ndp_axi_master (
    input  wire         clk,
    input  wire         rst_n,
    // the sequencer's memory port (ndp_core)
    input  wire         req_valid,
    output wire         req_ready,
    input  wire         req_write,
    input  wire [ 63:0] req_addr,
    input  wire [ 31:0] req_bytes,
    input  wire         wvalid,
    output wire         wready,
    input  wire [127:0] wdata,
    output wire         rsp_valid,
    input  wire         rsp_ready,
    output wire [127:0] rsp_data,
    output wire         rsp_err,
    output wire         rsp_last,
    // AXI4 master
    output reg          m_awvalid,
    input  wire         m_awready,
    output wire [  3:0] m_awid,
    output reg  [ 63:0] m_awaddr,
    output reg  [  7:0] m_awlen,
    output wire [  2:0] m_awsize,
    output wire [  1:0] m_awburst,
    output wire         m_wvalid,
    input  wire         m_wready,
    output wire [127:0] m_wdata,
    output wire [ 15:0] m_wstrb,
    output wire         m_wlast,
    input  wire         m_bvalid,
    output wire         m_bready,
    input  wire [  3:0] m_bid,
    input  wire [  1:0] m_bresp,
    output reg          m_arvalid,
    input  wire         m_arready,
    output wire [  3:0] m_arid,
    output reg  [ 63:0] m_araddr,
    output reg  [  7:0] m_arlen,
    output wire [  2:0] m_arsize,
    output wire [  1:0] m_arburst,
    input  wire         m_rvalid,
    output wire         m_rready,
    input  wire [  3:0] m_rid,
    input  wire [127:0] m_rdata,
    input  wire [  1:0] m_rresp,
    input  wire         m_rlast
);
  localparam [1:0] S_IDLE = 2'd0, S_READ = 2'd1, S_WRITE = 2'd2, S_ACK = 2'd3;
  localparam integer MAX_READS = 4;  // read bursts outstanding

  // One ID: responses come back in order. IDs and RLAST carry nothing the
  // master needs (it counts beats).
  assign m_awid = 4'd0;
  assign m_arid = 4'd0;
  assign m_awsize = 3'd4;   // 16 bytes per beat
  assign m_arsize = 3'd4;
  assign m_awburst = 2'b01;  // INCR
  assign m_arburst = 2'b01;
  wire unused = &{1'b0, m_bid, m_rid, m_rlast};

  reg [1:0] state;
  reg [11:0] start;      // the request's address within its 4 KiB page
  reg [31:0] bytes;
  wire [3:0] off = start[3:0];
  reg [31:0] core_left;  // sequencer beats still to move
  reg failed;

  // The burst schedule, the same for addresses and for WLAST: from `next`, up
  // to the 4 KiB boundary, at most 256 beats.
  reg [63:0] next;       // aligned address of the next burst
  reg [31:0] addr_left;  // bus beats not yet requested
  wire [8:0] to_page = 9'd256 - {1'b0, next[11:4]};  // 1..256 beats
  wire [31:0] page_beats = {23'd0, to_page};
  wire [31:0] burst_beats = addr_left < page_beats ? addr_left : page_beats;

  // bus beats of [a, a + n): from a's 16-byte line to the line of its last byte
  function automatic [31:0] bus_beats(input [63:0] a, input [31:0] n);
    reg [63:0] last_line;
    begin
      last_line = (a + {32'd0, n} + 64'd15) >> 4;
      bus_beats = 32'(last_line - (a >> 4));
    end
  endfunction

  // ---------------------------------------------------------------- reads
  reg [2:0] reads_out;   // bursts requested and not finished
  reg [31:0] r_left;     // bus beats still to arrive
  reg r_first;
  reg [255:0] rb;        // realigned read bytes, oldest in the low bits
  reg [5:0] rc;          // bytes in rb
  wire r_take = m_rvalid && m_rready;
  wire r_out = state == S_READ && core_left != 32'd0 && (rc >= 6'd16 || (r_left == 32'd0 && rc != 6'd0));
  wire r_give = r_out && rsp_ready;
  wire [5:0] r_kept = r_give ? (rc > 6'd16 ? rc - 6'd16 : 6'd0) : rc;
  wire [255:0] rb_kept = r_give ? rb >> 128 : rb;
  wire [127:0] r_in = r_first ? m_rdata >> {off, 3'd0} : m_rdata;
  wire [5:0] r_in_n = r_first ? 6'd16 - {2'd0, off} : 6'd16;
  // bytes of the last sequencer beat past the request's end read as 0
  wire [4:0] tail = bytes[3:0] == 4'd0 ? 5'd16 : {1'b0, bytes[3:0]};
  wire [127:0] tail_mask = core_left == 32'd1 && tail != 5'd16 ? ~({128{1'b1}} << {tail[3:0], 3'd0}) : {128{1'b1}};
  // Room for a bus beat once this cycle's sequencer beat has gone: one beat in
  // and one out per cycle at any alignment.
  assign m_rready = state == S_READ && r_left != 32'd0 && r_kept <= 6'd16;

  // ---------------------------------------------------------------- writes
  reg [31:0] w_left;     // bus beats still to send
  reg [31:0] w_index;    // bus beats sent
  reg [255:0] wb;        // write bytes in bus-lane order from the next beat on
  reg [5:0] wc;          // bytes in wb (the first beat's leading `off` unused lanes count)
  reg [31:0] bursts, answered;  // write bursts requested, write responses received
  wire w_out = m_wvalid && m_wready;
  wire [5:0] w_kept = w_out ? wc - 6'd16 : wc;  // bytes left once this cycle's bus beat has gone
  wire w_in = wvalid && wready;
  assign wready = state == S_WRITE && core_left != 32'd0 && w_kept <= 6'd16;
  assign m_wvalid = state == S_WRITE && w_left != 32'd0 && (wc >= 6'd16 || (core_left == 32'd0 && wc != 6'd0));
  assign m_wdata = wb[127:0];
  wire [63:0] w_pos = {28'd0, w_index, 4'd0};  // stream position of the beat's lane 0, from the request's first line
  genvar gs;
  generate
    for (gs = 0; gs < 16; gs = gs + 1) begin : g_strobe
      wire [63:0] p = w_pos + gs;
      assign m_wstrb[gs] = p >= {60'd0, off} && p < {60'd0, off} + {32'd0, bytes};
    end
  endgenerate
  wire [11:0] beat_end = {start[11:4], 4'd0} + w_pos[11:0] + 12'd16;  // within its 4 KiB page
  assign m_wlast = beat_end == 12'd0 || w_left == 32'd1;
  assign m_bready = state == S_WRITE || state == S_ACK;

  // ---------------------------------------------------------------- sequencer side
  assign req_ready = state == S_IDLE;
  assign rsp_valid = r_out || state == S_ACK;
  assign rsp_data = state == S_READ ? rb[127:0] & tail_mask : 128'd0;
  assign rsp_err = failed;
  assign rsp_last = state == S_ACK || core_left == 32'd1;

  always @(posedge clk) begin
    if (!rst_n) begin
      state <= S_IDLE;
      m_awvalid <= 1'b0;
      m_arvalid <= 1'b0;
      reads_out <= 3'd0;
      failed <= 1'b0;
    end else begin
      case (state)
        S_IDLE:
        if (req_valid) begin
          start <= req_addr[11:0];
          bytes <= req_bytes;
          core_left <= (req_bytes + 32'd15) >> 4;
          next <= {req_addr[63:4], 4'd0};
          addr_left <= bus_beats(req_addr, req_bytes);
          failed <= 1'b0;
          rb <= 256'd0;
          rc <= 6'd0;
          r_first <= 1'b1;
          r_left <= bus_beats(req_addr, req_bytes);
          wb <= 256'd0;
          wc <= {2'd0, req_addr[3:0]};
          w_left <= bus_beats(req_addr, req_bytes);
          w_index <= 32'd0;
          bursts <= 32'd0;
          answered <= 32'd0;
          state <= req_write ? S_WRITE : S_READ;
        end
        S_READ: begin
          // address channel: a burst at a time, up to MAX_READS outstanding
          if (m_arvalid && m_arready) begin
            m_arvalid <= 1'b0;
            next <= next + {52'd0, m_arlen, 4'd0} + 64'd16;
            addr_left <= addr_left - ({24'd0, m_arlen} + 32'd1);
          end else if (!m_arvalid && addr_left != 32'd0 && reads_out < 3'(MAX_READS)) begin
            m_arvalid <= 1'b1;
            m_araddr <= next;
            m_arlen <= 8'(burst_beats - 32'd1);
          end
          reads_out <= reads_out + (m_arvalid && m_arready ? 3'd1 : 3'd0) - (r_take && m_rlast ? 3'd1 : 3'd0);
          // data: append what arrives, hand over 16 bytes at a time
          if (r_take) begin
            rb <= rb_kept | ({128'd0, r_in} << {r_kept, 3'd0});
            rc <= r_kept + r_in_n;
            r_first <= 1'b0;
            r_left <= r_left - 32'd1;
            if (m_rresp != 2'b00) failed <= 1'b1;
          end else begin
            rb <= rb_kept;
            rc <= r_kept;
          end
          if (r_give) begin
            core_left <= core_left - 32'd1;
            if (core_left == 32'd1) state <= S_IDLE;  // any bytes left past the request are dropped
          end
        end
        S_WRITE, S_ACK: begin
          if (m_awvalid && m_awready) begin
            m_awvalid <= 1'b0;
            next <= next + {52'd0, m_awlen, 4'd0} + 64'd16;
            addr_left <= addr_left - ({24'd0, m_awlen} + 32'd1);
            bursts <= bursts + 32'd1;
          end else if (!m_awvalid && addr_left != 32'd0) begin
            m_awvalid <= 1'b1;
            m_awaddr <= next;
            m_awlen <= 8'(burst_beats - 32'd1);
          end
          if (w_out) begin
            w_left <= w_left - 32'd1;
            w_index <= w_index + 32'd1;
          end
          if (w_in) begin
            wb <= (w_out ? wb >> 128 : wb) | ({128'd0, wdata} << {w_kept, 3'd0});
            wc <= w_kept + 6'd16;
            core_left <= core_left - 32'd1;
          end else if (w_out) begin
            wb <= wb >> 128;
            wc <= wc > 6'd16 ? wc - 6'd16 : 6'd0;
          end
          if (m_bvalid && m_bready) begin
            answered <= answered + 32'd1;
            if (m_bresp != 2'b00) failed <= 1'b1;
          end
          // every burst requested, sent and answered: acknowledge the request
          if (state == S_WRITE && addr_left == 32'd0 && !m_awvalid && w_left == 32'd0 && answered == bursts)
            state <= S_ACK;
          if (state == S_ACK && rsp_ready) state <= S_IDLE;
        end
        default: state <= S_IDLE;
      endcase
    end
  end
endmodule

`default_nettype wire
