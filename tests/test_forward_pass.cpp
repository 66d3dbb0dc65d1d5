// The forward pass of a whole-layer model (docs/models-zoo.md#the-forward-pass):
// the layer jobs ForwardPass plans, in closed form (bytes, FLOPs, the KV cache
// read and written), and runs of the platform whose steps take the time the
// HBM, or PCIe for a KV cache in host memory, needs for what they read.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

#include "command_runner.h"
#include "firmware/forward_pass.h"

using namespace cxlvp;
using namespace cxlvp_test;

namespace {

// A small Llama-like model: d_model 4096, GQA 32 heads / 8 KV heads of 128,
// gated FFNs, bf16; one dense layer of inner size 14336, then MoE layers.
MoeModelConfig llama_like() {
  MoeModelConfig m;
  m.experts = 8;
  m.layers = 1;
  m.d_model = 4096;
  m.d_ff = 1024;
  m.ffn = FfnKind::gated;
  m.first_dense_layers = 1;
  m.dense_d_ff = 14336;
  m.shared_experts = 1;
  m.attention.heads = 32;
  m.attention.kv_heads = 8;
  m.attention.head_dim = 128;
  m.vocab_size = 32000;
  return m;
}

constexpr uint64_t kAttentionParams = 4096ull * (32 * 128) * 2 + 4096ull * (8 * 128) * 2;  // q, o; k, v
constexpr uint64_t kKvPerToken = 2ull * 8 * 128 * 2;                                        // K and V, 8 heads, bf16

double field(const std::string& json, const std::string& path_regex) {
  std::smatch m;
  REQUIRE(std::regex_search(json, m, std::regex(path_regex + "\": ([0-9.eE+-]+)")));
  return std::stod(m[1]);
}

// Runs a one-batch forward pass of the Llama-like model (with `sets` as
// --set options) and returns its summary.json.
std::string run_pass(const std::string& name, const std::string& sets) {
  const fs::path file = scratch() / (name + ".yaml");
  std::ofstream(file) << "name: " << name << R"(
simulation: {compute: roofline}
model:
  experts: 8
  layers: 1
  d_model: 4096
  d_ff: 1024
  ffn: gated
  first_dense_layers: 1
  dense_d_ff: 14336
  shared_experts: 1
  attention: {heads: 32, kv_heads: 8, head_dim: 128}
workload: {tokens_per_batch: 1, batches: 1, top_k: 2}
)";
  const Outcome o = run_cxlvp("run " + file.string() + " --quiet --out " + (scratch() / name).string() + " " + sets);
  INFO(o.err);
  REQUIRE(o.status == 0);
  return slurp(scratch() / name / "summary.json");
}

}  // namespace

// Prefill of n tokens: token i sees i tokens, so the scores take
// per-context FLOPs x n(n+1)/2; the KV cache gets the n tokens; the LM head
// runs for the last token only. Decode: each of B sequences reads its C cached
// tokens and appends one.
TEST_CASE("forward pass: attention, FFN, embeddings and LM head jobs in closed form", "[forward]") {
  const MoeModelConfig m = llama_like();
  WorkloadConfig w;
  w.top_k = 2;
  w.tokens_per_batch = 100;
  const ForwardPass prefill(m, w);
  REQUIRE(prefill.layers().size() == 2);
  const DecoderLayer dense = prefill.layers()[0], moe = prefill.layers()[1];
  CHECK(dense.kind == LayerKind::dense);
  const uint64_t norms = 2 * 4096 * 2;  // two RMSNorm weight vectors, bf16
  const LayerWork a = prefill.attention(dense);
  CHECK(a.weight_bytes == 2 * kAttentionParams + norms);
  const uint64_t per_context = 2ull * 32 * (128 + 128);  // q.k and weighted values, every head
  CHECK(a.flops == 100 * 2 * kAttentionParams + per_context * (100 * 101 / 2));
  CHECK(a.kv_read_bytes == 0);
  CHECK(a.kv_write_bytes == 100 * kKvPerToken);
  const LayerWork dense_ffn = prefill.ffn(dense);
  CHECK(std::string(dense_ffn.what) == "dense_ffn");
  CHECK(dense_ffn.weight_bytes == 3ull * 4096 * 14336 * 2);
  CHECK(dense_ffn.flops == 100ull * 2 * 3 * 4096 * 14336);
  const LayerWork shared = prefill.ffn(moe);
  CHECK(std::string(shared.what) == "shared_experts");
  CHECK(shared.weight_bytes == 3ull * 4096 * 1024 * 2);
  CHECK(shared.tokens == 100);                                                   // every token
  CHECK(prefill.attention(moe).weight_bytes == a.weight_bytes + 8ull * 4096 * 2);  // and the router
  CHECK(prefill.lm_head().tokens == 1);
  CHECK(prefill.lm_head().flops == 2ull * 32000 * 4096);
  CHECK(prefill.embeddings().weight_bytes == 100ull * 4096 * 2);  // one row per token
  CHECK(prefill.kv_cache_bytes() == 2 * 100 * kKvPerToken);
  CHECK(prefill.resident_bytes() == 2 * 32000ull * 4096 * 2 + 2 * a.weight_bytes + 8ull * 4096 * 2 +
                                        dense_ffn.weight_bytes + shared.weight_bytes);

  w.phase = Phase::decode;
  w.tokens_per_batch = 16;
  w.context_tokens = 1000;
  const ForwardPass decode(m, w);
  const LayerWork d = decode.attention(decode.layers()[1]);
  CHECK(d.kv_read_bytes == 16 * 1000 * kKvPerToken);
  CHECK(d.kv_write_bytes == 16 * kKvPerToken);
  CHECK(d.kv_offset == 16 * 1001 * kKvPerToken);  // after the first layer's cache
  CHECK(d.flops == 16 * (2 * kAttentionParams + 8ull * 4096 * 2) + per_context * 16 * 1001);
  CHECK(decode.lm_head().tokens == 16);
}

