#pragma once
// ForwardPass: the non-expert work of a whole-layer model's forward pass
// (model.attention.heads > 0; docs/models-zoo.md#the-forward-pass), as the
// GPU `layer` jobs the firmware submits in order: the embedding lookup, per
// decoder layer its attention block (projections, norms, router; scores over
// the context; the KV cache read and appended to) and then its dense FFN or,
// in a MoE layer, its shared experts beside the routed ones, and finally the
// LM head. Sizes and FLOPs come from firmware/transformer_model.h; where the
// weights and the KV cache sit is laid out here, from offsets the platform
// turns into addresses.
//  - prefill: each batch is one prompt of tokens_per_batch tokens; token i
//    attends to the i tokens up to it; the KV cache is written (the
//    attention itself runs on the layer's projections, not re-read from the
//    cache); the LM head runs for the last token only.
//  - decode: each batch is tokens_per_batch sequences generating one token
//    each after context_tokens; each reads its whole context from the KV
//    cache (a windowed layer: at most its window) and appends one token.
#include <cstdint>
#include <vector>

#include "moe_model.h"
#include "routing_generator.h"
#include "transformer_model.h"

namespace cxlvp {

struct LayerWork {
  const char* what = "";           // embeddings, attention, dense_ffn, shared_experts, lm_head
  uint32_t decoder_layer = 0;
  uint32_t tokens = 0;
  uint64_t weight_offset = 0;      // from the start of the resident weights
  uint64_t weight_bytes = 0;
  uint64_t flops = 0;
  uint64_t act_bytes = 0;          // activations in, and out
  uint64_t kv_offset = 0;          // from the start of the KV cache
  uint64_t kv_read_bytes = 0, kv_write_bytes = 0;
};

class ForwardPass {
 public:
  ForwardPass(const MoeModelConfig& model, const WorkloadConfig& workload);

  const std::vector<DecoderLayer>& layers() const { return layers_; }
  LayerWork embeddings() const;
  LayerWork attention(const DecoderLayer& layer) const;
  // The dense FFN, or a MoE layer's shared experts (weight_bytes 0: it has none).
  LayerWork ffn(const DecoderLayer& layer) const;
  LayerWork lm_head() const;

  // The weights kept in GPU HBM: the embedding table, every layer's attention
  // block and dense FFN or shared experts, the LM head.
  uint64_t resident_bytes() const { return resident_bytes_; }
  // The KV cache one batch uses, every layer.
  uint64_t kv_cache_bytes() const { return kv_bytes_; }

 private:
  struct Placed {
    uint64_t attention_offset, ffn_offset, kv_offset, kv_per_token;
    LayerParts parts;
    LayerCost cost;
  };
  uint64_t act(uint32_t tokens) const { return uint64_t(tokens) * model_.activation_bytes_per_token(); }
  // Context tokens `layer` sees for the batch's tokens, summed over them.
  uint64_t context_seen(const DecoderLayer& layer) const;

  MoeModelConfig model_;
  WorkloadConfig workload_;
  std::vector<DecoderLayer> layers_;
  std::vector<Placed> placed_;
  uint32_t tokens_ = 0;     // tokens in a batch
  uint32_t sequences_ = 0;  // sequences in a batch
  uint64_t lm_head_offset_ = 0, resident_bytes_ = 0, kv_bytes_ = 0;
};

}  // namespace cxlvp
