"""Training faults: divergence, Ctrl-C, a device out of memory.

Each fault is injected for real (a learning rate that blows up, an interrupt
raised from a callback between or inside epochs, the backend's own
out-of-memory error) and the estimator must come out usable: unchanged on an
error, or holding the weights reached so far after an interrupt.
"""

import re

import keras
import numpy as np
import pytest
from conftest import BOTH, data_for, outputs, tiny
from test_base import WeightsAtEpochEnd, same_weights

from skneural import DeviceMemoryError, DivergenceError, FitInterruptedWarning
from skneural._loop import runner_for


def snapshot(est):
    return [w.copy() for w in est.model_.get_weights()], dict(est.history_), est.n_iter_


class InterruptAt(keras.callbacks.Callback):
    """Raise KeyboardInterrupt, as Ctrl-C would, as epoch ``epoch`` begins."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


class InterruptInBatch(keras.callbacks.Callback):
    """Raise KeyboardInterrupt in the middle of an epoch (per-batch hook)."""

    def __init__(self, batch):
        super().__init__()
        self.batch, self.seen = batch, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.batch:
            raise KeyboardInterrupt


# --- divergence ---------------------------------------------------------------


@pytest.mark.parametrize("make", BOTH)
def test_divergence_raises_and_keeps_nothing(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    est = tiny(
        make, optimizer="sgd", learning_rate=1e12, activation="identity", epochs=50
    )
    with pytest.raises(
        DivergenceError, match=r"diverged at epoch \d+: loss became"
    ) as e:
        est.fit(X * 1e3, y)
    assert "Lower the learning_rate (now 1e+12)" in str(e.value)
    assert isinstance(e.value, ValueError)
    assert not hasattr(est, "model_") and not hasattr(est, "history_")


def test_divergence_stops_at_once(regression_data):
    X, y = regression_data
    seen = []
    counter = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: seen.append(e)
    )
    est = tiny(
        "NeuralRegressor",
        optimizer="sgd",
        learning_rate=1e12,
        activation="identity",
        epochs=200,
    )
    with pytest.raises(DivergenceError, match=r"at epoch (\d+)") as e:
        est.set_params(callbacks=[counter]).fit(X * 1e3, y)
    epoch = int(re.search(r"at epoch (\d+)", str(e.value)).group(1))
    assert epoch < 200 and len(seen) == epoch - 1  # later callbacks never saw it


def test_divergence_in_validation_loss_is_caught(regression_data):
    X, y = regression_data
    est = tiny(
        "NeuralRegressor",
        optimizer="sgd",
        learning_rate=1e12,
        activation="identity",
        early_stopping=True,
        epochs=50,
    )
    with pytest.raises(DivergenceError, match=r"(val_)?loss became"):
        est.fit(X * 1e3, y)


@pytest.mark.parametrize("make", BOTH)
def test_divergence_in_continued_training_restores_the_fitted_model(
    make, iris, regression_data
):
    X, y = data_for(make, iris, regression_data)
    est = tiny(make, activation="identity", optimizer="sgd", epochs=3, warm_start=True)
    est.fit(X, y)
    before, expected = snapshot(est), outputs(est, X)
    # Inputs are scaled and clipped and targets standardized, so ordinary
    # data cannot make these networks diverge: a huge step size does.
    optimizer = est.model_.optimizer
    rate = float(optimizer.learning_rate)
    optimizer.learning_rate = 1e30
    with pytest.raises(DivergenceError):
        est.fit(X, y)  # warm start: trains the fitted network on
    with pytest.raises(DivergenceError):
        est.partial_fit(X, y)
    optimizer.learning_rate = rate
    after = snapshot(est)
    for a, b in zip(before[0], after[0], strict=True):
        np.testing.assert_array_equal(a, b)
    assert before[1:] == after[1:]
    np.testing.assert_array_equal(outputs(est, X), expected)
    est.partial_fit(X, y)  # and it trains on from there
    assert est.n_iter_ == 4


def test_a_diverging_trial_fails_without_stopping_the_study(regression_data):
    optuna = pytest.importorskip("optuna")
    from skneural.tuning import tune

    X, y = regression_data
    rates = optuna.distributions.CategoricalDistribution([1e12, 0.01])
    result = tune(
        tiny("NeuralRegressor", optimizer="sgd", activation="identity", epochs=3),
        X,
        y,
        search_space={"learning_rate": rates},
        n_trials=6,
        cv=2,
        random_state=0,
        pruner=None,
        refit=False,
    )
    drawn = [t for t in result.study_.trials if t.params]  # not the as-given one
    states = {t.params["learning_rate"]: t.state for t in drawn}
    assert states[1e12] == optuna.trial.TrialState.FAIL
    assert states[0.01] == optuna.trial.TrialState.COMPLETE
    # the estimator as given (learning_rate=0.01 too) or the drawn 0.01 wins
    assert result.best_params_ in ({}, {"learning_rate": 0.01})


# --- interruption ---------------------------------------------------------------


@pytest.mark.parametrize("make", BOTH)
def test_interrupt_keeps_the_weights_reached_so_far(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    est = tiny(make, epochs=20, callbacks=[InterruptAt(epoch=3)])
    with pytest.warns(FitInterruptedWarning, match=r"interrupted after 3 of 20 epochs"):
        assert est.fit(X, y) is est
    assert est.n_iter_ == 3 and len(est.history_["loss"]) == 3
    out = outputs(est, X)
    assert np.isfinite(out).all() and len(out) == len(X)
    # usable: it scores, pickles and trains on
    est.score(X, y)
    est.set_params(callbacks=None).partial_fit(X, y)
    assert est.n_iter_ == 4


def test_interrupt_inside_an_epoch_on_the_per_batch_path(iris):
    X, y = iris
    est = tiny(
        "NeuralClassifier", epochs=20, batch_size=16, callbacks=[InterruptInBatch(25)]
    )
    with pytest.warns(FitInterruptedWarning, match=r"after 2 of 20 epochs"):
        est.fit(X, y)  # 10 batches an epoch: stopped in the third
    assert est.n_iter_ == 2
    assert np.isfinite(est.predict_proba(X)).all()


def test_interrupt_with_early_stopping_restores_the_best_weights(regression_data):
    X, y = regression_data
    record = WeightsAtEpochEnd()
    est = tiny(
        "NeuralRegressor",
        epochs=30,
        early_stopping=True,
        patience=50,
        learning_rate=0.5,  # a noisy validation loss: the best epoch is not the last
        numeric_embedding=None,
        dropout=0.0,
        callbacks=[record, InterruptAt(epoch=8)],
    )
    with pytest.warns(FitInterruptedWarning, match="keeps the best weights so far"):
        est.fit(X, y)
    assert est.n_iter_ == 8 == len(record.weights)
    val = est.history_["val_loss"]
    assert est.best_epoch_ == int(np.argmin(val)) < 7
    final = est.model_.get_weights()
    assert same_weights(final, record.weights[est.best_epoch_])
    assert not same_weights(final, record.weights[-1])


def test_interrupt_before_the_first_epoch_changes_nothing(iris):
    X, y = iris
    est = tiny("NeuralClassifier", epochs=3).fit(X, y)
    expected = est.predict_proba(X)
    est.set_params(callbacks=[InterruptAt(epoch=0)])
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)  # nothing learnt in the new fit: the interrupt goes on
    np.testing.assert_array_equal(est.predict_proba(X), expected)
    assert est.n_iter_ == 3


# --- out of memory ----------------------------------------------------------------


def test_out_of_memory_suggests_a_smaller_batch_size(regression_data, monkeypatch):
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() != "tensorflow":
        pytest.skip("injects TensorFlow's own out-of-memory error")
    X, y = regression_data
    est = tiny("NeuralRegressor", batch_size=64).fit(X, y)
    expected = est.predict(X)
    runner = type(runner_for(est._network))

    def exhausted(self, *args, **kwargs):
        raise tf.errors.ResourceExhaustedError(
            None, None, "OOM when allocating tensor with shape[64,16] on GPU:0"
        )

    monkeypatch.setattr(runner, "train_epoch", exhausted)
    with pytest.raises(
        DeviceMemoryError,
        match=r"ran out of memory training with batch_size=64.*"
        r"smaller batch_size \(e\.g\. 16\)",
    ) as e:
        est.fit(X, y)
    assert isinstance(e.value, MemoryError)
    assert isinstance(e.value.__cause__, tf.errors.ResourceExhaustedError)
    np.testing.assert_array_equal(est.predict(X), expected)
