#include "sweep_table.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "../models/common/stream_check.h"
#include "json_reader.h"
#include "result_folder.h"

namespace fs = std::filesystem;

namespace cxlvp {

namespace {

// Column name -> path in summary.json (json_reader.h), in column order.
const std::vector<std::pair<const char*, const char*>> kSummaryColumns = {
    {"scenario", "scenario"},
    {"policy", "policy"},
    {"compute", "compute"},
    {"tokens", "tokens"},
    {"simulated_time_s", "simulated_time_s"},
    {"throughput_tokens_per_s", "throughput_tokens_per_s"},
    {"gpu_busy_s", "jobs/gpu/busy_s"},
    {"gpu_utilization", "jobs/gpu/utilization"},
    {"cpu_busy_s", "jobs/cpu/busy_s"},
    {"cpu_utilization", "jobs/cpu/utilization"},
    {"ndp_busy_s", "jobs/ndp/busy_s"},
    {"ndp_utilization", "jobs/ndp/utilization"},
};

// RFC 4180: quoted when it holds a comma, quote or line break (flow mappings do).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// What each column must hold: text (names) or a number (null: JsonWriter's
// word for one that is not finite, e.g. a utilization over no time).
bool is_text_column(const std::string& path) { return path == "scenario" || path == "policy" || path == "compute"; }

bool is_number(const std::string& text) {
  if (text == "null") return true;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && std::isfinite(value);
}

// A summary.json is a few kB to a few MB (it lists every batch); a larger file is damaged.
constexpr uintmax_t kMaxSummaryBytes = uintmax_t(1) << 30;

}  // namespace

PointResults read_point_results(const std::string& folder, const std::string& inputs_hash) {
  PointResults r;
  const fs::path summary = fs::path(folder) / "summary.json";
  std::error_code error;
  if (!fs::exists(fs::path(folder) / kResultMark, error)) {
    r.why = fs::exists(folder, error) ? "not a result folder" : "not run yet";
    return r;
  }
  if (result_folder_inputs_hash(folder) != inputs_hash) {
    r.why = "results of other inputs (the scenario or its overrides changed)";
    return r;
  }
  const uintmax_t bytes = fs::file_size(summary, error);
  if (error || bytes > kMaxSummaryBytes) {
    r.why = error ? "no summary.json" : "summary.json too large";
    return r;
  }
  std::ifstream in(summary);
  std::stringstream text;
  text << in.rdbuf();
  static const std::set<std::string> wanted = [] {
    std::set<std::string> paths;
    for (const auto& column : kSummaryColumns) paths.insert(column.second);
    return paths;
  }();
  try {
    r.figures = read_json_scalars(text.str(), &wanted);
  } catch (const std::runtime_error& e) {
    r.why = "summary.json: " + std::string(e.what());
    return r;
  }
  for (const auto& [column, path] : kSummaryColumns) {
    const auto it = r.figures.find(path);
    if (it == r.figures.end()) r.why = "summary.json has no " + std::string(path);
    else if (!is_text_column(path) && !is_number(it->second))
      r.why = "summary.json: " + std::string(path) + " is not a number";
    if (!r.why.empty()) {
      r.figures.clear();
      return r;
    }
  }
  r.ok = true;
  return r;
}

size_t write_sweep_table(const std::vector<SweepPoint>& points, const std::vector<std::string>& folders,
                         const std::vector<std::string>& inputs_hashes, const std::string& csv_path) {
  const std::string partial = csv_path + ".partial";
  std::ofstream out(partial);
  std::string header;
  if (!points.empty())
    for (const auto& assignment : points.front().overrides) header += csv_field(split_override(assignment).first) + ",";
  for (const auto& [column, path] : kSummaryColumns) header += std::string(column) + ",";
  out << header << "status,point\n";

  size_t failed = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& point = points[i];
    for (const auto& assignment : point.overrides) out << csv_field(split_override(assignment).second) << ',';
    const PointResults results = read_point_results(folders[i], inputs_hashes[i]);
    for (const auto& column : kSummaryColumns) {
      const auto it = results.figures.find(column.second);
      out << (it == results.figures.end() ? "" : csv_field(it->second)) << ',';
    }
    out << (results.ok ? "ok" : "failed") << ',' << point.id << '\n';
    failed += !results.ok;
  }
  if (const std::string error = close_checked(out); !error.empty())
    throw std::runtime_error("cannot write " + partial + ": " + error);
  fs::rename(partial, csv_path);  // never a half-written table in place
  return failed;
}

}  // namespace cxlvp
