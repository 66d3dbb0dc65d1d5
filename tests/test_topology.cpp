// The device tree (docs/topologies.md): lists of GPUs and expanders, the CXL
// switch, interleave sets. Loading (items inherit the shorthand blocks, --set
// reaches an item), every way a tree is refused (exit 2, file:line:key), and
// the closed forms the topology must show: a stream over k interleaved
// expanders runs at min(k x one expander's rate, the host's limit); the switch
// adds its latency per crossing and its upstream link is shared by everything
// below it; k partitioned NDP engines do k times the work in the time of one.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include "command_runner.h"
#include "models/cxl/cxl_flit_format.h"
#include "platform/hardware.h"
#include "platform/platform.h"
#include "platform/scenario_loader.h"
#include "firmware/cxl_boot.h"
#include "firmware/weight_homes.h"
#include "testbench.h"

using namespace cxlvp;
using namespace cxlvp::test;
using namespace cxlvp_test;

namespace {

Scenario scenario_from(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return load_scenario(write_scenario("topology", yaml).string(), overrides);
}

// The hardware of a scenario with test initiators on the host bus; the first
// programs the CXL decoders as boot firmware does, then runs its body.
struct Bench {
  Scenario s;
  Topology t;
  MemoryMap m;
  WeightPlan w;
  Hardware hw;
  bool booted = false;
  sc_core::sc_event boot_done;

  explicit Bench(const Scenario& scenario)
      : s(scenario),
        t(resolve_topology(s)),
        m(build_memory_map(s, t)),
        w(plan_weights(s, t, m)),
        hw(s, t, m, nullptr, direct) {
    tlm::tlm_global_quantum::instance().set(sc_core::sc_time(s.simulation.quantum_ns, sc_core::SC_NS));
  }
  // Boots (from the first initiator that calls it) and returns the time boot ended.
  void boot(TestInitiator& i) {
    if (booted) return;
    const RegisterIo io = [&i](uint64_t a, uint32_t* v, bool write) {
      return i.bus().bus.access(i.socket, write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, a, v, 4);
    };
    program_cxl_windows(io, platform_table(t, m, w));
    i.sync();
    booted = true;
    boot_done.notify();
  }
  void wait_boot(TestInitiator& i) {
    if (!booted) sc_core::wait(boot_done);
    i.sync();
  }
};

double read_payload_GBps(const CxlLinkConfig& link) {
  const CxlFlitFormat f(link);
  return f.wire_GBps() * f.read_efficiency();
}

const char* kInterleaved = R"(
simulation: {quantum_ns: 1000}
platform:
  cxl:
    link: {generation: 5, lanes: 16, flit_bytes: 68, latency_ns: 30}
    dram: {capacity_GiB: 4, channels: 4, peak_GBps: 153.6, idle_latency_ns: 100}
    expanders: [{name: cxl0}, {name: cxl1}, {name: cxl2}, {name: cxl3}]
model: {experts: 8, layers: 1}
)";

std::string interleave_set(unsigned ways) {
  std::string members;
  for (unsigned k = 0; k < ways; ++k) members += (k ? ", cxl" : "cxl") + std::to_string(k);
  return "    interleave_sets: [{name: s, ways: " + std::to_string(ways) + ", granularity_bytes: 4096, expanders: [" +
         members + "]}]\n";
}

// Streams `bytes` from the set window with `window` bursts of 4 KiB in flight;
// returns the stream's time (after boot).
double stream_seconds(unsigned ways, unsigned window, uint64_t bytes) {
  std::string yaml = kInterleaved;
  yaml.insert(yaml.find("model:"), interleave_set(ways));
  Bench b(scenario_from(yaml));
  uint64_t start = 0, end = 0;
  bool ok = false;
  TestInitiator host("host", [&](TestInitiator& i) {
    b.boot(i);
    start = i.local_ps();
    ok = i.stream(tlm::TLM_READ_COMMAND, b.m.set_windows[0].base, bytes);
    i.sync();
    end = i.local_ps();
  }, 4096, window);
  host.socket.bind(b.hw.bus.in);
  sc_core::sc_start();
  REQUIRE(ok);
  return double(end - start) * 1e-12;
}

}  // namespace

