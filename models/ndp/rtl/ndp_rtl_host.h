#pragma once
// NdpRtlHost: what both RTL adapters (NdpRtlEngine, valid/ready; NdpRtlAxiEngine,
// AXI4) share around a verilated engine: the gated clock and the reset, the
// register path from `mmio` through a RegisterBridge, the memory master served
// by a MemoryBridge through `mem`, the completion interrupt turned into an MSI
// write through `msi`, the job log, the checks that stop a run with one line
// (pin-protocol violations, a result that differs from expert_ffn(), an
// engine that goes idle with work, the watchdog), and the TLM calls made from
// a thread (TransactionIssuer). The clock (rtl_clock_MHz) runs only while the
// engine reports `active` or a register access is in progress, so an idle
// engine lets the simulation end. Contract and pin protocol: docs/ndp-plugin.md.
#include <cstdint>
#include <string>
#include <systemc>

#include "../../common/telemetry.h"
#include "../ndp_contract.h"
#include "../ndp_engine.h"
#include "backpressure.h"
#include "bridge_observer.h"
#include "handshake_monitor.h"
#include "memory_bridge.h"
#include "ndp_job_tracker.h"
#include "ndp_rtl_parameters.h"
#include "register_bridge.h"
#include "transaction_issuer.h"

namespace cxlvp {

// How an RTL adapter runs besides the scenario's NdpConfig.
struct NdpRtlOptions {
  std::string vcd_file;        // not empty: write the engine's waveforms there (VCD, GTKWave)
  bool check_results = true;   // compare every completed job's outputs with expert_ffn()
  // Tests: the host side stalls each handshake it drives with this
  // probability per cycle (0: never), drawn from `backpressure_seed`.
  double backpressure = 0;
  uint64_t backpressure_seed = 1;
};

// The completion interrupt's signals. Valid/ready flavor: irq_valid,
// irq_ready; AXI4 flavor: the level irq and its acknowledgement irq_ack.
struct InterruptPins {
  sc_core::sc_signal<bool> valid, ready;
  sc_core::sc_signal<uint32_t> data{"irq_data"};
  sc_core::sc_signal<uint64_t> addr{"irq_addr"};
  InterruptPins(const char* valid_name, const char* ready_name) : valid(valid_name), ready(ready_name) {}
};

class NdpRtlHost : public NdpEngineBase, private BridgeObserver {
 public:
  ~NdpRtlHost() override;
  uint64_t cycles() const { return cycles_; }  // rising clock edges so far

 protected:
  // `kind`: how faults name the engine ("RTL, valid/ready").
  NdpRtlHost(sc_core::sc_module_name name, const NdpConfig& config, uint64_t dram_bytes, const char* kind,
             const NdpRtlOptions& options, const char* irq_valid, const char* irq_ready);
  // The flavor's bridges, once built (their clk and rst_n are bound here).
  void attach(RegisterBridge& registers, MemoryBridge& memory);

  sc_core::sc_signal<bool> clk{"clk"}, rst_n{"rst_n"}, active{"active"};
  sc_core::sc_signal<uint64_t> cfg_dram_bytes{"cfg_dram_bytes"};
  InterruptPins irq;
  TransactionIssuer issuer;
  const NdpRtlOptions options_;
  const std::string job_log_name_;  // NdpConfig::job_log_name
  MemoryBridgeConfig memory_config_;

 private:
  struct Message {
    uint32_t data;
    uint64_t addr;
    bool operator==(const Message& o) const { return data == o.data && addr == o.addr; }
  };

  void register_access(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) override;
  // The registers live in the RTL and can only be read by running clock
  // cycles, which a debug access may not do: debug accesses are refused (0).
  unsigned register_debug(tlm::tlm_generic_payload&) override { return 0; }
  void clock();
  void on_edge();
  void serve_interrupt(uint64_t now);
  void finish_job(uint32_t msi_word, uint64_t now);
  void check_watchdog(uint64_t now);
  void went_idle();
  std::string visible_state() const;
  void fail(const std::string& what);

  // BridgeObserver
  void memory_request(bool write, uint64_t address, uint64_t bytes) override;
  void read_delivered(uint64_t address, const uint8_t* data, uint64_t bytes) override;
  void progress() override { last_progress_ = cycles_; }
  void violation(const std::string& channel, const std::string& rule, const std::string& detail) override;

  std::string kind_;
  NdpLimits limits_;
  uint64_t watchdog_cycles_;
  uint64_t job_limit_ps_;  // 0: none
  sc_core::sc_time period_, half_;
  uint64_t cycles_ = 0, last_progress_ = 0;
  sc_core::sc_event wake_;
  RegisterBridge* registers_ = nullptr;
  MemoryBridge* memory_ = nullptr;
  TraceNode regs_node_;
  JobLog& job_log_;  // its platform's (telemetry.h)
  NdpJobTracker jobs_;
  Backpressure stalls_;
  HandshakeMonitor<Message> irq_rules_;
  bool msi_pending_ = false, msi_known_ = false;
  uint64_t msi_ps_ = 0;
  uint32_t msi_word_ = 0;
};

// An NdpFactory (ndp_engine_base.h) for CxlExpander: builds the engine
// config.impl names, the RTL one in the flavor config.rtl_interface names.
NdpFactory ndp_rtl_factory(const NdpRtlOptions& options = {});

}  // namespace cxlvp
