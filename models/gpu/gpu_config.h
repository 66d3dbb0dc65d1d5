#pragma once
#include <cstdint>

#include "../memory/dram.h"
#include "../common/resident_experts.h"

namespace cxlvp {

struct GpuConfig {
  double peak_TFLOPS = 200;         // dense FP16/BF16 peak
  double efficiency = 0.7;          // roofline mode: sustained fraction of peak
  double per_token_us = 5;          // per_token mode: one token through one expert
  double dequant_GBps = 0;          // rate of expanding compressed weights to 16 bit; 0 = free
  DramConfig hbm{80ull << 30, 8, 800, 120, 256};
  uint64_t hbm_reserved_bytes = 1ull << 30;  // activations and workspace; the rest caches experts
  Eviction eviction = Eviction::lru;  // which resident expert makes room for a new one
  uint64_t dma_bytes_in_flight = 256 << 10;  // per engine: outstanding DMA requests x their size
  unsigned queue_depth = 1024;      // jobs the doorbell queue holds
  double register_latency_ns = 50;  // BAR register access inside the GPU
};

}  // namespace cxlvp
