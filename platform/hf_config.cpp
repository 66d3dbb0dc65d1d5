#include "hf_config.h"

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "json_reader.h"

namespace cxlvp {

namespace {

constexpr uintmax_t kMaxFileBytes = 16u << 20;  // a config.json is a few KB
constexpr unsigned kMaxLayers = 1u << 16;        // the per-layer tables below are that long

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// The scalar fields of a config.json (json_reader's paths: "text_config/hidden_size",
// "layer_types/3"), read under `prefix` ("" or "text_config/").
class Fields {
 public:
  Fields(const std::map<std::string, std::string>& all, std::string prefix) : all_(all), prefix_(std::move(prefix)) {}

  std::string path(const std::string& name) const { return prefix_ + name; }
  // Present and not null.
  bool has(const std::string& name) const {
    const auto it = all_.find(path(name));
    return it != all_.end() && it->second != "null";
  }
  std::string text(const std::string& name) const {
    if (!has(name)) throw HfConfigError(path(name), "missing field");
    return all_.at(path(name));
  }
  unsigned uint(const std::string& name) const {
    const std::string t = text(name);
    unsigned v = 0;
    const auto [end, error] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (error != std::errc() || end != t.data() + t.size())
      throw HfConfigError(path(name), "expected an unsigned integer (got " + quoted(t) + ")");
    return v;
  }
  unsigned uint_or(const std::string& name, unsigned fallback) const { return has(name) ? uint(name) : fallback; }
  unsigned layer_count() const {
    const unsigned n = uint("num_hidden_layers");
    if (n == 0 || n > kMaxLayers)
      throw HfConfigError(path("num_hidden_layers"), "must be in 1.." + std::to_string(kMaxLayers) + " (got " + std::to_string(n) + ")");
    return n;
  }
  bool flag_or(const std::string& name, bool fallback) const {
    if (!has(name)) return fallback;
    const std::string t = text(name);
    if (t != "true" && t != "false") throw HfConfigError(path(name), "expected true or false (got " + quoted(t) + ")");
    return t == "true";
  }
  std::string text_or(const std::string& name, const std::string& fallback) const { return has(name) ? text(name) : fallback; }
  // The items of an array field, as text; empty when missing or empty.
  std::vector<std::string> list(const std::string& name) const {
    std::vector<std::string> items;
    for (size_t i = 0; has(name + "/" + std::to_string(i)); ++i) items.push_back(text(name + "/" + std::to_string(i)));
    return items;
  }
  std::vector<unsigned> uint_list(const std::string& name) const {
    std::vector<unsigned> items;
    for (size_t i = 0; has(name + "/" + std::to_string(i)); ++i) items.push_back(uint(name + "/" + std::to_string(i)));
    return items;
  }

 private:
  const std::map<std::string, std::string>& all_;
  std::string prefix_;
};

class Import {
 public:
  explicit Import(std::map<std::string, std::string> all) : all_(std::move(all)), top_(all_, "") {}

  std::vector<ImportedKey> run() {
    const std::string type = top_.text("model_type");
    if (type == "deepseek_v3") deepseek_v3(top_);
    else if (type == "mixtral") mixtral_like(top_, false);
    else if (type == "phimoe") mixtral_like(top_, true);
    else if (type == "qwen3_moe") qwen3_moe(top_);
    else if (type == "gpt_oss") gpt_oss(top_);
    else if (type == "llama4") llama4(Fields(all_, "text_config/"));
    else if (type == "llama4_text") llama4(top_);
    else
      throw HfConfigError("model_type", "unknown architecture " + quoted(type) +
                                            " (supported: deepseek_v3, mixtral, qwen3_moe, gpt_oss, llama4, llama4_text, phimoe)");
    return out_;
  }

 private:
  void add(const std::string& key, const std::string& value, const std::string& field) { out_.push_back({key, value, field}); }
  void add(const std::string& key, unsigned value, const std::string& field) { add(key, std::to_string(value), field); }
  void add_bool(const std::string& key, bool value, const std::string& field) { add(key, value ? "true" : "false", field); }

  // What every supported architecture shares: hidden size, vocabulary, top_k, gated FFNs.
  void common(const Fields& f, const Fields& top) {
    add("model.d_model", f.uint("hidden_size"), f.path("hidden_size"));
    add("model.vocab_size", f.uint("vocab_size"), f.path("vocab_size"));
    // Llama 4 keeps it beside text_config; absent, every supported architecture unties.
    const Fields& tie = top.has("tie_word_embeddings") ? top : f;
    add_bool("model.tie_word_embeddings", tie.flag_or("tie_word_embeddings", false), tie.path("tie_word_embeddings"));
    add("model.ffn", "gated", "model_type");
    const std::string k = f.has("num_experts_per_tok") || !f.has("experts_per_token") ? "num_experts_per_tok" : "experts_per_token";
    add("workload.top_k", f.uint(k), f.path(k));
  }