TEST_CASE("topology: items inherit the shorthand blocks; --set reaches an item", "[topology]") {
  const Scenario s = scenario_from(R"(
platform:
  cxl:
    dram: {capacity_GiB: 8}
    ndp: {mac_GMACps: 500}
    expanders:
      - {name: near}
      - {name: far, dram: {capacity_GiB: 16}, link: {lanes: 8}}
  gpus: [{}, {name: second, pcie: {generation: 5}}]
)", {"platform.cxl.expanders.1.ndp.enabled=false"});
  REQUIRE(s.platform.expanders.size() == 2);
  CHECK(s.platform.expanders[0].name == "near");
  CHECK(s.platform.expanders[0].cxl.dram.capacity_bytes == 8ull << 30);
  CHECK(s.platform.expanders[1].cxl.dram.capacity_bytes == 16ull << 30);
  CHECK(s.platform.expanders[1].cxl.link.lanes == 8);
  CHECK(s.platform.expanders[1].cxl.ndp.mac_GMACps == 500);  // from platform.cxl.ndp
  CHECK_FALSE(s.platform.expanders[1].cxl.ndp.enabled);      // --set on the item
  CHECK(s.platform.expanders[0].cxl.ndp.enabled);
  REQUIRE(s.platform.gpus.size() == 2);
  CHECK(s.platform.gpus[0].name == "gpu0");
  CHECK(s.platform.gpus[1].pcie.generation == 5);
  const Topology t = resolve_topology(s);
  CHECK(t.expanders[1].cxl.ndp.job_log_name == "far.ndp");
  CHECK(resolve_topology(load_defaults({})).expanders[0].name == "cxl");  // the shorthand keeps its names
}

TEST_CASE("topology: bad trees are refused with file, line and key", "[topology]") {
  const auto rejected = [](const std::string& yaml, const std::string& expected) {
    check_rejected(run_cxlvp("validate " + write_scenario("bad", yaml).string()), expected);
  };
  const std::string four = "    expanders: [{name: a}, {name: b}, {name: c}, {name: d}]\n";
  rejected("platform:\n  cxl:\n" + four +
               "    interleave_sets: [{ways: 5, expanders: [a, b, c, d]}]\n",
           "bad.yaml:5: platform.cxl.interleave_sets.0.ways: must be one of 1, 2, 3, 4, 6, 8, 12, 16 (got 5)");
  rejected("platform:\n  cxl:\n" + four +
               "    interleave_sets: [{ways: 4, granularity_bytes: 100, expanders: [a, b, c, d]}]\n",
           "platform.cxl.interleave_sets.0.granularity_bytes: must be one of 256, 512");
  rejected("platform:\n  cxl:\n" + four +
               "    interleave_sets: [{ways: 4, size_GiB: 1.5, expanders: [a, b, c, d]}]\n",
           "platform.cxl.interleave_sets.0.size_GiB: does not divide over 4 ways");
  rejected("platform:\n  cxl:\n" + four + "    interleave_sets: [{ways: 2, expanders: [a, b, c, d]}]\n",
           "platform.cxl.interleave_sets.0.ways: 2 ways need 2 expanders (the set lists 4)");
  rejected("platform:\n  cxl:\n    expanders: [{name: a, attach: cxlsw.port1}, {name: b, attach: cxlsw.port1}]\n",
           "platform.cxl.expanders.1.attach: two expanders on cxlsw.port1");
  rejected("platform:\n  cxl:\n    expanders: [{name: a, attach: nowhere}]\n",
           "platform.cxl.expanders.0.attach: 'nowhere' is neither host nor a port of the switch");
  rejected("platform:\n  cxl:\n    switch: {ports: 2}\n    expanders: [{name: a, attach: cxlsw.port3}]\n",
           "platform.cxl.expanders.0.attach: the switch has ports 0 to 1");
  rejected("platform:\n  cxl:\n    expanders: [{name: a}, {name: a}]\n",
           "platform.cxl.expanders.1.name: 'a' names two devices");
  rejected("platform:\n  cxl:\n    dram: {capacity_GiB: 2}\n    expanders: [{name: a}, {name: b}]\nmodel: {experts: 64, d_model: "
           "4096, d_ff: 4096}\n",
           "platform.cxl.expanders.0.dram.capacity_GiB: holds 2 GiB but needs 5 GiB (1 GiB for descriptors and staging "
           "plus 2 layers x 32 experts of weights)");
  rejected("platform:\n  cxl:\n    expanders: [{name: a}]\nmodel: {weights_placement: interleaved}\n",
           "model.weights_placement: interleaved needs an interleave set");
  check_rejected(run_cxlvp("validate " + std::string(CXLVP_SOURCE_DIR) + "/scenarios/studies/functional_moe.yaml "
                           "--set 'platform.gpus=[{name: a}, {name: b}]'"),
                 "--set: platform.gpus: functional mode runs on one GPU (got 2)");
}

