#pragma once
// MemoryMap: where everything sits in the host physical address space, and how
// each memory is carved up between firmware, activation staging and expert
// weights. Built from a Scenario; check_platform_fit() reports every way the
// scenario's memories cannot hold its model or its windows collide.
#include <cstdint>
#include <string>
#include <vector>

#include "../firmware/memory_layout.h"
#include "scenario.h"

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
constexpr uint64_t window_bytes = 16ull << 20;
}  // namespace mmio

struct MemoryMap {
  uint64_t ddr_base = 0, ddr_size = 0;
  uint64_t mmio_base = 0;
  uint64_t cxl_base = 0, cxl_size = 0;

  uint64_t gpu_bar() const { return mmio_base + mmio::gpu_bar; }
  uint64_t cpu_work_queue() const { return mmio_base + mmio::cpu_work_queue; }
  uint64_t cxl_bar() const { return mmio_base + mmio::cxl_bar; }
  uint64_t msi() const { return mmio_base + mmio::msi; }
};

MemoryMap build_memory_map(const Scenario& s);

struct ConfigProblem {
  std::string key;      // dotted scenario key the problem is about
  std::string message;  // what is wrong, with the numbers
};

std::vector<ConfigProblem> check_platform_fit(const Scenario& s);

// Bytes of activations one layer needs per direction (tokens x top_k x d_model x bytes).
uint64_t activation_bytes_per_layer(const Scenario& s);

}  // namespace cxlvp
