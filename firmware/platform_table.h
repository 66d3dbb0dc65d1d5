#pragma once
// PlatformTable: what the platform tells its firmware before boot, the way
// ACPI tables (the CEDT's fixed memory windows, the MCFG's slots) tell an
// operating system: where DDR, the CPU work queue and the MSI page are, where
// the register BAR slots of GPUs, CXL devices and a CXL switch would be, and
// the CXL memory windows with the devices the administrator put in each
// (docs/topologies.md#boot). Which slots hold a device, and what each device
// is, the firmware finds out at boot by reading registers; nothing here
// stands in for that.
#include <cstdint>
#include <string>
#include <vector>

#include "../models/cxl/interleave.h"
#include "weight_homes.h"

namespace cxlvp {

// One CXL memory window: a host physical range, striped over `devices`
// (expander BAR slots, in interleave order) in `interleave` granules.
struct CxlWindowEntry {
  uint64_t base = 0, size = 0;
  Interleave interleave;
  std::vector<unsigned> devices;
  bool switch_decodes = false;  // the switch stripes it over its ports; else the host bridge does (fixed by the platform)
};

// Where one weight home's area is, and the NDP engine that can run its experts.
struct WeightHomeEntry {
  uint64_t area_base = 0;    // host physical address of the home's weight area
  int device = -1;           // expander slot holding it whole (its NDP engine runs its experts), -1: none
  uint64_t device_base = 0;  // the area's device physical address in that expander
};

struct PlatformTable {
  uint64_t ddr_base = 0, ddr_size = 0;
  uint64_t cpu_work_queue = 0;
  uint64_t msi = 0;  // MSI page: vector v at msi + 4 v
  // Register BAR slots: GPU k's BAR0 at gpu_bars + k slot_bytes, expander k's BAR at cxl_bars + k slot_bytes.
  uint64_t gpu_bars = 0, cxl_bars = 0, slot_bytes = 0;
  unsigned slots = 0;
  uint64_t switch_bar = 0;  // the CXL switch's register BAR; 0: no switch
  // Each expander's own window first (its HDM decoder 0), then the interleave
  // sets (decoder 1 of each member); own windows: devices = {slot}.
  std::vector<CxlWindowEntry> cxl_windows;
  // Names of the devices in each slot, as their job records name them (for messages).
  std::vector<std::string> gpu_names, ndp_names;
  std::vector<WeightHomeEntry> homes;
};

}  // namespace cxlvp
