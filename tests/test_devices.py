"""Devices, data parallelism and precision (skneural/devices.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import FAST_XLA_FLAGS, installed, tiny
from sklearn.model_selection import GridSearchCV

from skneural import InvalidParameterError, KerasRegressor, devices
from skneural.devices import Placement

HERE = Path(__file__).parent


@pytest.fixture
def gpus(monkeypatch):
    """Pretend the backend sees ``n`` GPUs (device resolution only)."""

    def fake(n):
        real = devices.list_devices

        def listing(kind):
            return tuple(f"gpu:{i}" for i in range(n)) if kind == "gpu" else real(kind)

        monkeypatch.setattr(devices, "list_devices", listing)

    return fake


def test_cpu_device_trains_and_predicts(regression_data):
    X, y = regression_data
    est = tiny("NeuralRegressor", device="cpu").fit(X, y)
    assert est._network.placement == Placement("cpu:0")
    auto = tiny("NeuralRegressor").fit(X, y)
    np.testing.assert_allclose(est.predict(X), auto.predict(X), rtol=1e-5)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"device": "tpu"}, r"device.*'auto', 'cpu', 'gpu', 'gpu:N'"),
        ({"device": "gpu:x"}, r"device.*'gpu:N'"),
        ({"device": "auto:1"}, r"device.*'auto'"),
        ({"device": "cpu:7"}, r"device='cpu:7'.*sees 1 CPU device"),
        ({"distribute": "horovod"}, r"distribute.*None, 'auto', 'mirrored'"),
        ({"precision": "float64"}, r"precision.*'mixed_float16'"),
        ({"distribute": "mirrored", "device": "gpu:1"}, r"'auto', 'gpu' or 'cpu'"),
    ],
)
def test_bad_placement_is_refused_before_training(regression_data, params, match):
    X, y = regression_data
    est = tiny("NeuralRegressor", epochs=1).fit(X, y)
    before = est.predict(X)
    with pytest.raises(InvalidParameterError, match=match):
        est.set_params(**params).fit(X, y)
    np.testing.assert_array_equal(est.predict(X), before)


@pytest.mark.skipif(bool(devices.list_devices("gpu")), reason="a GPU is present")
def test_gpu_without_a_gpu_says_what_to_do(regression_data):
    X, y = regression_data
    with pytest.raises(InvalidParameterError, match=r"sees no GPU.*device='auto'"):
        tiny("NeuralRegressor", device="gpu").fit(X, y)


def test_auto_device_picks_a_gpu_and_workers_spread(gpus, monkeypatch):
    gpus(2)
    assert devices.resolve("E", "auto", None, "float32").device == "gpu:0"
    assert devices.resolve("E", "gpu:1", None, "float32").device == "gpu:1"
    with pytest.raises(InvalidParameterError, match=r"gpu:2.*sees 2 GPU"):
        devices.resolve("E", "gpu:2", None, "float32")
    monkeypatch.setattr(devices.multiprocessing, "parent_process", lambda: object())
    monkeypatch.setattr(devices.os, "getpid", lambda: 4243)
    assert devices.resolve("E", "auto", None, "float32").device == "gpu:1"


def test_distribute_auto_mirrors_only_over_several_gpus(gpus):
    gpus(1)
    assert devices.resolve("E", "auto", "auto", "float32") == Placement("gpu:0")
    gpus(4)
    placement = devices.resolve("E", "auto", "auto", "float32")
    assert placement.replicas == ("gpu:0", "gpu:1", "gpu:2", "gpu:3")
    assert placement.device is None
    gpus(0)
    assert devices.resolve("E", "auto", "auto", "float32") == Placement(None)


@pytest.mark.parametrize("precision", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision(precision, binary_data):
    X, y = binary_data
    clf = tiny("NeuralClassifier", precision=precision, epochs=10).fit(X, y)
    model = clf._network.model
    hidden = model.get_layer("hidden_1_dense")
    assert hidden.dtype_policy.name == precision
    assert model.get_layer("output").dtype_policy.name == "float32"
    assert keras.config.dtype_policy().name == "float32"  # global policy untouched
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64 and np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert clf.score(X, y) > 0.7
    if precision == "mixed_float16":
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)


def test_precision_applies_to_wrapped_models(regression_data):
    X, y = regression_data

    def build():
        return keras.Sequential(
            [
                keras.Input((X.shape[1],)),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.Dense(1, dtype="float32"),
            ]
        )

    est = KerasRegressor(
        build, loss="mse", precision="mixed_bfloat16", epochs=2, verbose=0
    ).fit(X, y)
    assert est.model_.layers[0].dtype_policy.name == "mixed_bfloat16"
    assert np.all(np.isfinite(est.predict(X)))


def test_placements_do_not_share_pooled_networks(regression_data):
    X, y = regression_data
    a = tiny("NeuralRegressor", epochs=1).fit(X, y)
    network = a._network
    del a  # its network goes back to the pool
    b = tiny("NeuralRegressor", epochs=1, precision="mixed_bfloat16").fit(X, y)
    assert b._network is not network
    c = tiny("NeuralRegressor", epochs=1).fit(X, y)
    assert c._network is network  # the same placement takes it


def test_parallel_search_with_processes(regression_data, tmp_path):
    """Fits in worker processes score exactly as the same fits in turn."""
    X, y = regression_data
    pids = tmp_path / "pids"

    def r2(est, X, y):  # records which process scored the fit
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        return est.score(X, y)

    results = {}
    for n_jobs in (2, 1):
        search = GridSearchCV(
            tiny("NeuralRegressor", epochs=2),
            {"hidden_layer_sizes": [(4,), (8,)]},
            cv=2,
            scoring=r2,
            n_jobs=n_jobs,
        ).fit(X, y)
        results[n_jobs] = search
        if n_jobs == 2:  # every fit ran in another process
            workers = set(pids.read_text().split())
            assert workers and str(os.getpid()) not in workers
    parallel, in_turn = results[2], results[1]
    for key in ("split0_test_score", "split1_test_score"):
        np.testing.assert_allclose(
            parallel.cv_results_[key], in_turn.cv_results_[key], rtol=1e-5
        )
    assert parallel.best_params_ == in_turn.best_params_
    assert parallel.best_score_ == pytest.approx(in_turn.best_score_, rel=1e-5)


#: Runs tests/_multi_device.py (mirrored fits on two logical CPU devices), then,
#: in the same process, a mirrored classifier trained long enough to learn and
#: the same fits on one device; prints one JSON report.
_MIRRORED_VS_ONE_DEVICE = """
import contextlib, io, json, runpy, sys
import numpy as np