TEST_CASE("forward pass: a windowed layer sees and keeps at most its window", "[forward]") {
  MoeModelConfig m = llama_like();
  m.attention.window = 64;
  m.attention.full_every = 2;  // layer 1 (the MoE one) attends fully, layer 0 is windowed
  WorkloadConfig w;
  w.top_k = 2;
  w.tokens_per_batch = 100;
  const ForwardPass prefill(m, w);
  const uint64_t per_context = 2ull * 32 * (128 + 128);
  const LayerWork windowed = prefill.attention(prefill.layers()[0]);
  CHECK(windowed.flops == 100 * 2 * kAttentionParams + per_context * (64 * 65 / 2 + 36 * 64));
  CHECK(windowed.kv_write_bytes == 64 * kKvPerToken);
  w.phase = Phase::decode;
  w.tokens_per_batch = 2;
  w.context_tokens = 1000;
  CHECK(ForwardPass(m, w).attention(ForwardPass(m, w).layers()[0]).kv_read_bytes == 2 * 63 * kKvPerToken);
}

// Decode at batch 1 reads every weight of the dense FFN once and computes
// almost nothing: the step takes its weight bytes over HBM's 800 GB/s (the
// default GPU), 1 % (the descriptor, MSI and activations add microseconds).
TEST_CASE("forward pass: a dense layer's decode step at batch 1 takes its weight bytes over HBM", "[forward][closed-form]") {
  const std::string summary = run_pass("dense_decode", "--set workload.phase=decode --set workload.context_tokens=16");
  const double bytes = 3.0 * 4096 * 14336 * 2;
  CHECK(field(summary, "\"dense_ffn") == Approx(bytes / 800e9).epsilon(0.01));
}

// The attention steps of a batch-1 decode over a long context read their
// weights and the KV cache: with the cache in HBM both stream at 800 GB/s;
// with it in host DDR (kv_cache_home: ddr) the cache crosses PCIe (Gen4 x16 at
// its read payload rate) after the weights stream from HBM, 2 %.
TEST_CASE("forward pass: the KV cache read per decode token, from HBM and over PCIe", "[forward][closed-form]") {
  const double weights = 2.0 * (2 * kAttentionParams + 2 * 4096 * 2) + 8.0 * 4096 * 2;  // both layers, router
  const double kv = 2.0 * 32768 * kKvPerToken;                                          // both layers
  const std::string in_hbm = run_pass("kv_hbm", "--set workload.phase=decode --set workload.context_tokens=32768");
  CHECK(field(in_hbm, "\"attention") == Approx((weights + kv) / 800e9).epsilon(0.02));
  const std::string in_ddr = run_pass("kv_ddr", "--set workload.phase=decode --set workload.context_tokens=32768 --set workload.kv_cache_home=ddr");
  const double pcie_read = 31.508 * 4096 / (4096 + 16 * 28.0) * 1e9;  // Gen4 x16: 28 B per TLP of 256 B, 2 DLLP B
  CHECK(field(in_ddr, "\"attention") == Approx(weights / 800e9 + kv / pcie_read).epsilon(0.02));
}

// Every token of the batch goes through the shared expert, on the GPU.
TEST_CASE("forward pass: shared experts get every token", "[forward]") {
  run_pass("shared", "--set workload.tokens_per_batch=64");
  const std::string jobs = slurp(scratch() / "shared" / "jobs.csv");
  std::smatch m;
  REQUIRE(std::regex_search(jobs, m, std::regex(",gpu,shared_experts,0,[0-9]+,1,([0-9]+),")));
  CHECK(m[1] == "64");
}
