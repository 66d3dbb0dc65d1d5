#!/usr/bin/env python3
"""Runs every model of scenarios/models/ under several placement policies and
prints the tables docs/models-zoo.md shows: for each run the simulated time
of the 1024-token prefill, the share of the forward pass each kind of step
took (attention, dense FFN, the MoE layers' routed and shared experts), and
where the policy put the routed experts (expert jobs per lane, summed over
the MoE layers).

  tools/model_study.py [--binary build/cxlvp] [--out results/model_study]
                       [--policies cost_model,cxl_expert,static_tiers,gpu_only]

Standard library only; exit status 1 if a run fails.
"""
import argparse
import json
import pathlib
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="build/cxlvp")
    parser.add_argument("--out", default="results/model_study")
    parser.add_argument("--policies", default="cost_model,cxl_expert,static_tiers,gpu_only")
    args = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    print("| model | policy | simulated ms | attention | dense FFN | experts | LM head etc. | expert jobs gpu / cpu / ndp |")
    print("|---|---|---|---|---|---|---|---|")
    for scenario in sorted((root / "scenarios" / "models").glob("*.yaml")):
        for policy in args.policies.split(","):
            out = pathlib.Path(args.out) / scenario.stem / policy
            command = [args.binary, "run", str(scenario), "--quiet", "--out", str(out), "--set", f"policy.name={policy}"]
            run = subprocess.run(command, capture_output=True, text=True)
            if run.returncode != 0:
                print(f"model_study: {scenario.name} ({policy}) failed:\n{run.stderr}", file=sys.stderr)
                return 1
            summary = json.loads((out / "summary.json").read_text())
            share = summary["forward_pass"]["fraction"]
            rest = share["embeddings"] + share["lm_head"]
            lanes = [sum(l[f"{lane}_jobs"] for l in summary["layers"]) for lane in ("gpu", "cpu", "ndp")]
            print(f"| {scenario.stem} | {policy} | {1e3 * summary['simulated_time_s']:.1f} | "
                  f"{100 * share['attention']:.1f} % | {100 * share['dense_ffn']:.1f} % | {100 * share['moe']:.1f} % | "
                  f"{100 * rest:.2f} % | {lanes[0]} / {lanes[1]} / {lanes[2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
