#pragma once
// BridgeObserver: what a pin-level bridge of the NDP adapters reports to the
// adapter that owns it: the engine's memory requests and the data it was
// given (to follow its jobs), any transfer (the watchdog's notion of
// progress), and pin-protocol violations (which stop the run).
#include <cstdint>
#include <string>

namespace cxlvp {

class BridgeObserver {
 public:
  virtual ~BridgeObserver() = default;
  // A memory request of the engine was accepted.
  virtual void memory_request(bool write, uint64_t address, uint64_t bytes) = 0;
  // The engine took every byte of a read of [address, address + bytes) that succeeded.
  virtual void read_delivered(uint64_t address, const uint8_t* data, uint64_t bytes) = 0;
  // A transfer happened on one of the bridge's channels.
  virtual void progress() = 0;
  // The engine broke `rule` on `channel`; `detail` may add values ("" for none).
  virtual void violation(const std::string& channel, const std::string& rule, const std::string& detail) = 0;
};

// One observer that forgets everything, for a bridge used on its own.
class NullBridgeObserver final : public BridgeObserver {
 public:
  void memory_request(bool, uint64_t, uint64_t) override {}
  void read_delivered(uint64_t, const uint8_t*, uint64_t) override {}
  void progress() override {}
  void violation(const std::string&, const std::string&, const std::string&) override {}
};

}  // namespace cxlvp
