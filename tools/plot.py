#!/usr/bin/python3
# Debian's python3 on purpose: python3-matplotlib installs for it, not for a
# pyenv or venv python3 that may come first on PATH.
"""Figures from cxlvp results, in the manner of the CXL-Expert paper.

usage: tools/plot.py OUTDIR [--runs NAME=DIR ...] [--sweep SWEEP.csv ...] [--loaded-latency CSV]

  --runs NAME=DIR   result folders of `cxlvp run` (each with summary.json), one per scheme:
                    gpu_only, monde_ideal, cxl_expert get the paper's values beside them when
                    the run is of the paper's own scenario (scenarios/paper/NAME.yaml)
                    -> OUTDIR/scheme_comparison.png (batch latency and throughput per scheme)
  --sweep CSV       sweep.csv files of `cxlvp sweep`:
                    varying policy.threshold_percentile -> OUTDIR/threshold_sweep.png
                    (each line's throughput normalized to its own best point)
                    varying a key with "compression" in its name -> OUTDIR/quantization.png
                    (throughput vs compression factor)
  --loaded-latency CSV  loaded_latency.csv of `cxlvp calibrate` (memory, offered_GBps,
                    achieved_GBps, latency_ns) -> OUTDIR/loaded_latency.png
                    (latency vs achieved bandwidth per memory, as Intel MLC prints it)

Each figure is written only when its inputs were given. Needs python3-matplotlib.
Exit status 0; 2, with one line saying what is wrong, when no input is given or
an input is missing or unreadable.
"""
import argparse
import csv
import json
import os
import sys
from collections import OrderedDict

try:
    import matplotlib
except ImportError:
    sys.exit("plot.py: needs matplotlib: apt-get install python3-matplotlib, and run it with /usr/bin/python3")
matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

# The paper's measurements, CXL-Expert, Figure 2: batch latency in ms and
# throughput in tokens/s per scheme, under the scheme names cxlvp's policies use.
PAPER = {
    "gpu_only": (805.0, 1.27e3),
    "monde_ideal": (48.0, 21.3e3),
    "cxl_expert": (213.0, 4.80e3),
}
LABELS = {"gpu_only": "GPU-only", "monde_ideal": "MoNDE-like", "cxl_expert": "CXL-Expert", "beyond": "beyond"}
THRESHOLD_KEY = "policy.threshold_percentile"
PLATFORM_COLOR, PAPER_COLOR = "tab:blue", "tab:gray"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", help="folder for the PNG files (created if missing)")
    parser.add_argument("--runs", action="extend", nargs="+", default=[], metavar="NAME=DIR",
                        help="result folders, one per scheme")
    parser.add_argument("--sweep", action="extend", nargs="+", default=[], metavar="CSV", help="sweep.csv files")
    parser.add_argument("--loaded-latency", metavar="CSV", help="loaded_latency.csv of cxlvp calibrate")
    return parser.parse_args()


class BadInput(Exception):
    """An input that cannot be drawn: reported in one line, exit status 2."""


def read_run(spec):
    """(name, mean batch latency in ms, throughput in tokens/s, paper values or None) of one NAME=DIR."""
    name, sep, folder = spec.partition("=")
    if not sep or not name or not folder:
        raise BadInput(f"--runs wants NAME=DIR (got {spec!r})")
    path = os.path.join(folder, "summary.json")
    with open(path) as f:
        summary = json.load(f)
    try:
        batches = [b["latency_s"] for b in summary["batches"]]
        throughput = summary["throughput_tokens_per_s"]
    except (KeyError, TypeError) as e:
        raise BadInput(f"{path}: not a cxlvp summary.json (no {e})") from e
    latency_ms = 1e3 * sum(batches) / len(batches) if batches else 0.0
    return name, latency_ms, throughput, paper_reference(name, summary.get("scenario", ""))


def paper_reference(name, scenario):
    """The paper's (latency ms, tokens/s) for a run of the paper's own scenario of that scheme
    (scenarios/paper/NAME.yaml is named paper_NAME), else None: a run of another scenario under
    a scheme's name is not what the paper measured."""
    return PAPER.get(name) if scenario == f"paper_{name}" else None


