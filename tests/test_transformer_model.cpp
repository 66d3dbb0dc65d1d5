// The model description in closed form: weight formats' bytes with their
// scales, gated against plain FFN bytes and FLOPs, attention parameters (GQA
// and MLA), KV-cache bytes, the decoder layer list (dense first, interleaved,
// attention windows) and per-layer costs. The numbers in the comments are the
// arithmetic each check does by hand.
#include <catch2/catch.hpp>

#include "firmware/transformer_model.h"
#include "firmware/weight_format.h"

using namespace cxlvp;

namespace {

WeightFormat format(const char* name) {
  const auto f = parse_weight_format(name);
  REQUIRE(f);
  return *f;
}

// Mixtral-8x7B's geometry, all bf16.
MoeModelConfig mixtral() {
  MoeModelConfig m;
  m.d_model = 4096;
  m.d_ff = 14336;
  m.experts = 8;
  m.layers = 32;
  m.ffn = FfnKind::gated;
  m.attention.heads = 32;
  m.attention.kv_heads = 8;
  m.attention.head_dim = 128;
  m.vocab_size = 32000;
  m.formats.fill(WeightFormat{WeightEncoding::bf16, 0});
  return m;
}

// DeepSeek-V3's MLA and layer pattern.
MoeModelConfig deepseek() {
  MoeModelConfig m;
  m.d_model = 7168;
  m.d_ff = 2048;
  m.experts = 256;
  m.layers = 58;
  m.first_dense_layers = 3;
  m.ffn = FfnKind::gated;
  AttentionConfig& a = m.attention;
  a.heads = 128;
  a.q_lora_rank = 1536;
  a.kv_lora_rank = 512;
  a.qk_rope_head_dim = 64;
  a.qk_nope_head_dim = 128;
  a.v_head_dim = 128;
  return m;
}

}  // namespace

TEST_CASE("weight formats count their scales: fp8 128x128 blocks, int4 groups, MXFP4 blocks", "[model]") {
  // DeepSeek-V3's expert down projection, 7168 x 2048: one byte per weight and
  // one fp32 scale per 128x128 block, 56 x 16 blocks.
  CHECK(matrix_bytes(format("fp8_block128"), 7168, 2048, 0) == 7168ull * 2048 + 56 * 16 * 4);
  CHECK(matrix_bytes(format("fp8_block128"), 100, 300, 0) == 30000 + 1 * 3 * 4);  // partial blocks count whole
  CHECK(matrix_bytes(format("fp8"), 10, 10, 0) == 100 + 4);                    // one scale per matrix
  // int4 with 128-value groups: half a byte per weight, an fp16 scale per group: 4.125 bits per weight.
  CHECK(matrix_bytes(format("int4_g128"), 4096, 4096, 0) == 4096ull * 2048 + 4096 * 32 * 2);
  CHECK(matrix_bytes(format("int8"), 10, 10, 0) == 100 + 10 * 2);  // a scale per row
  CHECK(matrix_bytes(format("int8_g4"), 10, 10, 0) == 100 + 10 * 3 * 2);
  // MXFP4 (GPT-OSS experts, 2880 x 2880): 4 bits a weight and one byte per 32: 4.25 bits.
  CHECK(matrix_bytes(format("mxfp4"), 2880, 2880, 0) == 2880ull * 1440 + 2880 * 90);
  CHECK(matrix_bytes(format("bf16"), 3, 5, 0) == 30);
  CHECK(matrix_bytes(format("fp32"), 3, 5, 0) == 60);
  CHECK(matrix_bytes(format("auto"), 3, 5, 1) == 15);  // auto: weight_bytes_per_param, no scales
  for (const char* name : {"auto", "bf16", "fp16", "fp32", "fp8", "fp8_block128", "int8", "int8_g64", "int4", "int4_g32", "mxfp4"})
    CHECK(format_name(format(name)) == name);
  for (const char* bad : {"", "fp8_block", "int4_g", "int4_g0", "int4_g032", "int3", "bf16_g128", "mxfp4_g32", "int4_g99999999"})
    CHECK_FALSE(parse_weight_format(bad));
}

