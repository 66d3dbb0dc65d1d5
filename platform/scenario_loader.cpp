#include "scenario_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "../firmware/functional_data.h"
#include "../firmware/routing_trace.h"
#include "../models/ndp/rtl/ndp_rtl_parameters.h"
#include "memory_map.h"
#include "presets.h"

namespace cxlvp {

namespace {

std::string error_text(const std::string& file, int line, const std::string& key, const std::string& what) {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line);
  text += ": ";
  if (!key.empty()) text += key + ": ";
  return text + what;
}

}  // namespace

ScenarioError::ScenarioError(std::string file, int line, std::string key, std::string what)
    : std::runtime_error(error_text(file, line, key, what)),
      file(std::move(file)),
      line(line),
      key(std::move(key)),
      message(std::move(what)) {}

namespace {

// ---------------------------------------------------------------------------
// Scalar values: parsing and constraints.

constexpr double kBytesPerGiB = double(1ull << 30);

// A problem with one value; the loader adds the file, line and key.
struct BadValue {
  std::string message;
};

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Up to 15 significant digits: whole numbers stay whole, decimals stay short (0.7, not 0.69999...).
template <class T>
std::string number_text(T value) {
  std::ostringstream text;
  text << std::setprecision(15) << value;
  return text.str();
}

std::string lower_case(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Decimal, or hexadecimal with a 0x prefix (addresses). Not yaml-cpp's as<>(),
// which reads a leading 0 as octal.
uint64_t parse_uint64(const std::string& text) {
  const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  const char* const last = text.data() + text.size();
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data() + (hex ? 2 : 0), last, value, hex ? 16 : 10);
  if (error == std::errc::result_out_of_range)
    throw BadValue{"must be <= " + number_text(UINT64_MAX) + " (got " + text + ")"};
  if (error != std::errc() || end != last) throw BadValue{"expected an unsigned integer (got " + quoted(text) + ")"};
  return value;
}

unsigned parse_unsigned(const std::string& text) {
  const uint64_t value = parse_uint64(text);
  if (value > UINT_MAX) throw BadValue{"must be <= " + number_text(UINT_MAX) + " (got " + text + ")"};
  return unsigned(value);
}

double parse_number(const std::string& text) {
  const char* const last = text.data() + text.size();
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), last, value);
  if (error != std::errc() || end != last || !std::isfinite(value))
    throw BadValue{"expected a number (got " + quoted(text) + ")"};
  return value;
}

// The YAML 1.1 spellings yaml-cpp itself accepts, in any case.
bool parse_bool(const std::string& text) {
  const std::string word = lower_case(text);
  if (word == "true" || word == "yes" || word == "on") return true;
  if (word == "false" || word == "no" || word == "off") return false;
  throw BadValue{"expected true or false (got " + quoted(text) + ")"};
}

// A constraint on a value: what it requires in words that follow "must be"
// (used by error messages and the docs alike), and the test itself.
template <class T>
struct Check {
  std::string must_be;  // empty: any value of the type
  std::function<bool(T)> holds;
};

template <class T>
Check<T> any_value() {
  return {"", [](T) { return true; }};
}

template <class T>
Check<T> above(T low) {
  return {"> " + number_text(low), [low](T v) { return v > low; }};
}

template <class T>
Check<T> at_least(T low) {
  return {">= " + number_text(low), [low](T v) { return v >= low; }};
}

template <class T>
Check<T> in_range(T low, T high) {
  return {"in " + number_text(low) + ".." + number_text(high), [low, high](T v) { return v >= low && v <= high; }};
}

Check<double> above_and_at_most(double low, double high) {
  return {"> " + number_text(low) + " and <= " + number_text(high),
          [low, high](double v) { return v > low && v <= high; }};
}

template <class T>
Check<T> one_of(std::vector<T> allowed) {
  std::string words;
  for (T v : allowed) words += (words.empty() ? "one of " : ", ") + number_text(v);
  return {words, [allowed](T v) { return std::find(allowed.begin(), allowed.end(), v) != allowed.end(); }};
}

Check<uint64_t> power_of_two_from(uint64_t low) {
  return {"a power of two >= " + number_text(low), [low](uint64_t v) { return v >= low && (v & (v - 1)) == 0; }};
}

// `value` if it passes `check`; otherwise the error, quoting the value as written.
template <class T>
T checked(const Check<T>& check, T value, const std::string& text) {
  if (!check.holds(value)) throw BadValue{"must be " + check.must_be + " (got " + text + ")"};
  return value;
}

// ---------------------------------------------------------------------------
// The schema: one entry per dotted key drives binding, validation and docs.

// Block entries (no bind) stand for a mapping; they are what lets unknown keys
// be caught at every level. Leaf entries parse, check and store one scalar.
struct KeyEntry {
  std::string path;      // dotted, e.g. "platform.pcie.lanes"
  std::string type;      // for the docs: mapping, string, uint, uint64, number, bool, enum
  std::string expected;  // what a value must be, for type errors: "an unsigned integer"
  std::string unit;      // "-" when it has none
  std::string must_be;   // allowed values in words; empty when any value of the type is fine
  std::string meaning;   // one line for the docs
  bool required = false;
  std::function<void(Scenario&, const std::string&)> bind;  // leaves: parse, check, store; throws BadValue
  std::function<std::string(Scenario&)> show;                // leaves: the value held, as YAML text

  bool is_block() const { return !bind; }
};

template <class T>
using Field = std::function<T&(Scenario&)>;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::istringstream in(path);
  for (std::string segment; std::getline(in, segment, '.');) segments.push_back(segment);
  return segments;
}

// Dot-separated names, none of them empty.
bool is_key_path(const std::string& path) {
  return !path.empty() && path.front() != '.' && path.back() != '.' && path.find("..") == std::string::npos;
}

