#pragma once
// How the firmware carves up host DDR and CXL device DRAM (same layout in
// both, offsets from the memory's start) and the GPU's HBM.
#include <cstdint>

namespace cxlvp::layout {

constexpr uint64_t MiB = 1ull << 20;
constexpr uint64_t GiB = 1ull << 30;
constexpr uint64_t descriptors = 0;           // job descriptor ring
constexpr uint64_t descriptor_bytes = 64 * MiB;
constexpr uint64_t staging = 64 * MiB;        // activations moved to/from CPU or NDP jobs
constexpr uint64_t staging_bytes = 960 * MiB;
constexpr uint64_t weights = 1 * GiB;         // expert weights when this memory is their home
// GPU HBM: activations of the current layer from 0, expert slots after the reserved workspace.
constexpr uint64_t hbm_activations = 0;

}  // namespace cxlvp::layout
