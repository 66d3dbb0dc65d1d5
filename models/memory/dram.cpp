#include "dram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../common/hop_trace.h"
#include "../common/time_resolution.h"
#include "../common/transfer_hints.h"

namespace cxlvp {

Dram::Dram(sc_core::sc_module_name name, const DramConfig& config)
    : sc_module(name),
      in("in", this, &Dram::transport_dbg),
      config_(config),
      node_(register_node(this->name())),
      latency_(sc_core::sc_time::from_value(static_cast<uint64_t>(std::llround(config.idle_latency_ns * 1000)))) {
  require_picosecond_resolution("Dram");
  if (config.channels == 0 || config.peak_GBps <= 0 || config.interleave_bytes == 0 ||
      (config.interleave_bytes & (config.interleave_bytes - 1)) != 0)
    throw std::invalid_argument(std::string(this->name()) +
                                ": channels and bandwidth must be positive, interleave a power of two");
  while ((uint64_t(1) << interleave_shift_) < config.interleave_bytes) ++interleave_shift_;
  channels_.assign(config.channels, Occupancy(config.peak_GBps * 1e9 / config.channels));
}

uint64_t Dram::busy_ps() const {
  uint64_t sum = lockstep_busy_ps_;
  for (const auto& c : channels_) sum += c.busy_ps();
  return sum;
}

sc_core::sc_time Dram::occupy_channels_uncommon(uint64_t address, uint64_t length, uint32_t granules,
                                                const sc_core::sc_time& arrival, const sc_core::sc_time& now) {
  if (length != shape_.length || granules != shape_.granules) new_shape(length, granules);
  if (lockstep_ && shape_.even) return occupy_in_lockstep(arrival, now);
  return occupy_each_channel(address, length, granules, arrival, now);
}

void Dram::new_shape(uint64_t length, uint32_t granules) {
  const unsigned n = config_.channels;
  shape_.length = length;
  shape_.granules = granules;
  shape_.even = granules % n == 0;
  const double bytes_per_channel = double(length) * double(granules / n) / double(granules);
  shape_.channel_payload = uint64_t(bytes_per_channel);
  shape_.channel_time = channels_[0].time_for(bytes_per_channel);
}

sc_core::sc_time Dram::occupy_each_channel(uint64_t address, uint64_t length, uint32_t granules,
                                           const sc_core::sc_time& arrival, const sc_core::sc_time& now) {
  const unsigned n = config_.channels;
  const uint64_t first = address >> interleave_shift_;
  if (lockstep_) {
    for (unsigned k = 1; k < n; ++k) channels_[k].copy_schedule_from(channels_[0]);
    lockstep_ = false;
  } else if (shape_.even && std::all_of(channels_.begin(), channels_.end(),
                                        [&now](const Occupancy& c) { return c.idle_after(now); })) {
    lockstep_ = true;
    return occupy_in_lockstep(arrival, now);  // the shape is current and even
  }
  unsigned channel = unsigned(first % n);
  if (granules == 1) return channels_[channel].reserve(arrival, double(length), length, now);
  // Spread the access over the channels its granules map to, in proportion:
  // the first granules % n channels take one granule more than the others.
  // (Divisions hoisted out of the loop: they dominated it.)
  sc_core::sc_time done = arrival;
  const uint64_t touched = std::min<uint64_t>(granules, n);
  const uint32_t base = granules / n, extra = granules % n;
  const double more = double(length) * double(base + 1) / double(granules);
  const double fewer = double(length) * double(base) / double(granules);
  for (uint64_t k = 0; k < touched; ++k) {
    const double bytes = k < extra ? more : fewer;
    done = std::max(done, channels_[channel].reserve(arrival, bytes, uint64_t(bytes), now));
    if (++channel == n) channel = 0;
  }
  return done;
}

void Dram::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  arrive_at_target(p, node_, delay);
  const TransferHints* hints = p.get_extension<TransferHints>();
  const uint64_t addr = p.get_address();
  const uint64_t len = p.get_data_length();
  if (len == 0 || addr >= config_.capacity_bytes || len > config_.capacity_bytes - addr) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  const sc_core::sc_time now = kernel_now(hints);
  const bool copy = carries_data(hints);
  delay = occupy_channels(addr, len, now + delay, now) + latency_ - now;
  if (p.is_write()) {
    bytes_written_ += len;
    if (copy) store_.write(addr, p.get_data_ptr(), len);
  } else if (p.is_read()) {
    bytes_read_ += len;
    if (copy) store_.read(addr, p.get_data_ptr(), len);
  }
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& p) {
  const uint64_t addr = p.get_address();
  if (addr >= config_.capacity_bytes) return 0;
  const uint64_t len = std::min<uint64_t>(p.get_data_length(), config_.capacity_bytes - addr);
  if (p.is_write()) store_.write(addr, p.get_data_ptr(), len);
  else if (p.is_read()) store_.read(addr, p.get_data_ptr(), len);
  return static_cast<unsigned>(len);
}

}  // namespace cxlvp