out = io.StringIO()
with contextlib.redirect_stdout(out):
    script = runpy.run_path(sys.argv[1])
report = json.loads(out.getvalue().strip().splitlines()[-1])

from skneural import NeuralClassifier, NeuralRegressor

X, y = script["X"], script["y"]
labels = y > 0
one = NeuralRegressor(**{**script["reg"].get_params(), "distribute": None}).fit(X, y)
report["one_device_loss"] = one.history_["loss"]
report["prediction_gap"] = float(
    np.max(np.abs(one.predict(X) - script["reg"].predict(X))) / np.std(y)
)
# 6 epochs: after 3, the two runs' accuracies still swing by a few points
# with the replicas' order of summation (their losses agree)
settings = dict(hidden_layer_sizes=(8,), epochs=6, batch_size=32,
                learning_rate=0.03, random_state=0, numeric_embedding=None)
for name, distribute in (("mirrored", "mirrored"), ("one_device", None)):
    clf = NeuralClassifier(distribute=distribute, **settings).fit(X, labels)
    report[name + "_classifier_loss"] = clf.history_["loss"]
    report[name + "_classifier_accuracy"] = float(clf.score(X, labels))
print(json.dumps(report))
"""


@pytest.mark.parametrize(
    "backend",
    [
        "tensorflow",
        pytest.param(
            "jax",
            marks=pytest.mark.skipif(
                not installed("jax"), reason="JAX is not installed"
            ),
        ),
    ],
)
def test_mirrored_training_on_two_logical_cpu_devices(backend):
    """The multi-device path really runs, and trains as one device does: two
    CPU devices, one fresh process."""
    env = {**os.environ, "KERAS_BACKEND": backend}
    if backend == "jax":
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count=2 {FAST_XLA_FLAGS}"
    out = subprocess.run(
        [sys.executable, "-c", _MIRRORED_VS_ONE_DEVICE, str(HERE / "_multi_device.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert report["loss"][-1] < report["loss"][0] / 10
    assert report["r2"] > 0.9
    assert not report["distribution_left_set"]
    # Synchronous data parallelism takes the steps one device takes: the same
    # loss curve, nearly the same model (within 5-10%: rounding and the
    # replicas' order of summation). A step twice too large (gradients summed
    # instead of averaged over the two replicas) puts the curve 2-5x lower.
    np.testing.assert_allclose(
        report["loss"], report["one_device_loss"], rtol=0.25, atol=0.01
    )
    assert report["prediction_gap"] < 0.15
    accuracy = report["mirrored_classifier_accuracy"]
    assert accuracy > 0.9  # chance: 0.5
    assert accuracy == pytest.approx(report["one_device_classifier_accuracy"], abs=0.03)
    np.testing.assert_allclose(
        report["mirrored_classifier_loss"],
        report["one_device_classifier_loss"],
        rtol=0.1,
    )
