#pragma once
// The MoE model whose experts the platform runs: geometry, weight formats and
// where the expert weights live. Without attention (attention.heads 0, the
// default) the model is its MoE layers' expert FFNs alone, as the platform
// has always simulated them; with it, the whole transformer is described
// (attention, norms, router, dense FFN layers, shared experts, embeddings and
// LM head), which firmware/transformer_model.h turns into parameter counts,
// bytes, FLOPs and KV-cache sizes per layer. docs/models-zoo.md.
#include <array>
#include <cstdint>
#include <string>

#include "weight_format.h"

namespace cxlvp {

enum class WeightsHome { ddr, cxl };
// Which CXL memory holds which expert (docs/topologies.md): automatic (one
// interleave set: interleaved; otherwise partitioned), interleaved (striped
// over the interleave set), partitioned (expert e of every layer in expander
// e mod k), popularity (the most popular experts spread so that every
// expander gets an equal share of the expected tokens).
enum class WeightsPlacement { automatic, interleaved, partitioned, popularity };

// plain: up and down projections (2 matrices); gated: SwiGLU/GeGLU, gate, up
// and down (3 matrices).
enum class FfnKind { plain, gated };

// The tensor classes whose formats, sizes and homes are accounted separately.
enum class TensorClass { attention, routed_experts, shared_experts, dense_ffn, router, embeddings, lm_head, norms };
constexpr size_t kTensorClasses = 8;

// Attention geometry. MLA (DeepSeek's multi-head latent attention) when
// kv_lora_rank > 0, grouped-query attention otherwise.
struct AttentionConfig {
  unsigned heads = 0;     // query heads; 0: no attention (the model is its experts alone)
  unsigned kv_heads = 0;  // GQA key/value heads; 0: as many as query heads
  unsigned head_dim = 0;  // GQA; 0: d_model / heads
  unsigned q_lora_rank = 0;       // MLA: rank of the compressed query; 0: queries projected directly
  unsigned kv_lora_rank = 0;      // MLA: rank of the compressed key/value latent that the KV cache holds
  unsigned qk_rope_head_dim = 0;  // MLA: per head query/key dimensions with rotary position (the key part is shared)
  unsigned qk_nope_head_dim = 0;  // MLA: per head query/key dimensions without it
  unsigned v_head_dim = 0;        // MLA: per head value dimensions
  bool bias = false;     // q, k, v and output projections have biases
  bool qk_norm = false;  // per-head RMSNorm of queries and keys (Qwen3)
  bool sinks = false;    // one learned sink logit per head (GPT-OSS)
  unsigned window = 0;      // tokens a windowed layer attends to; 0: every layer attends to the whole context
  unsigned full_every = 1;  // with a window: decoder layer i attends fully when (i + 1) % full_every == 0; 0: never

  bool mla() const { return kv_lora_rank > 0; }
};

struct MoeModelConfig {
  unsigned experts = 32;           // routed experts per MoE layer
  unsigned layers = 2;             // MoE layers per forward pass (decoder layers: transformer_model.h)
  unsigned d_model = 1024;
  unsigned d_ff = 2048;            // inner size of a routed expert
  unsigned weight_bytes_per_param = 2;      // 2 = 16-bit weights; what format `auto` stores
  unsigned activation_bytes_per_value = 2;  // also the KV cache's bytes per value
  uint64_t expert_bytes = 0;       // 0: derived from the FFN's matrices and model.format.routed_experts
  WeightsHome weights_home = WeightsHome::cxl;
  WeightsPlacement weights_placement = WeightsPlacement::automatic;
  unsigned requant_shift = 16;     // functional mode: requantization right shift of both matrices

  FfnKind ffn = FfnKind::plain;    // every FFN of the model: routed and shared experts, dense layers
  bool ffn_bias = false;           // every FFN matrix has a bias (GPT-OSS)
  unsigned shared_experts = 0;     // per MoE layer, each active for every token
  unsigned shared_d_ff = 0;        // 0: d_ff
  unsigned first_dense_layers = 0; // decoder layers before the first MoE layer, each with a dense FFN
  unsigned moe_layer_step = 1;     // after those, each MoE layer follows moe_layer_step - 1 dense layers
  unsigned dense_d_ff = 0;         // 0: d_ff
  unsigned expert_groups = 1;      // routing groups of consecutive experts (DeepSeek's n_group)
  unsigned groups_per_token = 1;   // groups a token's experts come from (topk_group)
  bool router_bias = false;        // one bias per routed expert in the router (GPT-OSS; DeepSeek's correction bias)

  AttentionConfig attention;
  unsigned vocab_size = 0;         // 0: no embeddings or LM head
  bool tie_word_embeddings = false;  // the LM head is the embedding table
  bool lm_head_bias = false;
  bool norm_bias = false;          // LayerNorm (weight and bias) instead of RMSNorm (weight)
  std::array<WeightFormat, kTensorClasses> formats{};  // by TensorClass; 1-D tensors use formats[norms]

  std::string preset;     // model.preset the description came from, if any
  std::string hf_config;  // model.hf_config it came from, if any

  bool whole_layers() const { return attention.heads > 0; }
  const WeightFormat& format(TensorClass c) const { return formats[size_t(c)]; }
  unsigned ffn_matrices() const { return ffn == FfnKind::gated ? 3 : 2; }

  // Bytes of one FFN of inner size `inner` in `format`, biases included.
  uint64_t ffn_bytes(unsigned inner, TensorClass c) const {
    const uint64_t in = matrix_bytes(format(c), inner, d_model, weight_bytes_per_param);   // gate, up
    const uint64_t out = matrix_bytes(format(c), d_model, inner, weight_bytes_per_param);  // down
    const uint64_t biases = ffn_bias ? matrix_bytes(format(TensorClass::norms), 1, uint64_t(ffn_matrices() - 1) * inner + d_model,
                                                    weight_bytes_per_param)
                                     : 0;
    return (ffn_matrices() - 1) * in + out + biases;
  }
  // d_model and d_ff are bounded by the scenario schema, so this cannot overflow.
  uint64_t bytes_per_expert() const { return expert_bytes ? expert_bytes : ffn_bytes(d_ff, TensorClass::routed_experts); }
  // One GEMV per matrix (d_model x d_ff) per token, 2 FLOPs per MAC.
  uint64_t flops_per_token() const { return 2ull * ffn_matrices() * d_model * d_ff; }
  uint64_t activation_bytes_per_token() const { return uint64_t(d_model) * activation_bytes_per_value; }
};

// Compressed formats per execution lane: the bytes that lane reads for an
// expert shrink by its factor (1 = 16-bit, 2 = int8, 4 = int4), and the lane
// pays for expanding them back (the device's dequant_GBps). Activations that
// cross links to and from the CPU and NDP shrink by activation_compression.
struct QuantizationConfig {
  double gpu_weight_compression = 1;
  double cpu_weight_compression = 1;
  double ndp_weight_compression = 1;
  double activation_compression = 1;
};

}  // namespace cxlvp
