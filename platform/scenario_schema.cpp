#include "scenario_schema.h"

#include "../firmware/transformer_model.h"

namespace cxlvp::keys {

// FIELD(platform.pcie.lanes): the accessor of that member of a Scenario.
#define FIELD(member) [](Scenario & s) -> auto& { return s.member; }

Schema::Schema() {
  required_string("name", FIELD(name), "scenario name, shown in reports");
  uint64_key("seed", "-", FIELD(seed), any_value<uint64_t>(), "seed of the workload's random token routing");

  block("simulation", "How the simulation runs.");
  uint64_key("simulation.burst_bytes", "bytes", FIELD(simulation.burst_bytes), in_range<uint64_t>(64, 1 << 20),
             "bytes per TLM transaction on bulk paths");
  number_key("simulation.quantum_ns", "ns", FIELD(simulation.quantum_ns), above(0.0),
             "temporal-decoupling quantum");
  enum_key<ComputeMode>("simulation.compute", FIELD(simulation.compute),
                        {{"per_token", ComputeMode::per_token}, {"roofline", ComputeMode::roofline}},
                        "job compute time: a fixed cost per token (per_token) or FLOPs / sustained rate (roofline)");
  enum_key<ChecksMode>("simulation.checks", FIELD(simulation.checks),
                       {{"none", ChecksMode::none}, {"protocol", ChecksMode::protocol}},
                       "run-time checks: none, or protocol (a TLM-2.0 base-protocol checker on every main binding; "
                       "violations fail the run; docs/protocol-checking.md)");
  enum_key<DataMode>("simulation.data", FIELD(simulation.data),
                     {{"timing", DataMode::timing}, {"functional", DataMode::functional}},
                     "timing: transfers carry no data, only their size and time; functional: experts hold real "
                     "int8 weights, every executor computes on the bytes it reads, and the outputs are checked "
                     "against a reference (docs/functional-mode.md)");

  block("platform", "The hardware: address map, host, CPU, PCIe, GPU and CXL memory expander.");
  preset_key(kPresetKey,
             "documented hardware sets to start from, applied in order before the scenario's own keys and --set "
             "(docs/calibration.md#presets)");
  block("platform.address_map", "Where the memories and the MMIO window sit in the host physical address space.");
  uint64_key("platform.address_map.ddr_base", "bytes", FIELD(platform.address_map.ddr_base),
             any_value<uint64_t>(), "base of host DDR; 0 = automatic (DDR at 0)");
  uint64_key("platform.address_map.mmio_base", "bytes", FIELD(platform.address_map.mmio_base),
             any_value<uint64_t>(),
             "base of the 16 MiB MMIO window (device registers, MSI); 0 = after DDR, 1 GiB aligned");
  uint64_key("platform.address_map.cxl_base", "bytes", FIELD(platform.address_map.cxl_base), any_value<uint64_t>(),
             "base of CXL device memory, 256 MiB aligned; 0 = after the MMIO window, 1 GiB aligned");

  block("platform.host", "The host: interconnect, PCIe root complex and DDR.");
  number_key("platform.host.interconnect_latency_ns", "ns", FIELD(platform.host.interconnect_latency_ns),
             at_least(0.0), "latency through the host interconnect", kPlausibleLatencyNs);
  number_key("platform.host.root_complex_latency_ns", "ns", FIELD(platform.host.root_complex_latency_ns),
             at_least(0.0), "latency through the PCIe root complex", kPlausibleLatencyNs);
  dram_block("platform.host.ddr", FIELD(platform.host.ddr), "Host DDR memory.");

  block("platform.cpu", "Host CPU cores running expert jobs with AMX.");
  unsigned_key("platform.cpu.cores", "-", FIELD(platform.cpu.cores), at_least(1u),
               "cores running expert jobs with AMX");
  number_key("platform.cpu.freq_GHz", "GHz", FIELD(platform.cpu.freq_GHz), above(0.0), "core clock", Plausible{0.1, 10, std::nullopt});
  number_key("platform.cpu.amx_flops_per_cycle", "FLOP/cycle", FIELD(platform.cpu.amx_flops_per_cycle), above(0.0),
             "AMX FLOPs per cycle per core (BF16: 512 MACs = 1024)");
  number_key("platform.cpu.efficiency", "-", FIELD(platform.cpu.efficiency), above_and_at_most(0, 1),
             "roofline mode: sustained fraction of the AMX peak");
  number_key("platform.cpu.per_token_us", "us", FIELD(platform.cpu.per_token_us), above(0.0),
             "per_token mode: one token through one expert");
  unsigned_key("platform.cpu.lines_in_flight_per_core", "lines", FIELD(platform.cpu.lines_in_flight_per_core),
               at_least(1u), "outstanding 64 B misses per core (fill buffers, prefetch)");
  unsigned_key("platform.cpu.queue_depth", "jobs", FIELD(platform.cpu.queue_depth), at_least(1u),
               "jobs the work-queue doorbell holds");
  number_key("platform.cpu.dequant_GBps", "GB/s", FIELD(platform.cpu.dequant_GBps), at_least(0.0),
             "rate of expanding compressed weights to 16 bit (output bytes); 0 = free", kPlausibleGBpsOrAuto);
  number_key("platform.cpu.register_latency_ns", "ns", FIELD(platform.cpu.register_latency_ns), at_least(0.0),
             "work-queue doorbell page access", kPlausibleLatencyNs);

  const auto pcie_sizes = one_of<unsigned>({128, 256, 512, 1024, 2048, 4096});
  block("platform.pcie", "The PCIe link between the host root complex and the GPU.");
  unsigned_key("platform.pcie.generation", "-", FIELD(platform.pcie.generation), in_range(1u, 6u),
               "PCIe generation: transfer rate per lane and line encoding");
  unsigned_key("platform.pcie.lanes", "lanes", FIELD(platform.pcie.lanes), one_of<unsigned>({1, 2, 4, 8, 16}),
               "link width");
  number_key("platform.pcie.bandwidth_GBps", "GB/s", FIELD(platform.pcie.bandwidth_GBps), at_least(0.0),
             "raw per-direction rate after encoding; 0 = derive from generation and lanes", kPlausibleGBpsOrAuto);
  unsigned_key("platform.pcie.max_payload_bytes", "bytes", FIELD(platform.pcie.max_payload_bytes), pcie_sizes,
               "MPS: largest TLP payload");
  unsigned_key("platform.pcie.max_read_request_bytes", "bytes", FIELD(platform.pcie.max_read_request_bytes),
               pcie_sizes, "MRRS: largest read request");
  number_key("platform.pcie.tlp_overhead_bytes", "bytes", FIELD(platform.pcie.tlp_overhead_bytes), at_least(0.0),
             "bytes per TLP besides payload: 16 header + 2 sequence + 4 LCRC + 4 framing");
  number_key("platform.pcie.dllp_overhead_bytes", "bytes", FIELD(platform.pcie.dllp_overhead_bytes), at_least(0.0),
             "ACK/flow-control DLLP bytes per TLP (an 8 B DLLP about every 4 TLPs)");
  number_key("platform.pcie.latency_ns", "ns", FIELD(platform.pcie.latency_ns), at_least(0.0),
             "one traversal, each direction", kPlausibleLatencyNs);

  block("platform.gpu", "The GPU: compute, HBM and its DMA engine.");
  number_key("platform.gpu.peak_TFLOPS", "TFLOP/s", FIELD(platform.gpu.peak_TFLOPS), above(0.0),
             "dense FP16/BF16 peak", Plausible{0.01, 100000, std::nullopt});
  number_key("platform.gpu.efficiency", "-", FIELD(platform.gpu.efficiency), above_and_at_most(0, 1),
             "roofline mode: sustained fraction of the peak");
  number_key("platform.gpu.per_token_us", "us", FIELD(platform.gpu.per_token_us), above(0.0),
             "per_token mode: one token through one expert");
  dram_block("platform.gpu.hbm", FIELD(platform.gpu.hbm), "GPU HBM.");
  gib_key("platform.gpu.hbm_reserved_GiB", FIELD(platform.gpu.hbm_reserved_bytes),
          "HBM kept for activations and workspace; the rest caches experts");
  uint64_key("platform.gpu.dma_bytes_in_flight", "bytes", FIELD(platform.gpu.dma_bytes_in_flight),
             at_least<uint64_t>(64), "per DMA engine: outstanding requests x their size (at least one burst)");
  unsigned_key("platform.gpu.queue_depth", "jobs", FIELD(platform.gpu.queue_depth), at_least(1u),
               "jobs the doorbell queue holds");
  number_key("platform.gpu.dequant_GBps", "GB/s", FIELD(platform.gpu.dequant_GBps), at_least(0.0),
             "rate of expanding compressed weights to 16 bit (output bytes); 0 = free", kPlausibleGBpsOrAuto);
  enum_key<Eviction>("platform.gpu.eviction", FIELD(platform.gpu.eviction),
                      {{"lru", Eviction::lru}, {"lfu", Eviction::lfu}},
                      "which HBM-resident expert makes room: least recently or least frequently used");
  number_key("platform.gpu.register_latency_ns", "ns", FIELD(platform.gpu.register_latency_ns), at_least(0.0),
             "BAR register access inside the GPU", kPlausibleLatencyNs);

  block("platform.cxl", "The CXL Type-3 memory expander and the host root port it hangs off.");
  number_key("platform.cxl.root_port_latency_ns", "ns", FIELD(platform.cxl.root_port_latency_ns), at_least(0.0),
             "latency through the host's CXL root port", kPlausibleLatencyNs);
  number_key("platform.cxl.controller_latency_ns", "ns", FIELD(platform.cxl.controller_latency_ns), at_least(0.0),
             "request handling in the device controller", kPlausibleLatencyNs);
  block("platform.cxl.link", "The CXL link: a PCIe PHY carrying CXL.mem messages in flits.");
  unsigned_key("platform.cxl.link.generation", "-", FIELD(platform.cxl.link.generation), in_range(1u, 6u),
               "PCIe PHY generation the link trains to");
  unsigned_key("platform.cxl.link.lanes", "lanes", FIELD(platform.cxl.link.lanes),
               one_of<unsigned>({1, 2, 4, 8, 16}), "link width");
  number_key("platform.cxl.link.bandwidth_GBps", "GB/s", FIELD(platform.cxl.link.bandwidth_GBps), at_least(0.0),
             "raw per-direction rate after encoding; 0 = derive from generation and lanes", kPlausibleGBpsOrAuto);
  unsigned_key("platform.cxl.link.flit_bytes", "bytes", FIELD(platform.cxl.link.flit_bytes),
               one_of<unsigned>({68, 256}), "flit size: 68 (CXL 1.1/2.0) or 256 (CXL 3.x)");
  number_key("platform.cxl.link.header_slots_per_message", "slots", FIELD(platform.cxl.link.header_slots_per_message),
             above_and_at_most(0, 4), "16 B slots per message header (0.5: two headers share a slot)");
  number_key("platform.cxl.link.latency_ns", "ns", FIELD(platform.cxl.link.latency_ns), at_least(0.0),
             "one traversal, each direction (PHY, flit packing, retimers)", kPlausibleLatencyNs);
  dram_block("platform.cxl.dram", FIELD(platform.cxl.dram), "Device DRAM inside the CXL expander.");
  block("platform.cxl.ndp", "The near-data processing engine inside the CXL expander.");
  bool_key("platform.cxl.ndp.enabled", FIELD(platform.cxl.ndp.enabled), "whether the expander has an NDP engine");
  enum_key<NdpImpl>("platform.cxl.ndp.impl", FIELD(platform.cxl.ndp.impl), {{"tlm", NdpImpl::tlm}, {"rtl", NdpImpl::rtl}},
                    "implementation of the engine: tlm (the fast model) or rtl (the verilated Verilog engine, "
                    "functional jobs only; docs/ndp-plugin.md)");
  number_key("platform.cxl.ndp.rtl_clock_MHz", "MHz", FIELD(platform.cxl.ndp.rtl_clock_MHz), above_and_at_most(0, 10000),
             "impl rtl: the engine's clock; its MAC array does LANES MACs and its memory port moves 16 bytes per cycle");
  enum_key<NdpRtlInterface>("platform.cxl.ndp.rtl_interface", FIELD(platform.cxl.ndp.rtl_interface),
                            {{"valid_ready", NdpRtlInterface::valid_ready}, {"axi4", NdpRtlInterface::axi4}},
                            "impl rtl: the engine's pin contract: valid_ready (ndp_engine) or axi4 (ndp_engine_axi: "
                            "AXI4 memory master, AXI4-Lite registers, level interrupt; docs/ndp-plugin.md)");
  uint64_key("platform.cxl.ndp.watchdog_cycles", "cycles", FIELD(platform.cxl.ndp.watchdog_cycles), any_value<uint64_t>(),
             "impl rtl: clock cycles without progress on the pins (a memory transfer, a register answer, an "
             "interrupt) after which the run stops, naming engine and job; 0 = never");
  number_key("platform.cxl.ndp.job_time_limit_ms", "ms", FIELD(platform.cxl.ndp.job_time_limit_ms), at_least(0.0),
             "simulated time one NDP job may take before the run stops, naming engine and job; 0 = no limit");
  number_key("platform.cxl.ndp.mac_GMACps", "GMAC/s", FIELD(platform.cxl.ndp.mac_GMACps), above(0.0),
             "MAC array rate; 1 MAC = 2 FLOPs (1000 -> 2 TFLOPS)", Plausible{0.1, 1000000, std::nullopt});
  number_key("platform.cxl.ndp.internal_GBps", "GB/s", FIELD(platform.cxl.ndp.internal_GBps), above(0.0),
             "memory-port bandwidth into device DRAM", kPlausibleGBps);
  number_key("platform.cxl.ndp.per_token_us", "us", FIELD(platform.cxl.ndp.per_token_us), above(0.0),
             "per_token mode: one token through one expert");
  uint64_key("platform.cxl.ndp.bytes_in_flight", "bytes", FIELD(platform.cxl.ndp.bytes_in_flight),
             at_least<uint64_t>(64), "memory port: outstanding requests x their size (at least one burst)");
  unsigned_key("platform.cxl.ndp.queue_depth", "jobs", FIELD(platform.cxl.ndp.queue_depth), at_least(1u),
               "jobs the doorbell queue holds");
  number_key("platform.cxl.ndp.dequant_GBps", "GB/s", FIELD(platform.cxl.ndp.dequant_GBps), at_least(0.0),
             "rate of expanding compressed weights to 16 bit (output bytes); 0 = free", kPlausibleGBpsOrAuto);
  number_key("platform.cxl.ndp.register_latency_ns", "ns", FIELD(platform.cxl.ndp.register_latency_ns),
             at_least(0.0), "register block access", kPlausibleLatencyNs);
  unsigned_key("platform.cxl.ndp.max_d_model", "-", FIELD(platform.cxl.ndp.max_d_model), in_range(1u, 65535u),
               "functional jobs: largest d_model the engine's buffers hold (its MAX_D_MODEL register)");
  unsigned_key("platform.cxl.ndp.max_d_ff", "-", FIELD(platform.cxl.ndp.max_d_ff), in_range(1u, 65535u),
               "functional jobs: largest d_ff the engine's buffers hold (its MAX_D_FF register)");

  // The device tree (docs/topologies.md): lists of GPUs and expanders, a switch, interleave sets.
  list({"platform.gpus",
        {{"", "platform.gpu"}, {"pcie", "platform.pcie"}},
        {},
        [](Scenario& s) {
          s.platform.gpus.push_back({"gpu" + std::to_string(s.platform.gpus.size()), s.platform.gpu, s.platform.pcie});
        },
        [](Scenario& s) {
          std::swap(s.platform.gpu, s.platform.gpus.back().gpu);
          std::swap(s.platform.pcie, s.platform.gpus.back().pcie);
        }},
       "GPUs, each with its own PCIe link to a root complex port or to a port of the PCIe switch. An item takes "
       "every key of platform.gpu (starting from the values written there) and a `pcie` block with every key of "
       "platform.pcie. Not written: one GPU named gpu from platform.gpu and platform.pcie.");
  name_key("platform.gpus.*.name", [](Scenario& s) -> auto& { return s.platform.gpus.back().name; },
           "the GPU's name in reports and routes; default gpu<index>");
  string_key("platform.gpus.*.attach", [](Scenario& s) -> auto& { return s.platform.gpus.back().attach; },
             "host, or SWITCH.portK", "where the GPU's link attaches: host (its own root complex port) or a port of "
             "the PCIe switch (e.g. pciesw.port1)");

  block("platform.pcie_switch", "A PCIe switch below one root complex port; GPUs attach to its ports. It exists "
                                "when a GPU attaches to it (written without one, it is not built).");
  name_key("platform.pcie_switch.name", FIELD(platform.pcie_switch.name), "the switch's name; default pciesw");
  unsigned_key("platform.pcie_switch.ports", "ports", FIELD(platform.pcie_switch.config.ports),
               in_range(1u, kMaxPcieSwitchPorts), "downstream ports");
  number_key("platform.pcie_switch.port_latency_ns", "ns", FIELD(platform.pcie_switch.config.port_latency_ns),
             at_least(0.0), "port-to-port latency of one crossing; a request and its response cross twice "
             "(PCIe 5.0 switches: about 115 ns)", kPlausibleLatencyNs);
  block("platform.pcie_switch.link", "The upstream link from the root complex port to the switch, shared by every "
                                     "GPU below it.");
  unsigned_key("platform.pcie_switch.link.generation", "-", FIELD(platform.pcie_switch.config.link.generation),
               in_range(1u, 6u), "PCIe generation: transfer rate per lane and line encoding");
  unsigned_key("platform.pcie_switch.link.lanes", "lanes", FIELD(platform.pcie_switch.config.link.lanes),
               one_of<unsigned>({1, 2, 4, 8, 16}), "link width");
  number_key("platform.pcie_switch.link.bandwidth_GBps", "GB/s", FIELD(platform.pcie_switch.config.link.bandwidth_GBps),
             at_least(0.0), "raw per-direction rate after encoding; 0 = derive from generation and lanes",
             kPlausibleGBpsOrAuto);
  unsigned_key("platform.pcie_switch.link.max_payload_bytes", "bytes",
               FIELD(platform.pcie_switch.config.link.max_payload_bytes), pcie_sizes, "MPS: largest TLP payload");
  unsigned_key("platform.pcie_switch.link.max_read_request_bytes", "bytes",
               FIELD(platform.pcie_switch.config.link.max_read_request_bytes), pcie_sizes,
               "MRRS: largest read request");
  number_key("platform.pcie_switch.link.tlp_overhead_bytes", "bytes",
             FIELD(platform.pcie_switch.config.link.tlp_overhead_bytes), at_least(0.0),
             "bytes per TLP besides payload: 16 header + 2 sequence + 4 LCRC + 4 framing");
  number_key("platform.pcie_switch.link.dllp_overhead_bytes", "bytes",
             FIELD(platform.pcie_switch.config.link.dllp_overhead_bytes), at_least(0.0),
             "ACK/flow-control DLLP bytes per TLP (an 8 B DLLP about every 4 TLPs)");
  number_key("platform.pcie_switch.link.latency_ns", "ns", FIELD(platform.pcie_switch.config.link.latency_ns),
             at_least(0.0), "one traversal, each direction", kPlausibleLatencyNs);

  list({"platform.cxl.expanders",
        {{"", "platform.cxl"}},
        {"expanders", "switch", "interleave_sets"},
        [](Scenario& s) {
          s.platform.expanders.push_back({"cxl" + std::to_string(s.platform.expanders.size()), "host", s.platform.cxl});
        },
        [](Scenario& s) { std::swap(s.platform.cxl, s.platform.expanders.back().cxl); }},
       "CXL Type-3 expanders. An item takes every key of platform.cxl except expanders, switch and interleave_sets "
       "(starting from the values written there). Not written: one expander named cxl from platform.cxl, on its "
       "own root port.");
  name_key("platform.cxl.expanders.*.name", [](Scenario& s) -> auto& { return s.platform.expanders.back().name; },
           "the expander's name in reports and routes; default cxl<index>");
  string_key("platform.cxl.expanders.*.attach", [](Scenario& s) -> auto& { return s.platform.expanders.back().attach; },
             "host, or SWITCH.portK", "where the expander's link attaches: host (its own root port) or a switch port "
             "(e.g. cxlsw.port2)");

  block("platform.cxl.switch", "A CXL 2.0 switch below one host root port; expanders attach to its ports. It exists "
                               "when an expander attaches to it.");
  name_key("platform.cxl.switch.name", FIELD(platform.cxl_switch.name), "the switch's name; default cxlsw");
  unsigned_key("platform.cxl.switch.ports", "ports", FIELD(platform.cxl_switch.config.ports), in_range(1u, 8u),
               "downstream ports");
  number_key("platform.cxl.switch.port_latency_ns", "ns", FIELD(platform.cxl_switch.config.port_latency_ns),
             at_least(0.0), "port-to-port latency of one crossing; a request and its response cross twice");
  number_key("platform.cxl.switch.root_port_latency_ns", "ns", FIELD(platform.cxl_switch.config.root_port_latency_ns),
             at_least(0.0), "latency through the host root port the switch hangs off");
  block("platform.cxl.switch.link", "The upstream link from the host root port to the switch, shared by every "
                                    "device below it.");
  unsigned_key("platform.cxl.switch.link.generation", "-", FIELD(platform.cxl_switch.config.link.generation),
               in_range(1u, 6u), "PCIe PHY generation the link trains to");
  unsigned_key("platform.cxl.switch.link.lanes", "lanes", FIELD(platform.cxl_switch.config.link.lanes),
               one_of<unsigned>({1, 2, 4, 8, 16}), "link width");
  number_key("platform.cxl.switch.link.bandwidth_GBps", "GB/s", FIELD(platform.cxl_switch.config.link.bandwidth_GBps),
             at_least(0.0), "raw per-direction rate after encoding; 0 = derive from generation and lanes");
  unsigned_key("platform.cxl.switch.link.flit_bytes", "bytes", FIELD(platform.cxl_switch.config.link.flit_bytes),
               one_of<unsigned>({68, 256}), "flit size: 68 (CXL 1.1/2.0) or 256 (CXL 3.x)");
  number_key("platform.cxl.switch.link.header_slots_per_message", "slots",
             FIELD(platform.cxl_switch.config.link.header_slots_per_message), above_and_at_most(0, 4),
             "16 B slots per message header (0.5: two headers share a slot)");
  number_key("platform.cxl.switch.link.latency_ns", "ns", FIELD(platform.cxl_switch.config.link.latency_ns),
             at_least(0.0), "one traversal, each direction");

  list({"platform.cxl.interleave_sets", {}, {},
        [](Scenario& s) {
          s.platform.interleave_sets.push_back({"set" + std::to_string(s.platform.interleave_sets.size()), 0, 4096, 0, {}});
        },
        [](Scenario&) {}},
       "Address windows striped over expanders (CXL 2.0 8.2.5.12 HDM decoder interleave): all of the set's "
       "expanders on host root ports (the host bridge interleaves) or all below the switch (the switch "
       "interleaves). Each expander keeps 1 GiB of its own for descriptors and staging; the set takes the rest.");
  name_key("platform.cxl.interleave_sets.*.name",
           [](Scenario& s) -> auto& { return s.platform.interleave_sets.back().name; },
           "the set's name; default set<index>");
  unsigned_key("platform.cxl.interleave_sets.*.ways", "-",
               [](Scenario& s) -> auto& { return s.platform.interleave_sets.back().ways; },
               one_of<unsigned>({1, 2, 3, 4, 6, 8, 12, 16}),
               "interleave ways: CXL 2.0 allows 1, 2, 4, 8, 3, 6, 12 (16 from CXL 3.0); must equal the number of "
               "expanders");
  uint64_key("platform.cxl.interleave_sets.*.granularity_bytes", "bytes",
             [](Scenario& s) -> auto& { return s.platform.interleave_sets.back().granularity_bytes; },
             one_of<uint64_t>({256, 512, 1024, 2048, 4096, 8192, 16384}),
             "bytes per granule before the next expander; a burst longer than this is split");
  gib_key("platform.cxl.interleave_sets.*.size_GiB",
          [](Scenario& s) -> auto& { return s.platform.interleave_sets.back().size_bytes; },
          "the window's size; 0 = ways x (the smallest member's capacity - 1 GiB)", true);
  name_list_key("platform.cxl.interleave_sets.*.expanders",
                [](Scenario& s) -> auto& { return s.platform.interleave_sets.back().expanders; },
                "the expanders the set stripes over, in interleave order");

  const auto value_bytes = one_of<unsigned>({1, 2, 4});
  const auto size = in_range(0u, 1u << 20);
  block("model", "The MoE model: its shape, weight formats and where its expert weights live. Without attention "
                 "(model.attention.heads 0, the default) it is its MoE layers' expert FFNs alone; with it, the whole "
                 "transformer (docs/models-zoo.md).");
  model_source_key(kModelPresetKey, "preset", "a model preset name", "one of " + model_preset_names(), FIELD(model.preset),
                   "a published model to start from, applied before the scenario's own keys and --set "
                   "(docs/models-zoo.md)");
  model_source_key(kHfConfigKey, "string", "a string", "a file path", FIELD(model.hf_config),
                   "a Hugging Face config.json to read the model from, applied before the scenario's own keys and "
                   "--set; relative to the scenario file's folder, or to the current folder when given with --set "
                   "(docs/models-zoo.md#hugging-face-configjson)");
  unsigned_key("model.experts", "-", FIELD(model.experts), in_range(1u, 65536u), "routed experts per MoE layer");
  unsigned_key("model.layers", "-", FIELD(model.layers), at_least(1u),
               "MoE layers per forward pass (the decoder has first_dense_layers + moe_layer_step x layers)");
  unsigned_key("model.d_model", "-", FIELD(model.d_model), in_range(1u, 1u << 20), "hidden size (values per token)");
  unsigned_key("model.d_ff", "-", FIELD(model.d_ff), in_range(1u, 1u << 20), "inner size of a routed expert's feed-forward network");
  enum_key<FfnKind>("model.ffn", FIELD(model.ffn), {{"plain", FfnKind::plain}, {"gated", FfnKind::gated}},
                    "every FFN (routed and shared experts, dense layers): plain (up and down: 2 matrices) or gated "
                    "(SwiGLU/GeGLU: gate, up and down: 3 matrices)");
  bool_key("model.ffn_bias", FIELD(model.ffn_bias), "every FFN matrix has a bias (GPT-OSS)");
  unsigned_key("model.weight_bytes_per_param", "bytes", FIELD(model.weight_bytes_per_param), value_bytes,
               "bytes per weight, no scales, of the tensor classes whose model.format is auto (2 = 16-bit weights)");
  unsigned_key("model.activation_bytes_per_value", "bytes", FIELD(model.activation_bytes_per_value), value_bytes,
               "bytes per activation value and per KV-cache value");
  uint64_key("model.expert_bytes", "bytes", FIELD(model.expert_bytes), any_value<uint64_t>(),
             "weight bytes of one routed expert; 0 = derived from its matrices in model.format.routed_experts "
             "(plain: 2 x d_model x d_ff weights, gated: 3 x)");
  enum_key<WeightsHome>("model.weights_home", FIELD(model.weights_home),
                        {{"ddr", WeightsHome::ddr}, {"cxl", WeightsHome::cxl}},
                        "memory that holds every routed expert's weights: host DDR or CXL device DRAM (the other "
                        "tensor classes live in GPU HBM)");
  enum_key<WeightsPlacement>("model.weights_placement", FIELD(model.weights_placement),
                             {{"auto", WeightsPlacement::automatic},
                              {"interleaved", WeightsPlacement::interleaved},
                              {"partitioned", WeightsPlacement::partitioned},
                              {"popularity", WeightsPlacement::popularity}},
                             "weights_home cxl with several expanders: which expander holds which expert; auto: the "
                             "interleave set if there is one, else partitioned (docs/topologies.md)");
  unsigned_key("model.requant_shift", "bits", FIELD(model.requant_shift), in_range(0u, 31u),
               "functional mode: right shift of both requantizations; the shifts that keep the seeded per-row "
               "scales in 16 bits depend on d_model, d_ff and top_k (docs/functional-mode.md); timing mode "
               "ignores it");
  unsigned_key("model.shared_experts", "experts", FIELD(model.shared_experts), in_range(0u, 1024u),
               "shared experts per MoE layer, each active for every token");
  unsigned_key("model.shared_d_ff", "-", FIELD(model.shared_d_ff), size, "inner size of a shared expert; 0 = d_ff");
  unsigned_key("model.first_dense_layers", "layers", FIELD(model.first_dense_layers), in_range(0u, 1u << 16),
               "decoder layers with a dense FFN before the first MoE layer (DeepSeek's first_k_dense_replace)");
  unsigned_key("model.moe_layer_step", "layers", FIELD(model.moe_layer_step), in_range(1u, 64u),
               "after those, each MoE layer follows moe_layer_step - 1 dense layers (Llama 4's "
               "interleave_moe_layer_step, Qwen's decoder_sparse_step)");
  unsigned_key("model.dense_d_ff", "-", FIELD(model.dense_d_ff), size, "inner size of a dense layer's FFN; 0 = d_ff");
  unsigned_key("model.expert_groups", "groups", FIELD(model.expert_groups), in_range(1u, 65536u),
               "routing groups of consecutive experts (DeepSeek's n_group); a token's experts come from "
               "groups_per_token of them, drawn first (docs/workloads.md#grouped-routing)");
  unsigned_key("model.groups_per_token", "groups", FIELD(model.groups_per_token), in_range(1u, 65536u),
               "groups a token's experts come from (DeepSeek's topk_group)");
  bool_key("model.router_bias", FIELD(model.router_bias),
           "the router has one bias per routed expert (GPT-OSS; DeepSeek-V3's score correction bias)");
  unsigned_key("model.vocab_size", "tokens", FIELD(model.vocab_size), in_range(0u, 1u << 24),
               "vocabulary: rows of the embedding table and the LM head; 0 = neither is modeled");
  bool_key("model.tie_word_embeddings", FIELD(model.tie_word_embeddings), "the LM head is the embedding table");
  bool_key("model.lm_head_bias", FIELD(model.lm_head_bias), "the LM head has a bias (Phi-3.5-MoE)");
  bool_key("model.norm_bias", FIELD(model.norm_bias), "norms are LayerNorms with a bias, not RMSNorms (Phi-3.5-MoE)");

  const auto head_size = in_range(0u, 1u << 16);
  block("model.attention", "Attention geometry: grouped-query attention, or DeepSeek's multi-head latent attention "
                           "(MLA) when kv_lora_rank > 0. Without heads there is no attention, norms or router.");
  unsigned_key("model.attention.heads", "heads", FIELD(model.attention.heads), head_size,
               "query heads (num_attention_heads); 0 = no attention: the model is its expert FFNs alone");
  unsigned_key("model.attention.kv_heads", "heads", FIELD(model.attention.kv_heads), head_size,
               "key/value heads (num_key_value_heads); 0 = as many as query heads");
  unsigned_key("model.attention.head_dim", "-", FIELD(model.attention.head_dim), head_size,
               "values per head, grouped-query attention; 0 = d_model / heads");
  unsigned_key("model.attention.q_lora_rank", "-", FIELD(model.attention.q_lora_rank), size,
               "MLA: rank of the compressed query; 0 = queries projected from the hidden state directly");
  unsigned_key("model.attention.kv_lora_rank", "-", FIELD(model.attention.kv_lora_rank), size,
               "MLA: rank of the compressed key/value latent the KV cache holds; 0 = grouped-query attention");
  unsigned_key("model.attention.qk_rope_head_dim", "-", FIELD(model.attention.qk_rope_head_dim), head_size,
               "MLA: per-head query/key values with rotary position (the key part is shared by all heads and cached)");
  unsigned_key("model.attention.qk_nope_head_dim", "-", FIELD(model.attention.qk_nope_head_dim), head_size,
               "MLA: per-head query/key values without rotary position");
  unsigned_key("model.attention.v_head_dim", "-", FIELD(model.attention.v_head_dim), head_size, "MLA: per-head value values");
  bool_key("model.attention.bias", FIELD(model.attention.bias), "the query, key, value and output projections have biases");
  bool_key("model.attention.qk_norm", FIELD(model.attention.qk_norm), "queries and keys get a per-head RMSNorm (Qwen3)");
  bool_key("model.attention.sinks", FIELD(model.attention.sinks), "each head has a learned sink logit (GPT-OSS)");
  unsigned_key("model.attention.window", "tokens", FIELD(model.attention.window), any_value<unsigned>(),
               "context a windowed layer sees (sliding window, Llama 4's chunk); 0 = every layer sees all of it");
  unsigned_key("model.attention.full_every", "layers", FIELD(model.attention.full_every), any_value<unsigned>(),
               "with a window: decoder layer i (from 0) sees the whole context when (i + 1) is a multiple of this; "
               "0 = no layer does");

  block("model.format", "Weight format per tensor class, scales included: auto (model.weight_bytes_per_param per "
                        "weight), bf16, fp16, fp32, fp8 (one scale per matrix), fp8_blockN (one fp32 scale per N x N "
                        "block, DeepSeek-V3: 128), int8 and int4 (one fp16 scale per row, or per N inputs with _gN), "
                        "mxfp4 (OCP MX: one 8-bit scale per 32 values). 1-D tensors (biases, sinks) use the norms "
                        "format (docs/quantization.md#weight-formats).");
  const std::pair<TensorClass, const char*> classes[] = {
      {TensorClass::attention, "query, key, value and output projections (MLA: its down and up projections)"},
      {TensorClass::routed_experts, "the routed experts' FFN matrices"},
      {TensorClass::shared_experts, "the shared experts' FFN matrices"},
      {TensorClass::dense_ffn, "the dense layers' FFN matrices"},
      {TensorClass::router, "the router (gate) of each MoE layer"},
      {TensorClass::embeddings, "the embedding table"},
      {TensorClass::lm_head, "the LM head (none when tied to the embeddings)"},
      {TensorClass::norms, "norm weights, and every class's biases and sinks"}};
  for (const auto& [c, meaning] : classes)
    format_key(std::string("model.format.") + tensor_class_name(c),
               [c = c](Scenario& s) -> auto& { return s.model.formats[size_t(c)]; }, meaning);

  block("workload", "The tokens and how they are routed to experts.");
  enum_key<RoutingDistribution>("workload.distribution", FIELD(workload.distribution),
                                {{"zipf", RoutingDistribution::zipf},
                                 {"uniform", RoutingDistribution::uniform},
                                 {"trace", RoutingDistribution::trace}},
                                "expert popularity: Zipf-skewed or uniform, or replayed from workload.trace_file");
  number_key("workload.zipf_s", "-", FIELD(workload.zipf_s), at_least(0.0),
             "Zipf exponent: P(rank r) ~ 1 / r^s");
  unsigned_key("workload.tokens_per_batch", "tokens", FIELD(workload.tokens_per_batch), at_least(1u),
               "tokens per batch");
  unsigned_key("workload.batches", "-", FIELD(workload.batches), at_least(1u), "batches in the run");
  // The upper bound depends on another key; check_top_k() tests it once both are bound.
  unsigned_key("workload.top_k", "experts", FIELD(workload.top_k),
               {"in 1..model.experts", [](unsigned v) { return v >= 1; }}, "distinct experts per token");
  bool_key("workload.permute_experts", FIELD(workload.permute_experts),
           "shuffle which expert id gets which popularity rank");
  enum_key<Phase>("workload.phase", FIELD(workload.phase), {{"prefill", Phase::prefill}, {"decode", Phase::decode}},
                  "whole-layer models: each batch is one prompt's prefill of tokens_per_batch tokens, or one decode "
                  "step of tokens_per_batch sequences (docs/models-zoo.md#the-forward-pass)");
  unsigned_key("workload.context_tokens", "tokens", FIELD(workload.context_tokens), in_range(1u, 1u << 24),
               "decode: tokens each sequence already holds in its KV cache");
  enum_key<KvCacheHome>("workload.kv_cache_home", FIELD(workload.kv_cache_home),
                        {{"auto", KvCacheHome::automatic}, {"hbm", KvCacheHome::hbm}, {"ddr", KvCacheHome::ddr},
                         {"cxl", KvCacheHome::cxl}},
                        "whole-layer models: where the KV cache lives; auto: GPU HBM when it fits beside the "
                        "resident weights and one expert, else host DDR; ddr and cxl are read and written over PCIe");
  path_key("workload.trace_file", FIELD(workload.trace_file),
           "distribution trace (and only then): the routing trace to replay, .csv or .jsonl (docs/workloads.md); "
           "relative to the scenario file's folder, or to the current folder when given with --set");

  block("policy", "Expert placement policy the firmware runs.");
  enum_key<std::string>("policy.name", FIELD(policy.name),
                        {{"gpu_only", "gpu_only"},
                         {"static_tiers", "static_tiers"},
                         {"monde_ideal", "monde_ideal"},
                         {"cxl_expert", "cxl_expert"},
                         {"adaptive", "adaptive"},
                         {"cost_model", "cost_model"}},
                        "gpu_only: every expert on the GPU, fetched over PCIe; "
                        "static_tiers: top hot_experts on the GPU, next warm_experts on the CPU, the rest on NDP; "
                        "monde_ideal: hot experts on the GPU as if resident, the rest on NDP; "
                        "cxl_expert: the paper's threshold scheme; adaptive: cxl_expert with the threshold "
                        "chosen per layer by the cost model; cost_model: per expert, the lane that finishes "
                        "it first (docs/policies.md)");
  enum_key<FetchMode>("policy.fetch", FIELD(policy.fetch),
                      {{"layer", FetchMode::layer}, {"on_demand", FetchMode::on_demand}},
                      "gpu_only: fetch every expert of a layer, or only the selected ones");
  unsigned_key("policy.hot_experts", "experts", FIELD(policy.hot_experts), any_value<unsigned>(),
               "static_tiers: top experts by token count -> GPU");
  unsigned_key("policy.warm_experts", "experts", FIELD(policy.warm_experts), any_value<unsigned>(),
               "static_tiers: next ones -> CPU with AMX; the rest -> NDP");
  number_key("policy.threshold_percentile", "%", FIELD(policy.threshold_percentile), in_range(0.0, 100.0),
             "cxl_expert, monde_ideal: experts ranked above this percentile of the layer's experts by token "
             "count are hot (75 of 128 experts: the 32 busiest)");
  bool_key("policy.warm_on_cpu", FIELD(policy.warm_on_cpu),
           "cxl_expert, adaptive: a hot expert runs on the CPU when its AMX time beats fetch plus GPU time");
  bool_key("policy.prefetch", FIELD(policy.prefetch),
           "fetch the next layer's GPU experts of the previous batch into HBM while this layer runs");

  block("quantization", "Compressed weight formats per execution lane and activation compression.");
  const auto factor = at_least(1.0);
  number_key("quantization.gpu_weight_compression", "x", FIELD(quantization.gpu_weight_compression), factor,
             "weights the GPU fetches and reads are this many times smaller (1: 16-bit, 2: int8, 4: int4)");
  number_key("quantization.cpu_weight_compression", "x", FIELD(quantization.cpu_weight_compression), factor,
             "weights the CPU streams are this many times smaller");
  number_key("quantization.ndp_weight_compression", "x", FIELD(quantization.ndp_weight_compression), factor,
             "weights the NDP engine streams are this many times smaller (the paper's cold experts: 4)");
  number_key("quantization.activation_compression", "x", FIELD(quantization.activation_compression), factor,
             "activations copied to and from CPU and NDP jobs are this many times smaller");
}

#undef FIELD

const Schema& schema() {
  static const Schema instance;
  return instance;
}

}  // namespace cxlvp::keys