def read_sweep(path):
    """(varied key columns, rows that ran) of one sweep.csv; keys are the columns before `scenario`."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        rows = [row for row in reader if row.get("status") == "ok"]
        columns = reader.fieldnames or []
    keys = columns[: columns.index("scenario")] if "scenario" in columns else []
    return keys, rows


def number_text(value):
    """Short label for a value: 1234567 -> 1.23M, 0.5 -> 0.5."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def annotate_bars(ax, bars):
    for bar in bars:
        height = bar.get_height()
        ax.annotate(number_text(height), (bar.get_x() + bar.get_width() / 2, height), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8)


def use_log_scale_if_wide(ax, values):
    """Log scale when the values span more than 30x; returns whether it did."""
    positive = [v for v in values if v > 0]
    if positive and max(positive) / min(positive) > 30:
        ax.set_yscale("log")
        return True
    return False


def scheme_comparison(runs, path):
    names = [run[0] for run in runs]
    x = range(len(runs))
    width = 0.38
    fig, axes = plt.subplots(1, 2, figsize=(max(8, 2.2 * len(runs) + 3), 4.5))
    for ax, index, title, unit in ((axes[0], 1, "Batch latency", "ms"), (axes[1], 2, "Throughput", "tokens/s")):
        platform = [run[index] for run in runs]
        paper = [run[3][index - 1] if run[3] else 0.0 for run in runs]
        known = [i for i, run in enumerate(runs) if run[3]]
        centers = [i - width / 2 if i in known else i for i in x]  # a scheme the paper lacks stands alone
        annotate_bars(ax, ax.bar(centers, platform, width, label="cxlvp", color=PLATFORM_COLOR))
        if known:
            bars = ax.bar([i + width / 2 for i in known], [paper[i] for i in known], width,
                          label="paper (Fig. 2)", color=PAPER_COLOR)
            annotate_bars(ax, bars)
        log = use_log_scale_if_wide(ax, platform + paper)
        ax.set_xticks(list(x))
        ax.set_xticklabels([LABELS.get(name, name) for name in names])
        ax.set_ylabel(f"{title.lower()} ({unit}{', log scale' if log else ''})")
        ax.set_title(f"{title} per scheme")
        ax.margins(y=0.15)
        ax.legend()
    fig.suptitle("Expert-offloading schemes: cxlvp vs the CXL-Expert paper" if any(run[3] for run in runs)
                 else "Expert-offloading schemes (cxlvp; not the paper's scenarios, so no paper values)")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def series(keys, rows, x_key, sweep_label):
    """Lines of (x, throughput) over `x_key`, one per combination of the other varied keys."""
    others = [k for k in keys if k != x_key]
    lines = OrderedDict()
    for row in rows:
        label = ", ".join(f"{k}={row[k]}" for k in others)
        if sweep_label:
            label = f"{sweep_label}: {label}" if label else sweep_label
        lines.setdefault(label, []).append((float(row[x_key]), float(row["throughput_tokens_per_s"])))
    return [(label, sorted(points)) for label, points in lines.items()]


def sweep_label(path, several):
    """A name for a sweep file when several are drawn together: its folder's name."""
    return os.path.basename(os.path.dirname(os.path.abspath(path))) if several else ""


def normalized(lines):
    """Each line divided by its own best point, so that lines of very different throughput (say
    per_token and roofline runs) each show their shape from 0 to 1."""
    out = []
    for label, points in lines:
        best = max((y for _, y in points), default=0.0)
        out.append((label, [(x, y / best if best > 0 else 0.0) for x, y in points]))
    return out


