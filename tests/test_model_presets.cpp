// Model presets, Hugging Face config.json import and capacity planning:
// every preset's summary.json parameter counts match its model card within
// 2 %, each preset's config.json (tests/data/hf/) gives exactly the preset's
// model, bad config.json files are refused naming the field, and a model that
// does not fit its memories is refused with needed and available per memory.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "command_runner.h"
#include "platform/json_reader.h"
#include "platform/scenario_loader.h"
#include "platform/scenario_schema.h"

namespace fs = std::filesystem;
using namespace cxlvp;
using cxlvp_test::check_rejected;
using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;

namespace {

const std::string kMinimal = std::string(CXLVP_SOURCE_DIR) + "/tests/data/minimal.yaml";

std::string hf(const std::string& preset) { return std::string(CXLVP_SOURCE_DIR) + "/tests/data/hf/" + preset + "/config.json"; }

// Memories large enough for every preset (the largest, Llama 4 Maverick, needs 721 GiB of CXL memory).
const char* const kRoomy = " --set platform.cxl.dram.capacity_GiB=1024 --set platform.gpu.hbm.capacity_GiB=80";

// What the model cards say. GPT-OSS's card counts active parameters without
// the embedding table (its table of parameter counts: 5.13 B and 3.61 B), the
// others with it.
struct Card {
  const char* preset;
  double total, active;
  bool active_excludes_embedding;
};

const Card kCards[] = {
    {"deepseek-v3", 671e9, 37e9, false},     {"mixtral-8x7b", 46.7e9, 12.9e9, false},
    {"mixtral-8x22b", 141e9, 39e9, false},   {"qwen3-30b-a3b", 30.5e9, 3.3e9, false},
    {"qwen3-235b-a22b", 235e9, 22e9, false}, {"gpt-oss-20b", 21e9, 3.6e9, true},
    {"gpt-oss-120b", 117e9, 5.1e9, true},    {"llama4-maverick", 400e9, 17e9, false},
    {"phi3.5-moe", 42e9, 6.6e9, false},
};

const Card& card(const std::string& preset) {
  for (const Card& c : kCards)
    if (c.preset == preset) return c;
  FAIL("no card for " << preset);
  throw;
}

// One batch of a few tokens, every expert on the NDP engine in per-token
// mode (no weight streams): a run of the whole model in well under a second.
void check_summary_against_card(const std::string& preset) {
  const fs::path out = cxlvp_test::scratch() / preset;
  const Outcome o = run_cxlvp("run " + kMinimal + " --quiet --out " + out.string() + " --set model.preset=" + preset + kRoomy +
                              " --set workload.tokens_per_batch=4 --set workload.batches=1 --set simulation.compute=per_token"
                              " --set policy.name=static_tiers --set policy.hot_experts=0 --set policy.warm_experts=0");
  INFO(o.err);
  REQUIRE(o.status == 0);
  const auto summary = read_json_scalars(cxlvp_test::slurp(out / "summary.json"));
  const Card& c = card(preset);
  const double total = std::stod(summary.at("model/params_total"));
  const double active = std::stod(
      summary.at(c.active_excludes_embedding ? "model/params_active_per_token_excl_embedding" : "model/params_active_per_token"));
  WARN(preset << ": " << total / 1e9 << " B total (card " << c.total / 1e9 << " B), " << active / 1e9
              << " B active (card " << c.active / 1e9 << " B)");
  CHECK(std::fabs(total / c.total - 1) <= 0.02);
  CHECK(std::fabs(active / c.active - 1) <= 0.02);
  CHECK(summary.at("model/source") == "preset:" + preset);
}

// Every model key (and top_k) as the loader shows it.
std::string model_keys(const Scenario& s) {
  Scenario copy = s;
  std::string text;
  for (const auto& entry : keys::schema().keys()) {
    const bool model = entry.path.rfind("model.", 0) == 0 || entry.path == "workload.top_k";
    if (entry.is_block() || !model || entry.path == kModelPresetKey || entry.path == kHfConfigKey) continue;
    text += entry.path + ": " + entry.show(copy) + "\n";
  }
  return text;
}

// minimal.yaml with `model_source` and memories large enough for every preset.
Scenario load_roomy(const std::string& model_source, std::vector<std::string> more = {}) {
  more.insert(more.begin(), {model_source, "platform.cxl.dram.capacity_GiB=1024", "platform.gpu.hbm.capacity_GiB=80"});
  return load_scenario(kMinimal, more);
}

void check_hf_config_is_the_preset(const std::string& preset) {
  const Scenario from_preset = load_roomy("model.preset=" + preset);
  const Scenario from_hf = load_roomy("model.hf_config=" + hf(preset));
  CHECK(model_keys(from_hf) == model_keys(from_preset));
  CHECK(from_hf.model.hf_config == hf(preset));
  CHECK(from_preset.model.preset == preset);
}

// A copy of `preset`'s config.json with `from` replaced by `to` (from must occur).
fs::path edited_config(const std::string& preset, const std::string& from, const std::string& to) {
  std::string text = cxlvp_test::slurp(hf(preset));
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  const fs::path dir = cxlvp_test::scratch() / ("edited_" + preset);
  fs::create_directories(dir);
  std::ofstream(dir / "config.json") << text;
  return dir / "config.json";
}

Outcome validate_hf(const fs::path& config) { return run_cxlvp("validate " + kMinimal + " --set model.hf_config=" + config.string()); }

}  // namespace

