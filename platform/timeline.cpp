#include "timeline.h"

#include <algorithm>
#include <stdexcept>

#include "../models/common/stream_check.h"
#include "json_writer.h"

namespace cxlvp {

namespace {

// Viewer processes: groups of tracks.
constexpr int kDevices = 1, kLinks = 2, kBatches = 3;
const char* group_name(int pid) { return pid == kDevices ? "devices" : pid == kLinks ? "links" : "batches"; }

// The tracks in the order the viewer shows them; others follow in order of appearance.
const std::vector<std::string> kTrackOrder = {"gpu", "gpu.fetch", "gpu.copy", "cpu", "ndp", "pcie", "cxl.link"};

// ps as µs with 6 decimals: exact, and the same bytes on every run.
std::string microseconds(uint64_t ps) {
  std::string fraction = std::to_string(ps % 1000000);
  return std::to_string(ps / 1000000) + "." + std::string(6 - fraction.size(), '0') + fraction;
}

class Args {
 public:
  Args& add(const char* key, uint64_t value) { return raw(key, std::to_string(value)); }
  Args& add(const char* key, const std::string& value) { return raw(key, JsonWriter::quote(value)); }
  Args& flag(const char* key, bool value) { return raw(key, value ? "true" : "false"); }
  std::string json() const { return "{" + text_ + "}"; }

