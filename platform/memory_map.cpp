#include "memory_map.h"

#include <sstream>

#include "weight_plan.h"

namespace cxlvp {

namespace {

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

std::string gib(uint64_t bytes) {
  std::ostringstream s;
  s.precision(4);
  s << double(bytes) / double(layout::GiB) << " GiB";
  return s.str();
}

}  // namespace

uint64_t activation_bytes_per_layer(const Scenario& s) {
  return uint64_t(s.workload.tokens_per_batch) * s.workload.top_k * s.model.activation_bytes_per_token();
}

// CXL windows one after the other from cxl_base: each expander's own, then
// each interleave set's, every one aligned to the HDM decoder granule.
MemoryMap build_memory_map(const Scenario& s, const Topology& t) {
  MemoryMap m;
  const auto& a = s.platform.address_map;
  m.ddr_base = a.ddr_base;
  m.ddr_size = s.platform.host.ddr.capacity_bytes;
  m.mmio_base = a.mmio_base ? a.mmio_base : align_up(m.ddr_base + m.ddr_size, layout::GiB);
  m.cxl_base = a.cxl_base ? a.cxl_base : align_up(m.mmio_base + mmio::window_bytes, layout::GiB);
  uint64_t next = m.cxl_base;
  const auto place = [&next](uint64_t size) {
    const AddressRange r{next, size};
    next = align_up(next + size, 256 * layout::MiB);
    return r;
  };
  for (const auto& x : t.expanders) m.expander_windows.push_back(place(x.set >= 0 ? kPrivateBytes : x.cxl.dram.capacity_bytes));
  for (const auto& set : t.sets) m.set_windows.push_back(place(set.size_bytes));
  m.cxl_size = next - m.cxl_base;
  return m;
}

std::vector<ConfigProblem> check_platform_fit(const Scenario& s) {
  std::vector<ConfigProblem> out = check_topology(s);
  if (!out.empty()) return out;  // the rest assumes a valid tree
  const Topology t = resolve_topology(s);
  const MemoryMap m = build_memory_map(s, t);
  const uint64_t expert = s.model.bytes_per_expert();
  // Products of user-given sizes: computed wide and clamped so nothing wraps.
  const auto clamp = [](unsigned __int128 v) { return v > UINT64_MAX / 2 ? UINT64_MAX / 2 : uint64_t(v); };
  const bool home_cxl = s.model.weights_home == WeightsHome::cxl;
  const auto need = [&](const std::string& key, uint64_t have, uint64_t want, const std::string& what) {
    if (have < want)
      out.push_back({key, "holds " + gib(have) + " but needs " + gib(want) + " (" + what + ")"});
  };
  const auto weights_text = [&](unsigned experts) {
    return std::to_string(s.model.layers) + " layers x " + std::to_string(experts) + " experts of weights";
  };

  const WeightsPlacement asked = s.model.weights_placement;
  if (!home_cxl && asked != WeightsPlacement::automatic)
    out.push_back({"model.weights_placement", "places weights over CXL expanders: only with model.weights_home cxl"});
  if (home_cxl && asked == WeightsPlacement::interleaved && t.sets.empty())
    out.push_back({"model.weights_placement", "interleaved needs an interleave set (platform.cxl.interleave_sets)"});
  if (home_cxl && asked == WeightsPlacement::popularity && s.workload.distribution == RoutingDistribution::trace)
    out.push_back({"model.weights_placement", "popularity needs the expected popularity of a drawn routing (zipf or "
                                              "uniform), not a trace"});
  const WeightPlan plan = plan_weights(s, t, m);
  if (home_cxl && plan.homes.empty())
    out.push_back({"model.weights_placement", "every expander is in an interleave set: partitioned placement needs "
                                              "an expander with a window of its own"});
  if (!out.empty()) return out;

  const uint64_t ddr_weights = home_cxl ? 0 : clamp((unsigned __int128)expert * s.model.experts * s.model.layers);
  need("platform.host.ddr.capacity_GiB", m.ddr_size, layout::weights + ddr_weights,
       home_cxl ? "1 GiB for descriptors and staging"
                : "1 GiB for descriptors and staging plus " + weights_text(s.model.experts));
  // Every expander keeps 1 GiB for descriptors and staging; one that is a
  // home of its own (partitioned placement) holds its experts after it.
  std::vector<unsigned> experts_at(t.expanders.size(), 0);
  if (home_cxl)
    for (unsigned h = 0; h < plan.homes.size(); ++h) {
      const WeightHome& home = plan.homes[h];
      if (home.expander >= 0 && t.expanders[unsigned(home.expander)].set < 0)
        experts_at[unsigned(home.expander)] = plan.experts.experts_in(h);
      else
        need(home.key, home.area_bytes, clamp((unsigned __int128)expert * plan.experts.experts_in(h) * s.model.layers),
             "the interleave set holds " + weights_text(plan.experts.experts_in(h)));
    }
  for (unsigned x = 0; x < t.expanders.size(); ++x) {
    const unsigned experts = experts_at[x];
    need(t.expanders[x].key + ".dram.capacity_GiB", t.expanders[x].cxl.dram.capacity_bytes,
         layout::weights + clamp((unsigned __int128)expert * experts * s.model.layers),
         experts ? "1 GiB for descriptors and staging plus " + weights_text(experts)
                 : "1 GiB for descriptors and staging");
  }
  for (size_t i = 0; i < t.gpus.size(); ++i) {
    const auto& gpu = t.gpus[i].gpu;
    const std::string key = s.platform.gpus.empty() ? "platform.gpu" : "platform.gpus." + std::to_string(i);
    if (gpu.hbm.capacity_bytes < gpu.hbm_reserved_bytes + expert)
      out.push_back({key + ".hbm.capacity_GiB",
                     "holds " + gib(gpu.hbm.capacity_bytes) + " but needs " + gib(gpu.hbm_reserved_bytes + expert) +
                         " (reserved workspace plus at least one expert of " + gib(expert) + ")"});
    need(key + ".hbm_reserved_GiB", gpu.hbm_reserved_bytes, 2 * activation_bytes_per_layer(s),
         "input and output activations of one layer");
  }
  const uint64_t act = activation_bytes_per_layer(s);
  if (2 * act > layout::staging_bytes)
    out.push_back({"workload.tokens_per_batch", "one layer's activations (" + gib(2 * act) +
                                                    ") exceed the 0.94 GiB staging area"});


  struct Window {
    const char* key;
    uint64_t base, size;
  };
  const Window w[] = {{"platform.address_map.ddr_base", m.ddr_base, m.ddr_size},
                      {"platform.address_map.mmio_base", m.mmio_base, mmio::window_bytes},
                      {"platform.address_map.cxl_base", m.cxl_base, m.cxl_size}};
  for (const Window& x : w)
    if (x.base + x.size < x.base) out.push_back({x.key, "window wraps past the end of the 64-bit address space"});
  for (unsigned i = 0; i < 3; ++i)
    for (unsigned j = i + 1; j < 3; ++j)
      if (w[i].base < w[j].base + w[j].size && w[j].base < w[i].base + w[i].size) {
        std::ostringstream msg;
        msg << std::hex << "window [0x" << w[j].base << ", 0x" << w[j].base + w[j].size << ") overlaps "
            << w[i].key << " [0x" << w[i].base << ", 0x" << w[i].base + w[i].size << ")";
        out.push_back({w[j].key, msg.str()});
      }
  if (m.cxl_base % (256 * layout::MiB) != 0)
    out.push_back({"platform.address_map.cxl_base", "must be aligned to 256 MiB (HDM decoder granule)"});
  return out;
}

}  // namespace cxlvp
