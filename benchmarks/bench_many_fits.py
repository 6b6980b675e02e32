"""Memory and retracing over many consecutive fits in one process.

A search fits, scores and discards one estimator after another. This runs that
loop ``--fits`` times (clone, fit 1,000 x 20 for 5 epochs, predict, drop) for
skneural and for plain Keras (a new model per fit), each in its own process,
and reports resident memory growth from fit 10 to the last fit and the number
of TensorFlow retracing warnings. Target for skneural: growth under 50 MB over
fits 10-100 and no retracing warning.

Run:  python benchmarks/bench_many_fits.py [--fits 100] [--keras-fits 50]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _common import SAME_NETWORK, RetraceCounter, write


def child(impl: str, fits: int) -> dict:
    import keras
    import numpy as np
    import psutil
    from sklearn.base import clone

    from skneural import NeuralRegressor

    counter = RetraceCounter.install()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 20)).astype(np.float32)
    y = (X @ rng.normal(size=20)).astype(np.float32)
    template = NeuralRegressor(
        hidden_layer_sizes=(64, 32), epochs=5, batch_size=32, **SAME_NETWORK
    )
    proc = psutil.Process()
    rss, secs = [], []
    for _ in range(fits):
        start = time.perf_counter()
        if impl == "skneural":
            est = clone(template).fit(X, y)
            est.predict(X[:100])
        else:
            est = keras.Sequential(
                [
                    keras.Input((20,)),
                    keras.layers.Dense(64, activation="relu"),
                    keras.layers.Dense(32, activation="relu"),
                    keras.layers.Dense(1),
                ]
            )
            est.compile("adam", "mse")
            est.fit(X, y, epochs=5, batch_size=32, verbose=0)
            est.predict(X[:100], verbose=0)
        del est
        gc.collect()
        secs.append(time.perf_counter() - start)
        rss.append(proc.memory_info().rss / 2**20)
    return {"rss_mb": rss, "seconds": secs, "retracing_warnings": counter.count}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--fits", type=int, default=100)
    parser.add_argument("--keras-fits", type=int, default=50)
    parser.add_argument("--child", choices=["skneural", "keras"])
    args = parser.parse_args(argv)
    if args.child:
        n = args.fits if args.child == "skneural" else args.keras_fits
        print(json.dumps(child(args.child, n)))
        return

    results = {}
    for impl, n in (("skneural", args.fits), ("keras", args.keras_fits)):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                impl,
                "--fits",
                str(n),
                "--keras-fits",
                str(n),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results[impl] = json.loads(out.stdout.strip().splitlines()[-1])

    print(
        f"{'implementation':<10} {'fits':>5} {'RSS@10 MB':>10} {'RSS@end MB':>11} "
        f"{'growth MB':>10} {'MB/fit':>7} {'s/fit':>6} {'retrace warnings':>17}"
    )
    summary = {}
    for impl, r in results.items():
        rss = r["rss_mb"]
        growth = rss[-1] - rss[9]
        per_fit = growth / (len(rss) - 10)
        sec = sum(r["seconds"][10:]) / (len(rss) - 10)
        summary[impl] = {
            "growth_mb": growth,
            "mb_per_fit": per_fit,
            "seconds_per_fit": sec,
            "retracing_warnings": r["retracing_warnings"],
            "fits": len(rss),
        }
        print(
            f"{impl:<10} {len(rss):>5} {rss[9]:>10.0f} {rss[-1]:>11.0f} {growth:>10.1f} "
            f"{per_fit:>7.2f} {sec:>6.2f} {r['retracing_warnings']:>17}"
        )
    s = summary["skneural"]
    print(
        f"skneural growth fit 10 -> {s['fits']}: {s['growth_mb']:.1f} MB (target < 50), "
        f"retracing warnings: {s['retracing_warnings']} (target 0)"
    )

    path = write(
        "bench_many_fits", {"args": vars(args), "summary": summary, "raw": results}
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