std::string parent_of(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

std::string last_segment(const std::string& path) { return path.substr(path.rfind('.') + 1); }

// Optimal string alignment distance: edits, counting a swap of neighbours as one.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

class Schema {
 public:
  Schema();

  const std::vector<KeyEntry>& keys() const { return keys_; }

  const KeyEntry* find(const std::string& path) const {
    for (const auto& entry : keys_)
      if (entry.path == path) return &entry;
    return nullptr;
  }

  // Last segments of the keys directly inside `block` ("" = top level), in table order.
  std::vector<std::string> children(const std::string& block) const {
    std::vector<std::string> names;
    for (const auto& entry : keys_)
      if (parent_of(entry.path) == block) names.push_back(last_segment(entry.path));
    return names;
  }

  // "unknown key", with the closest sibling when it looks like a typo, else the valid ones.
  std::string unknown_key_message(const std::string& path) const {
    const std::string name = lower_case(last_segment(path));
    const auto siblings = children(parent_of(path));
    if (siblings.empty()) return "unknown key";
    std::string best;
    size_t best_distance = SIZE_MAX;
    for (const auto& sibling : siblings) {
      const size_t distance = edit_distance(name, lower_case(sibling));
      if (distance < best_distance) best = sibling, best_distance = distance;
    }
    if (best_distance <= std::max<size_t>(1, best.size() / 3)) return "unknown key (did you mean '" + best + "'?)";
    std::string names;
    for (const auto& sibling : siblings) names += (names.empty() ? "" : ", ") + sibling;
    return "unknown key (expected one of " + names + ")";
  }

 private:
  void block(const std::string& path, const char* meaning) {
    keys_.push_back({path, "mapping", "a mapping", "-", "", meaning, false, nullptr, nullptr});
  }

  void required_string(const std::string& path, Field<std::string> field, const char* meaning) {
    keys_.push_back({path, "string", "a string", "-", "not empty; no '/', not '.' or '..'", meaning, true,
                     [field](Scenario& s, const std::string& text) {
                       if (text.empty()) throw BadValue{"must not be empty"};
                       // The name is the default result folder's name (results/NAME).
                       if (text.find('/') != std::string::npos || text == "." || text == "..")
                         throw BadValue{"must be a folder name: no '/', not '.' or '..'"};
                       field(s) = text;
                     },
                     [field](Scenario& s) { return field(s); }});
  }

  // A file path, "" (the default) when none is given. The Loader resolves
  // relative paths, because that depends on where the value was written.
  void path_key(const std::string& path, Field<std::string> field, const char* meaning) {
    keys_.push_back({path, "string", "a string", "-", "a file path", meaning, false,
                     [field](Scenario& s, const std::string& text) {
                       if (text.empty()) throw BadValue{"must not be empty"};
                       field(s) = text;
                     },
                     [field](Scenario& s) { return field(s).empty() ? std::string("\"\"") : field(s); }});
  }

  void unsigned_key(const std::string& path, const char* unit, Field<unsigned> field, Check<unsigned> check,
                    const char* meaning) {
    keys_.push_back({path, "uint", "an unsigned integer", unit, check.must_be, meaning, false,
                     [field, check](Scenario& s, const std::string& text) {
                       field(s) = checked(check, parse_unsigned(text), text);
                     },
                     [field](Scenario& s) { return number_text(field(s)); }});
  }

  void uint64_key(const std::string& path, const char* unit, Field<uint64_t> field, Check<uint64_t> check,
                  const char* meaning) {
    keys_.push_back({path, "uint64", "an unsigned integer", unit, check.must_be, meaning, false,
                     [field, check](Scenario& s, const std::string& text) {
                       field(s) = checked(check, parse_uint64(text), text);
                     },
                     [field](Scenario& s) { return number_text(field(s)); }});
  }

  void number_key(const std::string& path, const char* unit, Field<double> field, Check<double> check,
                  const char* meaning) {
    keys_.push_back({path, "number", "a number", unit, check.must_be, meaning, false,
                     [field, check](Scenario& s, const std::string& text) {
                       field(s) = checked(check, parse_number(text), text);
                     },
                     [field](Scenario& s) { return number_text(field(s)); }});
  }

  // Written in GiB, stored in bytes. The upper bound (1 PiB) keeps the byte
  // count, and the address windows built from it, far inside 64 bits.
  void gib_key(const std::string& path, Field<uint64_t> bytes, const char* meaning) {
    const Check<double> check = above_and_at_most(0, 1 << 20);
    keys_.push_back({path, "number", "a number", "GiB", check.must_be, meaning, false,
                     [bytes, check](Scenario& s, const std::string& text) {
                       bytes(s) = uint64_t(std::llround(checked(check, parse_number(text), text) * kBytesPerGiB));
                     },
                     [bytes](Scenario& s) { return number_text(double(bytes(s)) / kBytesPerGiB); }});
  }

  void bool_key(const std::string& path, Field<bool> field, const char* meaning) {
    keys_.push_back({path, "bool", "true or false", "-", "true or false", meaning, false,
                     [field](Scenario& s, const std::string& text) { field(s) = parse_bool(text); },
                     [field](Scenario& s) { return std::string(field(s) ? "true" : "false"); }});
  }

  template <class E>
  void enum_key(const std::string& path, Field<E> field, std::vector<std::pair<std::string, E>> names,
                const char* meaning) {
    std::string must_be;
    for (const auto& name : names) must_be += (must_be.empty() ? "one of " : ", ") + name.first;
    keys_.push_back({path, "enum", "a string", "-", must_be, meaning, false,
                     [field, names, must_be](Scenario& s, const std::string& text) {
                       for (const auto& [name, value] : names)
                         if (name == text) return void(field(s) = value);
                       throw BadValue{"must be " + must_be + " (got " + quoted(text) + ")"};
                     },
                     [field, names, path](Scenario& s) {
                       for (const auto& [name, value] : names)
                         if (value == field(s)) return name;
                       throw std::logic_error(path + " holds a value with no name");
                     }});
  }

  // platform.preset: a name or a list of names, applied by the Loader before
  // every other key (apply_presets), so it has nothing to bind here.
  void preset_key(const std::string& path, const char* meaning) {
    keys_.push_back({path, "preset", "a preset name or a list of them", "-", "one or a list of " + preset_names(),
                     meaning, false, [](Scenario&, const std::string&) {},
                     [](Scenario&) { return std::string("none"); }});
  }

  // The DRAM block shared by host DDR, GPU HBM and CXL device DRAM.
  void dram_block(const std::string& path, Field<DramConfig> dram, const char* meaning) {
    block(path, meaning);
    gib_key(path + ".capacity_GiB", [dram](Scenario& s) -> auto& { return dram(s).capacity_bytes; },
            "memory size");
    unsigned_key(path + ".channels", "-", [dram](Scenario& s) -> auto& { return dram(s).channels; },
                 at_least(1u), "channels that accesses are interleaved over; each gets peak_GBps / channels");
    number_key(path + ".peak_GBps", "GB/s", [dram](Scenario& s) -> auto& { return dram(s).peak_GBps; },
               above(0.0), "peak bandwidth of all channels together");
    number_key(path + ".idle_latency_ns", "ns", [dram](Scenario& s) -> auto& { return dram(s).idle_latency_ns; },
               at_least(0.0), "fixed access latency, added to the transfer time");
    uint64_key(path + ".interleave_bytes", "bytes",
               [dram](Scenario& s) -> auto& { return dram(s).interleave_bytes; }, power_of_two_from(64),
               "channel interleaving granularity");
  }

  std::vector<KeyEntry> keys_;
};

// FIELD(platform.pcie.lanes): the accessor of that member of a Scenario.
#define FIELD(member) [](Scenario & s) -> auto& { return s.member; }

Schema::Schema() {
  required_string("name", FIELD(name), "scenario name, shown in reports");
  uint64_key("seed", "-", FIELD(seed), any_value<uint64_t>(), "seed of the workload's random token routing");

  block("simulation", "How the simulation runs.");
  uint64_key("simulation.burst_bytes", "bytes", FIELD(simulation.burst_bytes), in_range<uint64_t>(64, 1 << 20),
             "bytes per TLM transaction on bulk paths");
  number_key("simulation.quantum_ns", "ns", FIELD(simulation.quantum_ns), above(0.0),
             "temporal-decoupling quantum");
  enum_key<ComputeMode>("simulation.compute", FIELD(simulation.compute),
                        {{"per_token", ComputeMode::per_token}, {"roofline", ComputeMode::roofline}},
                        "job compute time: a fixed cost per token (per_token) or FLOPs / sustained rate (roofline)");
  enum_key<ChecksMode>("simulation.checks", FIELD(simulation.checks),
                       {{"none", ChecksMode::none}, {"protocol", ChecksMode::protocol}},
                       "run-time checks: none, or protocol (a TLM-2.0 base-protocol checker on every main binding; "
                       "violations fail the run; docs/protocol-checking.md)");
  enum_key<DataMode>("simulation.data", FIELD(simulation.data),
                     {{"timing", DataMode::timing}, {"functional", DataMode::functional}},
                     "timing: transfers carry no data, only their size and time; functional: experts hold real "
                     "int8 weights, every executor computes on the bytes it reads, and the outputs are checked "
                     "against a reference (docs/functional-mode.md)");

  block("platform", "The hardware: address map, host, CPU, PCIe, GPU and CXL memory expander.");
  preset_key(kPresetKey,
             "documented hardware sets to start from, applied in order before the scenario's own keys and --set "
             "(docs/calibration.md#presets)");
  block("platform.address_map", "Where the memories and the MMIO window sit in the host physical address space.");
  uint64_key("platform.address_map.ddr_base", "bytes", FIELD(platform.address_map.ddr_base),
             any_value<uint64_t>(), "base of host DDR; 0 = automatic (DDR at 0)");
  uint64_key("platform.address_map.mmio_base", "bytes", FIELD(platform.address_map.mmio_base),
             any_value<uint64_t>(),
             "base of the 16 MiB MMIO window (device registers, MSI); 0 = after DDR, 1 GiB aligned");
  uint64_key("platform.address_map.cxl_base", "bytes", FIELD(platform.address_map.cxl_base), any_value<uint64_t>(),
             "base of CXL device memory, 256 MiB aligned; 0 = after the MMIO window, 1 GiB aligned");

  block("platform.host", "The host: interconnect, PCIe root complex and DDR.");
  number_key("platform.host.interconnect_latency_ns", "ns", FIELD(platform.host.interconnect_latency_ns),
             at_least(0.0), "latency through the host interconnect");
  number_key("platform.host.root_complex_latency_ns", "ns", FIELD(platform.host.root_complex_latency_ns),
             at_least(0.0), "latency through the PCIe root complex");
  dram_block("platform.host.ddr", FIELD(platform.host.ddr), "Host DDR memory.");

  block("platform.cpu", "Host CPU cores running expert jobs with AMX.");
  unsigned_key("platform.cpu.cores", "-", FIELD(platform.cpu.cores), at_least(1u),
               "cores running expert jobs with AMX");
  number_key("platform.cpu.freq_GHz", "GHz", FIELD(platform.cpu.freq_GHz), above(0.0), "core clock");
  number_key("platform.cpu.amx_flops_per_cycle", "FLOP/cycle", FIELD(platform.cpu.amx_flops_per_cycle), above(0.0),
             "AMX FLOPs per cycle per core (BF16: 512 MACs = 1024)");
  number_key("platform.cpu.efficiency", "-", FIELD(platform.cpu.efficiency), above_and_at_most(0, 1),
             "roofline mode: sustained fraction of the AMX peak");
  number_key("platform.cpu.per_token_us", "us", FIELD(platform.cpu.per_token_us), above(0.0),
             "per_token mode: one token through one expert");
  unsigned_key("platform.cpu.lines_in_flight_per_core", "lines", FIELD(platform.cpu.lines_in_flight_per_core),
               at_least(1u), "outstanding 64 B misses per core (fill buffers, prefetch)");
  unsigned_key("platform.cpu.queue_depth", "jobs", FIELD(platform.cpu.queue_depth), at_least(1u),
               "jobs the work-queue doorbell holds");
  number_key("platform.cpu.dequant_GBps", "GB/s", FIELD(platform.cpu.dequant_GBps), at_least(0.0),
             "rate of expanding compressed weights to 16 bit (output bytes); 0 = free");
  number_key("platform.cpu.register_latency_ns", "ns", FIELD(platform.cpu.register_latency_ns), at_least(0.0),
             "work-queue doorbell page access");

  const auto pcie_sizes = one_of<unsigned>({128, 256, 512, 1024, 2048, 4096});
  block("platform.pcie", "The PCIe link between the host root complex and the GPU.");
  unsigned_key("platform.pcie.generation", "-", FIELD(platform.pcie.generation), in_range(1u, 6u),
               "PCIe generation: transfer rate per lane and line encoding");
  unsigned_key("platform.pcie.lanes", "lanes", FIELD(platform.pcie.lanes), one_of<unsigned>({1, 2, 4, 8, 16}),
               "link width");
  number_key("platform.pcie.bandwidth_GBps", "GB/s", FIELD(platform.pcie.bandwidth_GBps), at_least(0.0),
             "raw per-direction rate after encoding; 0 = derive from generation and lanes");
  unsigned_key("platform.pcie.max_payload_bytes", "bytes", FIELD(platform.pcie.max_payload_bytes), pcie_sizes,
               "MPS: largest TLP payload");
  unsigned_key("platform.pcie.max_read_request_bytes", "bytes", FIELD(platform.pcie.max_read_request_bytes),
               pcie_sizes, "MRRS: largest read request");
  number_key("platform.pcie.tlp_overhead_bytes", "bytes", FIELD(platform.pcie.tlp_overhead_bytes), at_least(0.0),
             "bytes per TLP besides payload: 16 header + 2 sequence + 4 LCRC + 4 framing");
  number_key("platform.pcie.dllp_overhead_bytes", "bytes", FIELD(platform.pcie.dllp_overhead_bytes), at_least(0.0),
             "ACK/flow-control DLLP bytes per TLP (an 8 B DLLP about every 4 TLPs)");
  number_key("platform.pcie.latency_ns", "ns", FIELD(platform.pcie.latency_ns), at_least(0.0),
             "one traversal, each direction");

  block("platform.gpu", "The GPU: compute, HBM and its DMA engine.");
  number_key("platform.gpu.peak_TFLOPS", "TFLOP/s", FIELD(platform.gpu.peak_TFLOPS), above(0.0),
             "dense FP16/BF16 peak");
  number_key("platform.gpu.efficiency", "-", FIELD(platform.gpu.efficiency), above_and_at_most(0, 1),
             "roofline mode: sustained fraction of the peak");
  number_key("platform.gpu.per_token_us", "us", FIELD(platform.gpu.per_token_us), above(0.0),
             "per_token mode: one token through one expert");
  dram_block("platform.gpu.hbm", FIELD(platform.gpu.hbm), "GPU HBM.");
  gib_key("platform.gpu.hbm_reserved_GiB", FIELD(platform.gpu.hbm_reserved_bytes),
          "HBM kept for activations and workspace; the rest caches experts");
  uint64_key("platform.gpu.dma_bytes_in_flight", "bytes", FIELD(platform.gpu.dma_bytes_in_flight),
             at_least<uint64_t>(64), "per DMA engine: outstanding requests x their size (at least one burst)");
  unsigned_key("platform.gpu.queue_depth", "jobs", FIELD(platform.gpu.queue_depth), at_least(1u),
               "jobs the doorbell queue holds");
  number_key("platform.gpu.dequant_GBps", "GB/s", FIELD(platform.gpu.dequant_GBps), at_least(0.0),
             "rate of expanding compressed weights to 16 bit (output bytes); 0 = free");
  enum_key<Eviction>("platform.gpu.eviction", FIELD(platform.gpu.eviction),
                      {{"lru", Eviction::lru}, {"lfu", Eviction::lfu}},
                      "which HBM-resident expert makes room: least recently or least frequently used");
  number_key("platform.gpu.register_latency_ns", "ns", FIELD(platform.gpu.register_latency_ns), at_least(0.0),
             "BAR register access inside the GPU");

  block("platform.cxl", "The CXL Type-3 memory expander and the host root port it hangs off.");
  number_key("platform.cxl.root_port_latency_ns", "ns", FIELD(platform.cxl.root_port_latency_ns), at_least(0.0),
             "latency through the host's CXL root port");
  number_key("platform.cxl.controller_latency_ns", "ns", FIELD(platform.cxl.controller_latency_ns), at_least(0.0),
             "request handling in the device controller");
  block("platform.cxl.link", "The CXL link: a PCIe PHY carrying CXL.mem messages in flits.");
  unsigned_key("platform.cxl.link.generation", "-", FIELD(platform.cxl.link.generation), in_range(1u, 6u),
               "PCIe PHY generation the link trains to");
  unsigned_key("platform.cxl.link.lanes", "lanes", FIELD(platform.cxl.link.lanes),
               one_of<unsigned>({1, 2, 4, 8, 16}), "link width");
  number_key("platform.cxl.link.bandwidth_GBps", "GB/s", FIELD(platform.cxl.link.bandwidth_GBps), at_least(0.0),
             "raw per-direction rate after encoding; 0 = derive from generation and lanes");
  unsigned_key("platform.cxl.link.flit_bytes", "bytes", FIELD(platform.cxl.link.flit_bytes),
               one_of<unsigned>({68, 256}), "flit size: 68 (CXL 1.1/2.0) or 256 (CXL 3.x)");
  number_key("platform.cxl.link.header_slots_per_message", "slots", FIELD(platform.cxl.link.header_slots_per_message),
             above_and_at_most(0, 4), "16 B slots per message header (0.5: two headers share a slot)");
  number_key("platform.cxl.link.latency_ns", "ns", FIELD(platform.cxl.link.latency_ns), at_least(0.0),
             "one traversal, each direction (PHY, flit packing, retimers)");
  dram_block("platform.cxl.dram", FIELD(platform.cxl.dram), "Device DRAM inside the CXL expander.");
  block("platform.cxl.ndp", "The near-data processing engine inside the CXL expander.");
  bool_key("platform.cxl.ndp.enabled", FIELD(platform.cxl.ndp.enabled), "whether the expander has an NDP engine");
  enum_key<NdpImpl>("platform.cxl.ndp.impl", FIELD(platform.cxl.ndp.impl), {{"tlm", NdpImpl::tlm}, {"rtl", NdpImpl::rtl}},
                    "implementation of the engine: tlm (the fast model) or rtl (the verilated Verilog engine, "
                    "functional jobs only; docs/ndp-plugin.md)");
  number_key("platform.cxl.ndp.rtl_clock_MHz", "MHz", FIELD(platform.cxl.ndp.rtl_clock_MHz), above_and_at_most(0, 10000),
             "impl rtl: the engine's clock; its MAC array does LANES MACs and its memory port moves 16 bytes per cycle");
  enum_key<NdpRtlInterface>("platform.cxl.ndp.rtl_interface", FIELD(platform.cxl.ndp.rtl_interface),
                            {{"valid_ready", NdpRtlInterface::valid_ready}, {"axi4", NdpRtlInterface::axi4}},
                            "impl rtl: the engine's pin contract: valid_ready (ndp_engine) or axi4 (ndp_engine_axi: "
                            "AXI4 memory master, AXI4-Lite registers, level interrupt; docs/ndp-plugin.md)");
  uint64_key("platform.cxl.ndp.watchdog_cycles", "cycles", FIELD(platform.cxl.ndp.watchdog_cycles), any_value<uint64_t>(),
             "impl rtl: clock cycles without progress on the pins (a memory transfer, a register answer, an "
             "interrupt) after which the run stops, naming engine and job; 0 = never");
  number_key("platform.cxl.ndp.job_time_limit_ms", "ms", FIELD(platform.cxl.ndp.job_time_limit_ms), at_least(0.0),
             "simulated time one NDP job may take before the run stops, naming engine and job; 0 = no limit");
  number_key("platform.cxl.ndp.mac_GMACps", "GMAC/s", FIELD(platform.cxl.ndp.mac_GMACps), above(0.0),
             "MAC array rate; 1 MAC = 2 FLOPs (1000 -> 2 TFLOPS)");
  number_key("platform.cxl.ndp.internal_GBps", "GB/s", FIELD(platform.cxl.ndp.internal_GBps), above(0.0),
             "memory-port bandwidth into device DRAM");
  number_key("platform.cxl.ndp.per_token_us", "us", FIELD(platform.cxl.ndp.per_token_us), above(0.0),
             "per_token mode: one token through one expert");
  uint64_key("platform.cxl.ndp.bytes_in_flight", "bytes", FIELD(platform.cxl.ndp.bytes_in_flight),
             at_least<uint64_t>(64), "memory port: outstanding requests x their size (at least one burst)");
  unsigned_key("platform.cxl.ndp.queue_depth", "jobs", FIELD(platform.cxl.ndp.queue_depth), at_least(1u),
               "jobs the doorbell queue holds");
  number_key("platform.cxl.ndp.dequant_GBps", "GB/s", FIELD(platform.cxl.ndp.dequant_GBps), at_least(0.0),
             "rate of expanding compressed weights to 16 bit (output bytes); 0 = free");
  number_key("platform.cxl.ndp.register_latency_ns", "ns", FIELD(platform.cxl.ndp.register_latency_ns),
             at_least(0.0), "register block access");
  unsigned_key("platform.cxl.ndp.max_d_model", "-", FIELD(platform.cxl.ndp.max_d_model), in_range(1u, 65535u),
               "functional jobs: largest d_model the engine's buffers hold (its MAX_D_MODEL register)");
  unsigned_key("platform.cxl.ndp.max_d_ff", "-", FIELD(platform.cxl.ndp.max_d_ff), in_range(1u, 65535u),
               "functional jobs: largest d_ff the engine's buffers hold (its MAX_D_FF register)");

  const auto value_bytes = one_of<unsigned>({1, 2, 4});
  block("model", "The MoE model: its shape and where its expert weights live.");
  unsigned_key("model.experts", "-", FIELD(model.experts), in_range(1u, 65536u), "experts per MoE layer");
  unsigned_key("model.layers", "-", FIELD(model.layers), at_least(1u), "MoE layers per forward pass");
  unsigned_key("model.d_model", "-", FIELD(model.d_model), in_range(1u, 1u << 20), "hidden size (values per token)");
  unsigned_key("model.d_ff", "-", FIELD(model.d_ff), in_range(1u, 1u << 20), "inner size of an expert's feed-forward network");
  unsigned_key("model.weight_bytes_per_param", "bytes", FIELD(model.weight_bytes_per_param), value_bytes,
               "bytes per weight (2 = 16-bit weights)");
  unsigned_key("model.activation_bytes_per_value", "bytes", FIELD(model.activation_bytes_per_value), value_bytes,
               "bytes per activation value");
  uint64_key("model.expert_bytes", "bytes", FIELD(model.expert_bytes), any_value<uint64_t>(),
             "weight bytes of one expert; 0 = derived: 2 x d_model x d_ff x weight_bytes_per_param");
  enum_key<WeightsHome>("model.weights_home", FIELD(model.weights_home),
                        {{"ddr", WeightsHome::ddr}, {"cxl", WeightsHome::cxl}},
                        "memory that holds every expert's weights: host DDR or CXL device DRAM");
  unsigned_key("model.requant_shift", "bits", FIELD(model.requant_shift), in_range(0u, 31u),
               "functional mode: right shift of both requantizations; the shifts that keep the seeded per-row "
               "scales in 16 bits depend on d_model, d_ff and top_k (docs/functional-mode.md); timing mode "
               "ignores it");

  block("workload", "The tokens and how they are routed to experts.");
  enum_key<RoutingDistribution>("workload.distribution", FIELD(workload.distribution),
                                {{"zipf", RoutingDistribution::zipf},
                                 {"uniform", RoutingDistribution::uniform},
                                 {"trace", RoutingDistribution::trace}},
                                "expert popularity: Zipf-skewed or uniform, or replayed from workload.trace_file");
  number_key("workload.zipf_s", "-", FIELD(workload.zipf_s), at_least(0.0),
             "Zipf exponent: P(rank r) ~ 1 / r^s");
  unsigned_key("workload.tokens_per_batch", "tokens", FIELD(workload.tokens_per_batch), at_least(1u),
               "tokens per batch");
  unsigned_key("workload.batches", "-", FIELD(workload.batches), at_least(1u), "batches in the run");
  // The upper bound depends on another key; check_top_k() tests it once both are bound.
  unsigned_key("workload.top_k", "experts", FIELD(workload.top_k),
               {"in 1..model.experts", [](unsigned v) { return v >= 1; }}, "distinct experts per token");
  bool_key("workload.permute_experts", FIELD(workload.permute_experts),
           "shuffle which expert id gets which popularity rank");
  path_key("workload.trace_file", FIELD(workload.trace_file),
           "distribution trace (and only then): the routing trace to replay, .csv or .jsonl (docs/workloads.md); "
           "relative to the scenario file's folder, or to the current folder when given with --set");

  block("policy", "Expert placement policy the firmware runs.");
  enum_key<std::string>("policy.name", FIELD(policy.name),
                        {{"gpu_only", "gpu_only"},
                         {"static_tiers", "static_tiers"},
                         {"monde_ideal", "monde_ideal"},
                         {"cxl_expert", "cxl_expert"},
                         {"adaptive", "adaptive"},
                         {"cost_model", "cost_model"}},
                        "gpu_only: every expert on the GPU, fetched over PCIe; "
                        "static_tiers: top hot_experts on the GPU, next warm_experts on the CPU, the rest on NDP; "
                        "monde_ideal: hot experts on the GPU as if resident, the rest on NDP; "
                        "cxl_expert: the paper's threshold scheme; adaptive: cxl_expert with the threshold "
                        "chosen per layer by the cost model; cost_model: per expert, the lane that finishes "
                        "it first (docs/policies.md)");
  enum_key<FetchMode>("policy.fetch", FIELD(policy.fetch),
                      {{"layer", FetchMode::layer}, {"on_demand", FetchMode::on_demand}},
                      "gpu_only: fetch every expert of a layer, or only the selected ones");
  unsigned_key("policy.hot_experts", "experts", FIELD(policy.hot_experts), any_value<unsigned>(),
               "static_tiers: top experts by token count -> GPU");
  unsigned_key("policy.warm_experts", "experts", FIELD(policy.warm_experts), any_value<unsigned>(),
               "static_tiers: next ones -> CPU with AMX; the rest -> NDP");
  number_key("policy.threshold_percentile", "%", FIELD(policy.threshold_percentile), in_range(0.0, 100.0),
             "cxl_expert, monde_ideal: experts ranked above this percentile of the layer's experts by token "
             "count are hot (75 of 128 experts: the 32 busiest)");
  bool_key("policy.warm_on_cpu", FIELD(policy.warm_on_cpu),
           "cxl_expert, adaptive: a hot expert runs on the CPU when its AMX time beats fetch plus GPU time");
  bool_key("policy.prefetch", FIELD(policy.prefetch),
           "fetch the next layer's GPU experts of the previous batch into HBM while this layer runs");

  block("quantization", "Compressed weight formats per execution lane and activation compression.");
  const auto factor = at_least(1.0);
  number_key("quantization.gpu_weight_compression", "x", FIELD(quantization.gpu_weight_compression), factor,
             "weights the GPU fetches and reads are this many times smaller (1: 16-bit, 2: int8, 4: int4)");
  number_key("quantization.cpu_weight_compression", "x", FIELD(quantization.cpu_weight_compression), factor,
             "weights the CPU streams are this many times smaller");
  number_key("quantization.ndp_weight_compression", "x", FIELD(quantization.ndp_weight_compression), factor,
             "weights the NDP engine streams are this many times smaller (the paper's cold experts: 4)");
  number_key("quantization.activation_compression", "x", FIELD(quantization.activation_compression), factor,
             "activations copied to and from CPU and NDP jobs are this many times smaller");
}

#undef FIELD

const Schema& schema() {
  static const Schema instance;
  return instance;
}

// ---------------------------------------------------------------------------
// Loading: file -> YAML tree -> overrides -> walk and bind -> cross checks.

const char* const kOverrideFile = "--set";

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return quoted(node.Scalar());
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

// The key and value written for `name` in `block`, if any.
std::optional<std::pair<YAML::Node, YAML::Node>> find_item(const YAML::Node& block, const std::string& name) {
  if (!block.IsMap()) return std::nullopt;
  for (const auto& item : block)
    if (item.first.IsScalar() && item.first.Scalar() == name) return std::make_pair(item.first, item.second);
  return std::nullopt;
}

// One load: the YAML tree (file, if any, plus overrides), the paths overrides
// set, and the Scenario being filled.
class Loader {
 public:
  // Without a path the tree starts empty: the scenario is the defaults plus the overrides.
  Loader(const Schema& schema, std::optional<std::string> path) : schema_(schema), path_(std::move(path)) {}

  Scenario load(const std::vector<std::string>& overrides) {
    root_.reset(path_ ? read_file(*path_) : YAML::Node(YAML::NodeType::Map));
    for (const auto& assignment : overrides) apply_override(assignment);
    scenario_.file = path_.value_or("");
    apply_presets();  // first: the file's own keys and --set override them
    bind_block(root_, "");
    check_required_keys();
    check_top_k();
    check_functional();  // before check_platform: it sets the expert's size
    check_platform();
    check_ndp_impl();
    check_routing_trace();  // last: it reads the whole trace
    return scenario_;
  }

 private:
  // The mapping of scenario keys in the file at `path`.
  static YAML::Node read_file(const std::string& path) {
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
      throw ScenarioError(path, 0, "", std::string("cannot open scenario: ") + std::strerror(EISDIR));
    if (!reading_ends(path)) throw ScenarioError(path, 0, "", "cannot open scenario: not a regular file");
    std::ifstream in(path);
    if (!in) throw ScenarioError(path, 0, "", std::string("cannot open scenario: ") + std::strerror(errno));
    YAML::Node root;
    try {
      root.reset(YAML::Load(in));
    } catch (const YAML::Exception& e) {
      // The file is open, so "bad file" is yaml-cpp 0.7's wording for its nesting limit (DeepRecursion).
      const std::string what = e.msg == YAML::ErrorMsg::BAD_FILE ? "nested too deeply" : e.msg;
      throw ScenarioError(path, e.mark.is_null() ? 0 : e.mark.line + 1, "", "yaml: " + what);
    }
    if (root.IsNull()) return YAML::Node(YAML::NodeType::Map);  // an empty file: all defaults
    if (!root.IsMap())
      throw ScenarioError(path, root.Mark().line + 1, "",
                          "expected a mapping of scenario keys (got " + describe(root) + ")");
    return root;
  }

  // "a.b.c=value": set (or create) that node in the tree, so that every check
  // the file's own values go through applies to it too.
  void apply_override(const std::string& assignment) {
    const auto equals = assignment.find('=');
    const std::string path = assignment.substr(0, equals);
    if (equals == std::string::npos || !is_key_path(path))
      throw ScenarioError(kOverrideFile, 0, "", quoted(assignment) + ": expected key.path=value");
    check_key_path(path, kOverrideFile, 0);
    YAML::Node value;
    try {
      value = YAML::Load(assignment.substr(equals + 1));
    } catch (const YAML::Exception& e) {
      throw ScenarioError(kOverrideFile, 0, path, "yaml: " + e.msg);
    }
    const auto segments = split_path(path);
    YAML::Node block = root_;
    std::string prefix;
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      prefix += (i ? "." : "") + segments[i];
      const auto item = find_item(block, segments[i]);
      if (item && !item->second.IsMap() && !item->second.IsNull())
        fail_about(prefix, "expected a mapping (got " + describe(item->second) + ")");
      block.reset(block[segments[i]]);  // creates the block when missing, turns null into a mapping
    }
    block[segments.back()] = value;
    overridden_.push_back(path);
  }

  void bind_block(const YAML::Node& block, const std::string& prefix) {
    std::set<std::string> seen;  // yaml-cpp keeps duplicate keys; a second one would silently win
    for (const auto& item : block) {
      const YAML::Node& key = item.first;
      if (!key.IsScalar()) fail_at(prefix, key, "expected a key name (got " + describe(key) + ")");
      if (prefix.empty() && key.Scalar() == kSweepKey) continue;  // checked by load_sweep_grid
      const std::string path = prefix.empty() ? key.Scalar() : prefix + "." + key.Scalar();
      if (path == kPresetKey) {  // applied before the walk (apply_presets)
        given_.insert(path);
        continue;
      }
      const KeyEntry* entry = schema_.find(path);
      if (!entry) fail_at(path, key, schema_.unknown_key_message(path));
      if (!seen.insert(path).second)
        fail_at(path, key, "duplicate key (first at line " + std::to_string(line_of(path)) + ")");
      given_.insert(path);
      bind_entry(*entry, key, item.second);
    }
  }

  void bind_entry(const KeyEntry& entry, const YAML::Node& key, const YAML::Node& value) {
    if (entry.is_block()) {
      if (value.IsMap())
        bind_block(value, entry.path);
      else if (!value.IsNull())  // `block:` with nothing under it keeps the defaults
        fail_at(entry.path, key, "expected a mapping (got " + describe(value) + ")");
      return;
    }
    if (!value.IsScalar()) fail_at(entry.path, key, "expected " + entry.expected + " (got " + describe(value) + ")");
    try {
      entry.bind(scenario_, value.Scalar());
    } catch (const BadValue& bad) {
      fail_at(entry.path, key, bad.message);
    }
  }

  // platform.preset: NAME or [NAME, ...]. Each preset's keys are bound in
  // order, later presets over earlier ones; the walk of the tree then binds the
  // scenario's own keys over them.
  void apply_presets() {
    const auto platform = find_item(root_, "platform");
    if (!platform) return;
    const auto preset = find_item(platform->second, "preset");
    if (!preset) return;
    const YAML::Node& value = preset->second;
    std::vector<std::string> names;
    if (value.IsScalar()) names.push_back(value.Scalar());
    else if (value.IsSequence())
      for (const auto& item : value) {
        if (!item.IsScalar()) fail_at(kPresetKey, preset->first, "expected a preset name (got " + describe(item) + ")");
        names.push_back(item.Scalar());
      }
    else fail_at(kPresetKey, preset->first, "expected a preset name or a list of them (got " + describe(value) + ")");
    for (const auto& name : names) {
      const Preset* p = find_preset(name);
      if (!p)
        fail_at(kPresetKey, preset->first,
                "unknown preset " + quoted(name) + " (expected one of " + preset_names() + ")");
      for (const auto& [key, text] : p->keys) {
        const KeyEntry* entry = schema_.find(key);
        if (!entry || entry->is_block()) throw std::logic_error("preset " + name + " sets unknown key " + key);
        try {
          entry->bind(scenario_, text);
        } catch (const BadValue& bad) {
          throw std::logic_error("preset " + name + ": " + key + ": " + bad.message);
        }
      }
    }
  }

  void check_required_keys() const {
    for (const auto& entry : schema_.keys())
      if (entry.required && !given_.count(entry.path)) fail_about(entry.path, "required key is missing");
  }

  void check_top_k() const {
    const unsigned top_k = scenario_.workload.top_k, experts = scenario_.model.experts;
    if (top_k > experts)
      fail_about("workload.top_k", "must be <= model.experts, which is " + std::to_string(experts) + " (got " +
                                       std::to_string(top_k) + ")");
  }

  // simulation.data functional: int8 weights and activations in the layout
  // every executor reads (models/common/expert_ffn.h). Keys that describe a
  // size or format take the values that layout implies; written otherwise,
  // they are errors, and so are shapes too large to compute quickly or too
  // large for the NDP engine's buffers.
  void check_functional() {
    if (scenario_.simulation.data != DataMode::functional) return;
    MoeModelConfig& m = scenario_.model;
    const auto int8_only = [this](const char* key, unsigned& bytes, const char* what) {
      if (given_.count(key) && bytes != 1)
        fail_about(key, std::string("functional mode holds int8 ") + what + ": must be 1 (got " +
                            std::to_string(bytes) + ")");
      bytes = 1;
    };
    int8_only("model.weight_bytes_per_param", m.weight_bytes_per_param, "weights");
    int8_only("model.activation_bytes_per_value", m.activation_bytes_per_value, "activations");
    const NdpConfig& ndp = scenario_.platform.cxl.ndp;
    const auto bounded = [this, &ndp](const char* key, unsigned value, unsigned limit, const char* ndp_key,
                                      unsigned ndp_limit) {
      if (value > limit)
        fail_about(key, "functional mode: must be <= " + std::to_string(limit) + " (got " + std::to_string(value) + ")");
      if (ndp.enabled && value > ndp_limit)
        fail_about(key, "must be <= " + std::to_string(ndp_limit) + ", the NDP engine's " + ndp_key + " (got " +
                            std::to_string(value) + ")");
    };
    bounded("model.d_model", m.d_model, 1024, "platform.cxl.ndp.max_d_model", ndp.max_d_model);
    bounded("model.d_ff", m.d_ff, 4096, "platform.cxl.ndp.max_d_ff", ndp.max_d_ff);
    const ExpertShape shape{m.d_model, m.d_ff, m.requant_shift, FfnActivation::relu};
    if (m.expert_bytes != 0)
      fail_about("model.expert_bytes", "functional mode derives it: the int8 blob of W1, W2 and their scales, " +
                                           std::to_string(shape.blob_bytes()) + " bytes here; leave it out or 0");
    m.expert_bytes = shape.blob_bytes();
    const QuantizationConfig& q = scenario_.quantization;
    const std::pair<const char*, double> weight_factors[] = {{"quantization.gpu_weight_compression", q.gpu_weight_compression},
                                                             {"quantization.cpu_weight_compression", q.cpu_weight_compression},
                                                             {"quantization.ndp_weight_compression", q.ndp_weight_compression}};
    for (const auto& [key, factor] : weight_factors)
      if (factor != 1)
        fail_about(key, "functional mode computes on the int8 blob as stored: must be 1 (got " + number_text(factor) +
                            "); compressed formats are timing-only");
    if (q.activation_compression != 1)
      fail_about("quantization.activation_compression", "functional mode moves int8 activations as they are: must be 1 "
                                                        "(got " + number_text(q.activation_compression) + ")");
    const unsigned top_k = scenario_.workload.top_k;
    const ShiftRange usable = usable_shift_range(m.d_model, m.d_ff, top_k);
    const std::string shape_text = "d_model " + std::to_string(m.d_model) + ", d_ff " + std::to_string(m.d_ff) +
                                   " and top_k " + std::to_string(top_k);
    if (usable.lo > usable.hi)
      fail_about("workload.top_k", "functional mode: no requantization shift keeps the per-row scales of " +
                                       shape_text + " in 16 bits; lower top_k");
    if (m.requant_shift < usable.lo || m.requant_shift > usable.hi)
      fail_about("model.requant_shift", "must be in " + std::to_string(usable.lo) + ".." + std::to_string(usable.hi) +
                                            " for " + shape_text + ", so that the per-row scales fit 16 bits (got " +
                                            std::to_string(m.requant_shift) + ")");
  }

  void check_platform() const {
    const auto problems = check_platform_fit(scenario_);
    if (!problems.empty()) fail_about(problems.front().key, problems.front().message);
  }

  // The RTL engine's queue depth is a Verilog parameter (CMake
  // CXLVP_NDP_RTL_QUEUE_DEPTH); the scenario must not claim another one.
  void check_ndp_impl() const {
    const NdpConfig& ndp = scenario_.platform.cxl.ndp;
    if (ndp.impl != NdpImpl::rtl) return;
    if (!ndp.enabled) fail_about("platform.cxl.ndp.impl", "rtl needs platform.cxl.ndp.enabled: true");
    // The RTL engine runs functional jobs only (others fail with bad_descriptor).
    if (scenario_.simulation.data != DataMode::functional)
      fail_about("platform.cxl.ndp.impl", "rtl runs functional jobs only: needs simulation.data: functional");
    const NdpRtlParameters rtl = ndp_rtl_parameters();
    const MoeModelConfig& m = scenario_.model;
    if (m.d_model > rtl.max_d_model)
      fail_about("model.d_model", "at most " + std::to_string(rtl.max_d_model) +
                                      " with platform.cxl.ndp.impl rtl (the RTL engine's MAX_D_MODEL)");
    if (m.d_ff > rtl.max_d_ff)
      fail_about("model.d_ff", "at most " + std::to_string(rtl.max_d_ff) +
                                   " with platform.cxl.ndp.impl rtl (the RTL engine's MAX_D_FF)");
    const unsigned depth = rtl.queue_depth;
    if (ndp.queue_depth != depth)
      fail_about("platform.cxl.ndp.queue_depth", "must be " + std::to_string(depth) +
                                                     " with impl rtl, the RTL engine's QUEUE_DEPTH (got " +
                                                     std::to_string(ndp.queue_depth) + ")");
  }

  // workload.trace_file goes with distribution trace and only with it. The
  // trace is read through here, so that a run never stops half-way on a bad line.
  void check_routing_trace() {
    const std::string key = "workload.trace_file";
    WorkloadConfig& workload = scenario_.workload;
    if (workload.distribution != RoutingDistribution::trace) {
      if (!workload.trace_file.empty()) fail_about(key, "only used when workload.distribution is trace");
      return;
    }
    if (workload.trace_file.empty()) fail_about(key, "required when workload.distribution is trace");
    // Relative to the scenario's folder, so that a scenario and its trace move
    // together; a --set value is relative to the current folder, like any path on a command line.
    if (!from_override(key) && std::filesystem::path(workload.trace_file).is_relative())
      workload.trace_file = (std::filesystem::path(*path_).parent_path() / workload.trace_file).string();
    try {
      validate_routing_trace(workload.trace_file, routing_trace_shape(scenario_.model, workload), workload.batches);
    } catch (const RoutingTraceError& e) {
      if (e.line == 0) fail_about(key, e.what());  // the path itself is wrong: point at where it is written
      // ScenarioError counts lines in an int; a line of a longer trace goes into the message instead.
      if (e.line <= uint64_t(INT_MAX)) throw ScenarioError(e.file, int(e.line), key, e.message);
      throw ScenarioError(e.file, 0, key, "line " + std::to_string(e.line) + ": " + e.message);
    }
  }

  // A problem found while walking the tree, at the key node that holds it.
  [[noreturn]] void fail_at(const std::string& path, const YAML::Node& key, const std::string& message) const {
    if (from_override(path) || key.Mark().is_null()) fail_about(path, message);
    throw ScenarioError(*path_, key.Mark().line + 1, path, message);
  }

  // A problem about a key that may not be written anywhere.
  [[noreturn]] void fail_about(const std::string& path, const std::string& message) const {
    if (from_override(path)) throw ScenarioError(kOverrideFile, 0, path, message);
    throw ScenarioError(*path_, line_of(path), path, message);
  }

  // Whether `path` got its value from an override, directly or inside a block
  // one replaced. Without a file, whatever the scenario holds besides the
  // defaults came from the overrides, so every problem is theirs (and a path
  // in them is relative to the current folder).
  bool from_override(const std::string& path) const {
    if (!path_) return true;
    for (const auto& set : overridden_)
      if (path == set || path.rfind(set + ".", 0) == 0) return true;
    return false;
  }

  // Line of the key at `path`, else of its nearest ancestor written in the
  // file, else the file's first line.
  int line_of(const std::string& path) const {
    int line = 1;
    YAML::Node block = root_;
    for (const auto& segment : split_path(path)) {
      const auto item = find_item(block, segment);
      if (!item) break;
      if (!item->first.Mark().is_null()) line = item->first.Mark().line + 1;  // null: created by an override
      block.reset(item->second);
    }
    return line;
  }

  const Schema& schema_;
  const std::optional<std::string> path_;  // the scenario file; none for load_defaults
  YAML::Node root_;
  std::vector<std::string> overridden_;  // dotted paths set by overrides
  std::set<std::string> given_;          // dotted paths present in the tree
  Scenario scenario_;
};

