// stops_requests: lets the engine's first memory request (a job's descriptor
// read) through and then never raises mem_req_valid again, so the job never
// gets its data. KEEP_ACTIVE 1: `active` stays as the engine drives it (1: a
// hung engine that the watchdog must catch); 0: `active` drops as soon as the
// requests stop (an engine that goes idle without finishing its job).
`default_nettype none

module stops_requests #(
    parameter integer KEEP_ACTIVE = 1
) (
    input  wire clk,
    input  wire rst_n,
    input  wire req_valid_in,
    input  wire req_ready,
    input  wire active_in,
    output wire req_valid_out,
    output wire active_out
);
  reg stopped;  // a request has been transferred
  always @(posedge clk) begin
    if (!rst_n) stopped <= 1'b0;
    else if (req_valid_out && req_ready) stopped <= 1'b1;
  end
  assign req_valid_out = req_valid_in && !stopped;
  assign active_out = KEEP_ACTIVE != 0 ? active_in : active_in && !stopped;
endmodule

`default_nettype wire
