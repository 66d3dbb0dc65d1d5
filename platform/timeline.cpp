#include "timeline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include "json_writer.h"

namespace cxlvp {

namespace {

struct Event {
  std::string name;
  uint64_t start_ps, end_ps;
  std::string args;  // a JSON object
};

// A track of one engine, link or batch. Viewers draw complete events on one
// thread as a call stack, so events that overlap without nesting go to extra
// lanes (threads "pcie (2)", ...) instead of garbling the first.
struct Track {
  std::string name;
  std::vector<Event> events;
  std::optional<Event> span;  // drawn on the first lane, around its events (a batch around its layers)
};

// A process in the viewer: a group of tracks.
struct Group {
  std::string name;
  std::vector<Track> tracks;
};

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

// The device engines' tracks and the links' tracks.
std::pair<Group, Group> job_tracks(const RunReport& r) {
  Group devices{"devices", {}}, links{"links", {}};
  for (const char* name : {"gpu", "gpu.fetch", "gpu.copy", "cpu", "ndp"}) devices.tracks.push_back({name, {}, {}});
  for (const char* name : {"pcie", "cxl.link"}) links.tracks.push_back({name, {}, {}});
  const auto track = [](Group& g, const std::string& name) -> Track& {
    for (auto& t : g.tracks)
      if (t.name == name) return t;
    g.tracks.push_back({name, {}, {}});  // a device no list above knows of
    return g.tracks.back();
  };
  for (const JobReport& j : r.jobs) {
    const std::string name = j.kind + " " + std::to_string(j.expert);
    Args args;
    args.add("batch", j.batch).add("layer", j.layer).add("expert", j.expert).add("tokens", j.tokens);
    args.add("weight_bytes", j.weight_bytes).add("activation_bytes", j.activation_bytes).add("tag", j.tag);
    args.add("lane", j.lane).flag("ok", j.ok);
    track(devices, j.device).events.push_back({name, j.start_ps, j.end_ps, args.json()});
    for (const auto& [link, bytes] : crossings(j, r.weights_home == "cxl")) {
      Args crossing;
      crossing.add("device", j.device).add("bytes", bytes).add("batch", j.batch).add("layer", j.layer);
      crossing.add("expert", j.expert).add("tag", j.tag);
      track(links, link).events.push_back({name, j.start_ps, j.end_ps, crossing.json()});
    }
  }
  return {devices, links};
}

// A layer spans its planned jobs, kept inside its batch so the two nest.
Group batches(const RunReport& r) {
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint64_t, uint64_t>> layers;  // (batch, layer) -> (start, end)
  for (const JobReport& j : r.jobs) {
    if (j.lane.empty()) continue;  // not part of the firmware's plan
    const auto [it, first] = layers.try_emplace({j.batch, j.layer}, j.start_ps, j.end_ps);
    if (first) continue;
    it->second.first = std::min(it->second.first, j.start_ps);
    it->second.second = std::max(it->second.second, j.end_ps);
  }
  Group g{"batches", {}};
  for (const BatchRecord& b : r.batches) {
    const std::string name = "batch " + std::to_string(b.index);
    Track t{name, {}, Event{name, b.start_ps, b.end_ps, Args().add("token_expert_assignments", b.tokens).json()}};
    for (auto it = layers.lower_bound({b.index, 0}); it != layers.end() && it->first.first == b.index; ++it) {
      const uint32_t layer = it->first.second;
      const uint64_t start = std::clamp(it->second.first, b.start_ps, b.end_ps);
      const uint64_t end = std::clamp(it->second.second, start, b.end_ps);
      t.events.push_back({"layer " + std::to_string(layer), start, end, Args().add("layer", layer).json()});
    }
    g.tracks.push_back(t);
  }
  return g;
}

// Greedy interval partitioning: each event goes to the first lane free at its start.
std::vector<std::vector<const Event*>> lanes(std::vector<Event>& events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.start_ps < b.start_ps; });
  std::vector<std::vector<const Event*>> out;
  std::vector<uint64_t> free_from;
  for (const Event& e : events) {
    size_t lane = 0;
    while (lane < out.size() && free_from[lane] > e.start_ps) ++lane;
    if (lane == out.size()) {
      out.emplace_back();
      free_from.push_back(0);
    }
    out[lane].push_back(&e);
    free_from[lane] = e.end_ps;
  }
  if (out.empty()) out.emplace_back();
  return out;
}

class TraceWriter {
 public:
  explicit TraceWriter(std::ostream& out) : out_(out) { out_ << "{\"traceEvents\":["; }

  void group(int pid, Group& g) {
    bool any = false;
    for (const auto& t : g.tracks) any = any || !t.events.empty() || t.span;
    if (!any) return;
    metadata(pid, 0, "process_name", Args().add("name", g.name));
    metadata(pid, 0, "process_sort_index", Args().add("sort_index", uint64_t(pid)));
    for (Track& t : g.tracks) {
      if (t.events.empty() && !t.span) continue;
      const auto split = lanes(t.events);
      for (size_t lane = 0; lane < split.size(); ++lane) {
        const int tid = ++last_tid_;
        const std::string name = lane ? t.name + " (" + std::to_string(lane + 1) + ")" : t.name;
        metadata(pid, tid, "thread_name", Args().add("name", name));
        metadata(pid, tid, "thread_sort_index", Args().add("sort_index", uint64_t(tid)));
        if (lane == 0 && t.span) complete(pid, tid, t.name, *t.span);
        for (const Event* e : split[lane]) complete(pid, tid, t.name, *e);
      }
    }
  }

  void finish(const RunReport& r) {
    out_ << "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":"
         << Args().add("scenario", r.scenario).add("policy", r.policy).add("seed", r.seed).json() << "}\n";
  }

 private:
  void metadata(int pid, int tid, const char* what, const Args& args) {
    next() << "{\"name\":\"" << what << "\",\"ph\":\"M\",\"pid\":" << pid << ",\"tid\":" << tid
           << ",\"args\":" << args.json() << "}";
  }

  void complete(int pid, int tid, const std::string& category, const Event& e) {
    next() << "{\"name\":" << JsonWriter::quote(e.name) << ",\"cat\":" << JsonWriter::quote(category)
           << ",\"ph\":\"X\",\"ts\":" << microseconds(e.start_ps) << ",\"dur\":" << microseconds(e.end_ps - e.start_ps)
           << ",\"pid\":" << pid << ",\"tid\":" << tid << ",\"args\":" << e.args << "}";
  }

  std::ostream& next() {
    out_ << (first_ ? "\n" : ",\n");
    first_ = false;
    return out_;
  }

  std::ostream& out_;
  bool first_ = true;
  int last_tid_ = 0;
};

}  // namespace

void write_timeline(const RunReport& report, const std::string& path) {
  std::ofstream out(path);
  TraceWriter trace(out);
  auto [devices, links] = job_tracks(report);
  Group per_batch = batches(report);
  trace.group(1, devices);
  trace.group(2, links);
  trace.group(3, per_batch);
  trace.finish(report);
  out.close();
  if (!out) throw std::runtime_error("cannot write the timeline " + path);
}

}  // namespace cxlvp
