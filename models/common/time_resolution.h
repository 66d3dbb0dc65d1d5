#pragma once
// The models count time in whole picoseconds (sc_time::from_value with a 1 ps
// resolution, SystemC's default): occupancy reservations, DRAM latency, the
// burst engine's pacing, queued doorbells and MSIs. A platform that set
// another resolution would silently scale every such time, so the models that
// build times this way check it when they are constructed.
#include <stdexcept>
#include <string>
#include <systemc>

namespace cxlvp {

inline void require_picosecond_resolution(const char* who) {
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
    throw std::logic_error(std::string(who) + ": the models need SystemC's time resolution at 1 ps (it is " +
                           sc_core::sc_get_time_resolution().to_string() + ")");
}

}  // namespace cxlvp