// ---------------------------------------------------------------------------
// Reference docs.

const char* const kReferenceIntro = R"(# Scenario reference

<!-- Generated from the scenario loader's schema by cxlvp::scenario_reference_markdown()
     (`cxlvp keys`); edit platform/scenario_loader.cpp, not this file. -->

A scenario is one YAML file that describes a run: the platform (host, CPU, PCIe, GPU, CXL memory
expander), the MoE model, the workload and the placement policy. Only `name` is required; every
other key may be left out and then takes the default listed here. A block may be empty. Keys that
are not listed here are errors at every level, and so is a mapping where a value is expected or a
value where a mapping is expected.

## Conventions

- Units are in the key names and in the Unit column. **1 GB = 10^9 bytes** (bandwidths, GB/s);
  **1 GiB = 2^30 bytes** (capacities). `*_GiB` keys are stored as bytes, rounded to the nearest byte.
- Types: `uint` is an integer in 0..4294967295, `uint64` an integer in 0..2^64-1, `number` a finite
  decimal number (`1.5`, `2e3`), `bool` is `true` or `false` (`yes`/`no` and `on`/`off` also work),
  `enum` one of the listed words.
- Integers are decimal, or hexadecimal with a `0x` prefix (`cxl_base: 0x2000000000`); a leading 0
  does not mean octal.
