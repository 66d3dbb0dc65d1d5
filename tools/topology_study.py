#!/usr/bin/env python3
"""Runs every topology of scenarios/topologies/ on two workloads and prints
the table docs/topologies.md shows: simulated time, throughput, speed-up over
one expander, and the resources that bound each run (the busiest engines and
links, by utilization over the run).

  tools/topology_study.py [--binary build/cxlvp] [--out results/topology_study]

Workloads: `paper` (each scenario as written: 128 experts of 8 MiB, top-1) and
`deepseek-layer` (a DeepSeek-V3-sized MoE layer: 256 experts, top-8,
d_model 7168, d_ff 2048, 1 byte per weight: 29.4 MB per expert).
Standard library only; exit status 1 if a run fails.
"""
import argparse
import json
import pathlib
import subprocess
import sys

WORKLOADS = {
    "paper": [],
    "deepseek-layer": ["model.experts=256", "model.d_model=7168", "model.d_ff=2048",
                       "model.weight_bytes_per_param=1", "workload.top_k=8"],
}


def busiest(summary, count=2):
    """The `count` most utilized engines and links, as 'name NN %'."""
    rows = [(v["utilization"], k) for k, v in summary["jobs"].items()]
    rows += [(v["utilization"], k) for k, v in summary["links"].items()]
    rows.sort(reverse=True)
    return ", ".join(f"{name} {100 * u:.0f} %" for u, name in rows[:count])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="build/cxlvp")
    parser.add_argument("--out", default="results/topology_study")
    args = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    scenarios = sorted((root / "scenarios" / "topologies").glob("*.yaml"))
    print("| topology | workload | simulated ms | tokens/s | vs one expander | busiest (utilization) |")
    print("|---|---|---|---|---|---|")
    for workload, overrides in WORKLOADS.items():
        base = None
        for order, scenario in enumerate(sorted(scenarios, key=lambda p: (p.stem != "one_expander", p.stem))):
            out = pathlib.Path(args.out) / workload / scenario.stem
            command = [args.binary, "run", str(scenario), "--quiet", "--out", str(out)]
            for o in overrides:
                command += ["--set", o]
            run = subprocess.run(command, capture_output=True, text=True)
            if run.returncode != 0:
                print(f"topology_study: {scenario.name} ({workload}) failed:\n{run.stderr}", file=sys.stderr)
                return 1
            summary = json.loads((out / "summary.json").read_text())
            rate = summary["throughput_tokens_per_s"]
            if order == 0:
                base = rate
            print(f"| {scenario.stem} | {workload} | {1e3 * summary['simulated_time_s']:.2f} | {rate:.0f} | "
                  f"{rate / base:.2f}x | {busiest(summary)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