// summary.json's parameter counts against each model card (2 %).
TEST_CASE("preset deepseek-v3: summary.json params match the model card", "[models]") { check_summary_against_card("deepseek-v3"); }
TEST_CASE("preset mixtral-8x7b: summary.json params match the model card", "[models]") { check_summary_against_card("mixtral-8x7b"); }
TEST_CASE("preset mixtral-8x22b: summary.json params match the model card", "[models]") { check_summary_against_card("mixtral-8x22b"); }
TEST_CASE("preset qwen3-30b-a3b: summary.json params match the model card", "[models]") { check_summary_against_card("qwen3-30b-a3b"); }
TEST_CASE("preset qwen3-235b-a22b: summary.json params match the model card", "[models]") { check_summary_against_card("qwen3-235b-a22b"); }
TEST_CASE("preset gpt-oss-20b: summary.json params match the model card", "[models]") { check_summary_against_card("gpt-oss-20b"); }
TEST_CASE("preset gpt-oss-120b: summary.json params match the model card", "[models]") { check_summary_against_card("gpt-oss-120b"); }
TEST_CASE("preset llama4-maverick: summary.json params match the model card", "[models]") { check_summary_against_card("llama4-maverick"); }
TEST_CASE("preset phi3.5-moe: summary.json params match the model card", "[models]") { check_summary_against_card("phi3.5-moe"); }

TEST_CASE("every preset has a card and a config.json, and loads", "[models]") {
  for (const ModelPreset& p : model_presets()) {
    INFO(p.name);
    card(p.name);
    CHECK(fs::exists(hf(p.name)));
    CHECK_NOTHROW(load_roomy("model.preset=" + p.name));
  }
}

