#pragma once
// MemoryBridge: what the NDP adapter asks of the bridge that serves its
// engine's memory master (MemoryPortBridge for the valid/ready port,
// AxiMemoryBridge for AXI4): how it is configured, what it is doing (for
// diagnostics), and a check at the end of every job (AXI: no write data left
// waiting without a write address).
#include <cstdint>
#include <string>
#include <systemc>

#include "backpressure.h"
#include "bridge_observer.h"
#include "transaction_issuer.h"

namespace cxlvp {

// How a memory bridge turns the engine's requests into TLM transactions.
struct MemoryBridgeConfig {
  uint64_t burst_bytes = 4096;      // bytes per TLM transaction (a multiple of 16)
  uint64_t bytes_in_flight = 128 << 10;  // read data buffered ahead of the engine, writes outstanding
};

class MemoryBridge : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk, rst_n;

  virtual std::string state() const = 0;
  virtual void job_finished() {}
  void attach(BridgeObserver* observer, const uint64_t* cycle) {
    observer_ = observer;
    cycle_ = cycle;
  }
  void set_backpressure(Backpressure stalls) { stalls_ = stalls; }

 protected:
  // Transactions go through `socket`, issued by `issuer`'s thread.
  MemoryBridge(sc_core::sc_module_name name, TransactionIssuer& issuer, TransactionIssuer::Socket& socket,
               const MemoryBridgeConfig& config)
      : sc_module(name), clk("clk"), rst_n("rst_n"), issuer_(issuer), socket_(socket), config_(config),
        observer_(&no_observer_) {}
  uint64_t cycle() const { return cycle_ ? *cycle_ : 0; }
  static uint64_t now_ps() { return sc_core::sc_time_stamp().value(); }

  TransactionIssuer& issuer_;
  TransactionIssuer::Socket& socket_;
  MemoryBridgeConfig config_;
  BridgeObserver* observer_;
  Backpressure stalls_;

 private:
  NullBridgeObserver no_observer_;
  const uint64_t* cycle_ = nullptr;
};

}  // namespace cxlvp
