#include "transformer_model.h"

#include <algorithm>

namespace cxlvp {

namespace {

// Model-wide totals multiply user-given counts (layers x experts x bytes):
// they saturate at 2^60 instead of wrapping, so that an absurd scenario reads
// as too large for every memory, never as small. Sums of a few saturated
// values stay inside 64 bits.
constexpr uint64_t kSaturated = 1ull << 60;
uint64_t mul(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kSaturated / b ? kSaturated : std::min(a * b, kSaturated);
}
uint64_t mul(uint64_t a, uint64_t b, uint64_t c) { return mul(mul(a, b), c); }

// One matrix: its parameters and its bytes in the format of its class.
struct Matrix {
  uint64_t rows, cols;
};

uint64_t bytes_of(const MoeModelConfig& m, TensorClass c, std::initializer_list<Matrix> matrices, uint64_t vector_params) {
  uint64_t bytes = vector_params ? matrix_bytes(m.format(TensorClass::norms), 1, vector_params, m.weight_bytes_per_param) : 0;
  for (const Matrix& x : matrices) bytes += matrix_bytes(m.format(c), x.rows, x.cols, m.weight_bytes_per_param);
  return bytes;
}

uint64_t params_of(std::initializer_list<Matrix> matrices, uint64_t vector_params) {
  uint64_t params = vector_params;
  for (const Matrix& x : matrices) params += x.rows * x.cols;
  return params;
}

// One layer's attention: its matrices, and its biases and sinks (1-D tensors).
struct AttentionWeights {
  std::vector<Matrix> matrices;
  uint64_t vectors = 0;
};

unsigned gqa_head_dim(const MoeModelConfig& m) {
  const AttentionConfig& a = m.attention;
  return a.head_dim ? a.head_dim : m.d_model / a.heads;
}

AttentionWeights attention_weights(const MoeModelConfig& m) {
  const AttentionConfig& a = m.attention;
  const uint64_t d = m.d_model, h = a.heads;
  AttentionWeights w;
  if (a.heads == 0) return w;
  if (a.mla()) {
    const uint64_t qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    if (a.q_lora_rank) {
      w.matrices.push_back({a.q_lora_rank, d});       // q_a
      w.matrices.push_back({h * qk, a.q_lora_rank});  // q_b
    } else {
      w.matrices.push_back({h * qk, d});  // q
    }
    w.matrices.push_back({uint64_t(a.kv_lora_rank) + a.qk_rope_head_dim, d});        // kv_a (latent and shared rope key)
    w.matrices.push_back({h * (a.qk_nope_head_dim + a.v_head_dim), a.kv_lora_rank});  // kv_b
    w.matrices.push_back({d, h * a.v_head_dim});                                       // o
    if (a.bias) w.vectors += h * qk + a.kv_lora_rank + a.qk_rope_head_dim + h * (a.qk_nope_head_dim + a.v_head_dim) + d;
  } else {
    const uint64_t hd = gqa_head_dim(m), kv = uint64_t(a.kv_heads ? a.kv_heads : a.heads) * hd;
    w.matrices = {{h * hd, d}, {kv, d}, {kv, d}, {d, h * hd}};  // q, k, v, o
    if (a.bias) w.vectors += h * hd + 2 * kv + d;
  }
  if (a.sinks) w.vectors += h;
  return w;
}

uint64_t sum_params(const std::vector<Matrix>& matrices) {
  uint64_t p = 0;
  for (const Matrix& x : matrices) p += x.rows * x.cols;
  return p;
}

uint64_t attention_bytes(const MoeModelConfig& m) {
  const AttentionWeights w = attention_weights(m);
  uint64_t bytes = w.vectors ? matrix_bytes(m.format(TensorClass::norms), 1, w.vectors, m.weight_bytes_per_param) : 0;
  for (const Matrix& x : w.matrices) bytes += matrix_bytes(m.format(TensorClass::attention), x.rows, x.cols, m.weight_bytes_per_param);
  return bytes;
}

uint64_t norm_bytes(const MoeModelConfig& m, uint64_t params) {
  return matrix_bytes(m.format(TensorClass::norms), 1, params, m.weight_bytes_per_param);
}

uint64_t ffn_bias_params(const MoeModelConfig& m, unsigned inner) {
  return m.ffn_bias ? uint64_t(m.ffn_matrices() - 1) * inner + m.d_model : 0;
}

unsigned shared_inner(const MoeModelConfig& m) { return m.shared_d_ff ? m.shared_d_ff : m.d_ff; }
unsigned dense_inner(const MoeModelConfig& m) { return m.dense_d_ff ? m.dense_d_ff : m.d_ff; }

uint64_t router_bytes(const MoeModelConfig& m) {
  if (!m.whole_layers()) return 0;
  return bytes_of(m, TensorClass::router, {{m.experts, m.d_model}}, m.router_bias ? m.experts : 0);
}

// Score (q.k) and weighted-value FLOPs per context token, all heads.
uint64_t attention_score_flops(const MoeModelConfig& m) {
  const AttentionConfig& a = m.attention;
  if (a.heads == 0) return 0;
  const uint64_t qk = a.mla() ? a.qk_nope_head_dim + a.qk_rope_head_dim : gqa_head_dim(m);
  const uint64_t v = a.mla() ? a.v_head_dim : gqa_head_dim(m);
  return 2ull * a.heads * (qk + v);
}

}  // namespace

uint64_t saturated_product(uint64_t a, uint64_t b, uint64_t c) { return mul(a, b, c); }

const char* tensor_class_name(TensorClass c) {
  switch (c) {
    case TensorClass::attention: return "attention";
    case TensorClass::routed_experts: return "routed_experts";
    case TensorClass::shared_experts: return "shared_experts";
    case TensorClass::dense_ffn: return "dense_ffn";
    case TensorClass::router: return "router";
    case TensorClass::embeddings: return "embeddings";
    case TensorClass::lm_head: return "lm_head";
    case TensorClass::norms: return "norms";
  }
  return "?";
}

uint64_t decoder_layer_count(const MoeModelConfig& m) {
  return m.first_dense_layers + uint64_t(m.moe_layer_step) * m.layers;
}

std::vector<DecoderLayer> decoder_layers(const MoeModelConfig& m) {
  std::vector<DecoderLayer> out;
  const uint64_t count = decoder_layer_count(m);
  out.reserve(count);
  unsigned moe = 0;
  for (unsigned i = 0; i < count; ++i) {
    DecoderLayer l;
    l.index = i;
    const bool is_moe = i >= m.first_dense_layers && (i - m.first_dense_layers + 1) % m.moe_layer_step == 0;
    l.kind = is_moe ? LayerKind::moe : LayerKind::dense;
    l.moe_index = is_moe ? moe++ : 0;
    const AttentionConfig& a = m.attention;
    const bool full = a.window == 0 || (a.full_every != 0 && (i + 1) % a.full_every == 0);
    l.window = full ? 0 : a.window;
    out.push_back(l);
  }
  return out;
}

uint64_t attention_params(const MoeModelConfig& m) {
  const AttentionWeights w = attention_weights(m);
  return sum_params(w.matrices) + w.vectors;
}

uint64_t ffn_params(const MoeModelConfig& m, unsigned inner) {
  return uint64_t(m.ffn_matrices()) * m.d_model * inner + ffn_bias_params(m, inner);
}

uint64_t router_params(const MoeModelConfig& m) {
  return m.whole_layers() ? params_of({{m.experts, m.d_model}}, m.router_bias ? m.experts : 0) : 0;
}

uint64_t layer_norm_params(const MoeModelConfig& m) {
  if (!m.whole_layers()) return 0;
  const AttentionConfig& a = m.attention;
  uint64_t weights = 2ull * m.d_model;  // before attention and before the FFN
  if (a.mla()) weights += a.q_lora_rank + a.kv_lora_rank;
  if (a.qk_norm) weights += 2ull * (a.mla() ? a.qk_nope_head_dim + a.qk_rope_head_dim : gqa_head_dim(m));
  return m.norm_bias ? 2 * weights : weights;
}

uint64_t ModelSize::params_total() const {
  uint64_t sum = 0;
  for (const auto& c : classes) sum += c.params;
  return sum;
}

uint64_t ModelSize::bytes_total() const {
  uint64_t sum = 0;
  for (const auto& c : classes) sum += c.bytes;
  return sum;
}

uint64_t ModelSize::params_active_per_token() const {
  uint64_t sum = 0;
  for (const auto& c : classes) sum += c.active_params_per_token;
  return sum;
}

uint64_t ModelSize::params_active_per_token_excl_embedding() const {
  return tied ? params_active_per_token() : params_active_per_token() - of(TensorClass::embeddings).active_params_per_token;
}

ModelSize model_size(const MoeModelConfig& m, unsigned top_k) {
  ModelSize s;
  s.tied = m.tie_word_embeddings;
  const uint64_t moe = m.layers, all = decoder_layer_count(m), dense = all - moe;
  const auto set = [&s](TensorClass c, uint64_t params, uint64_t bytes, uint64_t active) {
    s.classes[size_t(c)] = {params, bytes, active};
  };
  const uint64_t attention = attention_params(m);
  set(TensorClass::attention, mul(all, attention), mul(all, attention_bytes(m)), mul(all, attention));
  const uint64_t expert = ffn_params(m, m.d_ff);
  set(TensorClass::routed_experts, mul(moe, m.experts, expert), mul(moe, m.experts, m.bytes_per_expert()),
      mul(moe, top_k, expert));
  const uint64_t shared = uint64_t(m.shared_experts) * ffn_params(m, shared_inner(m));
  set(TensorClass::shared_experts, mul(moe, shared),
      mul(moe, m.shared_experts, m.ffn_bytes(shared_inner(m), TensorClass::shared_experts)), mul(moe, shared));
  const uint64_t dense_ffn = ffn_params(m, dense_inner(m));
  set(TensorClass::dense_ffn, mul(dense, dense_ffn), mul(dense, m.ffn_bytes(dense_inner(m), TensorClass::dense_ffn)),
      mul(dense, dense_ffn));
  set(TensorClass::router, mul(moe, router_params(m)), mul(moe, router_bytes(m)), mul(moe, router_params(m)));
  const uint64_t table = uint64_t(m.vocab_size) * m.d_model;
  set(TensorClass::embeddings, table, matrix_bytes(m.format(TensorClass::embeddings), m.vocab_size, m.d_model, m.weight_bytes_per_param),
      table);
  const uint64_t head_bias = m.lm_head_bias ? m.vocab_size : 0;
  const uint64_t head = (m.tie_word_embeddings ? 0 : table) + head_bias;
  const uint64_t head_bytes =
      (m.tie_word_embeddings ? 0 : matrix_bytes(m.format(TensorClass::lm_head), m.vocab_size, m.d_model, m.weight_bytes_per_param)) +
      (head_bias ? norm_bytes(m, head_bias) : 0);
  // A tied head is the embedding table, counted once (as the model cards do)
  // though every token uses it twice: its active parameters stay with the embeddings.
  set(TensorClass::lm_head, head, head_bytes, head);
  const uint64_t norms =
      m.whole_layers() ? std::min(mul(all, layer_norm_params(m)) + (m.norm_bias ? 2 : 1) * uint64_t(m.d_model), kSaturated) : 0;
  set(TensorClass::norms, norms, norms ? norm_bytes(m, norms) : 0, norms);
  return s;
}

uint64_t kv_bytes_per_token(const MoeModelConfig& m) {
  const AttentionConfig& a = m.attention;
  if (a.heads == 0) return 0;
  const uint64_t values = a.mla() ? uint64_t(a.kv_lora_rank) + a.qk_rope_head_dim
                                  : 2ull * (a.kv_heads ? a.kv_heads : a.heads) * gqa_head_dim(m);
  return values * m.activation_bytes_per_value;
}

uint64_t kv_cache_bytes(const MoeModelConfig& m, uint64_t context) {
  uint64_t bytes = 0;
  for (const DecoderLayer& l : decoder_layers(m))
    bytes += kv_bytes_per_token(m) * (l.window && context > l.window ? l.window : context);
  return bytes;
}

LayerParts layer_parts(const MoeModelConfig& m, const DecoderLayer& layer) {
  LayerParts p;
  if (!m.whole_layers()) return p;
  p.attention_bytes = attention_bytes(m) + norm_bytes(m, layer_norm_params(m));
  uint64_t attention_macs = sum_params(attention_weights(m).matrices);
  if (layer.kind == LayerKind::dense) {
    p.ffn_bytes = m.ffn_bytes(dense_inner(m), TensorClass::dense_ffn);
    p.ffn_flops_per_token = 2ull * m.ffn_matrices() * m.d_model * dense_inner(m);
  } else {
    p.attention_bytes += router_bytes(m);
    attention_macs += uint64_t(m.experts) * m.d_model;
    p.ffn_bytes = m.shared_experts * m.ffn_bytes(shared_inner(m), TensorClass::shared_experts);
    p.ffn_flops_per_token = 2ull * m.ffn_matrices() * m.d_model * uint64_t(m.shared_experts) * shared_inner(m);
  }
  p.attention_flops_per_token = 2 * attention_macs;
  return p;
}

uint64_t embedding_row_bytes(const MoeModelConfig& m) {
  return matrix_bytes(m.format(TensorClass::embeddings), 1, m.d_model, m.weight_bytes_per_param);
}

uint64_t lm_head_bytes(const MoeModelConfig& m) {
  if (m.vocab_size == 0) return 0;
  const TensorClass c = m.tie_word_embeddings ? TensorClass::embeddings : TensorClass::lm_head;
  return matrix_bytes(m.format(c), m.vocab_size, m.d_model, m.weight_bytes_per_param) +
         (m.lm_head_bias ? norm_bytes(m, m.vocab_size) : 0);
}

uint64_t lm_head_flops_per_token(const MoeModelConfig& m) { return 2ull * m.vocab_size * m.d_model; }

LayerCost layer_cost(const MoeModelConfig& m, const DecoderLayer& layer, unsigned top_k) {
  LayerCost c;
  const uint64_t attention_w = attention_bytes(m);
  const uint64_t norms = m.whole_layers() ? norm_bytes(m, layer_norm_params(m)) : 0;
  // FLOPs count the matrices: 2 per weight a token's GEMVs use (vectors add a few per value, left out).
  uint64_t macs_per_token = sum_params(attention_weights(m).matrices);
  c.weight_bytes = attention_w + norms;
  c.weight_bytes_per_token = attention_w + norms;
  if (layer.kind == LayerKind::dense) {
    const uint64_t ffn = m.ffn_bytes(dense_inner(m), TensorClass::dense_ffn);
    c.weight_bytes += ffn;
    c.weight_bytes_per_token += ffn;
    macs_per_token += uint64_t(m.ffn_matrices()) * m.d_model * dense_inner(m);
  } else {
    const uint64_t shared = m.shared_experts * m.ffn_bytes(shared_inner(m), TensorClass::shared_experts);
    c.weight_bytes += router_bytes(m) + shared + uint64_t(m.experts) * m.bytes_per_expert();
    c.weight_bytes_per_token += router_bytes(m) + shared + uint64_t(top_k) * m.bytes_per_expert();
    if (m.whole_layers()) macs_per_token += uint64_t(m.experts) * m.d_model;  // router
    macs_per_token += uint64_t(m.ffn_matrices()) * m.d_model *
                      (uint64_t(m.shared_experts) * shared_inner(m) + uint64_t(top_k) * m.d_ff);
  }
  c.flops_per_token = 2 * macs_per_token;
  c.attention_flops_per_token_per_context_token = attention_score_flops(m);
  c.kv_bytes_per_token = kv_bytes_per_token(m);
  c.window = layer.window;
  return c;
}

}  // namespace cxlvp
