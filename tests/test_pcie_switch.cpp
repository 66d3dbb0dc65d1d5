// GPUs behind a PCIe switch (docs/topologies.md, models/pcie/pcie_switch.h):
// the closed forms the switch must show (an idle DMA read pays two
// port-to-port crossings and the upstream link's traversals; GPUs streaming at
// once share the upstream link; a BAR access is routed down through it), the
// trees that are refused (exit 2, file:line: key), and what the cost model and
// both lower bounds make of the shared upstream link.
#include <catch2/catch.hpp>

#include <fstream>

#include "command_runner.h"
#include "firmware/lane_cost_model.h"
#include "firmware/plan_estimate.h"
#include "firmware/tight_lower_bound.h"
#include "models/common/job_queue_registers.h"
#include "models/pcie/pcie_format.h"
#include "platform/hardware.h"
#include "platform/platform.h"
#include "platform/scenario_loader.h"
#include "platform/weight_plan.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using namespace cxlvp_test;

namespace {

// The platform's models for a scenario, without firmware: test initiators
// stand in for the GPUs' DMA engines (bound to a GPU link's upstream side) or
// for the host (bound to the bus).
struct Bench {
  Scenario s;
  Topology t;
  MemoryMap m;
  Hardware hw;

  explicit Bench(const std::string& yaml)
      : s(load_scenario(write_scenario("pcie_switch", yaml).string(), {})),
        t(resolve_topology(s)),
        m(build_memory_map(s, t)),
        hw(s, t, m, nullptr, direct) {
    tlm::tlm_global_quantum::instance().set(sc_core::sc_time(s.simulation.quantum_ns, sc_core::SC_NS));
  }
  SerialLink& gpu_link(unsigned g) { return *hw.gpus.at(g)->link; }
};

// gpu0 on its own root complex port; gpu1 and gpu2 below the switch, whose
// x8 upstream link is slower than each GPU's x16 link.
const char* kTree = R"(
simulation: {quantum_ns: 1000}
platform:
  pcie: {generation: 5, lanes: 16, latency_ns: 100}
  pcie_switch: {ports: 4, port_latency_ns: 115, link: {generation: 5, lanes: 8, latency_ns: 40}}
  gpus: [{name: near}, {name: far, attach: pciesw.port1}, {name: far2, attach: pciesw.port3}]
model: {experts: 4, layers: 1}
)";

double read_payload_GBps(const PcieLinkConfig& link) {
  const PcieFormat f(link);
  return f.wire_GBps() * f.payload_efficiency();
}

}  // namespace

// One 64 B DMA read of host DDR from a GPU below the switch and one from a
// GPU on its own root port, both idle: the switch adds two port-to-port
// crossings (the request up, its data down) and the upstream link's two
// traversals (its latency and its wire time each way): 2 x 115 + 2 x 40 ns +
// (28 + 92 B) / 31.51 GB/s = 313.81 ns, 2 ps.
TEST_CASE("pcie switch: an idle DMA read pays two crossings and the upstream link's traversals", "[pcie_switch][closed-form]") {
  Bench b(kTree);
  double via_switch = 0, direct_port = 0;
  const auto latency = [&](TestInitiator& i, uint64_t start_ps) {
    i.wait_until_ps(start_ps);
    const uint64_t t0 = i.local_ps();
    uint8_t line[64];
    REQUIRE(i.read(b.m.ddr_base + 4096, line, 64));
    return double(i.local_ps() - t0) / 1e3;
  };
  TestInitiator far("far_dma", [&](TestInitiator& i) { via_switch = latency(i, 1000000); });
  TestInitiator near("near_dma", [&](TestInitiator& i) { direct_port = latency(i, 2000000); });
  far.socket.bind(b.gpu_link(1).up_in);
  near.socket.bind(b.gpu_link(0).up_in);
  sc_core::sc_start();
  const PcieLinkConfig up{5, 8, 0, 256, 512, 26, 2, 40};
  const PcieFormat f(up);
  const WireCost c = f.cost(true, 64);
  const double expected = 2 * 115 + 2 * 40 + (c.request_bytes + c.response_bytes) / f.wire_GBps();
  INFO("via switch " << via_switch << " ns, own port " << direct_port << " ns");
  CHECK(via_switch - direct_port == Approx(expected).margin(0.002));
  CHECK(b.hw.pcie_switch->link.downstream_bytes() == 64);  // the read's data came down the upstream link
}

