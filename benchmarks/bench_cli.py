"""The command line's start-up: answers without Keras, progress within a second.

Each command runs as the installed ``skneural`` console script in a fresh
process, interleaved with ``python -c pass`` (the interpreter's own start-up)
so both see the same machine load; medians and their ratios are printed.

- Text-only answers (``--help``, ``COMMAND --help``, ``--version``,
  ``datasets``) and usage mistakes (no DATA, a misspelt command, option or
  dataset name, a missing file): whole run, target <= 0.5 s each.
- Commands that train or load a model (``fit``, ``predict``): the time until
  their first line of output, target <= 1 s (the process is then stopped).

Run:  python benchmarks/bench_cli.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import write

SCRIPT = shutil.which("skneural", path=os.path.dirname(sys.executable))

#: (label, arguments): commands that must answer in full within 0.5 s.
ANSWERS = [
    ("--help", ["--help"]),
    ("--version", ["--version"]),
    ("datasets", ["datasets"]),
    ("fit --help", ["fit", "--help"]),
    ("tune --help", ["tune", "--help"]),
    ("predict --help", ["predict", "--help"]),
    ("fit (no DATA)", ["fit"]),
    ("fitt iris (misspelt command)", ["fitt", "iris"]),
    ("fit irsi (misspelt dataset)", ["fit", "irsi", "--out", "m.skn"]),
    ("fit missing.csv", ["fit", "missing.csv", "--out", "m.skn"]),
    (
        "tune --trails 5 (misspelt option)",
        ["tune", "iris", "--trails", "5", "--out", "m.skn"],
    ),
]
ANSWER_TARGET = 0.5
FIRST_OUTPUT_TARGET = 1.0


def run_whole(args: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, cwd=cwd, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def first_output(args: list[str], cwd: str) -> float:
    """Seconds until the command writes its first line (stdout or stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )
    proc.stdout.readline()
    seconds = time.perf_counter() - start
    proc.kill()
    proc.wait()
    proc.stdout.close()
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--first-output-repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if SCRIPT is None:
        sys.exit("the skneural console script is not installed beside this Python")
    env_note = {k: v for k, v in os.environ.items() if k.startswith(("TF_", "KERAS"))}
    work = tempfile.mkdtemp(prefix="bench_cli_")
    baseline = [sys.executable, "-c", "pass"]
    times: dict[str, list[float]] = {"python -c pass": []}
    times.update({label: [] for label, _ in ANSWERS})
    for r in range(args.repeats):
        order = ANSWERS if r % 2 == 0 else ANSWERS[::-1]
        for label, cmd in order:
            times["python -c pass"].append(run_whole(baseline, work))
            times[label].append(run_whole([SCRIPT, *cmd], work))

    # A small model for predict, then the first line of fit and predict.
    model = str(Path(work) / "m.skn")
    fit = [SCRIPT, "fit", "iris", "--cv", "2", "--no-baselines", "--set", "epochs=2"]
    subprocess.run(
        [*fit, "--out", model, "--quiet"], check=True, capture_output=True, cwd=work
    )
    first_cmds = {
        "fit iris: first line": [*fit, "--out", str(Path(work) / "f.skn")],
        "predict: first line": [SCRIPT, "predict", model, "iris", "--out", "p.csv"],
    }
    first: dict[str, list[float]] = {k: [] for k in first_cmds}
    for _ in range(args.first_output_repeats):
        for label, cmd in first_cmds.items():
            first[label].append(first_output(cmd, work))
    shutil.rmtree(work, ignore_errors=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    base = med["python -c pass"]
    print(
        f"python -c pass: median {base * 1000:.0f} ms ({args.repeats * len(ANSWERS)} runs)"
    )
    print(f"{'command':<36} {'median ms':>9} {'max ms':>7} {'/ python':>8}  target")
    ok = True
    for label, _ in ANSWERS:
        passed = med[label] <= ANSWER_TARGET
        ok &= passed
        print(
            f"{label:<36} {med[label] * 1000:>9.0f} {max(times[label]) * 1000:>7.0f} "
            f"{med[label] / base:>8.2f}  <= {ANSWER_TARGET * 1000:.0f} ms "
            f"{'ok' if passed else 'MISSED'}"
        )
    first_med = {k: statistics.median(v) for k, v in first.items()}
    for label, value in first_med.items():
        passed = value <= FIRST_OUTPUT_TARGET
        ok &= passed
        print(
            f"{label:<36} {value * 1000:>9.0f} {max(first[label]) * 1000:>7.0f} "
            f"{value / base:>8.2f}  <= {FIRST_OUTPUT_TARGET * 1000:.0f} ms "
            f"{'ok' if passed else 'MISSED'}"
        )
    print("all targets met" if ok else "some targets MISSED")
    path = write(
        "bench_cli",
        {
            "args": vars(args),
            "environment": env_note,
            "seconds": times,
            "median": med,
            "first_output_seconds": first,
            "first_output_median": first_med,
            "ratio_to_python": {k: v / base for k, v in med.items()},
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
