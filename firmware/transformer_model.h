#pragma once
// The whole transformer a MoeModelConfig describes, as numbers: the decoder
// layers in order (dense or MoE, attention window), parameters and bytes per
// tensor class, active parameters per token, and per layer the weight bytes,
// FLOPs and KV-cache bytes per token. Plain C++, no SystemC. The formulas and
// their sources: docs/models-zoo.md#how-parameters-are-counted.
#include <array>
#include <cstdint>
#include <vector>

#include "moe_model.h"

namespace cxlvp {

// a x b x c, or 2^60 when that is larger: model-wide totals of user-given
// counts saturate instead of wrapping, so that an absurd model reads as too
// large for every memory, never as small.
uint64_t saturated_product(uint64_t a, uint64_t b, uint64_t c = 1);

// "attention", "routed_experts", ... (summary.json and validate use these).
const char* tensor_class_name(TensorClass c);

enum class LayerKind { dense, moe };

struct DecoderLayer {
  unsigned index = 0;      // 0 .. decoder_layer_count - 1, in forward order
  LayerKind kind = LayerKind::moe;
  unsigned moe_index = 0;  // MoE layers: 0 .. model.layers - 1 (the layer the routing and the expert weights use)
  unsigned window = 0;     // tokens its attention sees; 0: the whole context
};

// first_dense_layers + moe_layer_step x layers.
uint64_t decoder_layer_count(const MoeModelConfig& m);
// The decoder layers in forward order: first_dense_layers dense ones, then
// each MoE layer after moe_layer_step - 1 dense ones.
std::vector<DecoderLayer> decoder_layers(const MoeModelConfig& m);

// Parameters of the pieces of one layer.
uint64_t attention_params(const MoeModelConfig& m);        // one layer's projections, biases and sinks
uint64_t ffn_params(const MoeModelConfig& m, unsigned inner);  // one FFN of that inner size, biases included
uint64_t router_params(const MoeModelConfig& m);           // one MoE layer's router
uint64_t layer_norm_params(const MoeModelConfig& m);       // one decoder layer's norms (incl. MLA's and qk norms)

struct TensorClassSize {
  uint64_t params = 0;                   // in the whole model
  uint64_t bytes = 0;                    // stored, scales included
  uint64_t active_params_per_token = 0;  // those one token's forward pass uses
};

struct ModelSize {
  std::array<TensorClassSize, kTensorClasses> classes{};
  bool tied = false;  // the LM head is the embedding table

  const TensorClassSize& of(TensorClass c) const { return classes[size_t(c)]; }
  uint64_t params_total() const;
  uint64_t bytes_total() const;
  // As model cards count them: embedding table and LM head included.
  uint64_t params_active_per_token() const;
  // Without the embedding table (a token reads one row of it), the way the
  // GPT-OSS model card counts active parameters; a tied table stays (it is the LM head).
  uint64_t params_active_per_token_excl_embedding() const;
};

// Every tensor class of the model, with `top_k` routed experts per token.
ModelSize model_size(const MoeModelConfig& m, unsigned top_k);

// One decoder layer's cost. Projections are GEMVs: 2 FLOPs per weight used.
struct LayerCost {
  uint64_t weight_bytes = 0;            // all its weights (every routed expert of a MoE layer)
  uint64_t weight_bytes_per_token = 0;  // those one token reads: attention, norms, router, shared and top_k routed experts, or the dense FFN
  uint64_t flops_per_token = 0;         // projections and FFNs, for one token
  uint64_t attention_flops_per_token_per_context_token = 0;  // scores and weighted values, per token of context it sees
  uint64_t kv_bytes_per_token = 0;      // KV-cache bytes one cached token takes in this layer
  unsigned window = 0;                  // context it sees at most; 0: all

  // FLOPs of one token that sees `context` earlier tokens (itself included).
  uint64_t flops(uint64_t context) const {
    return flops_per_token + attention_flops_per_token_per_context_token * (window && context > window ? window : context);
  }
};

LayerCost layer_cost(const MoeModelConfig& m, const DecoderLayer& layer, unsigned top_k);

// The work of one decoder layer that runs on weights kept in GPU HBM (the
// forward pass, docs/models-zoo.md#the-forward-pass), split as the GPU runs it:
// first the attention block, then the dense FFN or (MoE) the shared experts
// beside the routed ones.
struct LayerParts {
  uint64_t attention_bytes = 0;            // projections, biases and sinks, the layer's norms, the router (MoE)
  uint64_t attention_flops_per_token = 0;  // their GEMVs (the router's included); scores: LayerCost
  uint64_t ffn_bytes = 0;                  // the dense FFN, or every shared expert
  uint64_t ffn_flops_per_token = 0;
};
LayerParts layer_parts(const MoeModelConfig& m, const DecoderLayer& layer);
// Bytes of one row of the embedding table; bytes and FLOPs per token of the LM head.
uint64_t embedding_row_bytes(const MoeModelConfig& m);
uint64_t lm_head_bytes(const MoeModelConfig& m);
uint64_t lm_head_flops_per_token(const MoeModelConfig& m);

// KV-cache bytes one token takes in one layer: GQA 2 x kv_heads x head_dim
// values; MLA the compressed latent, kv_lora_rank + qk_rope_head_dim values.
uint64_t kv_bytes_per_token(const MoeModelConfig& m);
// KV-cache bytes of one sequence of `context` tokens over every layer (windowed layers keep at most their window).
uint64_t kv_cache_bytes(const MoeModelConfig& m, uint64_t context);

}  // namespace cxlvp