// Two GPUs below the switch, each streaming 32 MiB of host DDR with 128
// bursts of 4 KiB in flight: together they get the x8 upstream link's read
// payload rate (31.51 GB/s x 256/284 = 28.40 GB/s), not twice it, and not
// each its own x16 link's 56.8 GB/s: 64 MiB / 28.40 GB/s, 2 %.
TEST_CASE("pcie switch: GPUs below the switch share its upstream link", "[pcie_switch][closed-form]") {
  Bench b(kTree);
  const uint64_t N = 32 * MiB;
  uint64_t end_a = 0, end_b = 0;
  const auto stream = [&](TestInitiator& i, uint64_t address, uint64_t& end) {
    REQUIRE(i.stream(tlm::TLM_READ_COMMAND, address, N));
    i.sync();
    end = i.local_ps();
  };
  TestInitiator a("far_dma", [&](TestInitiator& i) { stream(i, b.m.ddr_base, end_a); }, 4096, 128);
  TestInitiator c("far2_dma", [&](TestInitiator& i) { stream(i, b.m.ddr_base + 64 * MiB, end_b); }, 4096, 128);
  a.socket.bind(b.gpu_link(1).up_in);
  c.socket.bind(b.gpu_link(2).up_in);
  sc_core::sc_start();
  const double uplink = read_payload_GBps(PcieLinkConfig{5, 8, 0, 256, 512, 26, 2, 40}) * 1e9;
  CHECK(double(std::max(end_a, end_b)) * 1e-12 == Approx(2.0 * N / uplink).epsilon(0.02));
  CHECK(b.hw.pcie_switch->link.downstream_bytes() == 2 * N);
  CHECK(b.gpu_link(1).downstream_bytes() == N);
  CHECK(b.gpu_link(2).downstream_bytes() == N);
}

// The host reads VERSION in the BAR of each GPU: the root complex sends the
// switch's GPUs' accesses down its upstream link with the host address, the
// switch picks the port by the GPU's window and the GPU sees its own offset.
// The GPU on its own port is reached without the switch.
TEST_CASE("pcie switch: a GPU's register access is routed through the switch", "[pcie_switch]") {
  Bench b(kTree);
  uint32_t near = 0, far = 0, far2 = 0, nothing = 0;
  uint64_t via_switch_bytes = 0;
  bool empty_slot_answers = true;
  TestInitiator host("host", [&](TestInitiator& i) {
    REQUIRE(i.read(b.m.gpu_bar(0) + job_regs::version, &near, 4));
    via_switch_bytes = b.hw.pcie_switch->link.upstream_bytes();
    REQUIRE(i.read(b.m.gpu_bar(1) + job_regs::version, &far, 4));
    REQUIRE(i.read(b.m.gpu_bar(2) + job_regs::version, &far2, 4));
    empty_slot_answers = i.read(b.m.gpu_bar(3) + job_regs::version, &nothing, 4);
  });
  host.socket.bind(b.hw.bus.in);
  sc_core::sc_start();
  CHECK(near == Gpu::kVersion);
  CHECK(far == Gpu::kVersion);
  CHECK(far2 == Gpu::kVersion);
  CHECK(via_switch_bytes == 0);                               // gpu0's read did not cross the switch
  CHECK(b.hw.pcie_switch->link.upstream_bytes() == 2 * 4);    // the two register values came up through it
  CHECK(b.gpu_link(1).upstream_bytes() == 4);
  CHECK(b.gpu_link(2).upstream_bytes() == 4);
  CHECK_FALSE(empty_slot_answers);  // no GPU in slot 3
}

TEST_CASE("pcie switch: bad trees are refused with file, line and key", "[pcie_switch]") {
  const auto rejected = [](const std::string& yaml, const std::string& expected) {
    check_rejected(run_cxlvp("validate " + write_scenario("bad", yaml).string()), expected);
  };
  rejected("platform:\n  gpus:\n    - {name: a, attach: nowhere}\n",
           "bad.yaml:4: platform.gpus.0.attach: 'nowhere' is neither host nor a port of the PCIe switch");
  rejected("platform:\n  pcie_switch: {ports: 2}\n  gpus: [{name: a, attach: pciesw.port3}]\n",
           "platform.gpus.0.attach: the PCIe switch has ports 0 to 1 (platform.pcie_switch.ports; got pciesw.port3)");
  rejected("platform:\n  gpus: [{name: a, attach: pciesw.port1}, {name: b, attach: pciesw.port1}]\n",
           "platform.gpus.1.attach: two GPUs on pciesw.port1: a switch port takes one device");
  rejected("platform:\n  pcie_switch: {ports: 17}\n", "platform.pcie_switch.ports: must be in 1..16");
  rejected("platform:\n  pcie_switch: {name: a}\n  gpus: [{name: a, attach: a.port0}]\n",
           "platform.pcie_switch.name: 'a' names two devices");
  rejected("platform:\n  gpus: [{name: a, attach: cxlsw.port0}]\n",
           "platform.gpus.0.attach: 'cxlsw.port0' is neither host nor a port of the PCIe switch");
  // A switch no GPU attaches to is not built, and nothing is wrong with that.
  const Outcome o = run_cxlvp("validate " + write_scenario("unused", "platform:\n  pcie_switch: {ports: 2}\n  gpus: "
                                                                    "[{name: a}]\n").string());
  INFO(o.err);
  CHECK(o.status == 0);
  CHECK_FALSE(resolve_topology(load_scenario((scratch() / "unused.yaml").string(), {})).pcie_switch.present);
}

