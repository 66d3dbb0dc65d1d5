// extra_write_beat: after a write request's last beat has been transferred,
// offers one beat more (mem_wvalid stays 1 for a cycle), beyond the request.
`default_nettype none

module extra_write_beat (
    input  wire clk,
    input  wire rst_n,
    input  wire wvalid_in,
    input  wire wready,
    output wire wvalid_out
);
  reg sent;  // a beat was transferred at the last edge
  always @(posedge clk) begin
    if (!rst_n) sent <= 1'b0;
    else sent <= wvalid_in && wready;
  end
  assign wvalid_out = wvalid_in || sent;
endmodule

`default_nettype wire
