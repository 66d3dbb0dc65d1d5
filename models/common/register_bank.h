#pragma once
// Memory-mapped registers as typed members of a device (VCML style): each has a
// name, an offset, a width, a reset value and optional read/write hooks. A
// RegisterBank decodes a generic payload onto them. Accesses must hit a
// register exactly (same offset, length equal to its width); anything else is
// an address or burst error, never undefined behaviour.
#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "node_registry.h"

namespace cxlvp {

enum class Access { read_write, read_only, write_only };

class Register {
 public:
  Register(std::string name, uint64_t offset, unsigned width_bytes, uint64_t reset_value,
           Access access = Access::read_write);

  const std::string& name() const { return name_; }
  uint64_t offset() const { return offset_; }
  unsigned width() const { return width_; }
  Access access() const { return access_; }
  uint64_t reset_value() const { return reset_; }
  void reset() { value = reset_; }

  uint64_t value;
  // Called after a write to a writable register stored its value; `delay` is the writer's time offset.
  std::function<void(uint64_t, const sc_core::sc_time&)> on_write;
  // Produces the value a read returns (default: the stored value; write-only reads 0).
  std::function<uint64_t()> on_read;

 private:
  std::string name_;
  uint64_t offset_;
  unsigned width_;
  uint64_t reset_;
  Access access_;
};

class RegisterBank {
 public:
  RegisterBank(const std::string& name, sc_core::sc_time access_latency);

  void add(Register& r);
  void reset();
  // Full access: decodes, runs hooks, adds the access latency to `delay`.
  void transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  // Debug access: no time, no write hooks; read-only registers refuse writes.
  unsigned transport_dbg(tlm::tlm_generic_payload& p);
  const std::vector<Register*>& registers() const { return regs_; }
  const TraceNode& node() const { return node_; }

 private:
  Register* find(uint64_t offset, unsigned length) const;

  std::vector<Register*> regs_;
  sc_core::sc_time latency_;
  TraceNode node_;
};

}  // namespace cxlvp