  void gqa(const Fields& f) {
    const unsigned heads = f.uint("num_attention_heads");
    if (heads == 0) throw HfConfigError(f.path("num_attention_heads"), "must be > 0");
    add("model.attention.heads", heads, f.path("num_attention_heads"));
    add("model.attention.kv_heads", f.uint("num_key_value_heads"), f.path("num_key_value_heads"));
    const unsigned head_dim = f.has("head_dim") ? f.uint("head_dim") : f.uint("hidden_size") / heads;
    add("model.attention.head_dim", head_dim, f.path(f.has("head_dim") ? "head_dim" : "hidden_size"));
  }

  // Decoder layer i is MoE when is_moe[i]; the scenario describes the
  // pattern as first_dense_layers dense layers, then each MoE layer after
  // moe_layer_step - 1 dense ones, which every supported model follows.
  void layers(const std::vector<bool>& is_moe, const std::string& field) {
    std::vector<unsigned> moe;
    for (unsigned i = 0; i < is_moe.size(); ++i)
      if (is_moe[i]) moe.push_back(i);
    if (moe.empty()) throw HfConfigError(field, "the model has no MoE layer");
    const unsigned step = moe.size() > 1 ? moe[1] - moe[0] : 1;
    const bool regular = moe[0] + 1 >= step && [&] {
      const unsigned first_dense = moe[0] + 1 - step;
      for (unsigned j = 0; j < moe.size(); ++j)
        if (moe[j] != first_dense + step * j + step - 1) return false;
      return first_dense + step * moe.size() == is_moe.size();
    }();
    if (!regular) {
      std::string list;
      for (unsigned i : moe) list += (list.empty() ? "" : ",") + std::to_string(i);
      throw HfConfigError(field, "MoE layers " + list + " of " + std::to_string(is_moe.size()) +
                                     " do not follow 'k dense layers, then one MoE layer every s layers'");
    }
    add("model.layers", unsigned(moe.size()), field);
    add("model.first_dense_layers", moe[0] + 1 - step, field);
    add("model.moe_layer_step", step, field);
  }

  // Layers that attend fully when full[i]; the others see `window` tokens.
  void windows(unsigned window, const std::vector<bool>& full, const std::string& field) {
    if (window == 0) return;
    unsigned every = 0;
    for (unsigned i = 0; i < full.size(); ++i)
      if (full[i]) {
        every = i + 1;
        break;
      }
    for (unsigned i = 0; i < full.size(); ++i)
      if (full[i] != (every != 0 && (i + 1) % every == 0))
        throw HfConfigError(field, "full-attention layers do not come every N layers");
    add("model.attention.window", window, field);
    add("model.attention.full_every", every, field);
  }

  // torch_dtype (or dtype) for everything, then quantization_config for the matrices it quantizes.
  void formats(const Fields& f, const Fields& top) {
    // Newer transformers write dtype instead of torch_dtype; Llama 4 may keep it in text_config.
    const Fields& where = top.has("torch_dtype") || top.has("dtype") ? top : f;
    const std::string key = where.has("torch_dtype") || !where.has("dtype") ? "torch_dtype" : "dtype";
    const std::string dtype = where.text(key);
    std::string base;
    if (dtype == "bfloat16") base = "bf16";
    else if (dtype == "float16") base = "fp16";
    else if (dtype == "float32") base = "fp32";
    else throw HfConfigError(where.path(key), "expected bfloat16, float16 or float32 (got " + quoted(dtype) + ")");
    add("model.activation_bytes_per_value", base == "fp32" ? 4 : 2, where.path(key));
    const char* classes[] = {"attention", "routed_experts", "shared_experts", "dense_ffn", "router", "embeddings", "lm_head", "norms"};
    struct Chosen {
      std::string format, field;  // the field it comes from, for errors
    };
    std::map<std::string, Chosen> format;
    for (const char* c : classes) format[c] = {base, where.path(key)};
    if (top.has("quantization_config/quant_method")) {
      const std::string q = "quantization_config/";
      const std::string method = top.text(q + "quant_method");
      std::string linear;
      if (method == "fp8") {
        const unsigned rows = top.uint_or(q + "weight_block_size/0", 0), cols = top.uint_or(q + "weight_block_size/1", 0);
        if (rows != cols) throw HfConfigError(q + "weight_block_size", "only square blocks are supported");
        linear = rows ? "fp8_block" + std::to_string(rows) : "fp8";
      } else if (method == "mxfp4") {
        format["routed_experts"] = {"mxfp4", q + "quant_method"};  // GPT-OSS: the other matrices stay in torch_dtype
      } else if (method == "gptq" || method == "awq") {
        const unsigned bits = top.uint(q + "bits");
        if (bits != 4 && bits != 8) throw HfConfigError(q + "bits", "expected 4 or 8 (got " + std::to_string(bits) + ")");
        const std::string group = top.text(q + "group_size");
        linear = "int" + std::to_string(bits) + (group == "-1" ? "" : "_g" + std::to_string(top.uint(q + "group_size")));
      } else {
        throw HfConfigError(q + "quant_method", "unsupported " + quoted(method) + " (supported: fp8, mxfp4, gptq, awq)");
      }
      // The router (gate), embeddings, LM head and norms stay in torch_dtype, as in the checkpoints.
      if (!linear.empty())
        for (const char* c : {"attention", "routed_experts", "shared_experts", "dense_ffn"}) format[c] = {linear, q + "quant_method"};
    }
    for (const char* c : classes) add(std::string("model.format.") + c, format[c].format, format[c].field);
  }

