// The key reference (docs/scenario-reference.md, `cxlvp keys`), generated from the schema.
#include <sstream>

#include "scenario_loader.h"
#include "scenario_schema.h"

namespace cxlvp {

namespace {

using namespace keys;

const char* const kReferenceIntro = R"(# Scenario reference

<!-- Generated from the scenario loader's schema by cxlvp::scenario_reference_markdown()
     (`cxlvp keys`); edit the schema in platform/scenario_schema.cpp, not this file. -->

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
  `enum` one of the listed words, `format` a weight format name (`bf16`, `fp8_block128`,
  `int4_g128`, ...; docs/quantization.md#weight-formats).
- `platform.preset` and `model.preset` (a published model, docs/models-zoo.md) or `model.hf_config`
  (a Hugging Face config.json) are applied before every other key: the scenario's own keys and
  `--set` override what they set. A problem in a config.json names the field at fault.
- Integers are decimal, or hexadecimal with a `0x` prefix (`cxl_base: 0x2000000000`); a leading 0
  does not mean octal.
- After each key is checked on its own, the combination is checked: `workload.top_k` must not
  exceed `model.experts` (nor, with routing groups, the experts of `model.groups_per_token`
  groups), `model.expert_groups` must divide `model.experts`, attention keys need
  `model.attention.heads` (MLA's need `kv_lora_rank`), the memories must hold the model
  (descriptors and staging, routed experts in their home memory, every other tensor class and at
  least one expert next to the reserved HBM; docs/models-zoo.md#capacity-planning), and the DDR,
  MMIO and CXL address windows must not overlap. Each such problem is reported against the key to
  change.
- Values the simulation cannot count are refused the same way: SystemC counts time in 64-bit
  picoseconds, so a scenario whose run could last more than 2^62 ps (about 53 days of simulated
  time; an upper bound from latencies, rates, model size and run length) is refused naming the key
  whose value causes it, e.g. `platform.pcie.latency_ns: 1e16` or `platform.cpu.freq_GHz: 1e-320`;
  and so are a `simulation.quantum_ns` or `platform.cxl.ndp.job_time_limit_ms` past that limit and
  an HBM with more than 2^32-1 expert slots. A scenario file over 16 MiB is refused unread.
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

## Lists

`platform.gpus`, `platform.cxl.expanders` and `platform.cxl.interleave_sets` are lists of
mappings; an item's key is written with its index, `platform.cxl.expanders.1.ndp.enabled`. A GPU
or expander item takes every key of the block it is described by (`platform.gpu` and a `pcie`
block; `platform.cxl`), starting from the values the scenario writes there, so keys shared by all
items are written once. `--set` changes a key of an item the scenario has
(`--set platform.cxl.expanders.1.ndp.enabled=false`) or replaces the whole list
(`--set 'platform.cxl.expanders=[{name: a}, {name: b}]'`). The device tree they describe, and
the checks across them, are in [topologies.md](topologies.md).

## Sweeps

A scenario may also have a top-level `sweep:` block: a grid of runs, each key a dotted key from
this reference with a list of values, e.g. `policy.hot_experts: [2, 4, 8]`. `cxlvp run` ignores
it (and says so), `cxlvp validate` checks it, and `cxlvp sweep` runs every point of the grid
([sweeps.md](sweeps.md)).

## Plausible ranges

Some keys state, after their meaning, the range real parts span ("plausible: 0.1 to 20000 GB/s").
A value outside it is allowed, but it is most likely a unit mix-up (a bandwidth written in B/s,
a clock in Hz), so `cxlvp run`, `validate` and `sweep` print a warning line on stderr, as
`cxlvp: warning: FILE:LINE: KEY: VALUE UNIT is far outside any real part's range (...); is the
unit right?`, and go on.

## Errors

Every problem is reported as `FILE:LINE: KEY: MESSAGE`, for example
`scenarios/x.yaml:12: platform.pcie.lanes: must be one of 1, 2, 4, 8, 16 (got 3)`. A problem about
a key that is not written in the file points at the line of its nearest enclosing block. Problems
in an override name `--set` as the file, without a line.
)";

std::string heading(const std::string& block) {
  if (block.empty()) return "## Top level";
  if (block.size() > 2 && block.compare(block.size() - 2, 2, ".*") == 0)  // the items of a list
    return std::string(split_path(block).size(), '#') + " `" + block.substr(0, block.size() - 2) + "` (a list; each item)";
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
       << " | " << (entry.must_be.empty() ? "any" : entry.must_be) << " | " << entry.meaning
       << (entry.plausible.empty() ? "" : " (plausible: " + entry.plausible + ")") << " |\n";
  }
}

}  // namespace

std::string scenario_reference_markdown() {
  Scenario defaults;
  for (const ListEntry& list : schema().lists()) list.add_item(defaults);  // an item to show item defaults on
  std::ostringstream md;
  md << kReferenceIntro;
  write_section(md, "", "Keys outside any block.", defaults);
  for (const auto& entry : schema().keys()) {
    if (entry.is_list) write_section(md, entry.path + ".*", entry.meaning, defaults);
    else if (entry.is_block()) write_section(md, entry.path, entry.meaning, defaults);
  }
  return md.str();
}

}  // namespace cxlvp
