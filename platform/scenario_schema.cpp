#include "scenario_schema.h"

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

  const auto value_bytes = one_of<unsigned>({1, 2, 4});
  block("model", "The MoE model: its shape and where its expert weights live.");
  unsigned_key("model.experts", "-", FIELD(model.experts), in_range(1u, 65536u), "experts per MoE layer");
  unsigned_key("model.layers", "-", FIELD(model.layers), at_least(1u), "MoE layers per forward pass");
  unsigned_key("model.d_model", "-", FIELD(model.d_model), in_range(1u, 1u << 20), "hidden size (values per token)");
  unsigned_key("model.d_ff", "-", FIELD(model.d_ff), in_range(1u, 1u << 20), "inner size of an expert's feed-forward network");
  unsigned_key("model.weight_bytes_per_param", "bytes", FIELD(model.weight_bytes_per_param), value_bytes,
               "bytes per weight (2 = 16-bit weights)");
  unsigned_key("model.activation_bytes_per_value", "bytes", FIELD(model.activation_bytes_per_value), value_bytes,
               "bytes per activation value");
  uint64_key("model.expert_bytes", "bytes", FIELD(model.expert_bytes), any_value<uint64_t>(),
             "weight bytes of one expert; 0 = derived: 2 x d_model x d_ff x weight_bytes_per_param");
  enum_key<WeightsHome>("model.weights_home", FIELD(model.weights_home),
                        {{"ddr", WeightsHome::ddr}, {"cxl", WeightsHome::cxl}},
                        "memory that holds every expert's weights: host DDR or CXL device DRAM");
  unsigned_key("model.requant_shift", "bits", FIELD(model.requant_shift), in_range(0u, 31u),
               "functional mode: right shift of both requantizations; the shifts that keep the seeded per-row "
               "scales in 16 bits depend on d_model, d_ff and top_k (docs/functional-mode.md); timing mode "
               "ignores it");

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
