// burst_across_4k: a read burst that would end exactly on a 4 KiB boundary
// asks for one beat more, so that it crosses into the next 4 KiB page
// (forbidden by AMBA AXI A3.4.1).
`default_nettype none

module burst_across_4k (
    input  wire [11:0] araddr_page,  // ARADDR within its 4 KiB page
    input  wire [ 7:0] arlen_in,
    output wire [ 7:0] arlen_out
);
  wire [12:0] end_in_page = {1'b0, araddr_page} + {1'b0, arlen_in, 4'd0} + 13'd16;
  assign arlen_out = end_in_page == 13'h1000 && arlen_in != 8'hFF ? arlen_in + 8'd1 : arlen_in;
endmodule

`default_nettype wire