TEST_CASE("a gated expert has three matrices, a plain one two: bytes and FLOPs", "[model]") {
  MoeModelConfig m;  // the defaults: d_model 1024, d_ff 2048, 2 bytes a weight, plain
  CHECK(m.bytes_per_expert() == 2ull * 1024 * 2048 * 2);  // 8 MiB, as before the description existed
  CHECK(m.flops_per_token() == 2ull * 2 * 1024 * 2048);
  m.ffn = FfnKind::gated;
  CHECK(m.bytes_per_expert() == 3ull * 1024 * 2048 * 2);  // 12 MiB
  CHECK(m.flops_per_token() == 2ull * 3 * 1024 * 2048);
  m.formats[size_t(TensorClass::routed_experts)] = format("fp8_block128");
  CHECK(m.bytes_per_expert() == 3ull * 1024 * 2048 + 3 * (8 * 16 * 4));  // gate and up 16x8 blocks, down 8x16
  m.expert_bytes = 12345;  // model.expert_bytes still wins
  CHECK(m.bytes_per_expert() == 12345);
  m.expert_bytes = 0;
  m.ffn_bias = true;  // GPT-OSS: gate and up biases (2 d_ff) and the down bias (d_model), in the norms format
  CHECK(m.bytes_per_expert() == 3ull * 1024 * 2048 + 3 * (8 * 16 * 4) + (2 * 2048 + 1024) * 2);
}

TEST_CASE("attention parameters: grouped-query and multi-head latent attention", "[model]") {
  // Mixtral: q and o 4096 x 4096, k and v 1024 x 4096.
  CHECK(attention_params(mixtral()) == 4096ull * (4096 + 1024 + 1024 + 4096));
  // DeepSeek-V3 MLA: q_a 7168x1536, q_b 1536x(128x192), kv_a 7168x576, kv_b 512x(128x256), o (128x128)x7168.
  CHECK(attention_params(deepseek()) == 7168ull * 1536 + 1536ull * 128 * 192 + 7168ull * 576 + 512ull * 128 * 256 +
                                            128ull * 128 * 7168);
  CHECK(attention_params(deepseek()) == 187105280);
  MoeModelConfig biased = mixtral();
  biased.attention.bias = true;
  biased.attention.sinks = true;
  CHECK(attention_params(biased) == attention_params(mixtral()) + 4096 + 2 * 1024 + 4096 + 32);
}

TEST_CASE("KV-cache bytes per token: two vectors per KV head, or MLA's compressed latent", "[model]") {
  CHECK(kv_bytes_per_token(mixtral()) == 2 * 8 * 128 * 2);  // 4 KiB a layer: 128 KiB a token over 32 layers
  CHECK(kv_cache_bytes(mixtral(), 1) == 32 * 4096);
  CHECK(kv_bytes_per_token(deepseek()) == (512 + 64) * 2);  // 1152 B a layer
  CHECK(kv_cache_bytes(deepseek(), 1000) == 61ull * 1152 * 1000);
  // GPT-OSS-120b: 64 query heads, 8 KV heads of 64; 128-token windows on the 18 even layers.
  MoeModelConfig oss;
  oss.d_model = 2880;
  oss.layers = 36;
  oss.attention.heads = 64;
  oss.attention.kv_heads = 8;
  oss.attention.head_dim = 64;
  oss.attention.window = 128;
  oss.attention.full_every = 2;
  CHECK(kv_bytes_per_token(oss) == 2 * 8 * 64 * 2);
  CHECK(kv_cache_bytes(oss, 1000) == 2048ull * (18 * 1000 + 18 * 128));
  CHECK(kv_cache_bytes(oss, 100) == 2048ull * 36 * 100);  // shorter than the window: all of it
  CHECK(kv_bytes_per_token(MoeModelConfig{}) == 0);      // no attention, no cache
}

TEST_CASE("the decoder layers: dense ones first, interleaved MoE layers, attention windows", "[model]") {
  const std::vector<DecoderLayer> ds = decoder_layers(deepseek());
  REQUIRE(ds.size() == 61);
  for (unsigned i = 0; i < 3; ++i) CHECK(ds[i].kind == LayerKind::dense);
  for (unsigned i = 3; i < 61; ++i) {
    CHECK(ds[i].kind == LayerKind::moe);
    CHECK(ds[i].moe_index == i - 3);
    CHECK(ds[i].window == 0);
  }
  // Llama 4 Maverick: 24 MoE layers each after a dense one; chunked attention
  // (8192) except on every 4th layer.
  MoeModelConfig llama = mixtral();
  llama.layers = 24;
  llama.moe_layer_step = 2;
  llama.attention.window = 8192;
  llama.attention.full_every = 4;
  const std::vector<DecoderLayer> l = decoder_layers(llama);
  REQUIRE(l.size() == 48);
  for (unsigned i = 0; i < 48; ++i) {
    INFO("layer " << i);
    CHECK(l[i].kind == (i % 2 == 1 ? LayerKind::moe : LayerKind::dense));
    if (i % 2 == 1) CHECK(l[i].moe_index == i / 2);
    CHECK(l[i].window == ((i + 1) % 4 == 0 ? 0u : 8192u));
  }
  MoeModelConfig windowed = mixtral();
  windowed.attention.window = 4096;
  windowed.attention.full_every = 0;  // every layer windowed (Mistral's sliding window)
  for (const DecoderLayer& d : decoder_layers(windowed)) CHECK(d.window == 4096);
}

