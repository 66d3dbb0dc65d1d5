// ndp_core: the NDP engine's job sequencer and int8 MAC array.
//
// For each queued descriptor address: bounds-check it, read the 128-byte
// descriptor through the memory port, check it, then compute the expert FFN
// in tiles of up to TILE tokens:
//   scales  read once per job: scale1 | scale2 (2*d_ff + 2*d_model bytes)
//   per tile:
//     read X   (n tokens x d_model bytes) into the X buffer
//     stream W1 | W2 once (2*d_ff*d_model bytes, one request) through a
//       realigning byte buffer; each chunk of LANES weights is multiplied with
//       the activations of the n tokens, one token per cycle, into n int32
//       accumulators; at the end of a row the accumulators are requantized into
//       H (layer 1) or into the X buffer as Y (layer 2, X is dead by then)
//     write Y  (n x d_model bytes)
//   completion: COMPLETED += 1, ERROR on failure, then the interrupt carrying
//   tag | failed << 31 and the MSI address.
// Cycle model (docs/ndp-plugin.md "Timing"): a tile of n tokens spends
// n * (d_ff * ceil(d_model / LANES) + d_model * ceil(d_ff / LANES)) cycles in
// the MAC array, plus its memory phases; weights are read once per tile.
`default_nettype none

module ndp_core #(
    parameter integer LANES = 16,        // MACs per cycle, 1..16
    parameter integer TILE = 8,          // tokens per weight pass
    parameter integer MAX_D_MODEL = 256,
    parameter integer MAX_D_FF = 1024
) (
    input  wire         clk,
    input  wire         rst_n,
    input  wire [ 63:0] dram_bytes,
    // descriptor queue and registers (ndp_regs)
    input  wire         q_valid,
    input  wire [ 63:0] q_head,
    output wire         q_pop,
    input  wire [ 63:0] msi_addr,
    output wire         job_busy,
    output wire         job_done,
    output wire         job_error,
    output wire [ 31:0] job_error_code,
    // memory port: requests, write data, responses (read data and write acks)
    output wire         mem_req_valid,
    input  wire         mem_req_ready,
    output wire         mem_req_write,
    output reg  [ 63:0] mem_req_addr,
    output reg  [ 31:0] mem_req_bytes,
    output wire         mem_wvalid,
    input  wire         mem_wready,
    output wire [127:0] mem_wdata,
    input  wire         mem_rsp_valid,
    output wire         mem_rsp_ready,
    input  wire [127:0] mem_rsp_data,
    input  wire         mem_rsp_err,
    input  wire         mem_rsp_last,
    // completion interrupt
    output wire         irq_valid,
    input  wire         irq_ready,
    output wire [ 31:0] irq_data,
    output wire [ 63:0] irq_addr,
    output wire         active
);
  localparam integer XB = TILE * MAX_D_MODEL;           // X buffer (and Y) bytes
  localparam integer HB = TILE * MAX_D_FF;              // H buffer bytes
  localparam integer SB = 2 * (MAX_D_FF + MAX_D_MODEL); // scale buffer bytes
  localparam integer XW = $clog2(XB), HW = $clog2(HB), SW = $clog2(SB);

  localparam [31:0] MAGIC = 32'h424a_5843;
  localparam [31:0] E_BAD_DESCRIPTOR = 32'd2, E_BUS = 32'd3, E_BAD_DIMENSIONS = 32'd5;

  localparam [3:0] S_IDLE = 4'd0, S_DESC_REQ = 4'd1, S_DESC_DATA = 4'd2, S_CHECK = 4'd3, S_SCALE_REQ = 4'd4,
                   S_SCALE_DATA = 4'd5, S_X_REQ = 4'd6, S_X_DATA = 4'd7, S_W_REQ = 4'd8, S_COMPUTE = 4'd9,
                   S_Y_REQ = 4'd10, S_Y_DATA = 4'd11, S_Y_ACK = 4'd12, S_FINISH = 4'd13, S_IRQ = 4'd14;

  reg [3:0] state;

  // ---------------------------------------------------------------- descriptor
  // Bytes 0x0C..0x17 and 0x48..0x57 (expert, reserved, flops, dequant_bytes)
  // and the descriptor's tail do not matter to a functional job.
  // verilator lint_off UNUSEDSIGNAL
  reg [1023:0] desc;
  wire [31:0] d_magic = desc[31:0];
  wire [15:0] d_op = desc[47:32];
  wire [15:0] d_flags = desc[63:48];
  wire [31:0] d_tag = desc[95:64];
  wire [31:0] d_tokens = desc[159:128];
  wire [63:0] d_w_addr = desc[255:192];
  wire [63:0] d_w_bytes = desc[319:256];
  wire [63:0] d_in_addr = desc[383:320];
  wire [63:0] d_in_bytes = desc[447:384];
  wire [63:0] d_out_addr = desc[511:448];
  wire [63:0] d_out_bytes = desc[575:512];
  wire [15:0] d_model = desc[719:704];
  wire [15:0] d_ff = desc[735:720];
  wire [ 7:0] d_shift = desc[743:736];
  wire [ 7:0] d_act = desc[751:744];
  // verilator lint_on UNUSEDSIGNAL

  function automatic in_dram(input [63:0] addr, input [63:0] bytes, input [63:0] limit);
    in_dram = addr <= limit && bytes <= limit - addr;
  endfunction

  // 2 * d_ff * d_model + 2 * d_ff + 2 * d_model (the weight blob's size)
  wire [63:0] w12_bytes = {31'd0, 32'(d_ff) * 32'(d_model), 1'b0};
  wire [63:0] blob_need = w12_bytes + {47'd0, d_ff, 1'b0} + {47'd0, d_model, 1'b0};
  wire [63:0] act_need = {32'd0, d_tokens} * {48'd0, d_model};
  wire dims_bad = d_model == 16'd0 || d_ff == 16'd0 || 32'(d_model) > MAX_D_MODEL || 32'(d_ff) > MAX_D_FF ||
                  d_shift > 8'd31 || d_act > 8'd1 || d_w_bytes < blob_need || d_in_bytes < act_need ||
                  d_out_bytes < act_need;
  wire addr_bad = !in_dram(d_w_addr, d_w_bytes, dram_bytes) || !in_dram(d_in_addr, d_in_bytes, dram_bytes) ||
                  !in_dram(d_out_addr, d_out_bytes, dram_bytes);

  // ---------------------------------------------------------------- job state
  reg [63:0] q_desc;           // the descriptor address being served
  reg [31:0] tag_q, err_q;
  reg        failed, phase_err;
  reg [31:0] beat;             // beats moved in the current memory phase
  reg [31:0] t0, n;            // first token and size of the current tile
  reg        layer;            // 0: W1 (x -> h), 1: W2 (h -> y)
  reg [15:0] row, col;
  reg [31:0] tok;

  reg [7:0] xbuf[0:XB-1];
  reg [7:0] hbuf[0:HB-1];
  reg [7:0] sbuf[0:SB-1];
  reg signed [31:0] acc[0:TILE-1];
  reg [8*LANES-1:0] wchunk;    // the current weight chunk, for tokens after the first

  wire [31:0] tokens_left = d_tokens - t0;
  wire [31:0] tile_n = tokens_left < TILE ? tokens_left : TILE;
  wire [31:0] tile_bytes = n * {16'd0, d_model};

  // ---------------------------------------------------------------- weight realigner
  // A 32-byte buffer that takes 16-byte beats and gives chunks of up to LANES
  // bytes that follow the rows of W1 and W2, whatever their alignment.
  reg [255:0] rbuf;
  reg [5:0]   rcount;
  reg [31:0]  wrem;            // weight bytes still to arrive in this tile

  wire [15:0] row_len = layer ? d_ff : d_model;
  wire [15:0] rows = layer ? d_model : d_ff;
  wire [15:0] rem = row_len - col;
  wire [15:0] k = {16'd0, rem} < LANES ? rem : 16'(LANES);
  wire        last_chunk = {16'd0, rem} <= LANES;
  wire        have_w = tok != 32'd0 || {10'd0, rcount} >= k;
  wire        step = state == S_COMPUTE && have_w;
  wire [8*LANES-1:0] wsel = tok == 32'd0 ? rbuf[8*LANES-1:0] : wchunk;

  // ---------------------------------------------------------------- MAC array
  reg signed [31:0] dot;
  integer l;
  always @* begin
    dot = 32'sd0;
    for (l = 0; l < LANES; l = l + 1) begin
      if (16'(l) < k) begin
        if (layer)
          dot = dot + 32'($signed(wsel[8*l+:8]) * $signed(hbuf[HW'(tok * MAX_D_FF + {16'd0, col} + l)]));
        else
          dot = dot + 32'($signed(wsel[8*l+:8]) * $signed(xbuf[XW'(tok * {16'd0, d_model} + {16'd0, col} + l)]));
      end
    end
  end
  wire signed [31:0] acc_new = acc[tok[$clog2(TILE > 1 ? TILE : 2)-1:0]] + dot;
  wire [SW-1:0] scale_at = layer ? SW'(2 * ({16'd0, d_ff} + {16'd0, row})) : SW'(2 * {16'd0, row});
  wire [15:0] scale = {sbuf[scale_at + 1'b1], sbuf[scale_at]};
  wire [7:0] q;
  ndp_requant requant (
      .acc(acc_new),
      .scale(scale),
      .shift(d_shift[4:0]),
      .relu(!layer && d_act == 8'd1),
      .out(q)
  );

  // ---------------------------------------------------------------- memory port
  wire req_state = state == S_DESC_REQ || state == S_SCALE_REQ || state == S_X_REQ || state == S_W_REQ ||
                   state == S_Y_REQ;
  assign mem_req_valid = req_state;
  assign mem_req_write = state == S_Y_REQ;
  always @* begin
    case (state)
      S_DESC_REQ:  begin mem_req_addr = q_desc; mem_req_bytes = 32'd128; end
      S_SCALE_REQ: begin mem_req_addr = d_w_addr + w12_bytes; mem_req_bytes = 32'(blob_need - w12_bytes); end
      S_X_REQ:     begin mem_req_addr = d_in_addr + {32'd0, t0} * {48'd0, d_model}; mem_req_bytes = tile_bytes; end
      S_W_REQ:     begin mem_req_addr = d_w_addr; mem_req_bytes = w12_bytes[31:0]; end
      S_Y_REQ:     begin mem_req_addr = d_out_addr + {32'd0, t0} * {48'd0, d_model}; mem_req_bytes = tile_bytes; end
      default:     begin mem_req_addr = 64'd0; mem_req_bytes = 32'd0; end
    endcase
  end

  wire data_state = state == S_DESC_DATA || state == S_SCALE_DATA || state == S_X_DATA || state == S_Y_ACK;
  assign mem_rsp_ready = data_state || (state == S_COMPUTE && rcount <= 6'd16);
  wire rsp = mem_rsp_valid && mem_rsp_ready;

  assign mem_wvalid = state == S_Y_DATA;
  genvar gb;
  generate
    for (gb = 0; gb < 16; gb = gb + 1) begin : g_wdata
      wire [31:0] at = {beat[27:0], 4'd0} + gb;
      assign mem_wdata[8*gb+:8] = at < XB ? xbuf[XW'(at)] : 8'd0;
    end
  endgenerate
  wire [31:0] y_beats = (tile_bytes + 32'd15) >> 4;

  // ---------------------------------------------------------------- outputs
  assign q_pop = state == S_IDLE && q_valid;
  assign job_busy = state != S_IDLE && state != S_IRQ;
  assign job_done = state == S_FINISH;
  assign job_error = state == S_FINISH && failed;
  assign job_error_code = err_q;
  assign irq_valid = state == S_IRQ;
  assign irq_data = failed ? tag_q | 32'h8000_0000 : tag_q;
  assign irq_addr = msi_addr;
  assign active = state != S_IDLE || q_valid;

  // Ends the job with an error code.
  task automatic fail(input [31:0] code);
    begin
      failed <= 1'b1;
      err_q <= code;
      state <= S_FINISH;
    end
  endtask

  wire [31:0] vb = wrem < 32'd16 ? wrem : 32'd16;  // valid bytes of the next weight beat
  wire [5:0] consumed = step && tok == 32'd0 ? k[5:0] : 6'd0;
  wire [255:0] kept = rbuf >> {consumed, 3'd0};
  wire [5:0] kept_n = rcount - consumed;
  wire [127:0] beat_mask = vb >= 32'd16 ? {128{1'b1}} : ~({128{1'b1}} << {vb[3:0], 3'd0});
  integer b;

  always @(posedge clk) begin
    if (!rst_n) begin
      state <= S_IDLE;
      failed <= 1'b0;
      phase_err <= 1'b0;
      err_q <= 32'd0;
      tag_q <= 32'd0;
      q_desc <= 64'd0;
      rcount <= 6'd0;
    end else begin
      case (state)
        S_IDLE: if (q_valid) begin
          q_desc <= q_head;
          failed <= 1'b0;
          phase_err <= 1'b0;
          tag_q <= 32'd0;
          desc <= 1024'd0;
          beat <= 32'd0;
          if (in_dram(q_head, 64'd128, dram_bytes)) state <= S_DESC_REQ;
          else fail(E_BAD_DESCRIPTOR);
        end
        S_DESC_REQ: if (mem_req_ready) state <= S_DESC_DATA;
        S_DESC_DATA: if (rsp) begin
          desc <= {mem_rsp_data, desc[1023:128]};
          if (mem_rsp_err) phase_err <= 1'b1;
          if (mem_rsp_last) state <= S_CHECK;
        end
        S_CHECK: begin
          if (phase_err || d_magic != MAGIC) fail(E_BAD_DESCRIPTOR);
          else begin
            tag_q <= d_tag;
            if (d_op != 16'd1 || addr_bad || !d_flags[0]) fail(E_BAD_DESCRIPTOR);
            else if (dims_bad) fail(E_BAD_DIMENSIONS);
            else if (d_tokens == 32'd0) state <= S_FINISH;
            else begin
              beat <= 32'd0;
              t0 <= 32'd0;
              state <= S_SCALE_REQ;
            end
          end
        end
        S_SCALE_REQ: if (mem_req_ready) state <= S_SCALE_DATA;
        S_SCALE_DATA: if (rsp) begin
          for (b = 0; b < 16; b = b + 1)
            if ({beat[27:0], 4'd0} + b < SB) sbuf[SW'({beat[27:0], 4'd0} + b)] <= mem_rsp_data[8*b+:8];
          beat <= beat + 32'd1;
          if (mem_rsp_err) phase_err <= 1'b1;
          if (mem_rsp_last) begin
            beat <= 32'd0;
            n <= tile_n;
            state <= S_X_REQ;
          end
        end
        S_X_REQ: if (mem_req_ready) state <= S_X_DATA;
        S_X_DATA: if (rsp) begin
          for (b = 0; b < 16; b = b + 1)
            if ({beat[27:0], 4'd0} + b < XB) xbuf[XW'({beat[27:0], 4'd0} + b)] <= mem_rsp_data[8*b+:8];
          beat <= beat + 32'd1;
          if (mem_rsp_err) phase_err <= 1'b1;
          if (mem_rsp_last) begin
            beat <= 32'd0;
            state <= S_W_REQ;
          end
        end
        S_W_REQ: if (mem_req_ready) begin
          rcount <= 6'd0;
          rbuf <= 256'd0;
          wrem <= w12_bytes[31:0];
          layer <= 1'b0;
          row <= 16'd0;
          col <= 16'd0;
          tok <= 32'd0;
          for (b = 0; b < TILE; b = b + 1) acc[b] <= 32'sd0;
          state <= S_COMPUTE;
        end
        S_COMPUTE: begin
          // weight buffer: drop what the MAC array took, append an arriving beat
          if (rsp) begin
            rbuf <= kept | ({128'd0, mem_rsp_data & beat_mask} << {kept_n, 3'd0});
            rcount <= kept_n + vb[5:0];
            wrem <= wrem - vb;
            if (mem_rsp_err) phase_err <= 1'b1;
          end else begin
            rbuf <= kept;
            rcount <= kept_n;
          end
          if (step) begin
            if (tok == 32'd0) wchunk <= rbuf[8*LANES-1:0];
            if (last_chunk) begin
              acc[tok[$clog2(TILE > 1 ? TILE : 2)-1:0]] <= 32'sd0;
              if (layer) xbuf[XW'(tok * {16'd0, d_model} + {16'd0, row})] <= q;
              else hbuf[HW'(tok * MAX_D_FF + {16'd0, row})] <= q;
            end else begin
              acc[tok[$clog2(TILE > 1 ? TILE : 2)-1:0]] <= acc_new;
            end
            if (tok + 32'd1 < n) tok <= tok + 32'd1;
            else begin
              tok <= 32'd0;
              if (!last_chunk) col <= col + k;
              else begin
                col <= 16'd0;
                if (row + 16'd1 < rows) row <= row + 16'd1;
                else if (!layer) begin
                  layer <= 1'b1;
                  row <= 16'd0;
                end else if (phase_err) fail(E_BUS);
                else state <= S_Y_REQ;
              end
            end
          end
        end
        S_Y_REQ: if (mem_req_ready) state <= S_Y_DATA;
        S_Y_DATA: if (mem_wready) begin
          beat <= beat + 32'd1;
          if (beat + 32'd1 == y_beats) state <= S_Y_ACK;
        end
        S_Y_ACK: if (rsp) begin
          beat <= 32'd0;
          if (mem_rsp_err) fail(E_BUS);
          else if (t0 + n < d_tokens) begin
            t0 <= t0 + n;
            n <= tokens_left - n < TILE ? tokens_left - n : TILE;
            state <= S_X_REQ;
          end else state <= S_FINISH;
        end
        S_FINISH: state <= S_IRQ;
        S_IRQ: if (irq_ready) state <= S_IDLE;
        default: state <= S_IDLE;
      endcase
      // A read phase that returned an error ends the job once its beats are in.
      if ((state == S_SCALE_DATA || state == S_X_DATA) && rsp && mem_rsp_last && (phase_err || mem_rsp_err))
        fail(E_BUS);
    end
  end
endmodule

`default_nettype wire
