#include "platform.h"

#include "../firmware/memory_layout.h"
#include "../firmware/routing_trace.h"
#include "../models/cxl/cxl_device_controller.h"
#include "../models/ndp/rtl/ndp_rtl_host.h"

#include <algorithm>
#include <filesystem>

namespace cxlvp {

using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

double cxl_payload_Bps(const CxlLinkConfig& link) {
  const CxlFlitFormat f(link);
  return f.wire_GBps() * f.read_efficiency() * 1e9;
}

// The rates of one weight home: the links its bytes cross, its DRAM, the
// switch's upstream link when it sits below the switch, its NDP engine.
HomeRates home_rates(const Topology& t, const WeightHome& home, const std::vector<int>& ndp_index,
                     const DramConfig& ddr, double pcie_Bps) {
  HomeRates h;
  h.links.clear();
  h.ndp = -1;
  std::vector<unsigned> members;
  if (home.expander >= 0) members = {unsigned(home.expander)};
  for (const TopologySet& set : t.sets)
    if (set.name == home.name) members = set.members;
  if (members.empty()) {  // host DDR
    h.home_Bps = ddr.peak_GBps * 1e9;
    h.fetch_Bps = std::min(pcie_Bps, h.home_Bps);
    return h;
  }
  h.cxl_Bps = 0;
  double dram = 0;
  for (unsigned x : members) {
    h.links.push_back(x);
    h.cxl_Bps += cxl_payload_Bps(t.expanders[x].cxl.link);
    dram += t.expanders[x].cxl.dram.peak_GBps * 1e9;
    if (t.expanders[x].switch_port >= 0) h.upstream_Bps = cxl_payload_Bps(t.cxl_switch.config.link);
  }
  h.home_Bps = std::min(h.cxl_Bps, dram);
  if (h.upstream_Bps > 0) h.home_Bps = std::min(h.home_Bps, h.upstream_Bps);
  h.fetch_Bps = std::min(pcie_Bps, h.home_Bps);
  if (home.expander >= 0) h.ndp = ndp_index[unsigned(home.expander)];
  return h;
}

// The scenario's routing (drawn or replayed), saved on the way when asked to.
std::unique_ptr<RoutingSource> routing_source(const Scenario& s, const PlatformOptions& options) {
  std::unique_ptr<RoutingSource> source;
  if (s.workload.distribution == RoutingDistribution::trace)
    source = std::make_unique<RoutingTraceReader>(s.workload.trace_file, routing_trace_shape(s.model, s.workload));
  else
    source = std::make_unique<RoutingGenerator>(s.workload, routing_shape(s.model), s.seed);
  if (options.save_routing.empty()) return source;
  std::error_code ignored;  // false when save_routing does not exist yet
  if (s.workload.distribution == RoutingDistribution::trace &&
      std::filesystem::equivalent(s.workload.trace_file, options.save_routing, ignored))
    throw RoutingTraceError(options.save_routing, 0,
                            "--save-routing names the trace being replayed; saving would overwrite it");
  return std::make_unique<RoutingTraceWriter>(options.save_routing, std::move(source));
}

SchedulerConfig scheduler_config(const Scenario& s, const Topology& t, const MemoryMap& m, const WeightPlan& weights,
                                 const GpuStateLayout& state) {
  SchedulerConfig c;
  c.model = s.model;
  c.workload = s.workload;
  c.quantization = s.quantization;
  c.rates = lane_rates(s, t, weights);
  for (const auto& g : t.gpus) {
    const uint64_t slots_base = std::max(g.gpu.hbm_reserved_bytes, state.slots_base);
    c.hbm_expert_slots.push_back(
        unsigned((g.gpu.hbm.capacity_bytes - std::min(g.gpu.hbm.capacity_bytes, slots_base)) / s.model.bytes_per_expert()));
  }
  c.hbm_resident_base = state.resident_base;
  c.kv_base = state.kv_base;
  c.kv_in_hbm = state.kv_in_hbm;
  c.gpu_eviction = t.gpus.front().gpu.eviction;
  c.prefetch = s.policy.prefetch;
  c.table = platform_table(t, m, weights);
  c.weights = weights.experts;
  c.functional = s.simulation.data == DataMode::functional;
  c.seed = s.seed;
  return c;
}

}  // namespace

