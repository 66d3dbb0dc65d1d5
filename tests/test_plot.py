"""tools/plot.py on small made-up inputs: four scheme result folders and two
sweep.csv files (a threshold sweep and a compression sweep, in the columns
`cxlvp sweep` writes). Each figure must appear, non-empty, and only when its
inputs are given; each line of a multi-line threshold figure is scaled to its
own best point; the paper's values stand only beside runs of the paper's own
scenarios; the loaded-latency figure's log axis has several labelled ticks;
no input, a missing file or a file of the wrong kind is one line and exit 2.

usage: test_plot.py PATH/TO/plot.py  (run with the python3 that has matplotlib)
"""
import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

FIGURES = ("scheme_comparison.png", "threshold_sweep.png", "quantization.png", "loaded_latency.png")
SUMMARY_COLUMNS = ["scenario", "policy", "compute", "tokens", "simulated_time_s", "throughput_tokens_per_s",
                   "gpu_busy_s", "gpu_utilization", "cpu_busy_s", "cpu_utilization", "ndp_busy_s",
                   "ndp_utilization", "status", "point"]


def write_run(folder, latency_s, throughput, scenario):
    os.makedirs(folder)
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump({"scenario": scenario, "throughput_tokens_per_s": throughput,
                   "batches": [{"index": 0, "latency_s": latency_s}, {"index": 1, "latency_s": latency_s * 1.1}]}, f)


def write_sweep(path, keys, grid, throughput):
    os.makedirs(os.path.dirname(path))
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(keys + SUMMARY_COLUMNS)
        for i, values in enumerate(grid):
            status = "failed" if i == 1 else "ok"  # a failed point is left out of the figures
            figures = ["t", "cxl_expert", "roofline", 1024, 0.01, throughput(*values), 0, 0, 0, 0, 0, 0]
            out.writerow(list(values) + (figures if status == "ok" else [""] * 12) + [status, f"p{i:03d}"])


def write_loaded_latency(path):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["memory", "offered_GBps", "achieved_GBps", "latency_ns"])
        for memory, peak, idle in (("ddr", 300, 136), ("cxl", 26, 289)):
            for k in range(11):
                load = peak * k / 10
                out.writerow([memory, load, load, idle * (1 + k * k / 40)])


def plot(plot_py, outdir, *args):
    subprocess.run([sys.executable, plot_py, outdir, *args], check=True, stdout=subprocess.DEVNULL)
    return {name for name in FIGURES if os.path.exists(os.path.join(outdir, name))}


def refused(plot_py, outdir, *args, naming=""):
    """plot.py must exit 2 with one line on stderr (containing `naming`) and no traceback."""
    r = subprocess.run([sys.executable, plot_py, outdir, *args], capture_output=True, text=True)
    assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert naming in r.stderr, (naming, r.stderr)


def load_module(plot_py):
    spec = importlib.util.spec_from_file_location("plot", plot_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_pieces(plot_py, loaded_csv):
    plot = load_module(plot_py)
    # Two lines of very different throughput: each reaches 1 at its own best point.
    lines = [("per_token", [(0, 50.0), (50, 100.0)]), ("roofline", [(0, 9000.0), (50, 3000.0)])]
    assert plot.normalized(lines) == [("per_token", [(0, 0.5), (50, 1.0)]),
                                      ("roofline", [(0, 1.0), (50, 3000.0 / 9000.0)])], plot.normalized(lines)
    # The paper's values only for the paper's own scenario of that scheme.
    assert plot.paper_reference("gpu_only", "paper_gpu_only") == plot.PAPER["gpu_only"]
    assert plot.paper_reference("gpu_only", "default") is None
    assert plot.paper_reference("beyond", "paper_beyond") is None
    # The log axis of the loaded-latency figure is labelled at more than one tick.
    fig, ax = plot.loaded_latency_figure(plot.read_loaded_latency(loaded_csv))
    fig.canvas.draw()
    low, high = ax.get_ylim()
    labelled = [t for t in ax.get_yticks() if low <= t <= high]
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert len(labelled) >= 3 and len(labels) >= 3, (labelled, labels)


def main():
    plot_py = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for name, latency, throughput in (("gpu_only", 0.7, 1400), ("monde_ideal", 0.05, 20000),
                                          ("cxl_expert", 0.2, 5000), ("beyond", 0.15, 6500)):
            write_run(os.path.join(tmp, name), latency, throughput, f"paper_{name}")
            runs.append(f"{name}={os.path.join(tmp, name)}")
        threshold = os.path.join(tmp, "threshold", "sweep.csv")
        write_sweep(threshold, ["policy.threshold_percentile", "platform.pcie.lanes"],
                    [(t, lanes) for t in range(0, 101, 25) for lanes in (8, 16)],
                    lambda t, lanes: 1000 + 40 * t - 0.3 * t * t + 5 * lanes)
        quantization = os.path.join(tmp, "quantization", "sweep.csv")
        write_sweep(quantization, ["quantization.ndp_weight_compression"], [(c,) for c in (1, 2, 4)],
                    lambda c: 3000 * c ** 0.5)

        loaded = os.path.join(tmp, "loaded_latency.csv")
        write_loaded_latency(loaded)

        everything = os.path.join(tmp, "all")
        made = plot(plot_py, everything, "--runs", *runs, "--sweep", threshold, quantization, "--loaded-latency", loaded)
        assert made == set(FIGURES), made
        for name in FIGURES:
            size = os.path.getsize(os.path.join(everything, name))
            assert size > 10000, f"{name}: only {size} bytes"

        only_runs = plot(plot_py, os.path.join(tmp, "runs"), "--runs", *runs)
        assert only_runs == {"scheme_comparison.png"}, only_runs
        only_threshold = plot(plot_py, os.path.join(tmp, "threshold_only"), "--sweep", threshold)
        assert only_threshold == {"threshold_sweep.png"}, only_threshold
        only_loaded = plot(plot_py, os.path.join(tmp, "loaded_only"), "--loaded-latency", loaded)
        assert only_loaded == {"loaded_latency.png"}, only_loaded

        check_pieces(plot_py, loaded)
        refused(plot_py, os.path.join(tmp, "none"), naming="nothing to plot")
        refused(plot_py, os.path.join(tmp, "missing"), "--sweep", os.path.join(tmp, "no_such", "sweep.csv"),
                naming="no_such")
        refused(plot_py, os.path.join(tmp, "missing_run"), "--runs", f"x={os.path.join(tmp, 'no_such_run')}",
                naming="no_such_run")
        refused(plot_py, os.path.join(tmp, "bad_run"), "--runs", "no_equals_sign", naming="NAME=DIR")
        refused(plot_py, os.path.join(tmp, "wrong_kind"), "--loaded-latency", threshold, naming=threshold)
    print("test_plot: every figure made, and only from its inputs; per-line scaling, paper values, "
          "log ticks and refusals as documented")


if __name__ == "__main__":
    main()
