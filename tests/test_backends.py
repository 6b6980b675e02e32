"""The suite is backend-agnostic: run a smoke subset of it on JAX.

The main run uses the default backend (TensorFlow). Keras fixes its backend at
import, so the JAX run is a separate pytest process over the tests below; it
covers fitting, prediction, every target type, conv networks, pooling (the
wrappers' included), the compiled epoch loop, pickling, seeding, early
stopping, ``warm_start``, ``sample_weight`` and saving.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FAST_XLA_FLAGS, installed

HERE = Path(__file__).parent
SMOKE = [
    "test_regressor.py",
    "test_classifier.py",
    "test_pool.py",
    "test_loop.py",
    *(
        f"test_conv.py::{name}"  # JAX compiles per shape: the behaviour, not every case
        for name in (
            "test_input_layouts",
            "test_predict_takes_the_fitted_shape_whole_or_flattened",
            "test_augmentation_acts_only_while_training",
            "test_pickle_round_trip",
            "test_partial_fit_keeps_the_layout",
            "test_regressor_on_multichannel_signals",
        )
    ),
    *(
        f"test_base.py::{name}"
        for name in (
            "test_same_seed_same_predictions_other_seed_other",
            "test_seed_leaves_global_generators_alone",
            "test_no_seed_gives_different_networks",
            "test_early_stopping_stops_and_restores_best",
            "test_early_stopping_on_training_loss_without_validation",
            "test_warm_start_continues",
            "test_sample_weight",
        )
    ),
    # in process: the fresh-process round trip of every estimator takes a minute
    "test_saving.py::test_loaded_estimator_is_complete_and_trains_on",
]
#: Left out of the JAX run (each compiles anew there, 1-3 s a case): how
#: structure keys are made, which targets are standardized and how labels
#: keep their dtype (NumPy work, the same on any backend), and the loss
#: cases beyond one per kind (plain, robust, relative).
DESELECT = [
    "test_pool.py::test_wrapper_reuses_a_network_its_function_compiled",
    "test_pool.py::test_wrapper_with_another_layout_gets_another_network",
    "test_regressor.py::test_which_targets_are_standardized",
    "test_regressor.py::test_regression_losses[mae]",
    "test_regressor.py::test_regression_losses[log_cosh]",
    "test_classifier.py::test_labels_keep_their_dtype[int]",
    "test_classifier.py::test_labels_keep_their_dtype[float]",
]

#: Limit of the JAX run (seconds): well under the suite's per-test timeout
#: (1,500 s, pyproject.toml), so that a hung run fails here, with its output,
#: instead of being killed by pytest-timeout. The run took 188 s beside the
#: other test worker on 2 cores (pytest-xdist; 331 s before FAST_XLA_FLAGS),
#: and up to 540 s with other work on the machine.
SMOKE_TIMEOUT = 1200


def smoke_timeout(config) -> float:
    """``SMOKE_TIMEOUT``, or less under a shorter per-test timeout (--timeout)."""
    try:
        limit = float(config.getoption("timeout", None) or config.getini("timeout"))
    except (TypeError, ValueError):  # no pytest-timeout, or no limit
        return SMOKE_TIMEOUT
    return min(SMOKE_TIMEOUT, 0.8 * limit) if limit > 0 else SMOKE_TIMEOUT


@pytest.mark.skipif(
    os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
    reason="runs from the default-backend session only",
)
@pytest.mark.skipif(
    not installed("jax"), reason="JAX is not installed (pip install skneural[jax])"
)
def test_smoke_subset_passes_on_jax(request):
    flags = f"{os.environ.get('XLA_FLAGS', '')} {FAST_XLA_FLAGS}".strip()
    env = {**os.environ, "KERAS_BACKEND": "jax", "XLA_FLAGS": flags}
    timeout = smoke_timeout(request.config)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0"]
            + [str(HERE / name) for name in SMOKE]
            + [f"--deselect={HERE.name}/{name}" for name in DESELECT],
            env=env,
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout or ""
        output = output.decode() if isinstance(output, bytes) else output
        pytest.fail(f"the JAX run took over {timeout:.0f} s:\n{output[-4000:]}")
    tail = (out.stdout + out.stderr)[-4000:]
    assert out.returncode == 0, tail
    assert "keras backend: jax" in out.stdout, out.stdout[:2000]
    assert " deselected" in out.stdout, tail  # the prefixes above matched