// The cost model assumes identical GPUs and NDP engines: the first of each
// gives the rates.
LaneRates lane_rates(const Scenario& s, const Topology& t, const WeightPlan& weights) {
  const auto& p = s.platform;
  const GpuConfig& gpu = t.gpus.front().gpu;
  const PcieFormat pcie(t.gpus.front().pcie);
  const CxlConfig* ndp_expander = &t.expanders.front().cxl;
  std::vector<int> ndp_index(t.expanders.size(), -1);
  int ndps = 0;
  for (unsigned x = 0; x < t.expanders.size(); ++x)
    if (t.expanders[x].cxl.ndp.enabled) {
      if (ndps == 0) ndp_expander = &t.expanders[x].cxl;
      ndp_index[x] = ndps++;
    }
  const NdpConfig& ndp = ndp_expander->ndp;
  LaneRates r;
  r.mode = s.simulation.compute;
  r.per_token_s = {gpu.per_token_us * 1e-6, p.cpu.per_token_us * 1e-6, ndp.per_token_us * 1e-6};
  r.flops_per_s = {gpu.peak_TFLOPS * 1e12 * gpu.efficiency,
                   p.cpu.cores * p.cpu.freq_GHz * 1e9 * p.cpu.amx_flops_per_cycle * p.cpu.efficiency,
                   ndp.mac_GMACps * 2e9};
  r.dequant_Bps = {gpu.dequant_GBps * 1e9, p.cpu.dequant_GBps * 1e9, ndp.dequant_GBps * 1e9};
  r.hbm_Bps = gpu.hbm.peak_GBps * 1e9;
  r.ndp_stream_Bps = std::min(ndp.internal_GBps, ndp_expander->dram.peak_GBps) * 1e9;
  r.activation_Bps = pcie.wire_GBps() * pcie.payload_efficiency() * 1e9;
  r.weights_in_cxl = s.model.weights_home == WeightsHome::cxl;
  r.gpus = unsigned(t.gpus.size());
  if (t.pcie_switch.present) {
    const PcieFormat upstream(t.pcie_switch.config.link);
    r.pcie_upstream_Bps = upstream.wire_GBps() * upstream.payload_efficiency() * 1e9;
    for (const auto& g : t.gpus) r.gpu_below_switch.push_back(g.switch_port >= 0);
  }
  r.ndps = unsigned(ndps);
  r.cxl_links = unsigned(t.expanders.size());
  r.homes.clear();
  for (const WeightHome& h : weights.homes) r.homes.push_back(home_rates(t, h, ndp_index, p.host.ddr, r.activation_Bps));
  for (uint32_t e = 0; e < s.model.experts; ++e) r.home_of.push_back(weights.experts.home_of(e));
  return r;
}

PlatformTable platform_table(const Topology& t, const MemoryMap& m, const WeightPlan& weights) {
  PlatformTable table;
  table.ddr_base = m.ddr_base;
  table.ddr_size = m.ddr_size;
  table.cpu_work_queue = m.cpu_work_queue();
  table.msi = m.msi();
  table.gpu_bars = m.gpu_bar(0);
  table.cxl_bars = m.cxl_bar(0);
  table.slot_bytes = mmio::slot_bytes;
  table.slots = mmio::slots;
  table.switch_bar = t.cxl_switch.present ? m.cxl_switch_bar() : 0;
  for (unsigned x = 0; x < t.expanders.size(); ++x)
    table.cxl_windows.push_back({m.expander_windows[x].base, m.expander_windows[x].size, Interleave{}, {x},
                                 t.expanders[x].switch_port >= 0});
  for (unsigned i = 0; i < t.sets.size(); ++i)
    table.cxl_windows.push_back({m.set_windows[i].base, m.set_windows[i].size, t.sets[i].interleave, t.sets[i].members,
                                 t.sets[i].behind_switch});
  for (const auto& g : t.gpus) table.gpu_names.push_back(g.name);
  for (const auto& x : t.expanders) table.ndp_names.push_back(x.cxl.ndp.job_log_name);
  for (const WeightHome& h : weights.homes) {
    WeightHomeEntry e{h.area_base, h.expander, 0};
    if (h.expander >= 0)  // the area's DPA: after the device's own window when it is a one-way set
      e.device_base = h.area_base - (t.expanders[unsigned(h.expander)].set >= 0
                                         ? m.set_windows[unsigned(t.expanders[unsigned(h.expander)].set)].base -
                                               kPrivateBytes
                                         : m.expander_windows[unsigned(h.expander)].base);
    table.homes.push_back(e);
  }
  return table;
}

