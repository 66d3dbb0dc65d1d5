#pragma once
// The scenario schema: one entry per dotted key, which drives binding (YAML
// text -> Scenario field), validation (types, ranges, unknown keys at every
// level) and the key reference (scenario_reference.cpp). The table itself is
// Schema::Schema() in scenario_schema.cpp. Internal to the scenario loader.
#include <cstdint>
#include <cctype>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "model_presets.h"
#include "presets.h"
#include "scenario.h"
#include "scenario_loader.h"
#include "scenario_values.h"

namespace cxlvp::keys {


// Block entries (no bind) stand for a mapping; they are what lets unknown keys
// be caught at every level. Leaf entries parse, check and store one scalar.
struct KeyEntry {
  KeyEntry(std::string path, std::string type, std::string expected, std::string unit, std::string must_be,
           std::string meaning, bool required, std::function<void(Scenario&, const std::string&)> bind,
           std::function<std::string(Scenario&)> show)
      : path(std::move(path)),
        type(std::move(type)),
        expected(std::move(expected)),
        unit(std::move(unit)),
        must_be(std::move(must_be)),
        meaning(std::move(meaning)),
        required(required),
        bind(std::move(bind)),
        show(std::move(show)) {}

  std::string path;      // dotted, e.g. "platform.pcie.lanes"
  std::string type;      // for the docs: mapping, string, uint, uint64, number, bool, enum
  std::string expected;  // what a value must be, for type errors: "an unsigned integer"
  std::string unit;      // "-" when it has none
  std::string must_be;   // allowed values in words; empty when any value of the type is fine
  std::string meaning;   // one line for the docs
  bool required = false;
  std::function<void(Scenario&, const std::string&)> bind;  // leaves: parse, check, store; throws BadValue
  std::function<std::string(Scenario&)> show;                // leaves: the value held, as YAML text
  // Leaves whose value is a sequence of scalars (a list of names) bind here instead.
  std::function<void(Scenario&, const std::vector<std::string>&)> bind_sequence;
  bool is_list = false;  // a sequence of mappings: a ListEntry says what an item holds
  std::string plausible{};  // the range real parts span, for the docs; empty when not stated
  // Given a value that bound, "" when it lies in the plausible range, else why
  // it looks wrong; a warning, not an error (scenario_loader.cpp).
  std::function<std::string(const std::string&)> implausible{};

  bool is_block() const { return !bind && !bind_sequence; }
};

// A key whose value is a list of mappings (platform.gpus,
// platform.cxl.expanders, platform.cxl.interleave_sets). An item has its own
// keys, registered as "<list>.*.<key>", and may also take every key of some
// shorthand blocks ("mirrors"): an expander item takes the keys of
// platform.cxl, so `platform.cxl.expanders.1.dram.capacity_GiB` is bound like
// `platform.cxl.dram.capacity_GiB`, onto that item. An item starts as a copy
// of those blocks as the scenario wrote them.
struct ListEntry {
  std::string path;
  // Item sub-key prefix -> the block whose keys it takes ("" -> "platform.cxl"; "pcie" -> "platform.pcie").
  std::vector<std::pair<std::string, std::string>> mirrors;
  std::vector<std::string> not_mirrored;  // keys of a mirrored block that an item does not take
  std::function<void(Scenario&)> add_item;  // appends an item: defaults and the mirrored blocks' values
  // Swaps the last item's part with the mirrored blocks, so that their keys bind onto the item.
  std::function<void(Scenario&)> swap_last;
};

template <class T>
using Field = std::function<T&(Scenario&)>;

// Values real parts span, with margin: a value outside is allowed but most
// likely a unit mix-up (32e9 under a GB/s key). `zero` is a value with a
// meaning of its own (automatic, free) that is never implausible.
struct Plausible {
  double low, high;
  std::optional<double> zero;
};

inline std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::istringstream in(path);
  for (std::string segment; std::getline(in, segment, '.');) segments.push_back(segment);
  return segments;
}

// Dot-separated names, none of them empty.
inline bool is_key_path(const std::string& path) {
  return !path.empty() && path.front() != '.' && path.back() != '.' && path.find("..") == std::string::npos;
}

inline std::string parent_of(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? "" : path.substr(0, dot);
}

inline std::string last_segment(const std::string& path) { return path.substr(path.rfind('.') + 1); }

