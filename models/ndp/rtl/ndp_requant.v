// ndp_requant: int32 accumulator -> int8, exactly as the contract's
// requantize() (models/common/expert_ffn.h, docs/ndp-plugin.md "Arithmetic"):
//   p = acc * scale                         (signed 32 x unsigned 16)
//   p = (p + 2^(shift-1)) >>> shift         (shift > 0: round half up)
//   p = max(p, 0) when relu
//   out = clamp(p, -128, 127)
// Purely combinational.
`default_nettype none

module ndp_requant (
    input  wire signed [31:0] acc,
    input  wire        [15:0] scale,
    input  wire        [ 4:0] shift,
    input  wire               relu,
    output reg         [ 7:0] out
);
  // |acc * scale| < 2^47 and the rounding term adds at most 2^30: 49 bits hold
  // every intermediate; 64 keeps the arithmetic obviously safe.
  reg signed [63:0] p;
  always @* begin
    p = 64'(acc) * $signed({48'd0, scale});
    if (shift != 5'd0) p = (p + (64'sd1 <<< (shift - 5'd1))) >>> shift;
    if (relu && p < 0) p = 64'sd0;
    if (p > 64'sd127) out = 8'h7F;
    else if (p < -64'sd128) out = 8'h80;
    else out = p[7:0];
  end
endmodule

`default_nettype wire
