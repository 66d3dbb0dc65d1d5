#pragma once
#include <cstdint>

namespace cxlvp {

struct CpuConfig {
  unsigned cores = 32;               // cores running expert jobs with AMX
  double freq_GHz = 2.0;
  double amx_flops_per_cycle = 1024; // per core (BF16: 512 MACs)
  double efficiency = 0.3;           // roofline mode: sustained fraction of AMX peak
  double per_token_us = 50;          // per_token mode: one token through one expert
  double dequant_GBps = 0;           // rate of expanding compressed weights to 16 bit; 0 = free
  unsigned lines_in_flight_per_core = 32;  // outstanding 64 B misses per core (fill buffers, prefetch)
  unsigned queue_depth = 1024;       // jobs the work-queue doorbell holds
  double register_latency_ns = 10;   // work-queue doorbell page access
};

}  // namespace cxlvp