- After each key is checked on its own, the combination is checked: `workload.top_k` must not
  exceed `model.experts`, the memories must hold the model (descriptors and staging, expert
  weights in their home memory, at least one expert next to the reserved HBM), and the DDR, MMIO
  and CXL address windows must not overlap. Each such problem is reported against the key to change.
- `workload.trace_file` is required when `workload.distribution` is `trace` and an error otherwise.
  The whole trace is read and checked against the model and workload when the scenario is loaded
  (docs/workloads.md); a problem in it is reported as `TRACE_FILE:LINE: workload.trace_file: MESSAGE`,
  a file that cannot be opened against the line that names it.
- `simulation.data: functional` (docs/functional-mode.md) holds int8 weights and activations:
  `model.weight_bytes_per_param` and `model.activation_bytes_per_value` become 1 and
  `model.expert_bytes` the size of an expert's int8 blob (each an error when written otherwise);
  `model.d_model` <= 1024 and `model.d_ff` <= 4096 (and, with an NDP engine, <= its `max_d_model`
  and `max_d_ff`); every `quantization` factor must be 1 (compressed formats are timing-only); and
  `model.requant_shift` must be in the range that keeps the seeded scales in 16 bits for the shape.

## Overrides

`--set key.path=value` (repeatable) changes one key after the file is read and before anything is
checked, so every check applies to it; it creates the key, and the blocks around it, when the file
does not have them. The value is read as YAML: `--set platform.cxl.ndp.enabled=false`,
`--set policy.name=gpu_only`, or a flow mapping that replaces a whole block,
`--set 'platform.pcie={generation: 5, lanes: 8}'`.

