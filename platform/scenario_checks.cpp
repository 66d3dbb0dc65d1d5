#include "scenario_checks.h"

#include <climits>
#include <filesystem>

#include "../firmware/functional_data.h"
#include "../firmware/routing_trace.h"
#include "../models/ndp/rtl/ndp_rtl_parameters.h"
#include "../firmware/transformer_model.h"
#include "capacity_plan.h"
#include "memory_map.h"
#include "topology.h"
#include "scenario_loader.h"
#include "scenario_values.h"

namespace cxlvp::keys {

namespace {

void check_top_k(const Scenario& s, const KeySites& sites) {
  const unsigned top_k = s.workload.top_k, experts = s.model.experts;
  if (top_k > experts)
    sites.fail_about("workload.top_k", "must be <= model.experts, which is " + std::to_string(experts) + " (got " +
                                     std::to_string(top_k) + ")");
}

// The model description's rules across keys (docs/models-zoo.md). Keys
// that only mean something with another are errors when written without it.
void check_model(const Scenario& s, const KeySites& sites) {
  const MoeModelConfig& m = s.model;
  const auto number = [](uint64_t v) { return std::to_string(v); };
  if (m.experts % m.expert_groups != 0)
    sites.fail_about("model.expert_groups", "must divide model.experts, which is " + number(m.experts) + " (got " +
                                                number(m.expert_groups) + ")");
  if (m.groups_per_token > m.expert_groups)
    sites.fail_about("model.groups_per_token", "must be <= model.expert_groups, which is " + number(m.expert_groups) +
                                                   " (got " + number(m.groups_per_token) + ")");
  const uint64_t reachable = uint64_t(m.groups_per_token) * (m.experts / m.expert_groups);
  if (m.expert_groups > 1 && s.workload.top_k > reachable)
    sites.fail_about("workload.top_k", "must be <= model.groups_per_token x experts per group, which is " + number(reachable) +
                                           " (got " + number(s.workload.top_k) + ")");
  if (decoder_layer_count(m) > UINT_MAX)
    sites.fail_about("model.layers", "first_dense_layers + moe_layer_step x layers must be <= " + number(UINT_MAX));
  if (sites.given("model.shared_d_ff") && m.shared_experts == 0)
    sites.fail_about("model.shared_d_ff", "only used with model.shared_experts > 0");
  if (sites.given("model.dense_d_ff") && decoder_layer_count(m) == m.layers)
    sites.fail_about("model.dense_d_ff", "only used with dense layers (model.first_dense_layers > 0 or model.moe_layer_step > 1)");
  const AttentionConfig& a = m.attention;
  const std::pair<const char*, bool> attention_keys[] = {
      {"model.attention.kv_heads", a.kv_heads != 0},         {"model.attention.head_dim", a.head_dim != 0},
      {"model.attention.q_lora_rank", a.q_lora_rank != 0},   {"model.attention.kv_lora_rank", a.kv_lora_rank != 0},
      {"model.attention.qk_rope_head_dim", a.qk_rope_head_dim != 0}, {"model.attention.qk_nope_head_dim", a.qk_nope_head_dim != 0},
      {"model.attention.v_head_dim", a.v_head_dim != 0},     {"model.attention.bias", a.bias},
      {"model.attention.qk_norm", a.qk_norm},                {"model.attention.sinks", a.sinks},
      {"model.attention.window", a.window != 0}};
  if (a.heads == 0) {
    for (const auto& [key, set] : attention_keys)
      if (set) sites.fail_about(key, "has no effect without attention: set model.attention.heads");
    return;
  }
  if (sites.given("model.attention.full_every") && a.window == 0)
    sites.fail_about("model.attention.full_every", "only used with model.attention.window > 0");
  const std::pair<const char*, unsigned> mla_sizes[] = {{"model.attention.qk_rope_head_dim", a.qk_rope_head_dim},
                                                        {"model.attention.qk_nope_head_dim", a.qk_nope_head_dim},
                                                        {"model.attention.v_head_dim", a.v_head_dim},
                                                        {"model.attention.q_lora_rank", a.q_lora_rank}};
  if (a.mla()) {
    for (const auto& [key, value] : mla_sizes)
      if (value == 0 && key != std::string("model.attention.q_lora_rank"))
        sites.fail_about(key, "MLA (model.attention.kv_lora_rank > 0) needs it > 0");
    if (a.head_dim != 0) sites.fail_about("model.attention.head_dim", "grouped-query attention only; MLA has its own head sizes");
    return;
  }
  for (const auto& [key, value] : mla_sizes)
    if (value != 0) sites.fail_about(key, "only used with MLA (model.attention.kv_lora_rank > 0)");
  if (a.kv_heads > a.heads || (a.kv_heads != 0 && a.heads % a.kv_heads != 0))
    sites.fail_about("model.attention.kv_heads", "must divide model.attention.heads, which is " + number(a.heads) + " (got " +
                                                     number(a.kv_heads) + ")");
  if (a.head_dim == 0 && m.d_model % a.heads != 0)
    sites.fail_about("model.attention.heads", "must divide model.d_model, which is " + number(m.d_model) +
                                                  ", when model.attention.head_dim is 0 (got " + number(a.heads) + ")");
}

// The memories hold every tensor class where it lives (capacity_plan.h).
void check_capacity(const Scenario& s, const KeySites& sites) {
  const CapacityPlan plan = plan_capacity(s);
  if (plan.fits()) return;
  const CapacityProblem problem = capacity_problem(plan);
  sites.fail_about(problem.key, problem.message);
}

// simulation.data functional: int8 weights and activations in the layout
// every executor reads (models/common/expert_ffn.h). Keys that describe a
// size or format take the values that layout implies; written otherwise,
// they are errors, and so are shapes too large to compute quickly or too
// large for the NDP engine's buffers.
void check_functional(Scenario& s, const KeySites& sites) {
  if (s.simulation.data != DataMode::functional) return;
  // The firmware lays out every job's input rows in one GPU's HBM (functional-mode.md).
  if (s.platform.gpus.size() > 1)
    sites.fail_about("platform.gpus", "functional mode runs on one GPU (got " + std::to_string(s.platform.gpus.size()) +
                                          ")");
  MoeModelConfig& m = s.model;
  const auto int8_only = [&sites](const char* key, unsigned& bytes, const char* what) {
    if (sites.given(key) && bytes != 1)
      sites.fail_about(key, std::string("functional mode holds int8 ") + what + ": must be 1 (got " +
                          std::to_string(bytes) + ")");
    bytes = 1;
  };
  if (m.ffn != FfnKind::plain)
    sites.fail_about("model.ffn", "functional mode computes plain two-matrix experts (the int8 blob holds W1 and W2): must be plain");
  int8_only("model.weight_bytes_per_param", m.weight_bytes_per_param, "weights");
  int8_only("model.activation_bytes_per_value", m.activation_bytes_per_value, "activations");
  const NdpConfig& ndp = s.platform.cxl.ndp;
  const auto bounded = [&sites, &ndp](const char* key, unsigned value, unsigned limit, const char* ndp_key,
                                    unsigned ndp_limit) {
    if (value > limit)
      sites.fail_about(key, "functional mode: must be <= " + std::to_string(limit) + " (got " + std::to_string(value) + ")");
    if (ndp.enabled && value > ndp_limit)
      sites.fail_about(key, "must be <= " + std::to_string(ndp_limit) + ", the NDP engine's " + ndp_key + " (got " +
                          std::to_string(value) + ")");
  };
  bounded("model.d_model", m.d_model, 1024, "platform.cxl.ndp.max_d_model", ndp.max_d_model);
  bounded("model.d_ff", m.d_ff, 4096, "platform.cxl.ndp.max_d_ff", ndp.max_d_ff);
  const ExpertShape shape{m.d_model, m.d_ff, m.requant_shift, FfnActivation::relu};
  if (m.expert_bytes != 0)
    sites.fail_about("model.expert_bytes", "functional mode derives it: the int8 blob of W1, W2 and their scales, " +
                                         std::to_string(shape.blob_bytes()) + " bytes here; leave it out or 0");
  m.expert_bytes = shape.blob_bytes();
  const QuantizationConfig& q = s.quantization;
  const std::pair<const char*, double> weight_factors[] = {{"quantization.gpu_weight_compression", q.gpu_weight_compression},
                                                           {"quantization.cpu_weight_compression", q.cpu_weight_compression},
                                                           {"quantization.ndp_weight_compression", q.ndp_weight_compression}};
  for (const auto& [key, factor] : weight_factors)
    if (factor != 1)
      sites.fail_about(key, "functional mode computes on the int8 blob as stored: must be 1 (got " + number_text(factor) +
                          "); compressed formats are timing-only");
  if (q.activation_compression != 1)
    sites.fail_about("quantization.activation_compression", "functional mode moves int8 activations as they are: must be 1 "
                                                      "(got " + number_text(q.activation_compression) + ")");
  const unsigned top_k = s.workload.top_k;
  const ShiftRange usable = usable_shift_range(m.d_model, m.d_ff, top_k);
  const std::string shape_text = "d_model " + std::to_string(m.d_model) + ", d_ff " + std::to_string(m.d_ff) +
                                 " and top_k " + std::to_string(top_k);
  if (usable.lo > usable.hi)
    sites.fail_about("workload.top_k", "functional mode: no requantization shift keeps the per-row scales of " +
                                     shape_text + " in 16 bits; lower top_k");
  if (m.requant_shift < usable.lo || m.requant_shift > usable.hi)
    sites.fail_about("model.requant_shift", "must be in " + std::to_string(usable.lo) + ".." + std::to_string(usable.hi) +
                                          " for " + shape_text + ", so that the per-row scales fit 16 bits (got " +
                                          std::to_string(m.requant_shift) + ")");
}

void check_platform(const Scenario& s, const KeySites& sites) {
  const auto problems = check_platform_fit(s);
  if (problems.empty()) return;
  // A memory too small for the model: add what every memory needs and holds
  // (the plan needs a valid device tree).
  const ConfigProblem& first = problems.front();
  const std::string suffix = "_GiB";  // a capacity or a window size
  const bool capacity = first.key.size() > suffix.size() &&
                        first.key.compare(first.key.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                        check_topology(s).empty();
  const CapacityPlan plan = capacity ? plan_capacity(s) : CapacityPlan{};
  const std::string summary = capacity && !plan.fits() ? "; per memory: " + memory_summary(plan) : "";
  sites.fail_about(first.key, first.message + summary);
}

// The RTL engine's queue depth is a Verilog parameter (CMake
// CXLVP_NDP_RTL_QUEUE_DEPTH); the scenario must not claim another one.
void check_ndp_impl(const Scenario& s, const KeySites& sites) {
  const NdpConfig& ndp = s.platform.cxl.ndp;
  if (ndp.impl != NdpImpl::rtl) return;
  if (!ndp.enabled) sites.fail_about("platform.cxl.ndp.impl", "rtl needs platform.cxl.ndp.enabled: true");
  // The RTL engine runs functional jobs only (others fail with bad_descriptor).
  if (s.simulation.data != DataMode::functional)
    sites.fail_about("platform.cxl.ndp.impl", "rtl runs functional jobs only: needs simulation.data: functional");
  const NdpRtlParameters rtl = ndp_rtl_parameters();
  const MoeModelConfig& m = s.model;
  if (m.d_model > rtl.max_d_model)
    sites.fail_about("model.d_model", "at most " + std::to_string(rtl.max_d_model) +
                                    " with platform.cxl.ndp.impl rtl (the RTL engine's MAX_D_MODEL)");
  if (m.d_ff > rtl.max_d_ff)
    sites.fail_about("model.d_ff", "at most " + std::to_string(rtl.max_d_ff) +
                                 " with platform.cxl.ndp.impl rtl (the RTL engine's MAX_D_FF)");
  const unsigned depth = rtl.queue_depth;
  if (ndp.queue_depth != depth)
    sites.fail_about("platform.cxl.ndp.queue_depth", "must be " + std::to_string(depth) +
                                                   " with impl rtl, the RTL engine's QUEUE_DEPTH (got " +
                                                   std::to_string(ndp.queue_depth) + ")");
}

// workload.trace_file goes with distribution trace and only with it. The
// trace is read through here, so that a run never stops half-way on a bad line.
void check_routing_trace(Scenario& s, const KeySites& sites) {
  const std::string key = "workload.trace_file";
  WorkloadConfig& workload = s.workload;
  if (workload.distribution != RoutingDistribution::trace) {
    if (!workload.trace_file.empty()) sites.fail_about(key, "only used when workload.distribution is trace");
    return;
  }
  if (workload.trace_file.empty()) sites.fail_about(key, "required when workload.distribution is trace");
  // Relative to the scenario's folder, so that a scenario and its trace move
  // together; a --set value is relative to the current folder, like any path on a command line.
  if (!sites.from_override(key) && std::filesystem::path(workload.trace_file).is_relative())
    workload.trace_file = (std::filesystem::path(sites.folder()) / workload.trace_file).string();
  try {
    validate_routing_trace(workload.trace_file, routing_trace_shape(s.model, workload), workload.batches);
  } catch (const RoutingTraceError& e) {
    if (e.line == 0) sites.fail_about(key, e.what());  // the path itself is wrong: point at where it is written
    // ScenarioError counts lines in an int; a line of a longer trace goes into the message instead.
    if (e.line <= uint64_t(INT_MAX)) throw ScenarioError(e.file, int(e.line), key, e.message);
    throw ScenarioError(e.file, 0, key, "line " + std::to_string(e.line) + ": " + e.message);
  }
}

}  // namespace

void cross_check(Scenario& s, const KeySites& sites) {
  check_top_k(s, sites);
  check_model(s, sites);
  check_functional(s, sites);  // before check_platform: it sets the expert's size
  check_platform(s, sites);
  check_capacity(s, sites);    // after check_platform, whose messages it repeats for the expert-only model
  check_ndp_impl(s, sites);
  check_routing_trace(s, sites);  // last: it reads the whole trace
}

}  // namespace cxlvp::keys