namespace {
// The name prefix of the module a platform is being built in ("a." inside
// module "a"), empty at top level.
std::string enclosing_module_prefix() {
  const sc_core::sc_object* parent = sc_core::sc_get_current_object();
  return parent ? std::string(parent->name()) + "." : std::string();
}
}  // namespace

Platform::Platform(const Scenario& s, const PlatformOptions& options)
    : building_(std::in_place, telemetry_, enclosing_module_prefix()),
      scenario_(s),
      topology_(resolve_topology(s)),
      map_(build_memory_map(s, topology_)),
      weights_(plan_weights(s, topology_, map_)),
      gpu_state_(plan_gpu_state(s, topology_, map_, weights_)),
      hw(s, topology_, map_, ndp_rtl_factory({options.vcd}),
         [this](const std::string& name, TargetSocketBase& target) -> TargetSocketBase& { return checked(name, target); },
         gpu_state_.slots_base),
      fw("fw", scheduler_config(s, topology_, map_, weights_, gpu_state_), routing_source(s, options),
         make_policy(s.policy), hw.irq) {
  tlm::tlm_global_quantum::instance().set(sc_time(s.simulation.quantum_ns, SC_NS));
  fw.bus.bind(checked("fw->bus", hw.bus.in));

  // Functional mode: the firmware's debug view of HBM, and the check of its outputs against the reference.
  fw.gpu_debug.bind(hw.gpus.front()->hbm_debug);
  if (s.simulation.data == DataMode::functional) {
    const ExpertShape shape{s.model.d_model, s.model.d_ff, s.model.requant_shift, FfnActivation::relu};
    functional_check_ = std::make_unique<FunctionalCheck>(s.seed, shape, s.model.layers);
    fw.on_layer_output([this](const LayerRouting& routing, const std::vector<int8_t>& output) {
      functional_check_->layer_done(routing, output);
    });
  }
  building_.reset();
}

// A checker's module name from the binding it sits on ("cxl1.link->cxl1.ctrl"
// -> "check_cxl1_link_to_cxl1_ctrl"): SystemC names take no dots.
TargetSocketBase& Platform::checked(const std::string& binding, TargetSocketBase& target) {
  if (scenario_.simulation.checks != ChecksMode::protocol) return target;
  std::string name = "check_";
  for (size_t i = 0; i < binding.size(); ++i) {
    if (binding.compare(i, 2, "->") == 0) {
      name += "_to_";
      ++i;
    } else if (std::isalnum(static_cast<unsigned char>(binding[i]))) {
      name += binding[i];
    } else if (name.back() != '_') {
      name += '_';
    }
  }
  checkers_.push_back(std::make_unique<ProtocolChecker>(name.c_str()));
  checkers_.back()->out.bind(target);
  return checkers_.back()->in;
}

std::vector<std::string> Platform::devices() const {
  std::vector<std::string> out;
  for (const auto& g : topology_.gpus)
    for (const char* engine : {"", ".fetch", ".copy"}) out.push_back(g.name + engine);
  out.push_back("cpu");
  for (const auto& x : topology_.expanders)
    if (x.cxl.ndp.enabled) out.push_back(x.cxl.ndp.job_log_name);
  return out;
}

uint64_t Platform::protocol_violations() const {
  uint64_t n = 0;
  for (const auto& c : checkers_) n += c->violations().total;
  return n;
}

// Nothing on this frame but the call: a simulation failure comes back through
// it as an exception rethrown by the kernel, and AddressSanitizer misreads
// unwinding past stack objects after SystemC's coroutines have run
// (google/sanitizers#189).
bool Platform::run() {
  sc_core::sc_start();  // the firmware's default when_finished hook stops it
  return fw.finished();
}

bool run_platforms(const std::vector<Platform*>& platforms) {
  auto running = std::make_shared<size_t>(platforms.size());
  for (Platform* p : platforms)
    p->fw.when_finished([running] {
      if (--*running == 0) sc_core::sc_stop();
    });
  sc_core::sc_start();
  return std::all_of(platforms.begin(), platforms.end(), [](const Platform* p) { return p->fw.finished(); });
}

}  // namespace cxlvp
