// Routing traces: the line grammar, writer-reader round trips, the loader's
// workload.trace_file checks, and `cxlvp run --save-routing` followed by a
// replay giving the same results. Small traces live in tests/data/traces/
// (replay.yaml's shape: 2 steps x 2 layers x 2 tokens, top_k 2, 32 experts).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "command_runner.h"
#include "firmware/routing_generator.h"
#include "firmware/routing_trace.h"
#include "platform/scenario_loader.h"

namespace fs = std::filesystem;
using namespace cxlvp;
using Catch::Matchers::Contains;

namespace {

std::string traces(const std::string& name) { return std::string(CXLVP_SOURCE_DIR) + "/tests/data/traces/" + name; }
const std::string kReplay = traces("replay.yaml");
const RoutingTraceShape kReplayShape{32, 2, 2, 2};

// A fresh folder for one test case, removed when it ends.
struct Scratch {
  const fs::path dir = fs::temp_directory_path() / ("cxlvp_trace_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

using cxlvp_test::slurp;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

using cxlvp_test::check_rejected;
using cxlvp_test::Outcome;
using cxlvp_test::run_cxlvp;

// `cxlvp validate replay.yaml` with workload.trace_file pointing at `trace`.
Outcome validate_replay(const std::string& trace) {
  return run_cxlvp("validate " + kReplay + " --set workload.trace_file=" + trace);
}

std::vector<LayerRouting> read_all(RoutingSource& source, unsigned steps, unsigned layers) {
  std::vector<LayerRouting> routings;
  for (uint32_t step = 0; step < steps; ++step)
    for (uint32_t layer = 0; layer < layers; ++layer) routings.push_back(source.next_layer(step, layer));
  return routings;
}

void check_same(const std::vector<LayerRouting>& a, const std::vector<LayerRouting>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].step == b[i].step);
    CHECK(a[i].layer == b[i].layer);
    CHECK(a[i].top_k == b[i].top_k);
    CHECK(a[i].experts == b[i].experts);
  }
}