  void deepseek_v3(const Fields& f) {
    common(f, f);
    const unsigned n = f.layer_count(), first = f.uint("first_k_dense_replace"),
                   freq = f.uint_or("moe_layer_freq", 1);
    if (freq == 0) throw HfConfigError(f.path("moe_layer_freq"), "must be > 0");
    std::vector<bool> is_moe(n);
    for (unsigned i = 0; i < n; ++i) is_moe[i] = i >= first && i % freq == 0;
    layers(is_moe, f.path("first_k_dense_replace"));
    add("model.experts", f.uint("n_routed_experts"), f.path("n_routed_experts"));
    add("model.d_ff", f.uint("moe_intermediate_size"), f.path("moe_intermediate_size"));
    add("model.dense_d_ff", f.uint("intermediate_size"), f.path("intermediate_size"));
    const unsigned shared = f.uint_or("n_shared_experts", 0);
    add("model.shared_experts", shared, f.path("n_shared_experts"));
    if (shared) add("model.shared_d_ff", f.uint("moe_intermediate_size"), f.path("moe_intermediate_size"));
    add("model.expert_groups", f.uint_or("n_group", 1), f.path("n_group"));
    add("model.groups_per_token", f.uint_or("topk_group", 1), f.path("topk_group"));
    add_bool("model.router_bias", f.text_or("topk_method", "") == "noaux_tc", f.path("topk_method"));
    add("model.attention.heads", f.uint("num_attention_heads"), f.path("num_attention_heads"));
    add("model.attention.kv_heads", f.uint("num_key_value_heads"), f.path("num_key_value_heads"));
    add("model.attention.q_lora_rank", f.uint_or("q_lora_rank", 0), f.path("q_lora_rank"));
    for (const char* k : {"kv_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim"})
      add(std::string("model.attention.") + k, f.uint(k), f.path(k));
    add_bool("model.attention.bias", f.flag_or("attention_bias", false), f.path("attention_bias"));
    formats(f, f);
  }

  // Mixtral, and Phi-3.5-MoE, which adds biased attention and LM head and LayerNorm.
  void mixtral_like(const Fields& f, bool phi) {
    common(f, f);
    gqa(f);
    layers(std::vector<bool>(f.layer_count(), true), f.path("num_hidden_layers"));
    add("model.experts", f.uint("num_local_experts"), f.path("num_local_experts"));
    add("model.d_ff", f.uint("intermediate_size"), f.path("intermediate_size"));
    if (phi) {
      add_bool("model.attention.bias", f.flag_or("attention_bias", false), f.path("attention_bias"));
      add_bool("model.lm_head_bias", f.flag_or("lm_head_bias", false), f.path("lm_head_bias"));
      add_bool("model.norm_bias", true, "model_type");  // PhiMoE normalizes with LayerNorm
    }
    windows(f.uint_or("sliding_window", 0), std::vector<bool>(f.layer_count(), false), f.path("sliding_window"));
    formats(f, f);
  }

  void qwen3_moe(const Fields& f) {
    common(f, f);
    gqa(f);
    const unsigned n = f.layer_count(), step = f.uint_or("decoder_sparse_step", 1);
    if (step == 0) throw HfConfigError(f.path("decoder_sparse_step"), "must be > 0");
    std::vector<bool> is_moe(n);
    for (unsigned i = 0; i < n; ++i) is_moe[i] = (i + 1) % step == 0;
    for (unsigned i : f.uint_list("mlp_only_layers"))
      if (i < n) is_moe[i] = false;
    layers(is_moe, f.path(f.list("mlp_only_layers").empty() ? "decoder_sparse_step" : "mlp_only_layers"));
    add("model.experts", f.uint("num_experts"), f.path("num_experts"));
    add("model.d_ff", f.uint("moe_intermediate_size"), f.path("moe_intermediate_size"));
    add("model.dense_d_ff", f.uint("intermediate_size"), f.path("intermediate_size"));
    add_bool("model.attention.qk_norm", true, "model_type");  // Qwen3 normalizes queries and keys per head
    add_bool("model.attention.bias", f.flag_or("attention_bias", false), f.path("attention_bias"));
    if (f.flag_or("use_sliding_window", false))
      throw HfConfigError(f.path("use_sliding_window"), "sliding windows on Qwen3 layers are not supported");
    formats(f, f);
  }

