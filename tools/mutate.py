#!/usr/bin/env python3
"""Mutation testing of the timing code: does a small wrong change fail a test?

Each mutation below replaces one piece of text in one source file (drop a
latency term, swap a direction, an off-by-one on a window...). For each, in
turn: the file is changed in place, the targets the chosen tests live in are
rebuilt incrementally in the build folder, those tests run, and the file is
put back. A mutation that no test fails is "survived": the tests cannot see
that term, and the script exits 1. docs/testing.md#mutation-testing lists the
mutations and the tests that catch them.

The tree is restored in every case: after each mutation, on an error, on
Ctrl-C or SIGTERM (a handler turns them into an exception, `finally` puts the
file back); and should the process be killed outright, the original is kept
under BUILD/mutation/ and put back by the next run before anything else.
At the end the touched targets are rebuilt from the restored sources, so
BUILD holds no mutated binary.

  tools/mutate.py                      # every mutation, build/ (about 5 min on 2 cores)
  tools/mutate.py --only dram-latency,link-return-latency
  tools/mutate.py --list               # the mutations, without running anything
  tools/mutate.py --check-texts        # each mutation's text occurs once in its file
  tools/mutate.py --quick              # only mutations of .cpp files: one object each (what CI runs)
  tools/mutate.py --build-dir build-x  # another configured build folder

It changes the source tree while it runs: run nothing else on this tree or
its build folder meanwhile (it is therefore not a ctest test).
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HOP = ("test_hop_latency", "hop latency")
PREFETCH = ("test_prefetch cxlvp", "prefetch:")
OCCUPANCY = ("test_memory", "occupancy")

# (id, file, original text, mutated text, (targets, ctest -R regex), what it breaks)
MUTATIONS = [
    ("router-latency", "models/interconnect/address_router.cpp",
     "delay += latency_;\n  const uint64_t address = p.get_address();", "const uint64_t address = p.get_address();",
     HOP, "the address router's latency is dropped"),
    ("root-complex-down-latency", "models/pcie/root_complex.cpp",
     "delay += latency_;\n  const uint64_t address", "const uint64_t address",
     HOP, "the root complex forgets its latency on MMIO going down"),
    ("root-complex-up-latency", "models/pcie/root_complex.cpp",
     "delay += latency_;\n  host_out.b_transport", "host_out.b_transport",
     HOP, "the root complex forgets its latency on DMA going up"),
    ("root-port-down-latency", "models/cxl/cxl_root_port.cpp",
     "delay += latency_;\n  if (!claims", "if (!claims",
     HOP, "the CXL root port forgets its latency going down"),
    ("root-port-up-latency", "models/cxl/cxl_root_port.cpp",
     "delay += latency_;\n  host_out.b_transport", "host_out.b_transport",
     HOP, "the CXL root port forgets its latency going up"),
    ("link-request-latency", "models/common/serial_link.cpp",
     "there.reserve(arrival, t.request_time, payload, settled)) +\n          latency_ - now;",
     "there.reserve(arrival, t.request_time, payload, settled)) - now;",
     HOP, "a link crossing forgets its traversal latency on the way there"),
    ("link-return-latency", "models/common/serial_link.cpp",
     "back.reserve(returned, response_time, returned_payload, settled)) +\n            latency_ - now;",
     "back.reserve(returned, response_time, returned_payload, settled)) - now;",
     HOP, "a link forgets the traversal latency of the way back"),
    ("link-swap-direction", "models/common/serial_link.cpp",
     "cross(p, delay, upstream_, downstream_, up_out, upstream_transfer_);",
     "cross(p, delay, downstream_, upstream_, up_out, upstream_transfer_);",
     HOP, "device-initiated traffic uses the host's direction of the link"),
    ("link-request-as-response", "models/common/serial_link.h",
     "t.request_time = there.time_for(t.wire.request_bytes);",
     "t.request_time = there.time_for(t.wire.response_bytes);",
     HOP, "the request direction is charged the response's bytes"),
    ("link-interleave-no-packet-wait", "models/common/occupancy.cpp",
     "(busy_now ? time_for(packet_wire_bytes) : sc_core::SC_ZERO_TIME)", "sc_core::SC_ZERO_TIME",
     HOP, "a single access behind a stream no longer waits for the packet on the wire"),
    ("pcie-mrrs-as-mps", "models/pcie/pcie_format.cpp",
     "if (is_read) return {tlps(config_.max_read_request_bytes) * per_tlp, data};",
     "if (is_read) return {tlps(config_.max_payload_bytes) * per_tlp, data};",
     HOP, "read requests are cut at MPS instead of MRRS"),
    ("pcie-no-dllp", "models/pcie/pcie_format.cpp",
     "const double per_tlp = config_.tlp_overhead_bytes + config_.dllp_overhead_bytes;",
     "const double per_tlp = config_.tlp_overhead_bytes;",
     HOP, "the DLLP share of each TLP is dropped"),
    ("pcie-tlp-count-off-by-one", "models/pcie/pcie_format.cpp",
     "(payload_bytes + limit - 1) / limit", "(payload_bytes + limit) / limit",
     HOP, "TLP count rounds up one too many at exact multiples"),
    ("cxl-read-write-swap", "models/cxl/cxl_flit_format.cpp",
     "if (is_read) return {header_only, with_data};", "if (is_read) return {with_data, header_only};",
     HOP, "a CXL read sends its data slots the wrong way"),
    ("cxl-no-header-slots", "models/cxl/cxl_flit_format.cpp",
     "lines * (header + data_slots)", "lines * data_slots",
     HOP, "data messages stop paying for their header slot"),
    ("controller-latency", "models/cxl/cxl_device_controller.cpp",
     "delay += latency_;\n  const uint64_t hpa = p.get_address();", "const uint64_t hpa = p.get_address();",
     HOP, "the CXL device controller's latency is dropped"),
    ("dram-latency", "models/memory/dram.cpp",
     "+ latency_ - now;", "- now;",
     HOP, "DRAM and HBM stop adding their idle latency"),
    ("dram-channel-bandwidth", "models/memory/dram.cpp",
     "Occupancy(config.peak_GBps * 1e9 / n)", "Occupancy(config.peak_GBps * 1e9)",
     HOP, "each channel gets the whole device's bandwidth"),
    ("dram-uneven-off-by-one", "models/memory/dram.cpp",
     "return k >= touched ? 0 : k < extra ? 2 : 1;", "return k >= touched ? 0 : k <= extra ? 2 : 1;",
     HOP, "one channel too many takes the extra granule of an uneven access"),
    ("dram-even-rule", "models/memory/dram.cpp",
     "shape_.even = granules % n == 0;", "shape_.even = granules >= n;",
     HOP, "an uneven access is taken for one that spreads evenly (lockstep)"),
    ("dram-granule-off-by-one", "models/memory/dram.h",
     "((address + length - 1) >> interleave_shift_)", "((address + length) >> interleave_shift_)",
     HOP, "an access ending on a granule boundary counts one granule more"),
    ("dram-lockstep-busy", "models/memory/dram.cpp",
     "shape_.all_channels_ps = shape_.share_time[1].value() * n;", "shape_.all_channels_ps = shape_.share_time[1].value() * (n - 1);",
     HOP, "lockstep books one channel's busy time too few"),
    ("dram-tails-earliest-end", "models/memory/dram.cpp",
     "tails_.earliest_end_ps = span.earliest_ps();\n  tails_.latest_end_ps = span.latest().value();\n  busy_ps_",
     "tails_.earliest_end_ps = span.earliest_ps() + 1000000;\n  tails_.latest_end_ps = span.latest().value();\n  busy_ps_",
     ("test_memory", "dram: a stream paced near"), "the tails shortcut takes channels idle by up to 1 us for busy"),
    ("dram-tails-append-start", "models/memory/dram.cpp",
     "tails_.latest_start_ps = tails_.earliest_start_ps = at.value();",
     "tails_.latest_start_ps = tails_.earliest_start_ps = at.value() - 1000000;",
     ("test_memory", "dram: a stream paced near"), "after the channels append, arrivals up to 1 us before the new tails are taken for inside them"),
    ("dram-recent-room", "models/memory/dram.cpp",
     "least_room = std::min(least_room, recent_.next_start_ps[c] - end.value());",
     "least_room = std::min(least_room, recent_.next_start_ps[c] - end.value() + 1000000);",
     ("test_memory", "dram: runs in the gaps"), "a share that does not fit before the next interval is taken for one that does"),
    ("dram-fast-path-split-channels", "models/memory/dram.cpp",
     "if (schedules_in_use_ != 1 || !of_last_shape(", "if (!of_last_shape(",
     ("test_memory", "dram:"), "the lockstep shortcut reserves on schedule 0 alone while the channels are on several"),
    ("occupancy-fast-before-last", "models/common/occupancy.h",
     "if (arrival < last.start) return false;", "if (false) return false;",
     ("test_memory", "dram:|occupancy"), "a reservation that arrives before the last interval extends it instead of looking for a gap"),
    ("burst-consumer-inline-range", "models/common/burst_initiator.cpp",
     "return ps < (uint64_t(1) << 52) ?", "return ps < ~uint64_t(0) ?",
     ("test_memory", "burst engine: a paced stream issues"), "the paced consumer's clock built inline above 2^52 ps, where it rounds odd picoseconds up"),
    ("burst-skip-past-activity", "models/common/burst_initiator.cpp",
     "sc_core::sc_time_to_pending_activity(kernel) > t - now", "sc_core::sc_time_to_pending_activity(kernel) > sc_core::SC_ZERO_TIME",
     ("test_memory", "burst engine: a stream that skips"), "a due sync is skipped although another thread wakes before the burst's time"),
    ("register-latency", "models/common/register_bank.cpp",
     "arrive_at_target(p, node_, delay);\n  delay += latency_;", "arrive_at_target(p, node_, delay);",
     HOP, "register accesses take no time"),
    ("occupancy-gap-off-by-one", "models/common/occupancy.cpp",
     "next->start < start + service", "next->start <= start + service",
     OCCUPANCY, "a gap that fits a reservation exactly is skipped"),
    ("prefetch-wrong-layer", "firmware/scheduler.cpp",
     "prefetch_for((layer + 1) % config_.model.layers)", "prefetch_for(layer)",
     PREFETCH, "prefetch fetches the running layer's experts instead of the next layer's"),
]


class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


def backup_dir(build):
    return os.path.join(build, "mutation")


def restore_leftover(build):
    """Puts back a file a killed run left mutated (its original is kept under BUILD/mutation/)."""
    keep = backup_dir(build)
    marker = os.path.join(keep, "mutated_file")
    if not os.path.exists(marker):
        return
    with open(marker) as f:
        rel = f.read().strip()
    shutil.copyfile(os.path.join(keep, "original"), os.path.join(ROOT, rel))
    os.remove(marker)
    print(f"mutate: restored {rel}, left mutated by an earlier run that was killed")


def run(cmd, log):
    with open(log, "w") as out:
        return subprocess.run(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT).returncode


def failed_tests(log):
    with open(log) as f:
        text = f.read()
    return re.findall(r"^\s*\d+ - (.*?) \((?:Failed|Timeout|SEGFAULT|Subprocess aborted|Child aborted|Exception)", text, re.M)


def build(build_dir, targets, log):
    return run(["nice", "cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2), "--target", *targets], log)


def ctest(build_dir, regex, log):
    return run(["ctest", "--test-dir", build_dir, "-R", regex, "--timeout", "300", "-j", str(os.cpu_count() or 2)], log)


def texts_match(chosen):
    """Every mutation's text must be in its file exactly once: a list that no
    longer matches the code would test nothing."""
    ok = True
    for mid, path, old, _new, _tests, _what in chosen:
        with open(os.path.join(ROOT, path)) as f:
            n = f.read().count(old)
        if n != 1:
            print(f"mutate: {mid}: the text to change occurs {n} times in {path}, not once", file=sys.stderr)
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default="build", help="a configured build folder (default: build)")
    ap.add_argument("--only", default="", help="comma-separated mutation ids")
    ap.add_argument("--list", action="store_true", help="print the mutations and exit")
    ap.add_argument("--check-texts", action="store_true",
                    help="only check that each mutation's text occurs once in its file (a fast test runs this)")
    ap.add_argument("--quick", action="store_true",
                    help="leave out mutations of headers (each rebuilds every file that includes it)")
    args = ap.parse_args()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # --list | head

    chosen = MUTATIONS
    if args.only:
        wanted = args.only.split(",")
        unknown = [w for w in wanted if w not in {m[0] for m in MUTATIONS}]
        if unknown:
            print(f"mutate: unknown mutation {', '.join(unknown)} (see --list)", file=sys.stderr)
            return 2
        chosen = [m for m in MUTATIONS if m[0] in wanted]
    if args.quick:
        chosen = [m for m in chosen if not m[1].endswith(".h")]
    if args.check_texts:
        return 0 if texts_match(chosen) else 1
    if args.list:
        for mid, path, _old, _new, (targets, regex), what in chosen:
            print(f"{mid:32} {path:42} ctest -R '{regex}'  ({what})")
        return 0

    build_dir = os.path.join(ROOT, args.build_dir) if not os.path.isabs(args.build_dir) else args.build_dir
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        print(f"mutate: {build_dir} is not a configured build folder (run tools/bootstrap.sh first)", file=sys.stderr)
        return 2
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    keep = backup_dir(build_dir)
    os.makedirs(keep, exist_ok=True)
    restore_leftover(build_dir)

    if not texts_match(chosen):
        return 2

    targets = sorted({t for m in chosen for t in m[4][0].split()})
    log = os.path.join(keep, "log.txt")
    start = time.time()
    print(f"mutate: baseline build and tests ({' '.join(targets)})", flush=True)
    regexes = "|".join(sorted({m[4][1] for m in chosen}))
    if build(build_dir, targets, log) != 0 or ctest(build_dir, regexes, log) != 0:
        print(f"mutate: the unmutated tree does not build or pass its tests (see {log})", file=sys.stderr)
        return 2

    survived = []
    current = None
    try:
        for mid, path, old, new, (mtargets, regex), what in chosen:
            full = os.path.join(ROOT, path)
            with open(full) as f:
                original = f.read()
            shutil.copyfile(full, os.path.join(keep, "original"))
            with open(os.path.join(keep, "mutated_file"), "w") as f:
                f.write(path)
            current = (full, original)
            with open(full, "w") as f:
                f.write(original.replace(old, new, 1))
            t0 = time.time()
            mlog = os.path.join(keep, f"{mid}.log")
            if build(build_dir, mtargets.split(), mlog) != 0:
                verdict, caught = "caught (does not build)", True
            else:
                caught = ctest(build_dir, regex, mlog) != 0
                names = failed_tests(mlog)
                verdict = f"caught by {len(names)}: {'; '.join(names)}" if caught else "SURVIVED"
            with open(full, "w") as f:
                f.write(original)
            os.remove(os.path.join(keep, "mutated_file"))
            current = None
            print(f"mutate: {mid:32} {time.time() - t0:5.0f} s  {verdict}", flush=True)
            if not caught:
                survived.append(mid)
    except Interrupted as e:
        print(f"mutate: stopped by {e}", file=sys.stderr)
        return 130
    finally:
        if current:
            with open(current[0], "w") as f:
                f.write(current[1])
            marker = os.path.join(keep, "mutated_file")
            if os.path.exists(marker):
                os.remove(marker)
            print(f"mutate: restored {os.path.relpath(current[0], ROOT)}; rebuild {args.build_dir} before using it",
                  file=sys.stderr)
    print("mutate: rebuilding from the restored sources", flush=True)
    if build(build_dir, targets, log) != 0:
        print(f"mutate: rebuilding the restored tree failed (see {log})", file=sys.stderr)
        return 2
    print(f"mutate: {len(chosen) - len(survived)} of {len(chosen)} mutations caught, "
          f"{time.time() - start:.0f} s in all" + (f"; survived: {', '.join(survived)}" if survived else ""))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
