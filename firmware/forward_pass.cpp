#include "forward_pass.h"

#include <algorithm>

namespace cxlvp {

ForwardPass::ForwardPass(const MoeModelConfig& model, const WorkloadConfig& workload)
    : model_(model), workload_(workload), layers_(decoder_layers(model)) {
  const bool prefill = workload.phase == Phase::prefill;
  tokens_ = workload.tokens_per_batch;
  sequences_ = prefill ? 1 : workload.tokens_per_batch;
  // Resident weights: the embedding table, then each layer's blocks, then the LM head.
  uint64_t offset = model.vocab_size ? uint64_t(model.vocab_size) * embedding_row_bytes(model) : 0;
  uint64_t kv = 0;
  for (const DecoderLayer& l : layers_) {
    Placed p{};
    p.parts = layer_parts(model, l);
    p.cost = layer_cost(model, l, workload.top_k);
    p.attention_offset = offset;
    p.ffn_offset = offset + p.parts.attention_bytes;
    offset = p.ffn_offset + p.parts.ffn_bytes;
    // Each sequence's cache holds the tokens this layer keeps (a window at most).
    uint64_t kept = prefill ? tokens_ : uint64_t(workload.context_tokens) + 1;
    if (l.window) kept = std::min<uint64_t>(kept, l.window);
    p.kv_per_token = p.cost.kv_bytes_per_token;
    p.kv_offset = kv;
    kv += uint64_t(sequences_) * kept * p.kv_per_token;
    placed_.push_back(p);
  }
  lm_head_offset_ = model.tie_word_embeddings ? 0 : offset;
  resident_bytes_ = offset + (model.tie_word_embeddings ? 0 : lm_head_bytes(model));
  kv_bytes_ = kv;
}

uint64_t ForwardPass::context_seen(const DecoderLayer& layer) const {
  const uint64_t window = layer.window;
  if (workload_.phase == Phase::decode) {
    const uint64_t seen = uint64_t(workload_.context_tokens) + 1;
    return uint64_t(sequences_) * (window ? std::min(seen, window) : seen);
  }
  // Token i (1-based) sees min(i, window) tokens: sum over i = 1..n.
  const uint64_t n = tokens_;
  if (!window || window >= n) return n * (n + 1) / 2;
  return window * (window + 1) / 2 + (n - window) * window;
}

LayerWork ForwardPass::embeddings() const {
  LayerWork w;
  w.what = "embeddings";
  w.tokens = tokens_;
  w.weight_bytes = model_.vocab_size ? uint64_t(tokens_) * embedding_row_bytes(model_) : 0;  // one row per token
  w.act_bytes = act(tokens_);
  return w;
}

LayerWork ForwardPass::attention(const DecoderLayer& layer) const {
  const Placed& p = placed_[layer.index];
  LayerWork w;
  w.what = "attention";
  w.decoder_layer = layer.index;
  w.tokens = tokens_;
  w.weight_offset = p.attention_offset;
  w.weight_bytes = p.parts.attention_bytes;
  w.flops = uint64_t(tokens_) * p.parts.attention_flops_per_token +
            p.cost.attention_flops_per_token_per_context_token * context_seen(layer);
  w.act_bytes = act(tokens_);
  w.kv_offset = p.kv_offset;
  if (workload_.phase == Phase::decode) {
    uint64_t context = workload_.context_tokens;
    if (layer.window) context = std::min<uint64_t>(context, layer.window - 1);
    w.kv_read_bytes = uint64_t(sequences_) * context * p.kv_per_token;
    w.kv_write_bytes = uint64_t(sequences_) * p.kv_per_token;
  } else {
    const uint64_t kept = layer.window ? std::min<uint64_t>(tokens_, layer.window) : tokens_;
    w.kv_write_bytes = kept * p.kv_per_token;
  }
  return w;
}

LayerWork ForwardPass::ffn(const DecoderLayer& layer) const {
  const Placed& p = placed_[layer.index];
  LayerWork w;
  w.what = layer.kind == LayerKind::dense ? "dense_ffn" : "shared_experts";
  w.decoder_layer = layer.index;
  w.tokens = tokens_;
  w.weight_offset = p.ffn_offset;
  w.weight_bytes = p.parts.ffn_bytes;
  w.flops = uint64_t(tokens_) * p.parts.ffn_flops_per_token;
  w.act_bytes = act(tokens_);
  return w;
}

LayerWork ForwardPass::lm_head() const {
  LayerWork w;
  w.what = "lm_head";
  w.decoder_layer = uint32_t(layers_.size());
  w.tokens = workload_.phase == Phase::prefill ? 1 : tokens_;  // a prompt's logits: its last token only
  w.weight_offset = lm_head_offset_;
  w.weight_bytes = lm_head_bytes(model_);
  w.flops = uint64_t(w.tokens) * lm_head_flops_per_token(model_);
  w.act_bytes = act(w.tokens);
  return w;
}

}  // namespace cxlvp
