#!/usr/bin/env python3
"""Runs every topology of scenarios/topologies/ on two workloads and prints
the table docs/topologies.md shows: simulated time, throughput, speed-up over
one expander, and the resources that bound each run (the busiest engines and
links, by utilization over the run).

  tools/topology_study.py [--binary build/cxlvp] [--out results/topology_study] [--figure PNG]

Every scenario of scenarios/topologies/ is run (two_gpus_behind_switch.yaml: two
GPUs behind a PCIe switch). Workloads: `paper` (each scenario as written: 128
experts of 8 MiB, top-1) and `deepseek-layer` (a DeepSeek-V3-sized MoE layer:
256 experts, top-8, d_model 7168, d_ff 2048, 1 byte per weight: 29.4 MB per
expert).
--figure also draws throughput relative to one expander, per topology and
workload (needs matplotlib: run it with /usr/bin/python3, Debian's
python3-matplotlib). Exit status 1 if a run fails.
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
    parser.add_argument("--figure", help="also draw the speed-ups into this PNG")
    args = parser.parse_args()
    speedups = {}
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
            speedups.setdefault(workload, {})[scenario.stem] = rate / base
    if args.figure:
        draw(speedups, args.figure)
    return 0


def label(name):
    """A topology's name on two lines at most, so that neighbours do not run together."""
    words = name.split("_")
    if len(words) <= 2:
        return " ".join(words)
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + "\n" + " ".join(words[half:])


def draw(speedups, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = sorted(next(iter(speedups.values())), key=lambda n: (n != "one_expander", n))
    fig, ax = plt.subplots(figsize=(8, 3.6))
    width = 0.8 / len(speedups)
    for i, (workload, values) in enumerate(speedups.items()):
        xs = [x + i * width for x in range(len(names))]
        bars = ax.bar(xs, [values[n] for n in names], width, label=workload)
        ax.bar_label(bars, fmt="%.2fx", fontsize=7)
    ax.set_xticks([x + width * (len(speedups) - 1) / 2 for x in range(len(names))])
    ax.set_xticklabels([label(n) for n in names], fontsize=8)
    ax.set_ylabel("throughput vs one expander")
    ax.set_title("cxlvp: topologies of scenarios/topologies/ (tools/topology_study.py)", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    sys.exit(main())
