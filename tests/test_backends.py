"""The suite is backend-agnostic: run a smoke subset of it on JAX.

The main run uses the default backend (TensorFlow). Keras fixes its backend at
import, so the JAX run is a separate pytest process over the files below; it
covers fitting, prediction, every target type, conv networks, pooling, the
compiled epoch loop and pickling.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import installed

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
]


@pytest.mark.skipif(
    os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
    reason="runs from the default-backend session only",
)
@pytest.mark.skipif(
    not installed("jax"), reason="JAX is not installed (pip install skneural[jax])"
)
def test_smoke_subset_passes_on_jax():
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
        + [str(HERE / name) for name in SMOKE],
        env=env,
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    tail = (out.stdout + out.stderr)[-4000:]
    assert out.returncode == 0, tail
    assert "keras backend: jax" in out.stdout, out.stdout[:2000]
