#pragma once
// The boot firmware's CXL step (docs/topologies.md#boot): for each CXL memory
// window of the platform table, program and commit the next HDM decoder of
// each member expander and, when the switch stripes the window, the next
// decoder of the switch with the members' ports as targets (read from its
// PORTk_SLOT registers). Every step is a register access; a device that does
// not answer (an empty slot: its writes fail) or a decoder that does not
// commit is an error.
#include <stdexcept>

#include "../models/cxl/hdm_programming.h"
#include "platform_table.h"

namespace cxlvp {

struct CxlBootError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws CxlBootError naming what went wrong.
void program_cxl_windows(const RegisterIo& io, const PlatformTable& table);

}  // namespace cxlvp
