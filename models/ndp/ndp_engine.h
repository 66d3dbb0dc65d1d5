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
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "../common/burst_initiator.h"
#include "../common/compute_model.h"
#include "../common/job_descriptor.h"
#include "../common/job_queue_registers.h"

namespace cxlvp {

struct NdpConfig {
  bool enabled = true;
  double mac_GMACps = 1000;       // MAC array rate; 1 MAC = 2 FLOPs (1000 -> 2 TFLOPS)
  double internal_GBps = 100;     // memory-port bandwidth into device DRAM
  double per_token_us = 500;      // per_token mode: cost of one token through one expert
  double dequant_GBps = 0;        // rate of expanding compressed weights to 16 bit; 0 = free
  uint64_t bytes_in_flight = 128 << 10;  // outstanding requests x their size on the memory port
  unsigned queue_depth = 64;      // jobs the doorbell queue holds
  double register_latency_ns = 20;
  unsigned max_d_model = 1024;    // functional jobs: largest shape the engine's buffers hold
  unsigned max_d_ff = 4096;
};

class NdpEngine : public sc_core::sc_module {
 public:
  static constexpr uint32_t kVersion = 0x00010000;

  tlm_utils::simple_target_socket<NdpEngine> mmio;
  tlm_utils::simple_initiator_socket<NdpEngine> mem;
  tlm_utils::simple_initiator_socket<NdpEngine> msi;

  NdpEngine(sc_core::sc_module_name name, const NdpConfig& config, ComputeMode mode, uint64_t burst_bytes,
            uint64_t dram_bytes);

 private:
  void run();
  bool execute(const JobDescriptor& d);
  bool execute_functional(const JobDescriptor& d, uint64_t compute, double port_pace);
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) { regs_.transport(p, delay); }
  unsigned transport_dbg(tlm::tlm_generic_payload& p) { return regs_.transport_dbg(p); }

  NdpConfig config_;
  ComputeMode mode_;
  uint64_t dram_bytes_;
  JobQueueRegisters regs_;
  ThreadBus engine_;
};

}  // namespace cxlvp