## Sweeps

A scenario may also have a top-level `sweep:` block: a grid of runs, each key a dotted key from
this reference with a list of values, e.g. `policy.hot_experts: [2, 4, 8]`. `cxlvp run` ignores
it (and says so), `cxlvp validate` checks it, and `cxlvp sweep` runs every point of the grid
([sweeps.md](sweeps.md)).

## Errors

Every problem is reported as `FILE:LINE: KEY: MESSAGE`, for example
`scenarios/x.yaml:12: platform.pcie.lanes: must be one of 1, 2, 4, 8, 16 (got 3)`. A problem about
a key that is not written in the file points at the line of its nearest enclosing block. Problems
in an override name `--set` as the file, without a line.
)";

std::string heading(const std::string& block) {
  if (block.empty()) return "## Top level";
  return std::string(1 + split_path(block).size(), '#') + " `" + block + "`";
}

// One section per block: its heading, its meaning, and a table of the values directly inside it.
void write_section(std::ostringstream& md, const std::string& block, const std::string& meaning,
                   Scenario& defaults) {
  md << "\n" << heading(block) << "\n\n" << meaning << "\n";
  bool table_started = false;
  for (const auto& entry : schema().keys()) {
    if (entry.is_block() || parent_of(entry.path) != block) continue;
    if (!table_started) {
      md << "\n| Key | Type | Default | Unit | Allowed | Meaning |\n|---|---|---|---|---|---|\n";
      table_started = true;
    }
    md << "| `" << entry.path << "` | " << entry.type << " | "
       << (entry.required ? std::string("required") : "`" + entry.show(defaults) + "`") << " | " << entry.unit
       << " | " << (entry.must_be.empty() ? "any" : entry.must_be) << " | " << entry.meaning << " |\n";
  }
}

}  // namespace

void check_key_path(const std::string& path, const std::string& file, int line) {
  std::string prefix;
  for (const auto& segment : split_path(path)) {
    prefix += (prefix.empty() ? "" : ".") + segment;
    if (!schema().find(prefix)) throw ScenarioError(file, line, prefix, schema().unknown_key_message(prefix));
  }
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  return Loader(schema(), path).load(overrides);
}

Scenario load_defaults(const std::vector<std::string>& overrides) {
  return Loader(schema(), std::nullopt).load(overrides);
}

std::string scenario_reference_markdown() {
  Scenario defaults;
  std::ostringstream md;
  md << kReferenceIntro;
  write_section(md, "", "Keys outside any block.", defaults);
  for (const auto& entry : schema().keys())
    if (entry.is_block()) write_section(md, entry.path, entry.meaning, defaults);
  return md.str();
}

}  // namespace cxlvp
