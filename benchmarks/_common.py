"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import logging
import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


#: The network scikit-learn's MLP builds, for the engine benchmarks: plain
#: inputs, a fixed learning rate, every epoch run, one network, no dropout,
#: no scaling layer (the tabular defaults would add an embedding, stop early,
#: pack 4 networks below 10,000 rows, drop 10% of the hidden units in
#: training and scale each input of the first hidden layer).
SAME_NETWORK = dict(
    numeric_embedding=None,
    learning_rate=0.001,
    early_stopping=False,
    ensemble_size=1,
    dropout=0.0,
    scaling_layer=False,
)


def machine() -> dict:
    """Describe the machine and library versions of a run."""
    import keras
    import sklearn

    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "scikit-learn": sklearn.__version__,
    }
    if info["keras_backend"] == "tensorflow":
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
    return info


def timed(fn):
    """Run ``fn`` and return ``(seconds, result)``."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def write(name: str, payload: dict) -> Path:
    """Write ``payload`` plus the machine description to results/NAME.json."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2))
    return path


class RetraceCounter(logging.Handler):
    """Counts TensorFlow's "triggered tf.function retracing" warnings."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        if "retracing" in record.getMessage():
            self.count += 1

    @classmethod
    def install(cls) -> RetraceCounter:
        counter = cls()
        logging.getLogger("tensorflow").addHandler(counter)
        return counter
