#include "topology.h"

#include <algorithm>
#include <set>

namespace cxlvp {

namespace {

// Names the platform's own modules use; a device may not take them.
const std::set<std::string> kReserved = {"bus", "ddr", "rc", "cpu", "irq", "fw", "pcie", "probe"};

std::string item_key(const char* list, size_t i) { return std::string(list) + "." + std::to_string(i); }

// "cxlsw.port2" -> port 2 of switch `name`; -1 when `attach` names no port of it.
int switch_port(const std::string& attach, const std::string& name) {
  const std::string prefix = name + ".port";
  if (attach.rfind(prefix, 0) != 0) return -1;
  const std::string digits = attach.substr(prefix.size());
  if (digits.empty() || digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(digits);
}

// Each GPU's `attach`: host, or a port the PCIe switch has, one GPU a port.
void check_gpu_attach(const PlatformConfig& p, const Topology& t, std::vector<ConfigProblem>& out) {
  const std::string& sw = p.pcie_switch.name;
  const unsigned ports = p.pcie_switch.config.ports;
  std::set<int> taken;
  for (size_t i = 0; i < p.gpus.size(); ++i) {
    const std::string key = item_key("platform.gpus", i) + ".attach";
    const std::string& attach = p.gpus[i].attach;
    const int port = t.gpus[i].switch_port;
    if (attach != "host" && port < 0)
      out.push_back({key, "'" + attach + "' is neither host nor a port of the PCIe switch (" + sw + ".port0 .. " +
                              sw + ".port" + std::to_string(ports - 1) + ")"});
    else if (port >= int(ports))
      out.push_back({key, "the PCIe switch has ports 0 to " + std::to_string(ports - 1) +
                              " (platform.pcie_switch.ports; got " + attach + ")"});
    else if (port >= 0 && !taken.insert(port).second)
      out.push_back({key, "two GPUs on " + attach + ": a switch port takes one device"});
  }
}

uint64_t share_bytes(uint64_t capacity) {
  constexpr uint64_t G = 256ull << 20;
  return capacity > kPrivateBytes ? (capacity - kPrivateBytes) / G * G : 0;
}

}  // namespace

Topology resolve_topology(const Scenario& s) {
  const PlatformConfig& p = s.platform;
  Topology t;
  if (p.gpus.empty()) t.gpus.push_back({"gpu", p.gpu, p.pcie});
  for (const auto& g : p.gpus) {
    t.gpus.push_back({g.name, g.gpu, g.pcie, switch_port(g.attach, p.pcie_switch.name)});
    t.pcie_switch.present |= t.gpus.back().switch_port >= 0;
  }
  t.pcie_switch.name = p.pcie_switch.name;
  t.pcie_switch.config = p.pcie_switch.config;
  if (p.expanders.empty()) {
    t.expanders.push_back({"cxl", "platform.cxl", p.cxl});
    t.expanders.back().cxl.ndp.job_log_name = "ndp";
  }
  for (size_t i = 0; i < p.expanders.size(); ++i) {
    const auto& e = p.expanders[i];
    TopologyExpander x{e.name, item_key("platform.cxl.expanders", i), e.cxl};
    x.cxl.ndp.job_log_name = e.name + ".ndp";
    x.switch_port = switch_port(e.attach, p.cxl_switch.name);
    t.cxl_switch.present |= x.switch_port >= 0;
    t.expanders.push_back(x);
  }
  t.cxl_switch.name = p.cxl_switch.name;
  t.cxl_switch.config = p.cxl_switch.config;
  for (size_t i = 0; i < p.interleave_sets.size(); ++i) {
    const auto& c = p.interleave_sets[i];
    TopologySet set{c.name, item_key("platform.cxl.interleave_sets", i), {c.ways, c.granularity_bytes}, {}, false, 0};
    uint64_t share = UINT64_MAX;
    for (const auto& member : c.expanders)
      for (unsigned x = 0; x < t.expanders.size(); ++x)
        if (t.expanders[x].name == member) {
          t.expanders[x].set = int(t.sets.size());
          t.expanders[x].position = unsigned(set.members.size());
          set.members.push_back(x);
          set.behind_switch = t.expanders[x].switch_port >= 0;
          share = std::min(share, share_bytes(t.expanders[x].cxl.dram.capacity_bytes));
        }
    set.size_bytes = c.size_bytes ? c.size_bytes : (set.members.empty() ? 0 : share * set.members.size());
    t.sets.push_back(set);
  }
  return t;
}

std::vector<ConfigProblem> check_topology(const Scenario& s) {
  std::vector<ConfigProblem> out;
  const PlatformConfig& p = s.platform;
  const Topology t = resolve_topology(s);
  std::set<std::string> names;
  const auto name_ok = [&](const std::string& key, const std::string& name) {
    if (kReserved.count(name))
      out.push_back({key, "'" + name + "' is the name of a platform model; choose another"});
    else if (!names.insert(name).second)
      out.push_back({key, "'" + name + "' names two devices; every GPU, expander and switch needs its own name"});
  };
  if (p.gpus.size() > kMaxGpus)
    out.push_back({"platform.gpus", "at most " + std::to_string(kMaxGpus) + " GPUs (got " +
                                        std::to_string(p.gpus.size()) + ")"});
  for (size_t i = 0; i < p.gpus.size(); ++i) name_ok(item_key("platform.gpus", i) + ".name", p.gpus[i].name);
  if (p.expanders.size() > kMaxExpanders)
    out.push_back({"platform.cxl.expanders", "at most " + std::to_string(kMaxExpanders) + " expanders (got " +
                                                 std::to_string(p.expanders.size()) + ")"});
  if (t.cxl_switch.present) name_ok("platform.cxl.switch.name", t.cxl_switch.name);
  if (t.pcie_switch.present) name_ok("platform.pcie_switch.name", t.pcie_switch.name);
  check_gpu_attach(p, t, out);

  std::set<int> taken_ports;
  for (size_t i = 0; i < p.expanders.size(); ++i) {
    const auto& e = p.expanders[i];
    const std::string key = item_key("platform.cxl.expanders", i);
    name_ok(key + ".name", e.name);
    const int port = t.expanders[i].switch_port;
    if (e.attach != "host" && port < 0)
      out.push_back({key + ".attach", "'" + e.attach + "' is neither host nor a port of the switch (" +
                                          p.cxl_switch.name + ".port0 .. " + p.cxl_switch.name + ".port" +
                                          std::to_string(p.cxl_switch.config.ports - 1) + ")"});
    else if (port >= int(p.cxl_switch.config.ports))
      out.push_back({key + ".attach", "the switch has ports 0 to " + std::to_string(p.cxl_switch.config.ports - 1) +
                                          " (platform.cxl.switch.ports; got " + e.attach + ")"});
    else if (port >= 0 && !taken_ports.insert(port).second)
      out.push_back({key + ".attach", "two expanders on " + e.attach + ": a switch port takes one device"});
  }
  for (const auto& x : t.expanders) {
    if (x.cxl.dram.capacity_bytes % (256ull << 20) != 0)
      out.push_back({x.key + ".dram.capacity_GiB", "must be a multiple of 0.25 GiB (HDM decoder granule)"});
    if (x.cxl.link.generation >= 6 && x.cxl.link.flit_bytes != 256)
      out.push_back({x.key + ".link.flit_bytes", "generation 6 (64 GT/s) links use 256 B flits (got 68)"});
  }
  if (t.cxl_switch.present && p.cxl_switch.config.link.generation >= 6 && p.cxl_switch.config.link.flit_bytes != 256)
    out.push_back({"platform.cxl.switch.link.flit_bytes", "generation 6 (64 GT/s) links use 256 B flits (got 68)"});

  std::set<std::string> in_a_set;
  for (size_t i = 0; i < p.interleave_sets.size(); ++i) {
    const auto& c = p.interleave_sets[i];
    const TopologySet& set = t.sets[i];
    const std::string key = item_key("platform.cxl.interleave_sets", i);
    name_ok(key + ".name", c.name);
    if (!Interleave::valid_ways(c.ways))
      out.push_back({key + ".ways", "CXL allows 1, 2, 3, 4, 6, 8, 12 or 16 ways (got " + std::to_string(c.ways) + ")"});
    if (!Interleave::valid_granularity(c.granularity_bytes))
      out.push_back({key + ".granularity_bytes", "CXL allows 256 to 16384 bytes, a power of two (got " +
                                                     std::to_string(c.granularity_bytes) + ")"});
    for (const auto& member : c.expanders) {
      if (std::none_of(t.expanders.begin(), t.expanders.end(), [&](const auto& x) { return x.name == member; }))
        out.push_back({key + ".expanders", "'" + member + "' is not an expander of platform.cxl.expanders"});
      else if (!in_a_set.insert(member).second)
        out.push_back({key + ".expanders", "'" + member + "' is in two interleave sets (or twice in one)"});
    }
    if (c.expanders.size() != c.ways)
      out.push_back({key + ".ways", std::to_string(c.ways) + " ways need " + std::to_string(c.ways) +
                                        " expanders (the set lists " + std::to_string(c.expanders.size()) + ")"});
    if (set.members.empty()) continue;
    const bool behind = t.expanders[set.members[0]].switch_port >= 0;
    for (unsigned m : set.members)
      if ((t.expanders[m].switch_port >= 0) != behind)
        out.push_back({key + ".expanders", "mixes expanders on host root ports with expanders below the switch; "
                                           "a set is interleaved by the host bridge or by the switch, not both"});
    if (behind && c.ways > 8)
      out.push_back({key + ".ways", "a switch decoder's target list holds 8 ports (got " + std::to_string(c.ways) + ")"});
    constexpr uint64_t G = 256ull << 20;
    uint64_t smallest = UINT64_MAX;
    for (unsigned m : set.members) smallest = std::min(smallest, share_bytes(t.expanders[m].cxl.dram.capacity_bytes));
    if (smallest == 0)
      out.push_back({key + ".expanders", "every member needs more than 1 GiB of memory: 1 GiB is its own, the rest "
                                         "joins the set"});
    else if (c.size_bytes % (G * std::max(1u, c.ways)) != 0)
      out.push_back({key + ".size_GiB", "does not divide over " + std::to_string(c.ways) +
                                            " ways in whole 0.25 GiB shares (HDM decoder granule)"});
    else if (c.size_bytes > smallest * c.ways)
      out.push_back({key + ".size_GiB", "exceeds what the members hold: " + std::to_string(c.ways) + " x " +
                                            std::to_string(double(smallest) / double(1ull << 30)) +
                                            " GiB (each member's memory less its own 1 GiB)"});
  }
  return out;
}

}  // namespace cxlvp