TEST_CASE("per-layer cost: a dense layer's weights, a MoE layer's per-token weights and FLOPs", "[model]") {
  // No attention: a dense layer is its FFN: 3 x 1024 x 4096 weights of 2 bytes, 2 FLOPs each per token.
  MoeModelConfig m;
  m.ffn = FfnKind::gated;
  m.first_dense_layers = 1;
  m.dense_d_ff = 4096;
  m.shared_experts = 2;
  const std::vector<DecoderLayer> layers = decoder_layers(m);
  REQUIRE(layers.size() == 3);
  const LayerCost dense = layer_cost(m, layers[0], 4);
  CHECK(dense.weight_bytes == 3ull * 1024 * 4096 * 2);
  CHECK(dense.weight_bytes_per_token == dense.weight_bytes);
  CHECK(dense.flops_per_token == 2ull * 3 * 1024 * 4096);
  CHECK(dense.kv_bytes_per_token == 0);
  // A MoE layer: all 32 experts and 2 shared ones stored; a token reads 2 shared and its top_k = 4 routed.
  const LayerCost moe = layer_cost(m, layers[1], 4);
  const uint64_t expert = 3ull * 1024 * 2048 * 2;
  CHECK(moe.weight_bytes == (32 + 2) * expert);
  CHECK(moe.weight_bytes_per_token == (4 + 2) * expert);
  CHECK(moe.flops_per_token == 2ull * 3 * 1024 * 2048 * (4 + 2));
  // With Mixtral's attention: projections 2 FLOPs a weight, scores 2 x 32 heads x (128 + 128) per context token.
  const MoeModelConfig x = mixtral();
  const LayerCost a = layer_cost(x, decoder_layers(x)[0], 2);
  CHECK(a.flops_per_token == 2 * (attention_params(x) + 4096ull * 8 + 2ull * 3 * 4096 * 14336));
  CHECK(a.attention_flops_per_token_per_context_token == 2 * 32 * (128 + 128));
  CHECK(a.flops(1000) == a.flops_per_token + 16384 * 1000);
  CHECK(a.kv_bytes_per_token == 4096);
}

TEST_CASE("parameters per tensor class and active per token, the way model cards count them", "[model]") {
  const ModelSize s = model_size(mixtral(), 2);
  const uint64_t expert = 3ull * 4096 * 14336;
  CHECK(s.of(TensorClass::routed_experts).params == 32 * 8 * expert);
  CHECK(s.of(TensorClass::routed_experts).active_params_per_token == 32 * 2 * expert);
  CHECK(s.of(TensorClass::routed_experts).bytes == 32 * 8 * expert * 2);
  CHECK(s.of(TensorClass::router).params == 32 * 8 * 4096);
  CHECK(s.of(TensorClass::embeddings).params == 32000ull * 4096);
  CHECK(s.of(TensorClass::lm_head).params == 32000ull * 4096);
  CHECK(s.of(TensorClass::norms).params == 32 * 2 * 4096 + 4096);  // two per layer and the final one
  CHECK(s.params_active_per_token_excl_embedding() == s.params_active_per_token() - 32000ull * 4096);
  // Tied embeddings: the head is the table, counted once, and never left out.
  MoeModelConfig tied = mixtral();
  tied.tie_word_embeddings = true;
  const ModelSize t = model_size(tied, 2);
  CHECK(t.of(TensorClass::lm_head).params == 0);
  CHECK(t.params_total() == s.params_total() - 32000ull * 4096);
  CHECK(t.params_active_per_token_excl_embedding() == t.params_active_per_token());
  // The expert-only model (no attention) has its routed experts and nothing else.
  const ModelSize e = model_size(MoeModelConfig{}, 1);
  CHECK(e.params_total() == 2ull * 32 * 2 * 1024 * 2048);
  CHECK(e.of(TensorClass::router).params == 0);
  CHECK(e.of(TensorClass::norms).params == 0);
  // Absurd sizes saturate instead of wrapping.
  MoeModelConfig huge;
  huge.layers = 4000000000u;
  huge.experts = 65536;
  huge.d_model = huge.d_ff = 1u << 20;
  CHECK(model_size(huge, 1).bytes_total() >= (1ull << 60));
}
