#pragma once
// NdpEngine: a near-data processing engine inside the CXL expander. Firmware
// queues expert jobs through its register block (`mmio`); the engine reads the
// descriptor, the activations and the expert's weights from device DRAM through
// its memory port (`mem`, device physical addresses), computes, writes the
// outputs back to device DRAM, and raises a completion MSI upstream (`msi`).
// Its memory port cannot go faster than internal_GBps, and its MAC array sets
// the compute pace; a job takes the longer of the two. Jobs with the
// `functional` flag compute the integer expert FFN (expert_ffn.h) on the bytes
// they read. The engine implements the contract in docs/ndp-plugin.md, as
// does the RTL engine in rtl/.
#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>

#include "../common/burst_initiator.h"
#include "../common/compute_model.h"
#include "../common/job_descriptor.h"
#include "../common/job_queue_registers.h"
#include "ndp_engine_base.h"

namespace cxlvp {

// ndp.impl: which implementation of the engine the expander instantiates.
enum class NdpImpl { tlm, rtl };
// ndp.rtl_interface: the pin contract of the RTL engine (docs/ndp-plugin.md).
enum class NdpRtlInterface { valid_ready, axi4 };

struct NdpConfig {
  bool enabled = true;
  NdpImpl impl = NdpImpl::tlm;    // rtl: the verilated engine of models/ndp/rtl (docs/ndp-plugin.md)
  double rtl_clock_MHz = 1000;    // rtl: the engine's clock
  NdpRtlInterface rtl_interface = NdpRtlInterface::valid_ready;  // rtl: which pin contract
  // Watchdogs: an RTL job that shows no progress on the pins for this many
  // cycles (0: never), or any job that runs longer than this (ms of simulated
  // time; 0: no limit), stops the run with a message naming engine and job.
  uint64_t watchdog_cycles = 1000000;
  double job_time_limit_ms = 10000;
  double mac_GMACps = 1000;       // MAC array rate; 1 MAC = 2 FLOPs (1000 -> 2 TFLOPS)
  double internal_GBps = 100;     // memory-port bandwidth into device DRAM
  double per_token_us = 500;      // per_token mode: cost of one token through one expert
  double dequant_GBps = 0;        // rate of expanding compressed weights to 16 bit; 0 = free
  uint64_t bytes_in_flight = 128 << 10;  // outstanding requests x their size on the memory port
  unsigned queue_depth = 64;      // jobs the doorbell queue holds
  double register_latency_ns = 20;
  unsigned max_d_model = 1024;    // functional jobs: largest shape the engine's buffers hold
  unsigned max_d_ff = 4096;
  // Not a scenario key: the device name of this engine's jobs in the job log
  // (jobs.csv, busy time). The platform names a listed expander's engine
  // "<expander>.ndp"; the one-expander shorthand keeps "ndp".
  std::string job_log_name = "ndp";
};

class NdpEngine : public NdpEngineBase {
 public:
  static constexpr uint32_t kVersion = 0x00010000;

  NdpEngine(sc_core::sc_module_name name, const NdpConfig& config, ComputeMode mode, uint64_t burst_bytes,
            uint64_t dram_bytes);

 private:
  void run();
  bool execute(const JobDescriptor& d);
  bool execute_functional(const JobDescriptor& d, uint64_t compute, double port_pace);
  void register_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override { regs_.transport(p, delay); }
  unsigned register_debug(tlm::tlm_generic_payload& p) override { return regs_.transport_dbg(p); }
  // The per-job time limit (config.job_time_limit_ms), checked as each phase
  // of the job ends: a job past it stops the run. Not with a timer: a timed
  // notification alone reorders simultaneous events in the kernel's queue,
  // which would change every result. A memory path that never answers leaves
  // the engine without an end of phase; the platform then reports the job
  // as never completed when the simulation runs out of events.
  bool within_limit(const char* phase);

  NdpConfig config_;
  ComputeMode mode_;
  uint64_t dram_bytes_;
  JobQueueRegisters regs_;
  ThreadBus engine_;
  JobDescriptor job_;
  uint64_t job_start_ps_ = 0;
};

}  // namespace cxlvp