// Optimal string alignment distance: edits, counting a swap of neighbours as one.
inline size_t edit_distance(const std::string& a, const std::string& b) {
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

  const std::vector<ListEntry>& lists() const { return lists_; }

  const ListEntry* find_list(const std::string& path) const {
    for (const auto& list : lists_)
      if (list.path == path) return &list;
    return nullptr;
  }

  // A dotted path into a list item: "platform.cxl.expanders.1.dram.capacity_GiB"
  // is item 1 of platform.cxl.expanders, sub-key "dram.capacity_GiB".
  struct ItemPath {
    const ListEntry* list;
    size_t index;
    std::string sub;  // empty: the item itself
  };
  std::optional<ItemPath> item_path(const std::string& path) const {
    for (const auto& list : lists_) {
      if (path.rfind(list.path + ".", 0) != 0) continue;
      const std::string rest = path.substr(list.path.size() + 1);
      const std::string index = rest.substr(0, rest.find('.'));
      if (index.empty() || index.size() > 6 || index.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
      return ItemPath{&list, std::stoul(index), rest.size() > index.size() ? rest.substr(index.size() + 1) : ""};
    }
    return std::nullopt;
  }

  // The entry a key inside an item stands for: one of the item's own keys or a
  // key of a mirrored block; null when the item has no such key.
  const KeyEntry* find_in_item(const ListEntry& list, const std::string& sub) const {
    if (const KeyEntry* own = find(list.path + ".*." + sub)) return own;
    for (const auto& [prefix, block] : list.mirrors) {
      std::string inner;
      if (prefix.empty()) inner = sub;
      else if (sub.rfind(prefix + ".", 0) == 0) inner = sub.substr(prefix.size() + 1);
      else if (sub == prefix) return find(block);
      else continue;
      const std::string first = inner.substr(0, inner.find('.'));
      bool excluded = false;
      for (const auto& name : list.not_mirrored) excluded |= name == first;
      for (const auto& [other, unused] : list.mirrors) excluded |= prefix.empty() && !other.empty() && other == first;
      if (excluded) continue;
      if (const KeyEntry* e = find(block + "." + inner)) return e;
    }
    return nullptr;
  }

  // Names valid directly inside `sub_block` of an item ("" = the item itself).
  std::vector<std::string> item_children(const ListEntry& list, const std::string& sub_block) const {
    std::vector<std::string> names;
    for (const auto& name : children(list.path + ".*" + (sub_block.empty() ? "" : "." + sub_block)))
      names.push_back(name);
    for (const auto& [prefix, block] : list.mirrors) {
      if (prefix.empty() || sub_block == prefix || sub_block.rfind(prefix + ".", 0) == 0) {
        const std::string inner = prefix.empty() ? sub_block : sub_block.substr(std::min(sub_block.size(), prefix.size() + 1));
        for (const auto& name : children(inner.empty() ? block : block + "." + inner))
          if (find_in_item(list, (sub_block.empty() ? "" : sub_block + ".") + name)) names.push_back(name);
      } else if (sub_block.empty()) {
        names.push_back(prefix);
      }
    }
    return names;
  }

  // "unknown key", with the closest sibling when it looks like a typo, else the valid ones.
  std::string unknown_key_message(const std::string& path) const {
    const std::string name = lower_case(last_segment(path));
    std::vector<std::string> siblings;
    if (const auto item = item_path(path); item && !item->sub.empty())
      siblings = item_children(*item->list, parent_of(item->sub));
    else
      siblings = children(parent_of(path));
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
                  const char* meaning, std::optional<Plausible> plausible = std::nullopt) {
    keys_.push_back({path, "number", "a number", unit, check.must_be, meaning, false,
                     [field, check](Scenario& s, const std::string& text) {
                       field(s) = checked(check, parse_number(text), text);
                     },
                     [field](Scenario& s) { return number_text(field(s)); }});
    if (!plausible) return;
    const std::string range = number_text(plausible->low) + " to " + number_text(plausible->high) + " " + unit;
    keys_.back().plausible = range;
    keys_.back().implausible = [p = *plausible, range, unit = std::string(unit)](const std::string& text) {
      const double v = parse_number(text);
      if ((p.zero && v == *p.zero) || (v >= p.low && v <= p.high)) return std::string();
      return number_text(v) + " " + unit + " is far outside any real part's range (" + range +
             "); is the unit right?";
    };
  }

  // Written in GiB, stored in bytes. The upper bound (1 PiB) keeps the byte
  // count, and the address windows built from it, far inside 64 bits.
  // `zero_ok`: 0 is allowed (it then means "derive").
  void gib_key(const std::string& path, Field<uint64_t> bytes, const char* meaning, bool zero_ok = false) {
    const Check<double> check = zero_ok ? in_range(0.0, double(1 << 20)) : above_and_at_most(0, 1 << 20);
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

  // model.preset and model.hf_config: applied by the Loader before every
  // other key (apply_model_source), which records where the model came from
  // in `field`; nothing to bind here.
  void model_source_key(const std::string& path, const char* type, const char* expected, const std::string& must_be,
                        Field<std::string> field, const char* meaning) {
    keys_.push_back({path, type, expected, "-", must_be, meaning, false, [](Scenario&, const std::string&) {},
                     [field](Scenario& s) { return field(s).empty() ? std::string("none") : field(s); }});
  }

  void format_key(const std::string& path, Field<WeightFormat> field, const char* meaning) {
    keys_.push_back({path, "format", "a weight format", "-", std::string("one of ") + weight_format_names(), meaning,
                     false,
                     [field](Scenario& s, const std::string& text) {
                       const auto format = parse_weight_format(text);
                       if (!format)
                         throw BadValue{"must be one of " + std::string(weight_format_names()) + " (got " + quoted(text) + ")"};
                       field(s) = *format;
                     },
                     [field](Scenario& s) { return format_name(field(s)); }});
  }

  // The DRAM block shared by host DDR, GPU HBM and CXL device DRAM.
  void dram_block(const std::string& path, Field<DramConfig> dram, const char* meaning) {
    block(path, meaning);
    gib_key(path + ".capacity_GiB", [dram](Scenario& s) -> auto& { return dram(s).capacity_bytes; },
            "memory size");
    unsigned_key(path + ".channels", "-", [dram](Scenario& s) -> auto& { return dram(s).channels; },
                 at_least(1u), "channels that accesses are interleaved over; each gets peak_GBps / channels");
    number_key(path + ".peak_GBps", "GB/s", [dram](Scenario& s) -> auto& { return dram(s).peak_GBps; },
               above(0.0), "peak bandwidth of all channels together", kPlausibleGBps);
    number_key(path + ".idle_latency_ns", "ns", [dram](Scenario& s) -> auto& { return dram(s).idle_latency_ns; },
               at_least(0.0), "fixed access latency, added to the transfer time", kPlausibleLatencyNs);
    uint64_key(path + ".interleave_bytes", "bytes",
               [dram](Scenario& s) -> auto& { return dram(s).interleave_bytes; }, power_of_two_from(64),
               "channel interleaving granularity");
  }

  // A list of mappings (ListEntry); its own item keys follow as "<path>.*.<key>".
  void list(ListEntry entry, const char* meaning) {
    keys_.push_back({entry.path, "list", "a list of mappings", "-", "", meaning, false, nullptr, nullptr});
    keys_.back().is_list = true;
    lists_.push_back(std::move(entry));
  }

  // A sequence of names, e.g. [cxl0, cxl1].
  void name_list_key(const std::string& path, Field<std::vector<std::string>> field, const char* meaning) {
    keys_.push_back({path, "list of names", "a list of names", "-", "", meaning, false, nullptr,
                     [field](Scenario& s) {
                       std::string text;
                       for (const auto& name : field(s)) text += (text.empty() ? "" : ", ") + name;
                       return "[" + text + "]";
                     }});
    keys_.back().bind_sequence = [field](Scenario& s, const std::vector<std::string>& names) { field(s) = names; };
  }

  // A string naming something, defaulted when not written.
  void name_key(const std::string& path, Field<std::string> field, const char* meaning) {
    keys_.push_back({path, "string", "a string", "-", "a name: letters, digits, '_', starting with a letter", meaning,
                     false,
                     [field](Scenario& s, const std::string& text) {
                       const bool ok = !text.empty() && std::isalpha(static_cast<unsigned char>(text[0])) &&
                                       text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789_") == std::string::npos;
                       if (!ok) throw BadValue{"must be a name: letters, digits and '_', starting with a letter (got " +
                                               quoted(text) + ")"};
                       field(s) = text;
                     },
                     [field](Scenario& s) { return field(s).empty() ? std::string("(see meaning)") : field(s); }});
  }

  // A string; the checks across keys say which values are valid.
  void string_key(const std::string& path, Field<std::string> field, const char* must_be, const char* meaning) {
    keys_.push_back({path, "string", "a string", "-", must_be, meaning, false,
                     [field](Scenario& s, const std::string& text) { field(s) = text; },
                     [field](Scenario& s) { return field(s); }});
  }

  // Ranges with margin around real parts: bandwidths from a PCIe 1.0 x1 lane
  // (0.25 GB/s) to several HBM stacks (a few TB/s); latencies up to 100 us.
  static inline const Plausible kPlausibleGBps{0.1, 20000, std::nullopt};
  static inline const Plausible kPlausibleGBpsOrAuto{0.1, 20000, 0.0};  // 0: automatic or free
  static inline const Plausible kPlausibleLatencyNs{0, 100000, std::nullopt};

  std::vector<KeyEntry> keys_;
  std::vector<ListEntry> lists_;
};

// The one schema, built on first use.
const Schema& schema();

}  // namespace cxlvp::keys
