#pragma once
// MemoryMap: where everything sits in the host physical address space, and how
// each memory is carved up between firmware, activation staging and expert
// weights. Built from a Scenario; check_platform_fit() reports every way the
// scenario's memories cannot hold its model or its windows collide.
#include <cstdint>
#include <string>
#include <vector>

#include "../models/common/address_range.h"

#include "../firmware/memory_layout.h"
#include "config_problem.h"
#include "scenario.h"
#include "topology.h"

namespace cxlvp {

// The MMIO window, from mmio_base.
namespace mmio {
constexpr uint64_t gpu_bar = 0x0000000;
constexpr uint64_t gpu_bar_bytes = 0x10000;
constexpr uint64_t cpu_work_queue = 0x0100000;
constexpr uint64_t cpu_work_queue_bytes = 0x1000;
constexpr uint64_t cxl_bar = 0x0200000;
constexpr uint64_t cxl_bar_bytes = 0x10000;
constexpr uint64_t msi = 0x0300000;
constexpr uint64_t msi_bytes = 0x1000;
constexpr uint64_t cxl_switch_bar = 0x0400000;
constexpr uint64_t cxl_switch_bar_bytes = 0x10000;
// GPU k's BAR0 and expander k's register BAR are slot k of their 1 MiB ranges.
constexpr uint64_t slot_bytes = 0x10000;
constexpr unsigned slots = 16;
constexpr uint64_t window_bytes = 16ull << 20;
}  // namespace mmio

struct MemoryMap {
  uint64_t ddr_base = 0, ddr_size = 0;
  uint64_t mmio_base = 0;
  uint64_t cxl_base = 0, cxl_size = 0;  // the span of every CXL window below
  // Per expander (topology order): its own HDM window, the whole device, or
  // its private 1 GiB when it belongs to an interleave set.
  std::vector<AddressRange> expander_windows;
  std::vector<AddressRange> set_windows;  // per interleave set

  uint64_t gpu_bar(unsigned gpu = 0) const { return mmio_base + mmio::gpu_bar + gpu * mmio::slot_bytes; }
  uint64_t cpu_work_queue() const { return mmio_base + mmio::cpu_work_queue; }
  uint64_t cxl_bar(unsigned expander = 0) const { return mmio_base + mmio::cxl_bar + expander * mmio::slot_bytes; }
  uint64_t cxl_switch_bar() const { return mmio_base + mmio::cxl_switch_bar; }
  uint64_t msi() const { return mmio_base + mmio::msi; }
};

MemoryMap build_memory_map(const Scenario& s, const Topology& t);
inline MemoryMap build_memory_map(const Scenario& s) { return build_memory_map(s, resolve_topology(s)); }

std::vector<ConfigProblem> check_platform_fit(const Scenario& s);

// Bytes of activations one layer needs per direction (tokens x top_k x d_model x bytes).
uint64_t activation_bytes_per_layer(const Scenario& s);

}  // namespace cxlvp