// 4 KiB granules over k expanders, 256 bursts of 4 KiB in flight (far beyond
// the bandwidth-delay product): the stream runs at k x one link's read
// payload rate (63.0 GB/s x 64/76.5 = 52.7 GB/s; each device's DRAM, 153.6
// GB/s, does not limit), 2 %.
void check_interleaved_stream(unsigned ways) {
  const uint64_t N = 128 * MiB;
  const double rate = ways * read_payload_GBps(CxlLinkConfig{5, 16, 0, 68, 0.5, 30}) * 1e9;
  CHECK(stream_seconds(ways, 256, N) == Approx(double(N) / rate).epsilon(0.02));
}

TEST_CASE("topology: a stream over 1 expander of an interleave set gets one expander's rate", "[topology][closed-form]") {
  check_interleaved_stream(1);
}

TEST_CASE("topology: a stream over 2 interleaved expanders gets twice one expander's rate", "[topology][closed-form]") {
  check_interleaved_stream(2);
}

TEST_CASE("topology: a stream over 4 interleaved expanders gets 4 times one expander's rate", "[topology][closed-form]") {
  check_interleaved_stream(4);
}

// The same 4-way set read with only 4 bursts in flight: the host is the
// limit. Each burst goes to its own expander and finds it idle, so the rate is
// 4 x 4096 B / one burst's idle latency: bus 10 + root port 20 + link down
// (8 flits of 68 B at 63.0 GB/s) + 30 + controller 40 + DRAM (1024 B per
// channel at 38.4 GB/s) + 100 + link up (72 flits) + 30 ns.
TEST_CASE("topology: with few bursts in flight the host limits an interleaved stream", "[topology][closed-form]") {
  const CxlFlitFormat f(CxlLinkConfig{5, 16, 0, 68, 0.5, 30});
  const WireCost c = f.cost(true, 4096);
  const double latency_ns = 10 + 20 + c.request_bytes / f.wire_GBps() + 30 + 40 + 1024 / 38.4 + 100 +
                            c.response_bytes / f.wire_GBps() + 30;
  const double host_rate = 4 * 4096 / (latency_ns * 1e-9);
  REQUIRE(host_rate < 4 * read_payload_GBps(CxlLinkConfig{5, 16, 0, 68, 0.5, 30}) * 1e9);
  const uint64_t N = 16 * MiB;
  CHECK(stream_seconds(4, 4, N) == Approx(double(N) / host_rate).epsilon(0.02));
}