  void gpt_oss(const Fields& f) {
    common(f, f);
    gqa(f);
    const unsigned n = f.layer_count();
    layers(std::vector<bool>(n, true), f.path("num_hidden_layers"));
    add("model.experts", f.uint("num_local_experts"), f.path("num_local_experts"));
    add("model.d_ff", f.uint("intermediate_size"), f.path("intermediate_size"));
    add_bool("model.attention.bias", f.flag_or("attention_bias", false), f.path("attention_bias"));
    add_bool("model.attention.sinks", true, "model_type");  // a learned sink logit per head
    add_bool("model.router_bias", true, "model_type");
    add_bool("model.ffn_bias", true, "model_type");
    const std::vector<std::string> types = f.list("layer_types");
    if (types.size() != n) throw HfConfigError(f.path("layer_types"), "expected one entry per layer (" + std::to_string(n) + ")");
    std::vector<bool> full(n);
    for (unsigned i = 0; i < n; ++i) {
      if (types[i] != "full_attention" && types[i] != "sliding_attention")
        throw HfConfigError(f.path("layer_types/" + std::to_string(i)), "expected full_attention or sliding_attention");
      full[i] = types[i] == "full_attention";
    }
    windows(f.uint("sliding_window"), full, f.path("layer_types"));
    formats(f, f);
  }

  void llama4(const Fields& f) {
    common(f, top_);
    gqa(f);
    const unsigned n = f.layer_count();
    std::vector<bool> is_moe(n, false);
    const std::vector<unsigned> listed = f.uint_list("moe_layers");
    if (!listed.empty()) {
      for (unsigned i : listed)
        if (i < n) is_moe[i] = true;
    } else {
      const unsigned step = f.uint("interleave_moe_layer_step");
      if (step == 0) throw HfConfigError(f.path("interleave_moe_layer_step"), "must be > 0");
      for (unsigned i = step - 1; i < n; i += step) is_moe[i] = true;
    }
    layers(is_moe, f.path(listed.empty() ? "interleave_moe_layer_step" : "moe_layers"));
    add("model.experts", f.uint("num_local_experts"), f.path("num_local_experts"));
    add("model.d_ff", f.uint("intermediate_size"), f.path("intermediate_size"));
    add("model.shared_experts", 1, "model_type");  // every Llama 4 MoE layer has one shared expert
    add("model.shared_d_ff", f.uint("intermediate_size"), f.path("intermediate_size"));
    add("model.dense_d_ff", f.uint("intermediate_size_mlp"), f.path("intermediate_size_mlp"));
    add_bool("model.attention.bias", f.flag_or("attention_bias", false), f.path("attention_bias"));
    // Chunked attention on the RoPE layers (no_rope_layers[i] = 1), full attention on the others.
    std::vector<bool> full(n);
    const std::vector<unsigned> rope = f.uint_list("no_rope_layers");
    const unsigned interval = f.uint_or("no_rope_layer_interval", 4);
    for (unsigned i = 0; i < n; ++i) full[i] = rope.size() == n ? rope[i] == 0 : (interval && (i + 1) % interval == 0);
    windows(f.uint_or("attention_chunk_size", 0), full, f.path("no_rope_layers"));
    formats(f, top_);
  }

  const std::map<std::string, std::string> all_;
  const Fields top_;
  std::vector<ImportedKey> out_;
};

}  // namespace

std::vector<ImportedKey> import_hf_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw HfConfigError("", "cannot read: no such file");
  if (!std::filesystem::is_regular_file(path, ec)) throw HfConfigError("", "cannot read: not a regular file");
  if (std::filesystem::file_size(path, ec) > kMaxFileBytes) throw HfConfigError("", "cannot read: larger than 16 MiB");
  std::ifstream in(path);
  if (!in) throw HfConfigError("", std::string("cannot read: ") + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> fields;
  try {
    fields = read_json_scalars(text.str());
  } catch (const std::runtime_error& e) {
    throw HfConfigError("", e.what());
  }
  return Import(std::move(fields)).run();
}

}  // namespace cxlvp