 private:
  Args& raw(const char* key, const std::string& value) {
    text_ += (text_.empty() ? "" : ",") + JsonWriter::quote(key) + ":" + value;
    return *this;
  }
  std::string text_;
};

// The links a job's data crossed, with its bytes. GPU fetches read weights
// from weights_home over PCIe, and over the CXL link too when that is CXL
// memory. Copies move activations between HBM and the staging area, which is
// in CXL memory for NDP lanes and in DDR otherwise. CPU jobs stream weights
// from weights_home. NDP jobs stay inside the expander and GPU expert jobs
// inside the GPU; descriptor and register traffic is left out.
std::vector<std::pair<std::string, uint64_t>> crossings(const JobReport& j, bool weights_in_cxl) {
  if (j.kind == "fetch") {
    if (weights_in_cxl) return {{"pcie", j.weight_bytes}, {"cxl.link", j.weight_bytes}};
    return {{"pcie", j.weight_bytes}};
  }
  if (j.kind == "scatter" || j.kind == "gather") {
    if (j.lane == "ndp") return {{"pcie", j.activation_bytes}, {"cxl.link", j.activation_bytes}};
    return {{"pcie", j.activation_bytes}};
  }
  if (j.device == "cpu" && weights_in_cxl) return {{"cxl.link", j.weight_bytes}};
  return {};
}

}  // namespace

struct TimelineWriter::Event {
  std::string name;
  uint64_t start_ps, end_ps;
  std::string args;  // a JSON object
};

struct TimelineWriter::Track {
  int pid;
  std::string name;
  uint64_t order;                   // position in the viewer, among its group
  std::vector<uint64_t> free_from;  // per lane: the end of its latest event
  std::vector<int> tids;            // per lane
};

TimelineWriter::TimelineWriter(const std::string& path, bool weights_in_cxl)
    : out_(path), weights_in_cxl_(weights_in_cxl) {
  if (!out_) throw std::runtime_error("cannot write the timeline " + path);
  out_ << "{\"traceEvents\":[";
}

TimelineWriter::~TimelineWriter() = default;

TimelineWriter::Track& TimelineWriter::track(int pid, const std::string& name) {
  for (auto& t : tracks_)
    if (t->pid == pid && t->name == name) return *t;
  const auto known = std::find(kTrackOrder.begin(), kTrackOrder.end(), name);
  const uint64_t order = uint64_t(known - kTrackOrder.begin()) + (known == kTrackOrder.end() ? tracks_.size() : 0);
  tracks_.push_back(std::make_unique<Track>(Track{pid, name, order, {}, {}}));
  return *tracks_.back();
}

// The first lane free at the event's start; a new lane (a new viewer thread) when none is.
void TimelineWriter::place(Track& t, const Event& e) {
  size_t lane = 0;
  while (lane < t.free_from.size() && t.free_from[lane] > e.start_ps) ++lane;
  if (lane == t.free_from.size()) {
    if (!named_groups_[t.pid]) {
      named_groups_[t.pid] = true;
      metadata(t.pid, 0, "process_name", Args().add("name", group_name(t.pid)).json());
      metadata(t.pid, 0, "process_sort_index", Args().add("sort_index", uint64_t(t.pid)).json());
    }
    const int tid = ++last_tid_;
    const std::string name = lane ? t.name + " (" + std::to_string(lane + 1) + ")" : t.name;
    metadata(t.pid, tid, "thread_name", Args().add("name", name).json());
    metadata(t.pid, tid, "thread_sort_index", Args().add("sort_index", t.order * 1024 + lane).json());
    t.free_from.push_back(0);
    t.tids.push_back(tid);
  }
  t.free_from[lane] = std::max(t.free_from[lane], e.end_ps);
  complete(t.pid, t.tids[lane], t.name, e);
}

void TimelineWriter::add_job(const JobReport& j) {
  const std::string name = j.kind + " " + std::to_string(j.expert);
  Args args;
  args.add("batch", j.batch).add("layer", j.layer).add("expert", j.expert).add("tokens", j.tokens);
  args.add("weight_bytes", j.weight_bytes).add("activation_bytes", j.activation_bytes).add("tag", j.tag);
  args.add("lane", j.lane).flag("ok", j.ok);
  place(track(kDevices, j.device), {name, j.start_ps, j.end_ps, args.json()});
  for (const auto& [link, bytes] : crossings(j, weights_in_cxl_)) {
    Args crossing;
    crossing.add("device", j.device).add("bytes", bytes).add("batch", j.batch).add("layer", j.layer);
    crossing.add("expert", j.expert).add("tag", j.tag);
    place(track(kLinks, link), {name, j.start_ps, j.end_ps, crossing.json()});
  }
  if (j.lane.empty()) return;  // not part of the firmware's plan: no layer
  const auto [it, first] = layers_.try_emplace({j.batch, j.layer}, Layer{j.start_ps, j.end_ps});
  if (first) return;
  it->second.start_ps = std::min(it->second.start_ps, j.start_ps);
  it->second.end_ps = std::max(it->second.end_ps, j.end_ps);
}

void TimelineWriter::add_batch(const BatchRecord& b) {
  held_.push_back(b);
  if (held_.size() < 2) return;
  write_batch(held_.front());
  held_.erase(held_.begin());
}

// A batch's own track: the batch around its layers, each layer kept inside
// the batch so the two nest, overlapping layers on extra lanes.
void TimelineWriter::write_batch(const BatchRecord& b) {
  const std::string name = "batch " + std::to_string(b.index);
  Track t{kBatches, name, b.index, {}, {}};
  place(t, {name, b.start_ps, b.end_ps, Args().add("token_expert_assignments", b.tokens).json()});
  t.free_from[0] = 0;  // the layers go inside the batch, on its first lane
  const auto first = layers_.lower_bound({b.index, 0});
  auto it = first;
  for (; it != layers_.end() && it->first.first == b.index; ++it) {
    const uint32_t layer = it->first.second;
    const uint64_t start = std::clamp(it->second.start_ps, b.start_ps, b.end_ps);
    const uint64_t end = std::clamp(it->second.end_ps, start, b.end_ps);
    place(t, {"layer " + std::to_string(layer), start, end, Args().add("layer", layer).json()});
  }
  layers_.erase(layers_.begin(), it);  // this batch's layers, and any of earlier batches logged too late
}

std::string TimelineWriter::finish(const std::string& scenario, const std::string& policy, uint64_t seed) {
  for (const BatchRecord& b : held_) write_batch(b);
  held_.clear();
  out_ << "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":"
       << Args().add("scenario", scenario).add("policy", policy).add("seed", seed).json() << "}\n";
  return close_checked(out_);
}

void TimelineWriter::metadata(int pid, int tid, const char* what, const std::string& args_json) {
  next() << "{\"name\":\"" << what << "\",\"ph\":\"M\",\"pid\":" << pid << ",\"tid\":" << tid
         << ",\"args\":" << args_json << "}";
}

void TimelineWriter::complete(int pid, int tid, const std::string& category, const Event& e) {
  next() << "{\"name\":" << JsonWriter::quote(e.name) << ",\"cat\":" << JsonWriter::quote(category)
         << ",\"ph\":\"X\",\"ts\":" << microseconds(e.start_ps) << ",\"dur\":" << microseconds(e.end_ps - e.start_ps)
         << ",\"pid\":" << pid << ",\"tid\":" << tid << ",\"args\":" << e.args << "}";
}

std::ostream& TimelineWriter::next() {
  out_ << (first_ ? "\n" : ",\n");
  first_ = false;
  return out_;
}

}  // namespace cxlvp
