#include "scenario_checks.h"

#include <climits>
#include <filesystem>

#include "../firmware/functional_data.h"
#include "../firmware/routing_trace.h"
#include "../models/ndp/rtl/ndp_rtl_parameters.h"
#include "memory_map.h"
#include "scenario_limits.h"
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

// simulation.data functional: int8 weights and activations in the layout
// every executor reads (models/common/expert_ffn.h). Keys that describe a
// size or format take the values that layout implies; written otherwise,
// they are errors, and so are shapes too large to compute quickly or too
// large for the NDP engine's buffers.
void check_functional(Scenario& s, const KeySites& sites) {
  if (s.simulation.data != DataMode::functional) return;
  MoeModelConfig& m = s.model;
  const auto int8_only = [&sites](const char* key, unsigned& bytes, const char* what) {
    if (sites.given(key) && bytes != 1)
      sites.fail_about(key, std::string("functional mode holds int8 ") + what + ": must be 1 (got " +
                          std::to_string(bytes) + ")");
    bytes = 1;
  };
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
  if (!problems.empty()) sites.fail_about(problems.front().key, problems.front().message);
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
  check_functional(s, sites);  // before check_platform: it sets the expert's size
  check_platform(s, sites);
  check_ndp_impl(s, sites);
  check_limits(s, sites);         // scenario_limits.h: values whose simulated time would overflow
  check_routing_trace(s, sites);  // last: it reads the whole trace
}

}  // namespace cxlvp::keys
