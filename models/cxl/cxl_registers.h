#pragma once
// The register maps of the CXL devices: what boot firmware reads and writes
// in an expander's BAR and in the switch's (firmware/cxl_boot.cpp,
// firmware/scheduler.cpp), kept apart from the models that implement them
// so that firmware depends on the registers alone.
#include <cstdint>

namespace cxlvp {

// The expander's HDM decoders: decoder 0 usually maps the device's own
// window, decoder 1 its share of an interleave set (after a DPA skip).
constexpr unsigned kExpanderHdmDecoders = 2;

namespace cxl_bar {
constexpr uint64_t component_regs = 0x0000;  // the HDM Decoder Capability Structure (hdm_decoder.h)
constexpr uint64_t device_info = 0x0800;  // identity and memory size (below)
constexpr uint64_t ndp_regs = 0x1000;
constexpr uint64_t size = 0x10000;
}  // namespace cxl_bar

// What boot firmware reads to learn what a device is: an identity word and the
// size of its memory (the PCIe config space's IDs and the CXL DVSEC's Range 1
// Size, CXL 2.0 8.1.3.8.2, kept in the BAR here: there is no config space).
namespace cxl_device_info {
constexpr uint64_t id = 0x00;             // RO 32
constexpr uint64_t mem_size_low = 0x04;   // RO 32
constexpr uint64_t mem_size_high = 0x08;  // RO 32
constexpr uint32_t kType3Id = 0xC3100001;  // a CXL.mem Type-3 expander, register layout 1
}  // namespace cxl_device_info

// The switch's register BAR.
namespace cxl_switch_regs {
constexpr uint64_t hdm = 0x0000;        // HDM Decoder Capability Structure
constexpr unsigned kDecoders = 10;  // an own window per port (8) and the interleave sets
constexpr uint64_t info = 0x1000;
constexpr uint64_t id = info + 0x00;          // RO 32
constexpr uint64_t port_count = info + 0x04;  // RO 32
constexpr uint64_t port_slot = info + 0x08;   // RO 32 per port (+4 k): device BAR slot below port k, or kNoDevice
constexpr uint32_t kSwitchId = 0xC5100001;
constexpr uint32_t kNoDevice = 0xFFFFFFFFu;
constexpr uint64_t bytes = 0x10000;
}  // namespace cxl_switch_regs

}  // namespace cxlvp
