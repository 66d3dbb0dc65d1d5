#include "presets.h"

namespace cxlvp {

namespace {

// Derived values are written out with their arithmetic in the comment; the
// sources are in docs/calibration.md ("Presets"). "anchor" marks the few
// parameters fitted to one published measurement (the calibration table says
// which); everything else is a datasheet or specification number.
std::vector<Preset> make_presets() {
  // DDR5 behind the host or the expander controller: the fixed part of a 64 B
  // read, anchored to CXL-DMSim's lmbench DDR latency (136 ns) minus the
  // host interconnect (10 ns) and the 64 B transfer on one channel (1.67 ns).
  const std::string ddr5_latency = "124.3";
  return {
      {"paper", "all",
       "the CXL-Expert paper's parameters (section 4.1): PCIe 32 GB/s and 100 ns, CXL 64 GB/s and 256 GB, "
       "GPU 200 TFLOPS / 800 GB/s / 5 us per token, CPU AMX 20 TFLOPS / 50 us per token, NDP 2 TFLOPS / 500 us",
       {{"platform.pcie.generation", "4"},  // 16 GT/s x16 = 31.5 GB/s raw: the paper's "32 GB/s"
        {"platform.pcie.lanes", "16"},
        {"platform.pcie.latency_ns", "100"},
        {"platform.gpu.peak_TFLOPS", "200"},
        {"platform.gpu.per_token_us", "5"},
        {"platform.gpu.hbm.peak_GBps", "800"},
        {"platform.gpu.hbm.capacity_GiB", "80"},
        {"platform.cpu.cores", "32"},
        {"platform.cpu.freq_GHz", "2.0"},
        {"platform.cpu.amx_flops_per_cycle", "1024"},
        {"platform.cpu.efficiency", "0.305"},  // 32 x 2 GHz x 1024 x 0.305 = 20.0 TFLOPS
        {"platform.cpu.per_token_us", "50"},
        {"platform.cxl.link.generation", "5"},  // 32 GT/s x16 = 63 GB/s raw: the paper's "64 GB/s"
        {"platform.cxl.link.lanes", "16"},
        {"platform.cxl.dram.capacity_GiB", "256"},
        {"platform.cxl.ndp.enabled", "true"},
        {"platform.cxl.ndp.mac_GMACps", "1000"},  // 2 TFLOPS
        {"platform.cxl.ndp.per_token_us", "500"}}},
      {"spr", "host",
       "Sapphire-Rapids-class socket (Xeon Platinum 8480+): 56 cores with AMX, 8 channels DDR5-4800",
       {{"platform.cpu.cores", "56"},
        {"platform.cpu.freq_GHz", "2.0"},
        {"platform.cpu.amx_flops_per_cycle", "1024"},
        {"platform.cpu.efficiency", "0.1744"},  // anchor: 56 x 2 GHz x 1024 x 0.1744 = 20.0 TFLOPS measured
        {"platform.cpu.lines_in_flight_per_core", "48"},
        {"platform.host.interconnect_latency_ns", "10"},
        {"platform.host.ddr.capacity_GiB", "512"},
        {"platform.host.ddr.channels", "8"},
        {"platform.host.ddr.peak_GBps", "307.2"},  // 8 x 4800 MT/s x 8 B
        {"platform.host.ddr.idle_latency_ns", ddr5_latency},
        {"platform.host.ddr.interleave_bytes", "256"},
        {"platform.cxl.root_port_latency_ns", "25"}}},
      {"gnr", "host",
       "Granite-Rapids-class socket (Xeon 6980P): 128 cores with AMX, 12 channels DDR5-6400",
       {{"platform.cpu.cores", "128"},
        {"platform.cpu.freq_GHz", "2.0"},
        {"platform.cpu.amx_flops_per_cycle", "1024"},
        {"platform.cpu.efficiency", "0.1526"},  // anchor: 128 x 2 GHz x 1024 x 0.1526 = 40.0 TFLOPS measured
        {"platform.cpu.lines_in_flight_per_core", "48"},
        {"platform.host.interconnect_latency_ns", "10"},
        {"platform.host.ddr.capacity_GiB", "768"},
        {"platform.host.ddr.channels", "12"},
        {"platform.host.ddr.peak_GBps", "614.4"},  // 12 x 6400 MT/s x 8 B
        {"platform.host.ddr.idle_latency_ns", ddr5_latency},
        {"platform.host.ddr.interleave_bytes", "256"},
        {"platform.cxl.root_port_latency_ns", "25"}}},
      {"cz120", "cxl",
       "CXL 2.0 Type-3 expander like the Micron CZ120: PCIe 5.0 x8, 68 B flits, 2 channels DDR5-4800, no NDP",
       {{"platform.cxl.link.generation", "5"},
        {"platform.cxl.link.lanes", "8"},
        {"platform.cxl.link.flit_bytes", "68"},
        {"platform.cxl.link.latency_ns", "15"},
        {"platform.cxl.controller_latency_ns", "95"},  // anchor: CXL-DMSim ASIC chase 287 ns
        {"platform.cxl.dram.capacity_GiB", "256"},
        {"platform.cxl.dram.channels", "2"},
        {"platform.cxl.dram.peak_GBps", "76.8"},  // 2 x 4800 MT/s x 8 B
        {"platform.cxl.dram.idle_latency_ns", ddr5_latency},
        {"platform.cxl.dram.interleave_bytes", "256"},
        {"platform.cxl.ndp.enabled", "false"}}},
      {"cxl-x16", "cxl",
       "CXL 2.0 Type-3 expander on PCIe 5.0 x16 with 4 channels DDR5-4800, the same controller class as cz120, "
       "no NDP",
       {{"platform.cxl.link.generation", "5"},
        {"platform.cxl.link.lanes", "16"},
        {"platform.cxl.link.flit_bytes", "68"},
        {"platform.cxl.link.latency_ns", "15"},
        {"platform.cxl.controller_latency_ns", "95"},
        {"platform.cxl.dram.capacity_GiB", "512"},
        {"platform.cxl.dram.channels", "4"},
        {"platform.cxl.dram.peak_GBps", "153.6"},  // 4 x 4800 MT/s x 8 B
        {"platform.cxl.dram.idle_latency_ns", ddr5_latency},
        {"platform.cxl.dram.interleave_bytes", "256"},
        {"platform.cxl.ndp.enabled", "false"}}},
      {"h100-pcie", "gpu",
       "H100-class GPU (H100 PCIe): 756 TFLOPS dense BF16, 80 GiB HBM2e at 2.0 TB/s, on PCIe 5.0 x16",
       {{"platform.gpu.peak_TFLOPS", "756"},  // 1,513 TFLOPS with sparsity / 2
        {"platform.gpu.hbm.capacity_GiB", "80"},
        {"platform.gpu.hbm.channels", "5"},  // one per HBM2e stack
        {"platform.gpu.hbm.peak_GBps", "2000"},
        {"platform.pcie.generation", "5"},
        {"platform.pcie.lanes", "16"},
        {"platform.pcie.max_payload_bytes", "256"},
        {"platform.pcie.max_read_request_bytes", "512"}}},
      {"h200-pcie", "gpu",
       "H200-class GPU (H200 NVL): 835 TFLOPS dense BF16, 141 GiB HBM3e at 4.8 TB/s, on PCIe 5.0 x16",
       {{"platform.gpu.peak_TFLOPS", "835"},  // 1,671 TFLOPS with sparsity / 2
        {"platform.gpu.hbm.capacity_GiB", "141"},
        {"platform.gpu.hbm.channels", "6"},  // one per HBM3e stack
        {"platform.gpu.hbm.peak_GBps", "4800"},
        {"platform.pcie.generation", "5"},
        {"platform.pcie.lanes", "16"},
        {"platform.pcie.max_payload_bytes", "256"},
        {"platform.pcie.max_read_request_bytes", "512"}}},
  };
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = make_presets();
  return all;
}

const Preset* find_preset(const std::string& name) {
  for (const auto& p : presets())
    if (p.name == name) return &p;
  return nullptr;
}

std::string preset_names() {
  std::string names;
  for (const auto& p : presets()) names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

}  // namespace cxlvp