// Each preset's config.json, read by model.hf_config, gives exactly the preset's keys.
TEST_CASE("hf_config deepseek-v3 gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("deepseek-v3"); }
TEST_CASE("hf_config mixtral-8x7b gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("mixtral-8x7b"); }
TEST_CASE("hf_config mixtral-8x22b gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("mixtral-8x22b"); }
TEST_CASE("hf_config qwen3-30b-a3b gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("qwen3-30b-a3b"); }
TEST_CASE("hf_config qwen3-235b-a22b gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("qwen3-235b-a22b"); }
TEST_CASE("hf_config gpt-oss-20b gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("gpt-oss-20b"); }
TEST_CASE("hf_config gpt-oss-120b gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("gpt-oss-120b"); }
TEST_CASE("hf_config llama4-maverick gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("llama4-maverick"); }
TEST_CASE("hf_config phi3.5-moe gives the preset's model", "[models][hf]") { check_hf_config_is_the_preset("phi3.5-moe"); }

TEST_CASE("the scenario's own keys and --set override a preset", "[models]") {
  const Scenario s = load_roomy("model.preset=deepseek-v3", {"model.layers=2", "workload.top_k=4"});
  CHECK(s.model.layers == 2);
  CHECK(s.workload.top_k == 4);
  CHECK(s.model.first_dense_layers == 3);  // the rest stays the preset's
  CHECK(s.model.expert_groups == 8);
}

TEST_CASE("a config.json written in a scenario is found next to the scenario", "[models][hf]") {
  const fs::path dir = cxlvp_test::scratch() / "beside";
  fs::create_directories(dir / "cfg");
  fs::copy_file(hf("mixtral-8x7b"), dir / "cfg" / "config.json", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "s.yaml") << "name: beside\nmodel:\n  hf_config: cfg/config.json\n";
  const Scenario s = load_scenario((dir / "s.yaml").string());
  CHECK(s.model.experts == 8);
  CHECK(s.model.d_ff == 14336);
  CHECK(s.workload.top_k == 2);
}

TEST_CASE("bad config.json files and model sources are refused in one line naming the field", "[models][hf]") {
  // An architecture the importer does not know.
  check_rejected(validate_hf(edited_config("mixtral-8x7b", "\"model_type\": \"mixtral\"", "\"model_type\": \"llama\"")),
                 "model_type: unknown architecture 'llama'");
  // A field it needs, missing.
  check_rejected(validate_hf(edited_config("deepseek-v3", "\"n_routed_experts\": 256,", "")), "n_routed_experts: missing field");
  check_rejected(validate_hf(edited_config("llama4-maverick", "\"intermediate_size_mlp\": 16384,", "")),
                 "text_config/intermediate_size_mlp: missing field");
  // Of the wrong form, or out of the key's range.
  check_rejected(validate_hf(edited_config("qwen3-30b-a3b", "\"hidden_size\": 2048", "\"hidden_size\": \"big\"")),
                 "hidden_size: expected an unsigned integer (got 'big')");
  check_rejected(validate_hf(edited_config("qwen3-30b-a3b", "\"hidden_size\": 2048", "\"hidden_size\": 2000000")),
                 "hidden_size: as model.d_model: must be in 1..1048576");
  check_rejected(validate_hf(edited_config("gpt-oss-20b", "\"quant_method\": \"mxfp4\"", "\"quant_method\": \"bitnet\"")),
                 "quantization_config/quant_method: unsupported 'bitnet'");
  // A layer pattern the scenario cannot describe.
  check_rejected(validate_hf(edited_config("qwen3-30b-a3b", "\"mlp_only_layers\": []", "\"mlp_only_layers\": [5]")),
                 "mlp_only_layers: MoE layers");
  // Not JSON, or not there.
  check_rejected(validate_hf(edited_config("mixtral-8x7b", "\"vocab_size\": 32000", "\"vocab_size\": ")), "json:");
  check_rejected(validate_hf(cxlvp_test::scratch() / "nowhere.json"), "cannot read: no such file");
  check_rejected(validate_hf("/dev/zero"), "cannot read: not a regular file");
  // Hostile sizes: nesting that would overflow the parser's stack, a layer count that would exhaust memory.
  const fs::path deep = cxlvp_test::scratch() / "deep.json";
  std::ofstream(deep) << std::string(1000000, '[');
  check_rejected(validate_hf(deep), "json: nested deeper than 256");
  check_rejected(validate_hf(edited_config("mixtral-8x7b", "\"num_hidden_layers\": 32", "\"num_hidden_layers\": 4000000000")),
                 "num_hidden_layers: must be in 1..65536 (got 4000000000)");
  // Every one names the key and the file.
  const Outcome o = validate_hf(edited_config("deepseek-v3", "\"n_routed_experts\": 256,", ""));
  CHECK(o.err.find("--set: model.hf_config: ") != std::string::npos);
  CHECK(o.err.find("edited_deepseek-v3/config.json") != std::string::npos);
  // Two sources at once, or a preset that does not exist.
  check_rejected(run_cxlvp("validate " + kMinimal + " --set model.preset=mixtral-8x7b --set model.hf_config=" + hf("mixtral-8x7b")),
                 "give model.preset or model.hf_config, not both");
  check_rejected(run_cxlvp("validate " + kMinimal + " --set model.preset=gpt-5"), "unknown model preset 'gpt-5' (expected one of deepseek-v3");
  check_rejected(run_cxlvp("validate " + kMinimal + " --set model.format.routed_experts=int3"), "model.format.routed_experts: must be one of auto");
}

TEST_CASE("model keys that only mean something with another are refused", "[models]") {
  const auto refused = [](std::vector<std::string> sets, const std::string& expected) {
    std::string args = "validate " + kMinimal;
    for (const auto& s : sets) args += " --set " + s;
    check_rejected(run_cxlvp(args), expected);
  };
  refused({"model.expert_groups=5"}, "model.expert_groups: must divide model.experts, which is 32 (got 5)");
  refused({"model.expert_groups=4", "model.groups_per_token=8"}, "model.groups_per_token: must be <= model.expert_groups");
  refused({"model.expert_groups=8", "model.groups_per_token=1", "workload.top_k=5"},
          "workload.top_k: must be <= model.groups_per_token x experts per group, which is 4 (got 5)");
  refused({"model.attention.kv_heads=8"}, "model.attention.kv_heads: has no effect without attention");
  refused({"model.attention.heads=32", "model.attention.kv_heads=5"}, "model.attention.kv_heads: must divide model.attention.heads");
  refused({"model.attention.heads=3"}, "model.attention.heads: must divide model.d_model");
  refused({"model.attention.heads=8", "model.attention.kv_lora_rank=64"}, "model.attention.qk_rope_head_dim: MLA");
  refused({"model.attention.heads=8", "model.attention.v_head_dim=64"}, "only used with MLA");
  refused({"model.shared_d_ff=512"}, "model.shared_d_ff: only used with model.shared_experts > 0");
  refused({"model.dense_d_ff=512"}, "model.dense_d_ff: only used with dense layers");
  refused({"simulation.data=functional", "model.ffn=gated"}, "model.ffn: functional mode computes plain two-matrix experts");
}

TEST_CASE("a whole model written as keys: summary.json's model block equals the counts worked out by hand", "[models]") {
  // tests/data/whole_model.yaml: d_model 256, 1 dense + 2 MoE layers, GQA 4 heads (2 KV) of 64.
  const fs::path out = cxlvp_test::scratch() / "whole";
  const Outcome o = run_cxlvp("run " + std::string(CXLVP_SOURCE_DIR) + "/tests/data/whole_model.yaml --quiet --out " + out.string());
  INFO(o.err);
  REQUIRE(o.status == 0);
  const auto s = read_json_scalars(cxlvp_test::slurp(out / "summary.json"));
  const auto number = [&s](const std::string& path) { return std::stoull(s.at("model/" + path)); };
  const uint64_t attention = 3 * (256 * 256 + 2 * 256 * 128 + 256 * 256);  // q, k, v, o per layer, 3 layers
  const uint64_t expert = 3 * 256 * 128;                                    // gate, up, down
  const uint64_t routed = 2 * 8 * expert, routed_active = 2 * 2 * expert;   // 2 MoE layers, top_k 2
  const uint64_t shared = 2 * expert, dense = 3 * 256 * 512, router = 2 * 8 * 256;
  const uint64_t table = 1000 * 256, norms = 3 * 2 * 256 + 256;
  CHECK(number("decoder_layers") == 3);
  CHECK(number("dense_layers") == 1);
  CHECK(number("tensor_classes/attention/params") == attention);
  CHECK(number("tensor_classes/routed_experts/params") == routed);
  CHECK(number("tensor_classes/routed_experts/active_params_per_token") == routed_active);
  CHECK(number("tensor_classes/shared_experts/params") == shared);
  CHECK(number("tensor_classes/dense_ffn/params") == dense);
  CHECK(number("tensor_classes/router/params") == router);
  CHECK(number("tensor_classes/norms/params") == norms);
  const uint64_t total = attention + routed + shared + dense + router + 2 * table + norms;
  CHECK(number("params_total") == total);
  CHECK(total == 3270400);
  CHECK(number("params_active_per_token") == total - routed + routed_active);
  CHECK(number("params_active_per_token_excl_embedding") == total - routed + routed_active - table);
  CHECK(number("weight_bytes") == 2 * total);  // all bf16
  CHECK(s.at("model/source") == "keys");
  CHECK(s.at("model/tensor_classes/routed_experts/memory") == "cxl.mem");
  CHECK(s.at("model/tensor_classes/shared_experts/memory") == "gpu.hbm");
  CHECK(s.at("model/tensor_classes/dense_ffn/format") == "bf16");
}

TEST_CASE("validate prints each tensor class with its bytes, format and memory, and what each memory holds", "[models]") {
  const Outcome o = run_cxlvp("validate " + kMinimal + " --set model.preset=deepseek-v3" + kRoomy);
  INFO(o.err);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("61 decoder layers (3 dense, 58 MoE); 671.03 B parameters, 37.55 B active per token") != std::string::npos);
  CHECK(o.out.find("routed_experts      653.91 B     20.43 B     609.1 GiB  fp8_block128  cxl.mem") != std::string::npos);
  CHECK(o.out.find("router              106.45 M    106.45 M      0.20 GiB  bf16          gpu.hbm") != std::string::npos);
  CHECK(o.out.find("cxl.mem        609.1 GiB      1.00 GiB     610.1 GiB    1024.0 GiB  fits") != std::string::npos);
  // Routed experts in DDR instead.
  const Outcome ddr = run_cxlvp("validate " + kMinimal + " --set model.preset=mixtral-8x7b --set model.weights_home=ddr");
  CHECK(ddr.out.find("fp8") == std::string::npos);
  CHECK(ddr.out.find("bf16          ddr") != std::string::npos);
}

TEST_CASE("a model that does not fit is refused with the key, and needed and available per memory", "[models]") {
  // Llama 4 Maverick's 26.4 GiB of HBM-resident weights (attention, shared experts, dense layers, embeddings) in 16 GiB.
  const Outcome hbm = run_cxlvp("validate " + kMinimal +
                                " --set model.preset=llama4-maverick --set platform.cxl.dram.capacity_GiB=1024"
                                " --set platform.gpu.hbm.capacity_GiB=16");
  check_rejected(hbm, "platform.gpu.hbm.capacity_GiB: the model does not fit: gpu.hbm needs 27.6 GiB (26.4 GiB of model "
                      "tensors, 1.23 GiB reserved workspace and one routed expert's slot), holds 16.0 GiB;");
  CHECK(hbm.err.find("cxl.mem needs 721.0 GiB") != std::string::npos);
  // No room in HBM for the KV cache of a 1024-token prompt: it goes to host DDR.
  CHECK(hbm.err.find("ddr needs 1.05 GiB (0.00 GiB of model tensors, 0.05 GiB of KV cache, 1.00 GiB descriptors") !=
        std::string::npos);
  // DeepSeek-V3's 609 GiB of routed experts in the 256 GiB expander of the defaults.
  const Outcome cxl = run_cxlvp("validate " + kMinimal + " --set model.preset=deepseek-v3");
  check_rejected(cxl, "platform.cxl.dram.capacity_GiB: holds 256 GiB but needs 610.1 GiB");
  CHECK(cxl.err.find("per memory: gpu.hbm needs 18.8 GiB") != std::string::npos);
  CHECK(cxl.err.find("cxl.mem needs 610.1 GiB (609.1 GiB of model tensors, 1.00 GiB descriptors and staging), holds 256.0 GiB") !=
        std::string::npos);
}

TEST_CASE("with several GPUs and expanders, each GPU holds the non-routed classes and the experts spread over their homes", "[models]") {
  const std::string tree = " --set 'platform.cxl.expanders=[{name: cxl0}, {name: cxl1}]' --set 'platform.gpus=[{name: gpu0}, {name: gpu1}]'";
  const Outcome o = run_cxlvp("validate " + kMinimal + " --set model.preset=mixtral-8x7b" + tree);
  INFO(o.err);
  REQUIRE(o.status == 0);
  CHECK(o.out.find("routed_experts       45.10 B     11.27 B      84.0 GiB  bf16          cxl0.mem+cxl1.mem") != std::string::npos);
  CHECK(o.out.find("attention             1.34 B      1.34 B      2.50 GiB  bf16          gpu0.hbm+gpu1.hbm") != std::string::npos);
  // Partitioned: experts 0, 2, 4, 6 in cxl0 and the others in cxl1, 42 GiB each; a replica of 2.99 GiB in each GPU.
  CHECK(o.out.find("cxl0.mem        42.0 GiB      1.00 GiB      43.0 GiB     256.0 GiB  fits") != std::string::npos);
  CHECK(o.out.find("cxl1.mem        42.0 GiB") != std::string::npos);
  CHECK(o.out.find("gpu1.hbm        2.99 GiB      1.33 GiB      4.32 GiB      80.0 GiB  fits") != std::string::npos);
  // Llama 4 Maverick's 720 GiB of routed experts do not fit two 256 GiB expanders.
  const Outcome full = run_cxlvp("validate " + kMinimal + " --set model.preset=llama4-maverick --set 'platform.cxl.expanders=[{name: cxl0}, {name: cxl1}]'");
  check_rejected(full, "platform.cxl.expanders.0.dram.capacity_GiB: holds 256 GiB but needs 361 GiB");
  CHECK(full.err.find("cxl1.mem needs 361.0 GiB (360.0 GiB of model tensors, 1.00 GiB descriptors and staging), holds 256.0 GiB") !=
        std::string::npos);
}
