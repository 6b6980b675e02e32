"""Epoch timing for the benchmark scripts (imports Keras: not in _common.py)."""

from __future__ import annotations

import time

from skneural.backend import keras

#: Seconds of each epoch of the fit running now: estimators train with a
#: copy of their callbacks, so the timer writes here, not on itself. Clear
#: it before each fit.
EPOCH_SECONDS: list[float] = []


class EpochTimer(keras.callbacks.Callback):
    """Time each epoch (its training steps and, if any, its validation loss)."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        EPOCH_SECONDS.append(time.perf_counter() - self._start)