// The cost model: two GPUs below a switch whose upstream link (10 GB/s) is
// slower than their own links (20 GB/s). A fetch of 100 MB holds the GPU's
// link and the upstream link for 10 ms each (the upstream link sets the pace);
// two fetches, one per GPU, take 20 ms together in the plan estimate and in
// the tight bound, where two GPUs on their own ports take 5 ms each in parallel.
TEST_CASE("pcie switch: the cost model and both bounds count the shared upstream link", "[pcie_switch][closed-form]") {
  const auto costs = [](bool switched) {
    LaneRates r;
    r.mode = ComputeMode::per_token;
    r.per_token_s = {1e-9, 1.0, 1.0};  // the CPU is no way out
    r.gpus = 2;
    r.homes[0].fetch_Bps = 20e9;
    r.homes[0].cxl_Bps = 1e15;
    r.activation_Bps = 20e9;
    if (switched) {
      r.gpu_below_switch = {true, true};
      r.pcie_upstream_Bps = 10e9;
    }
    MoeModelConfig m;
    m.expert_bytes = 100000000;
    return LaneCostModel(r, m, QuantizationConfig{});
  };
  const LaneCostModel shared = costs(true), own = costs(false);
  const JobCost c = shared.cost(Lane::gpu, 1, false, 1);
  CHECK(c.pcie == Approx(10e-3));
  CHECK(c.pcie_upstream == Approx(10e-3));
  CHECK(own.cost(Lane::gpu, 1, false, 1).pcie == Approx(5e-3));
  CHECK(own.cost(Lane::gpu, 1, false, 1).pcie_upstream == 0);

  for (const bool switched : {true, false}) {
    const LaneCostModel& model = switched ? shared : own;
    PlanEstimate plan(model);
    plan.add(Lane::gpu, 1, false, 0);
    plan.add(Lane::gpu, 1, false, 1);
    PlacementContext context;
    context.costs = &model;
    context.ndp_available = false;
    const std::vector<uint32_t> tokens{1, 1};
    const double expected = switched ? 20e-3 : 5e-3;
    INFO((switched ? "below the switch" : "own ports"));
    CHECK(plan.makespan() == Approx(expected).epsilon(1e-6));
    CHECK(tight_lower_bound(tokens, context, {}) == Approx(expected).epsilon(1e-6));
    // The loose bound lets each expert take its cheapest lane for each
    // resource: the CPU would cross the upstream link with a few bytes only,
    // so it keeps the longest serial time, one fetch (10 ms; 5 ms on own ports).
    CHECK(layer_lower_bound(tokens, context) == Approx(switched ? 10e-3 : 5e-3).epsilon(1e-6));
  }
}

// With simulation.checks: protocol every new binding has a checker (the root
// complex's port and the upstream link, inside the switch, each port and the
// GPU link below it), each sees the study's traffic, and none a violation.
TEST_CASE("pcie switch: a checker on every binding of the switch sees traffic", "[pcie_switch][protocol]") {
  const Scenario s = load_scenario(std::string(CXLVP_SOURCE_DIR) + "/scenarios/topologies/two_gpus_behind_switch.yaml",
                                   {"simulation.checks=protocol", "workload.batches=1"});
  Platform p(s);
  REQUIRE(p.run());
  const auto seen = [&p](const std::string& name) {
    for (const auto& c : p.checkers())
      if (name == c->basename()) return c->transactions();
    return uint64_t(0);
  };
  for (const char* name : {"check_rc_to_pciesw_link", "check_pciesw_link_to_rc", "check_pciesw_link_to_pciesw",
                           "check_pciesw_to_pciesw_link", "check_pciesw_port0_to_gpu0_link",
                           "check_gpu0_link_to_pciesw_port0", "check_pciesw_port1_to_gpu1_link",
                           "check_gpu1_link_to_pciesw_port1"}) {
    INFO(name);
    CHECK(seen(name) > 0);
  }
  CHECK(p.protocol_violations() == 0);
}

// The model on its own: a port it was not built with, or a window that
// overlaps another port's, is an assembly error, and so is a port count the
// scenario schema would refuse.
TEST_CASE("pcie switch: attach refuses a port not built and overlapping windows", "[pcie_switch]") {
  PcieSwitchConfig config;
  config.ports = 4;
  PcieSwitch sw("sw", config, {1, 2});
  CHECK_THROWS_AS(sw.attach(0, AddressRange{0x1000, 0x1000}), std::invalid_argument);  // not built
  CHECK_THROWS_AS(sw.attach(7, AddressRange{0x1000, 0x1000}), std::invalid_argument);  // no such port
  sw.attach(1, AddressRange{0x1000, 0x1000});
  CHECK_THROWS_AS(sw.attach(2, AddressRange{0x1800, 0x1000}), std::invalid_argument);  // overlaps port 1's
  CHECK_NOTHROW(sw.attach(2, AddressRange{0x2000, 0x1000}));
  CHECK(sw.crossing() == sc_core::sc_time(230, sc_core::SC_NS));  // 2 x the default 115 ns
  config.ports = 17;
  CHECK_THROWS_AS(PcieSwitch("too_many", config, {}), std::invalid_argument);
}