// One 64 B read to an expander below the switch, one to an expander on its
// own root port, both idle: the switch adds two port-to-port crossings and the
// upstream link's two traversals (its latency and its wire time each way).
TEST_CASE("topology: the switch adds its latency per crossing and the upstream link's traversals", "[topology][closed-form]") {
  Bench b(scenario_from(R"(
platform:
  cxl:
    dram: {capacity_GiB: 4}
    switch: {ports: 2, port_latency_ns: 70, root_port_latency_ns: 20, link: {generation: 5, lanes: 8, latency_ns: 25}}
    expanders: [{name: below, attach: cxlsw.port1}, {name: direct}]
model: {experts: 4, layers: 1}
)"));
  double via_switch = 0, direct = 0;
  TestInitiator host("host", [&](TestInitiator& i) {
    b.boot(i);
    uint8_t line[64];
    const auto latency = [&](uint64_t address) {
      i.sync();
      i.wait_until_ps(i.local_ps() + 1000000);  // idle again
      const uint64_t t0 = i.local_ps();
      REQUIRE(i.read(address, line, 64));
      return double(i.local_ps() - t0) / 1e3;
    };
    via_switch = latency(b.m.expander_windows[0].base);
    direct = latency(b.m.expander_windows[1].base);
  });
  host.socket.bind(b.hw.bus.in);
  sc_core::sc_start();
  const CxlFlitFormat up(CxlLinkConfig{5, 8, 0, 68, 0.5, 25});
  const WireCost c = up.cost(true, 64);
  const double expected = 2 * 70 + 2 * 25 + (c.request_bytes + c.response_bytes) / up.wire_GBps();
  CHECK(via_switch - direct == Approx(expected).margin(0.002));
}

// Two expanders below the switch, each streamed by its own initiator: both
// share the upstream link, so together they get its rate, not twice it. The
// x8 upstream link (26.4 GB/s of read payload) is slower than each x16 device
// link (52.7 GB/s): 2 x 32 MiB take 64 MiB / 26.4 GB/s, 2 %.
TEST_CASE("topology: every device below the switch shares its upstream link", "[topology][closed-form]") {
  Bench b(scenario_from(R"(
platform:
  cxl:
    dram: {capacity_GiB: 4}
    switch: {ports: 2, link: {generation: 5, lanes: 8}}
    expanders: [{name: a, attach: cxlsw.port0}, {name: b, attach: cxlsw.port1}]
model: {experts: 4, layers: 1}
)"));
  const uint64_t N = 32 * MiB;
  uint64_t end_a = 0, end_b = 0, start = 0;
  TestInitiator ia("ia", [&](TestInitiator& i) {
    b.boot(i);
    start = i.local_ps();
    REQUIRE(i.stream(tlm::TLM_READ_COMMAND, b.m.expander_windows[0].base, N));
    i.sync();
    end_a = i.local_ps();
  }, 4096, 128);
  TestInitiator ib("ib", [&](TestInitiator& i) {
    b.wait_boot(i);
    REQUIRE(i.stream(tlm::TLM_READ_COMMAND, b.m.expander_windows[1].base, N));
    i.sync();
    end_b = i.local_ps();
  }, 4096, 128);
  ia.socket.bind(b.hw.bus.in);
  ib.socket.bind(b.hw.bus.in);
  sc_core::sc_start();
  const double uplink = read_payload_GBps(CxlLinkConfig{5, 8, 0, 68, 0.5, 30}) * 1e9;
  CHECK(double(std::max(end_a, end_b) - start) * 1e-12 == Approx(2.0 * N / uplink).epsilon(0.02));
  CHECK(b.hw.cxl_switch->link.upstream_bytes() >= 2 * N);  // and boot's few register reads
  CHECK(b.hw.cxl_switch->link.upstream_bytes() < 2 * N + 4096);
}

// Every token picks every expert (top_k = experts), all on NDP (no hot or
// warm tier): each engine runs 8 experts of 128 tokens in both runs. With k
// expanders and 8k experts partitioned e mod k, k engines do k times the work
// in the time one engine does its 8 experts, 3 %.
TEST_CASE("topology: k partitioned NDP engines do k times the work in the time of one", "[topology][closed-form]") {
  const auto run = [](unsigned k) {
    std::string expanders;
    for (unsigned x = 0; x < k; ++x) expanders += (x ? ", {name: x" : "{name: x") + std::to_string(x) + "}";
    const unsigned experts = 8 * k;
    const fs::path file = write_scenario("ndp" + std::to_string(k), R"(
simulation: {compute: roofline}
platform:
  cxl:
    dram: {capacity_GiB: 8}
    expanders: [)" + expanders + R"(]
model: {experts: )" + std::to_string(experts) + R"(, layers: 1}
workload: {distribution: uniform, tokens_per_batch: 128, batches: 1, top_k: )" + std::to_string(experts) + R"(}
policy: {name: static_tiers, hot_experts: 0, warm_experts: 0}
)");
    const Outcome o = run_cxlvp("run " + file.string() + " --quiet --out " + (scratch() / file.stem()).string());
    INFO(o.err);
    REQUIRE(o.status == 0);
    const std::string summary = slurp(scratch() / file.stem() / "summary.json");
    std::smatch m;
    REQUIRE(std::regex_search(summary, m, std::regex("\"simulated_time_s\": ([0-9.eE+-]+)")));
    return std::stod(m[1]);
  };
  const double one = run(1), four = run(4);
  CHECK(four == Approx(one).epsilon(0.03));
}

// Every binding of every topology scenario has a checker (every instance's
// links, ports and engines), and none sees a violation.
TEST_CASE("topology: every topology scenario runs with 0 protocol violations", "[topology][protocol]") {
  for (const auto& entry : fs::directory_iterator(fs::path(CXLVP_SOURCE_DIR) / "scenarios" / "topologies")) {
    const fs::path out = scratch() / ("checked_" + entry.path().stem().string());
    const Outcome o = run_cxlvp("run " + entry.path().string() + " --quiet --out " + out.string() +
                                " --set simulation.checks=protocol --set workload.batches=1");
    INFO(entry.path().string() << ": " << o.err);
    CHECK(o.status == 0);
    CHECK(slurp(out / "summary.json").find("\"protocol_violations\": 0,") != std::string::npos);
  }
}

// Where experts live: partitioned is expert e in home e mod k; popularity
// deals the experts round robin in order of expected tokens; inside a home the
// experts it holds are packed layer by layer.
TEST_CASE("weight homes: partitioned, by popularity, and packed offsets", "[topology]") {
  MoeModelConfig m;
  m.experts = 6;
  m.layers = 2;
  m.expert_bytes = 100;
  const WeightHomes part(m, 3, WeightsPlacement::partitioned);
  for (uint32_t e = 0; e < 6; ++e) CHECK(part.home_of(e) == e % 3);
  CHECK(part.offset(0, 4) == 100);            // expert 4 is home 1's second (after expert 1)
  CHECK(part.offset(1, 1) == (2 + 0) * 100);  // layer 1 starts after home 1's two experts of layer 0
  CHECK(part.bytes_in(2) == 2 * 2 * 100);
  const std::vector<double> share{0.05, 0.4, 0.1, 0.3, 0.05, 0.1};  // ranks: 1, 3, 2, 5, 0, 4 (ties by id)
  const WeightHomes pop(m, 2, WeightsPlacement::popularity, share);
  CHECK(pop.home_of(1) == 0);
  CHECK(pop.home_of(3) == 1);
  CHECK(pop.home_of(2) == 0);
  CHECK(pop.home_of(5) == 1);
  CHECK(pop.home_of(0) == 0);
  CHECK(pop.home_of(4) == 1);
  CHECK(pop.experts_in(0) == 3);
  const WeightHomes one(m, 1, WeightsPlacement::interleaved);
  CHECK(one.offset(1, 5) == (6 + 5) * 100);  // the one-home layout: (layer x experts + expert) x bytes
}
