#include "memory_map.h"

#include <sstream>

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

MemoryMap build_memory_map(const Scenario& s) {
  MemoryMap m;
  const auto& a = s.platform.address_map;
  m.ddr_base = a.ddr_base;
  m.ddr_size = s.platform.host.ddr.capacity_bytes;
  m.mmio_base = a.mmio_base ? a.mmio_base : align_up(m.ddr_base + m.ddr_size, layout::GiB);
  m.cxl_size = s.platform.cxl.dram.capacity_bytes;
  m.cxl_base = a.cxl_base ? a.cxl_base : align_up(m.mmio_base + mmio::window_bytes, layout::GiB);
  return m;
}

std::vector<ConfigProblem> check_platform_fit(const Scenario& s) {
  std::vector<ConfigProblem> out;
  const MemoryMap m = build_memory_map(s);
  const uint64_t expert = s.model.bytes_per_expert();
  // Products of user-given sizes: computed wide and clamped so nothing wraps.
  const unsigned __int128 wide_weights = (unsigned __int128)expert * s.model.experts * s.model.layers;
  const uint64_t all_weights = wide_weights > UINT64_MAX / 2 ? UINT64_MAX / 2 : uint64_t(wide_weights);
  const bool home_cxl = s.model.weights_home == WeightsHome::cxl;
  const auto need = [&](const std::string& key, uint64_t have, uint64_t want, const std::string& what) {
    if (have < want)
      out.push_back({key, "holds " + gib(have) + " but needs " + gib(want) + " (" + what + ")"});
  };

  need("platform.host.ddr.capacity_GiB", m.ddr_size, layout::weights + (home_cxl ? 0 : all_weights),
       home_cxl ? "1 GiB for descriptors and staging"
                : "1 GiB for descriptors and staging plus " + std::to_string(s.model.layers) + " layers x " +
                      std::to_string(s.model.experts) + " experts of weights");
  need("platform.cxl.dram.capacity_GiB", m.cxl_size, layout::weights + (home_cxl ? all_weights : 0),
       home_cxl ? "1 GiB for descriptors and staging plus " + std::to_string(s.model.layers) + " layers x " +
                      std::to_string(s.model.experts) + " experts of weights"
                : "1 GiB for descriptors and staging");
  if (m.cxl_size % (256 * layout::MiB) != 0)
    out.push_back({"platform.cxl.dram.capacity_GiB", "must be a multiple of 0.25 GiB (HDM decoder granule)"});
  const auto& gpu = s.platform.gpu;
  if (gpu.hbm.capacity_bytes < gpu.hbm_reserved_bytes + expert)
    out.push_back({"platform.gpu.hbm.capacity_GiB",
                   "holds " + gib(gpu.hbm.capacity_bytes) + " but needs " + gib(gpu.hbm_reserved_bytes + expert) +
                       " (reserved workspace plus at least one expert of " + gib(expert) + ")"});
  const uint64_t act = activation_bytes_per_layer(s);
  need("platform.gpu.hbm_reserved_GiB", gpu.hbm_reserved_bytes, 2 * act,
       "input and output activations of one layer");
  if (2 * act > layout::staging_bytes)
    out.push_back({"workload.tokens_per_batch", "one layer's activations (" + gib(2 * act) +
                                                    ") exceed the 0.94 GiB staging area"});

  if (s.platform.cxl.link.generation >= 6 && s.platform.cxl.link.flit_bytes != 256)
    out.push_back({"platform.cxl.link.flit_bytes", "generation 6 (64 GT/s) links use 256 B flits (got 68)"});

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
