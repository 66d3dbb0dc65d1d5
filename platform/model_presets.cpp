#include "model_presets.h"

namespace cxlvp {

namespace {

using Keys = std::vector<std::pair<std::string, std::string>>;

Keys join(std::initializer_list<Keys> parts) {
  Keys all;
  for (const Keys& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// Grouped-query attention (every preset but DeepSeek-V3's MLA).
Keys gqa(unsigned heads, unsigned kv_heads, unsigned head_dim) {
  return {{"model.attention.heads", std::to_string(heads)},
          {"model.attention.kv_heads", std::to_string(kv_heads)},
          {"model.attention.head_dim", std::to_string(head_dim)}};
}

// One format for every tensor class but the routed experts, another for those.
Keys formats(const std::string& rest, const std::string& routed) {
  return {{"model.format.attention", rest},  {"model.format.routed_experts", routed},
          {"model.format.shared_experts", rest}, {"model.format.dense_ffn", rest},
          {"model.format.router", rest},     {"model.format.embeddings", rest},
          {"model.format.lm_head", rest},    {"model.format.norms", rest}};
}

// What every preset has: gated (SwiGLU) FFNs, bf16 activations and KV cache, untied embeddings.
Keys moe(unsigned d_model, unsigned layers, unsigned experts, unsigned d_ff, unsigned top_k, unsigned vocab) {
  return {{"model.d_model", std::to_string(d_model)},
          {"model.layers", std::to_string(layers)},
          {"model.experts", std::to_string(experts)},
          {"model.d_ff", std::to_string(d_ff)},
          {"model.ffn", "gated"},
          {"model.vocab_size", std::to_string(vocab)},
          {"model.tie_word_embeddings", "false"},
          {"model.activation_bytes_per_value", "2"},
          {"workload.top_k", std::to_string(top_k)}};
}

// GPT-OSS: biases on attention, router and expert FFNs, a learned sink per
// head, 128-token sliding windows on every other layer (the first one
// included), MXFP4 experts with everything else in bf16.
Keys gpt_oss(unsigned layers, unsigned experts) {
  return join({moe(2880, layers, experts, 2880, 4, 201088), gqa(64, 8, 64), formats("bf16", "mxfp4"),
               {{"model.attention.bias", "true"},
                {"model.attention.sinks", "true"},
                {"model.attention.window", "128"},
                {"model.attention.full_every", "2"},
                {"model.router_bias", "true"},
                {"model.ffn_bias", "true"}}});
}

// Qwen3 MoE: per-head RMSNorm of queries and keys, no shared experts, every layer MoE.
Keys qwen3(unsigned d_model, unsigned layers, unsigned heads, unsigned d_ff, unsigned dense_d_ff) {
  return join({moe(d_model, layers, 128, d_ff, 8, 151936), gqa(heads, 4, 128), formats("bf16", "bf16"),
               {{"model.attention.qk_norm", "true"}, {"model.dense_d_ff", std::to_string(dense_d_ff)}}});
}

std::vector<ModelPreset> make_model_presets() {
  return {
      {"deepseek-v3",
       "DeepSeek-V3 (671 B, 37 B active): MLA attention, 3 dense layers then 58 MoE layers of 256 routed experts "
       "(8 per token from 4 of 8 groups) and 1 shared expert; FP8 weights with 128x128 block scales",
       join({moe(7168, 58, 256, 2048, 8, 129280), formats("fp8_block128", "fp8_block128"),
             {{"model.first_dense_layers", "3"},
              {"model.dense_d_ff", "18432"},
              {"model.shared_experts", "1"},
              {"model.shared_d_ff", "2048"},
              {"model.expert_groups", "8"},
              {"model.groups_per_token", "4"},
              {"model.router_bias", "true"},  // e_score_correction_bias (noaux_tc routing)
              {"model.attention.heads", "128"},
              {"model.attention.kv_heads", "128"},
              {"model.attention.q_lora_rank", "1536"},
              {"model.attention.kv_lora_rank", "512"},
              {"model.attention.qk_rope_head_dim", "64"},
              {"model.attention.qk_nope_head_dim", "128"},
              {"model.attention.v_head_dim", "128"},
              // The checkpoint keeps the router, embeddings, LM head and norms in bf16.
              {"model.format.router", "bf16"},
              {"model.format.embeddings", "bf16"},
              {"model.format.lm_head", "bf16"},
              {"model.format.norms", "bf16"}}})},
      {"mixtral-8x7b", "Mixtral-8x7B (46.7 B, 12.9 B active): 32 layers of 8 experts, 2 per token; bf16",
       join({moe(4096, 32, 8, 14336, 2, 32000), gqa(32, 8, 128), formats("bf16", "bf16")})},
      {"mixtral-8x22b", "Mixtral-8x22B (141 B, 39 B active): 56 layers of 8 experts, 2 per token; bf16",
       join({moe(6144, 56, 8, 16384, 2, 32768), gqa(48, 8, 128), formats("bf16", "bf16")})},
      {"qwen3-30b-a3b", "Qwen3-30B-A3B (30.5 B, 3.3 B active): 48 layers of 128 experts, 8 per token; bf16",
       qwen3(2048, 48, 32, 768, 6144)},
      {"qwen3-235b-a22b", "Qwen3-235B-A22B (235 B, 22 B active): 94 layers of 128 experts, 8 per token; bf16",
       qwen3(4096, 94, 64, 1536, 12288)},
      {"gpt-oss-20b", "gpt-oss-20b (21 B, 3.6 B active): 24 layers of 32 experts, 4 per token; MXFP4 experts",
       gpt_oss(24, 32)},
      {"gpt-oss-120b", "gpt-oss-120b (117 B, 5.1 B active): 36 layers of 128 experts, 4 per token; MXFP4 experts",
       gpt_oss(36, 128)},
      {"llama4-maverick",
       "Llama 4 Maverick (400 B, 17 B active, text model): 48 layers alternating dense and MoE (128 routed experts, "
       "1 per token, and 1 shared), chunked attention (8192) on 3 of 4 layers; bf16",
       join({moe(5120, 24, 128, 8192, 1, 202048), gqa(40, 8, 128), formats("bf16", "bf16"),
             {{"model.moe_layer_step", "2"},
              {"model.dense_d_ff", "16384"},
              {"model.shared_experts", "1"},
              {"model.shared_d_ff", "8192"},
              {"model.attention.window", "8192"},
              {"model.attention.full_every", "4"}}})},
      {"phi3.5-moe",
       "Phi-3.5-MoE (41.9 B, 6.6 B active): 32 layers of 16 experts, 2 per token; LayerNorm, biased attention "
       "and LM head; bf16",
       join({moe(4096, 32, 16, 6400, 2, 32064), gqa(32, 8, 128), formats("bf16", "bf16"),
             {{"model.attention.bias", "true"},
              {"model.lm_head_bias", "true"},
              {"model.norm_bias", "true"},
              {"model.attention.window", "131072"},
              {"model.attention.full_every", "0"}}})},
  };
}

}  // namespace

const std::vector<ModelPreset>& model_presets() {
  static const std::vector<ModelPreset> all = make_model_presets();
  return all;
}

const ModelPreset* find_model_preset(const std::string& name) {
  for (const auto& p : model_presets())
    if (p.name == name) return &p;
  return nullptr;
}

std::string model_preset_names() {
  std::string names;
  for (const auto& p : model_presets()) names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

}  // namespace cxlvp