def line_figure(lines, path, title, xlabel, ylabel, normalize):
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for label, points in normalized(lines) if normalize else lines:
        xs = [x for x, _ in points]
        ys = [y for _, y in points]
        ax.plot(xs, ys, marker="o", label=label or "throughput")
        if len(lines) == 1:
            for x, y in zip(xs, ys):
                ax.annotate(f"{y:.2f}" if normalize else number_text(y), (x, y), xytext=(0, 6),
                            textcoords="offset points", ha="center", fontsize=8)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.margins(y=0.12)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def read_loaded_latency(csv_path):
    curves = OrderedDict()
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            try:
                curves.setdefault(row["memory"], []).append((float(row["achieved_GBps"]), float(row["latency_ns"])))
            except (KeyError, ValueError, TypeError) as e:
                raise BadInput(f"{csv_path}: not a loaded_latency.csv of cxlvp calibrate ({e})") from e
    return curves


def loaded_latency_figure(curves):
    """Latency against achieved bandwidth, one line per memory (the curve Intel MLC's
    --loaded_latency prints); the idle point is the first of each line. The log axis is
    labelled at 1, 2 and 5 of each decade: the data spans about one decade, where labels
    at powers of ten alone would leave one."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    names = {"ddr": "host DDR", "cxl": "CXL memory"}
    for memory, points in curves.items():
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3,
                label=names.get(memory, memory))
    ax.set_xlabel("achieved read bandwidth (GB/s)")
    ax.set_ylabel("chase latency (ns)")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_title("Loaded latency: DDR vs CXL (cxlvp calibrate)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig, ax


def loaded_latency(csv_path, path):
    fig, _ = loaded_latency_figure(read_loaded_latency(csv_path))
    fig.savefig(path, dpi=150)
    plt.close(fig)


def main():
    args = parse_args()
    if not (args.runs or args.sweep or args.loaded_latency):
        print("plot.py: nothing to plot (give --runs, --sweep or --loaded-latency)", file=sys.stderr)
        return 2
    try:
        draw(args)
    except BadInput as e:
        print(f"plot.py: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"plot.py: {e.filename or ''}: {e.strerror or e}", file=sys.stderr)
        return 2
    except (ValueError, KeyError, csv.Error, json.JSONDecodeError) as e:
        print(f"plot.py: an input is not what cxlvp writes: {e}", file=sys.stderr)
        return 2
    return 0


def draw(args):
    os.makedirs(args.outdir, exist_ok=True)
    written = []
    if args.runs:
        path = os.path.join(args.outdir, "scheme_comparison.png")
        scheme_comparison([read_run(spec) for spec in args.runs], path)
        written.append(path)

    threshold_lines, quantization_lines, compression_keys = [], [], []
    several = len(args.sweep) > 1
    for sweep in args.sweep:
        keys, rows = read_sweep(sweep)
        label = sweep_label(sweep, several)
        compression = [k for k in keys if "compression" in k]
        if THRESHOLD_KEY in keys:
            threshold_lines += series(keys, rows, THRESHOLD_KEY, label)
        if compression:
            quantization_lines += series(keys, rows, compression[0], label)
            compression_keys.append(compression[0])
        if THRESHOLD_KEY not in keys and not compression:
            print(f"plot.py: {sweep}: varies {', '.join(keys) or 'nothing'}; no figure for that", file=sys.stderr)
    if threshold_lines:
        path = os.path.join(args.outdir, "threshold_sweep.png")
        line_figure(threshold_lines, path, "Throughput vs hot-expert threshold (cf. CXL-Expert, Fig. 3)",
                    "threshold percentile (%)", "throughput / the line's best throughput", normalize=True)
        written.append(path)
    if quantization_lines:
        path = os.path.join(args.outdir, "quantization.png")
        keys = ", ".join(OrderedDict.fromkeys(compression_keys))
        line_figure(quantization_lines, path, "Throughput vs weight compression",
                    f"compression factor ({keys}, x)", "throughput (tokens/s)", normalize=False)
        written.append(path)

    if args.loaded_latency:
        path = os.path.join(args.outdir, "loaded_latency.png")
        loaded_latency(args.loaded_latency, path)
        written.append(path)

    for path in written:
        print(path)


if __name__ == "__main__":
    sys.exit(main())
