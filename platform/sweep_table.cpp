#include "sweep_table.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "json_reader.h"

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

std::map<std::string, std::string> read_summary(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path.string());
  try {
    return read_json_scalars(text.str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

}  // namespace

size_t write_sweep_table(const std::vector<SweepPoint>& points, const std::string& points_dir,
                         const std::string& csv_path) {
  const std::string partial = csv_path + ".partial";
  std::ofstream out(partial);
  std::string header;
  if (!points.empty())
    for (const auto& assignment : points.front().overrides) header += csv_field(split_override(assignment).first) + ",";
  for (const auto& [column, path] : kSummaryColumns) header += std::string(column) + ",";
  out << header << "status,point\n";

  size_t failed = 0;
  for (const auto& point : points) {
    for (const auto& assignment : point.overrides) out << csv_field(split_override(assignment).second) << ',';
    const fs::path summary = fs::path(points_dir) / point.id / "summary.json";
    const bool ok = fs::exists(summary);
    const auto values = ok ? read_summary(summary) : std::map<std::string, std::string>{};
    for (const auto& column : kSummaryColumns) {
      const auto it = values.find(column.second);
      out << (it == values.end() ? "" : csv_field(it->second)) << ',';
    }
    out << (ok ? "ok" : "failed") << ',' << point.id << '\n';
    failed += !ok;
  }
  out.close();
  if (!out) throw std::runtime_error("cannot write " + partial);
  fs::rename(partial, csv_path);  // never a half-written table in place
  return failed;
}

}  // namespace cxlvp
