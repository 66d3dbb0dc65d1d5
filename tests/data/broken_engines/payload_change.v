// payload_change: flips bit 0 of a channel's payload once valid has waited a
// cycle for ready, breaking "the payload stays stable while valid waits".
`default_nettype none

module payload_change (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        valid,
    input  wire        ready,
    input  wire [31:0] data_in,
    output wire [31:0] data_out
);
  reg waited;  // valid was 1 and ready 0 at the last edge
  always @(posedge clk) begin
    if (!rst_n) waited <= 1'b0;
    else waited <= valid && !ready;
  end
  assign data_out = waited ? data_in ^ 32'd1 : data_in;
endmodule

`default_nettype wire
