// wrong_result: flips bit 0 of byte 0 of every write beat, so that a job's
// first output byte (and every 16th) differs from expert_ffn()'s.
`default_nettype none

module wrong_result (
    input  wire [127:0] wdata_in,
    output wire [127:0] wdata_out
);
  assign wdata_out = wdata_in ^ 128'd1;
endmodule

`default_nettype wire