MalformedTraceLine malformed(TraceEncoding encoding, const std::string& line) {
  try {
    parse_trace_record(encoding, line);
  } catch (const MalformedTraceLine& bad) {
    return bad;
  }
  FAIL("parsed: " << line);
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------
// The line grammar.

TEST_CASE("CSV and JSONL lines parse to the same record", "[routing_trace]") {
  const TraceRecord csv = parse_trace_record(TraceEncoding::csv, "3,1,17,3;41");
  const TraceRecord json =
      parse_trace_record(TraceEncoding::jsonl, R"( {"experts": [3, 41], "token":17,"layer" :1,"step":3} )");
  for (const TraceRecord& r : {csv, json}) {
    CHECK(r.step == 3);
    CHECK(r.layer == 1);
    CHECK(r.token == 17);
    CHECK(r.experts == std::vector<uint32_t>{3, 41});
  }
  std::ostringstream out;
  write_trace_record(out, TraceEncoding::csv, csv);
  write_trace_record(out, TraceEncoding::jsonl, csv);
  CHECK(out.str() == "3,1,17,3;41\n{\"step\":3,\"layer\":1,\"token\":17,\"experts\":[3,41]}\n");
}

TEST_CASE("malformed CSV lines are rejected with the reason", "[routing_trace]") {
  CHECK_THAT(malformed(TraceEncoding::csv, "0,0,1").message, Contains("expected 4 comma-separated fields"));
  CHECK_THAT(malformed(TraceEncoding::csv, "0, 0,1,2").message, Contains("layer: expected an unsigned integer"));
  CHECK_THAT(malformed(TraceEncoding::csv, "0,0,-1,2").message, Contains("token: expected an unsigned integer"));
  CHECK_THAT(malformed(TraceEncoding::csv, "0,0,1,").message, Contains("expert id: expected an unsigned integer"));
  CHECK_THAT(malformed(TraceEncoding::csv, "0,0,1,2;;3").message, Contains("expert id"));
  CHECK_THAT(malformed(TraceEncoding::csv, "4294967296,0,1,2").message, Contains("step: 4294967296 is too large"));
}

TEST_CASE("malformed JSONL lines are rejected with the reason and column", "[routing_trace]") {
  const auto message = [](const std::string& line) { return malformed(TraceEncoding::jsonl, line).message; };
  CHECK_THAT(message(R"({"step":0,"layer":0,"token":1})"), Contains("missing key \"experts\""));
  CHECK_THAT(message(R"({"step":0,"step":0,"layer":0,"token":1,"experts":[1]})"),
             Contains("duplicate key \"step\" at column 11"));
  CHECK_THAT(message(R"({"step":0,"layer":0,"token":1,"experts":[1],"gate":2})"), Contains("unknown key \"gate\""));
  CHECK_THAT(message(R"({"step":01,"layer":0,"token":1,"experts":[1]})"), Contains("leading zero"));
  CHECK_THAT(message(R"({"step":1.0,"layer":0,"token":1,"experts":[1]})"), Contains("expected an unsigned integer"));
  CHECK_THAT(message(R"({"step":-1,"layer":0,"token":1,"experts":[1]})"), Contains("expected an unsigned integer"));
  CHECK_THAT(message(R"({"step":0,"layer":0,"token":1,"experts":[1,]})"), Contains("expected an unsigned integer"));
  CHECK_THAT(message(R"({"step":0,"layer":0,"token":1,"experts":[1]} x)"), Contains("unexpected text"));
  CHECK_THAT(message(R"({"step":0,"layer":0,"token":1,"experts":[1])"), Contains("expected '}'"));
  CHECK_THAT(message(R"({"st\u0065p":0})"), Contains("escape sequences"));
  CHECK_THAT(message("[1,2]"), Contains("expected '{' at column 1"));
}

TEST_CASE("the encoding comes from the file extension", "[routing_trace]") {
  CHECK(trace_encoding("a/b.csv") == TraceEncoding::csv);
  CHECK(trace_encoding("b.jsonl") == TraceEncoding::jsonl);
  CHECK_THROWS_WITH(trace_encoding("b.json"), Contains("b.json: unsupported file extension '.json'"));
  CHECK_THROWS_WITH(trace_encoding("trace"), Contains("no file extension"));
}

// ---------------------------------------------------------------------------
// Reader and writer.

TEST_CASE("the CSV and JSONL encodings of one trace read the same", "[routing_trace]") {
  RoutingTraceReader csv(traces("good.csv"), kReplayShape), json(traces("good.jsonl"), kReplayShape);
  const auto routings = read_all(csv, 2, 2);
  check_same(routings, read_all(json, 2, 2));
  CHECK(routings[3].experts == std::vector<uint32_t>{31, 0, 4, 9});
  CHECK(csv.at_end());
  CHECK(json.at_end());
}

TEST_CASE("a written trace reads back as the routing that was handed out", "[routing_trace]") {
  const Scratch scratch;
  WorkloadConfig workload;
  workload.tokens_per_batch = 64;
  workload.batches = 3;
  workload.top_k = 4;
  workload.permute_experts = true;
  const RoutingTraceShape shape{16, 2, workload.top_k, workload.tokens_per_batch};
  for (const char* name : {"t.csv", "t.jsonl"}) {
    SECTION(name) {
      std::vector<LayerRouting> written;
      {
        RoutingTraceWriter writer(scratch / name, std::make_unique<RoutingGenerator>(workload, shape.experts, 7));
        written = read_all(writer, workload.batches, shape.layers);
      }
      RoutingGenerator again(workload, shape.experts, 7);  // the writer hands out exactly its source's routing
      check_same(written, read_all(again, workload.batches, shape.layers));
      CHECK_NOTHROW(validate_routing_trace(scratch / name, shape, workload.batches));
      RoutingTraceReader reader(scratch / name, shape);
      check_same(written, read_all(reader, workload.batches, shape.layers));
      CHECK(reader.at_end());
    }
  }
}

TEST_CASE("validation names the file and line of the first problem", "[routing_trace]") {
  const auto error_of = [](const std::string& name, unsigned batches = 2) -> std::string {
    try {
      validate_routing_trace(traces(name), kReplayShape, batches);
    } catch (const RoutingTraceError& e) {
      CHECK(e.what() == e.file + ":" + std::to_string(e.line) + ": " + e.message);
      return e.what();
    }
    return "no error";
  };
  CHECK(error_of("good.csv") == "no error");
  CHECK(error_of("good.jsonl") == "no error");
  CHECK(error_of("good.csv", 1) == "no error");  // extra steps are fine
  CHECK_THAT(error_of("bad_expert_range.csv"), Contains("bad_expert_range.csv:4: expert 32 out of range"));
  CHECK_THAT(error_of("bad_few_tokens.csv"), Contains("bad_few_tokens.csv:5: step 0 layer 1 has 1 token;"));
  CHECK_THAT(error_of("good.csv", 3), Contains("good.csv:9: the trace has 2 steps; workload.batches is 3"));
}

// ---------------------------------------------------------------------------
// The scenario keys.

TEST_CASE("workload.trace_file is resolved against the scenario's folder", "[routing_trace]") {
  const Scenario s = load_scenario(kReplay);
  CHECK(s.workload.distribution == RoutingDistribution::trace);
  CHECK(fs::equivalent(s.workload.trace_file, traces("good.csv")));
  // From --set it is relative to the current folder, like any path on a command line.
  const fs::path cwd = fs::current_path();
  fs::current_path(traces(""));
  const Scenario from_set = load_scenario(kReplay, {"workload.trace_file=good.jsonl"});
  fs::current_path(cwd);
  CHECK(from_set.workload.trace_file == "good.jsonl");
}

TEST_CASE("workload.trace_file with a drawn distribution is rejected", "[routing_trace]") {
  const Scratch scratch;
  check_rejected(run_cxlvp("validate " + kReplay + " --set workload.distribution=zipf"),
                 kReplay + ":8: workload.trace_file: only used when workload.distribution is trace");
}

TEST_CASE("distribution trace without workload.trace_file is rejected", "[routing_trace]") {
  const Scratch scratch;
  const std::string scenario = std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml";
  const auto lines = lines_of(slurp(scenario));
  const auto workload = std::find(lines.begin(), lines.end(), "workload:");
  REQUIRE(workload != lines.end());
  check_rejected(run_cxlvp("validate " + scenario + " --set workload.distribution=trace"),
                 scenario + ":" + std::to_string(workload - lines.begin() + 1) +
                     ": workload.trace_file: required when workload.distribution is trace");
}

TEST_CASE("a bad trace is rejected with its file and line", "[routing_trace]") {
  const Scratch scratch;
  const auto rejected = [&](const std::string& name, const std::string& line_and_message) {
    check_rejected(validate_replay(traces(name)),
                   traces(name) + ":" + line_and_message);
  };
  rejected("bad_expert_range.csv", "4: workload.trace_file: expert 32 out of range: model.experts is 32");
  rejected("bad_malformed.csv", "3: workload.trace_file: expected 4 comma-separated fields");
  rejected("bad_header.csv", "1: workload.trace_file: expected the header 'step,layer,token,experts'");
  rejected("bad_duplicate.csv", "6: workload.trace_file: expert 3 appears twice in token 0");
  rejected("bad_top_k.jsonl", "2: workload.trace_file: token 1 has 1 expert; workload.top_k is 2");
  rejected("bad_few_tokens.csv", "5: workload.trace_file: step 0 layer 1 has 1 token; workload.tokens_per_batch is 2");
  rejected("bad_few_steps.csv", "5: workload.trace_file: the trace has 1 step; workload.batches is 2");
}

TEST_CASE("a trace that cannot be opened is rejected at the line naming it", "[routing_trace]") {
  const Scratch scratch;
  std::ofstream(scratch / "replay.yaml") << slurp(kReplay);
  check_rejected(run_cxlvp("validate " + (scratch / "replay.yaml")),
                 (scratch / "replay.yaml") + ":8: workload.trace_file: " + (scratch / "good.csv") +
                     ": cannot open routing trace: No such file or directory");
  check_rejected(validate_replay(traces("bad_extension.txt")),
                 "--set: workload.trace_file: " + traces("bad_extension.txt") + ": unsupported file extension '.txt'");
}

// ---------------------------------------------------------------------------
// Saving and replaying a run.

TEST_CASE("a saved routing replays to identical results", "[routing_trace][cli]") {
  const Scratch scratch;
  const std::string scenario = std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml";
  for (const std::string name : {"routing.csv", "routing.jsonl"}) {
    SECTION(name) {
      const Outcome saved = run_cxlvp("run " + scenario + " --quiet --save-routing " + (scratch / name) +
                                               " --out " + (scratch / "saved"));
      INFO(saved.err);
      REQUIRE(saved.status == 0);
      const Outcome replayed = run_cxlvp("run " + scenario + " --quiet --set workload.distribution=trace" +
                                                      " --set workload.trace_file=" + (scratch / name) + " --out " +
                                                      (scratch / "replayed"));
      INFO(replayed.err);
      REQUIRE(replayed.status == 0);

      const auto a = lines_of(slurp(scratch / "saved/summary.json"));
      const auto b = lines_of(slurp(scratch / "replayed/summary.json"));
      REQUIRE(a.size() == b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].find("\"routing\"") == std::string::npos) CHECK(a[i] == b[i]);
        else CHECK((a[i] == "  \"routing\": \"zipf\"," && b[i] == "  \"routing\": \"trace:" + name + "\","));
      }
      for (const char* table : {"routes.csv", "jobs.csv", "devices.csv", "links.csv", "batches.csv"})
        CHECK(slurp(scratch.dir / "saved" / table) == slurp(scratch.dir / "replayed" / table));
    }
  }
}

TEST_CASE("a --save-routing file that cannot be written is rejected without a result folder", "[routing_trace][cli]") {
  const Scratch scratch;
  const std::string scenario = std::string(CXLVP_SOURCE_DIR) + "/scenarios/default.yaml";
  // Missing folders are made; a path through a regular file cannot be.
  std::ofstream(scratch / "a_file") << "not a folder\n";
  check_rejected(run_cxlvp("run " + scenario + " --save-routing " + (scratch / "a_file/folder.csv") +
                                    " --out " + (scratch / "never")),
                 "--save-routing " + (scratch / "a_file/folder.csv") + ": no folder " + (scratch / "a_file") +
                     " (not a folder)");
  check_rejected(run_cxlvp("run " + scenario + " --save-routing " + (scratch / "routing.txt") + " --out " +
                                    (scratch / "never")),
                 "unsupported file extension '.txt'");
  CHECK_FALSE(fs::exists(scratch / "never"));
  for (const auto& entry : fs::directory_iterator(scratch.dir))  // nor a staging folder
    CHECK(entry.path().filename().string().rfind(".never", 0) == std::string::npos);
}
