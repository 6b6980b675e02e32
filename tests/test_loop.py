"""The compiled epoch loop (skneural/_loop.py) trains exactly as model.fit does."""

import keras
import numpy as np
import pytest
from conftest import tiny

import skneural._loop as loop
import skneural.base
from skneural import KerasRegressor


def _fit_both(monkeypatch, make, X, y, **fit_kwargs):
    fast = make().fit(X, y, **fit_kwargs)
    monkeypatch.setattr(skneural.base, "fast_loop_applies", lambda *a: False)
    slow = make().fit(X, y, **fit_kwargs)
    monkeypatch.undo()
    return fast, slow


@pytest.mark.parametrize("weighted", [False, True])
def test_same_training_as_model_fit(monkeypatch, regression_data, weighted):
    """Unshuffled, the loop and model.fit see the same batches: same numbers.

    120 rows in batches of 32 leave a last batch of 24; sample weights,
    metrics and an L2 penalty go through Keras's own train_step.
    """
    X, y = regression_data
    kwargs = {"sample_weight": np.linspace(0.5, 2.0, len(y))} if weighted else {}

    def make():
        return tiny(
            "NeuralRegressor", shuffle=False, epochs=4, l2=1e-3, metrics=["mae"]
        )

    fast, slow = _fit_both(monkeypatch, make, X, y, **kwargs)
    assert fast.history_.keys() == slow.history_.keys() == {"loss", "mae"}
    for key in fast.history_:
        np.testing.assert_allclose(fast.history_[key], slow.history_[key], rtol=1e-5)
    np.testing.assert_allclose(fast.predict(X), slow.predict(X), rtol=1e-4, atol=1e-6)


def test_an_optimizer_with_ema_ends_on_the_averaged_weights(
    monkeypatch, regression_data
):
    # model.fit ends by swapping in the moving averages (use_ema=True)
    X, y = regression_data

    def make():
        adam = keras.optimizers.Adam(0.01, use_ema=True, ema_momentum=0.9)
        return tiny("NeuralRegressor", shuffle=False, epochs=4, optimizer=adam)

    fast, slow = _fit_both(monkeypatch, make, X, y)
    np.testing.assert_allclose(fast.predict(X), slow.predict(X), rtol=1e-4, atol=1e-6)
    without = tiny("NeuralRegressor", shuffle=False, epochs=4, learning_rate=0.01)
    assert np.abs(without.fit(X, y).predict(X) - fast.predict(X)).max() > 1e-3


def test_validation_and_early_stopping_match_model_fit(monkeypatch, binary_data):
    X, y = binary_data

    def make():
        return tiny(
            "NeuralClassifier",
            shuffle=False,
            epochs=30,
            early_stopping=True,
            patience=3,
            metrics=["auc"],
        )

    fast, slow = _fit_both(monkeypatch, make, X, y)
    assert {"val_loss", "val_auc", "loss", "auc"} <= fast.history_.keys()
    assert fast.history_.keys() == slow.history_.keys()
    assert fast.n_iter_ == slow.n_iter_ and fast.best_epoch_ == slow.best_epoch_
    for key in fast.history_:
        np.testing.assert_allclose(fast.history_[key], slow.history_[key], rtol=1e-4)


def test_learning_rate_schedule_callbacks_act_inside_compiled_loop(regression_data):
    X, y = regression_data
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    est = tiny("NeuralRegressor", epochs=4, learning_rate=0.08, callbacks=[halve]).fit(
        X, y
    )
    lr = float(keras.ops.convert_to_numpy(est.model_.optimizer.learning_rate))
    assert lr == pytest.approx(0.08 / 2**4)
    assert est.history_["learning_rate"] == pytest.approx([0.04, 0.02, 0.01, 0.005])


_BATCHES: list = []  # callbacks are copied per fit; they report here


class _BatchCounter(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        _BATCHES.append(batch)


def _dense_model(n_features):
    return keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1)])


@pytest.mark.parametrize("wrapper", [False, True])
def test_batch_level_callbacks_still_see_every_batch(regression_data, wrapper):
    X, y = regression_data  # 120 rows: 4 batches of 32 per epoch
    if wrapper:
        est = KerasRegressor(
            _dense_model, n_features=X.shape[1], loss="mse", epochs=3, verbose=0
        )
    else:
        est = tiny("NeuralRegressor", epochs=3)
    _BATCHES.clear()
    est.set_params(callbacks=[_BatchCounter()]).fit(X, y)
    assert _BATCHES == [0, 1, 2, 3] * 3


def test_which_callbacks_keep_the_compiled_loop(regression_data):
    X, y = regression_data
    network = tiny("NeuralRegressor", epochs=1).fit(X, y)._network
    assert loop._acts_per_batch(_BatchCounter())
    assert loop._acts_per_batch(keras.callbacks.TensorBoard(update_freq="batch"))
    assert not loop._acts_per_batch(keras.callbacks.TensorBoard(update_freq="epoch"))
    assert not loop._acts_per_batch(keras.callbacks.EarlyStopping())
    lam = keras.callbacks.LambdaCallback
    assert loop._acts_per_batch(lam(on_train_batch_end=lambda b, logs: None))
    assert not loop._acts_per_batch(lam(on_epoch_end=lambda e, logs: None))
    assert loop.fast_loop_applies(network, [keras.callbacks.EarlyStopping()], {})
    assert not loop.fast_loop_applies(network, [_BatchCounter()], {})
    assert not loop.fast_loop_applies(network, [], {"validation_split": 0.1})


def test_progress_output_once_per_epoch(capsys, regression_data):
    X, y = regression_data
    tiny("NeuralRegressor", epochs=3, verbose=2).fit(X, y)
    out = capsys.readouterr().out
    assert out.count("Epoch ") == 3 and "loss:" in out


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow tracing counts"
)
def test_one_trace_serves_every_data_size_and_batch_size(regression_data):
    X, y = regression_data
    est = tiny("NeuralRegressor", epochs=1)
    for n, batch in ((120, 32), (97, 32), (64, 16), (33, 7)):
        est.set_params(batch_size=batch).fit(X[:n], y[:n])
    runner = loop.runner_for(est._network)
    (fn,) = runner._train.values()
    assert fn.experimental_get_tracing_count() == 1


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's retracing warning"
)
def test_many_networks_do_not_warn_of_retracing(caplog, regression_data):
    """Each network traces its own functions once: no "excessive retracing".

    TensorFlow counts traces by the Python code object; the closures of eight
    networks of different widths would share one count and warn.
    """
    X, y = regression_data
    with caplog.at_level("WARNING", logger="tensorflow"):
        for width in range(4, 12):
            tiny("NeuralRegressor", hidden_layer_sizes=(width,), epochs=1).fit(
                X, y
            ).predict(X)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's function cache"
)
def test_same_seed_again_does_not_empty_tensorflow_caches(monkeypatch):
    import random

    from skneural.backend import seeded

    real = keras.utils.set_random_seed
    calls = []
    monkeypatch.setattr(
        keras.utils, "set_random_seed", lambda s: calls.append(s) or real(s)
    )
    draws = []
    for seed in (11, 11, 12, 11):
        with seeded(seed):
            draws.append((random.random(), keras.random.uniform(()).numpy().item()))
    assert calls == [11, 12, 11]  # the repeated 11 reseeded without TensorFlow
    assert draws[0] == draws[1] == draws[3] != draws[2]


def test_convolutional_model_trains_as_with_model_fit(monkeypatch):
    """Conv layers take the per-batch path on JAX's CPU backend: same numbers."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(70, 12, 2)).astype(np.float32)
    y = X[:, :, 0].mean(axis=1)

    def conv(n_steps=12):
        return keras.Sequential(
            [
                keras.Input((n_steps, 2)),
                keras.layers.Conv1D(4, 3, activation="relu"),
                keras.layers.GlobalAveragePooling1D(),
                keras.layers.Dense(1),
            ]
        )

    def make():
        return KerasRegressor(
            conv,
            loss="mse",
            optimizer="adam",
            epochs=3,
            batch_size=16,
            shuffle=False,
            random_state=0,
            verbose=0,
        )

    fast, slow = _fit_both(monkeypatch, make, X, y)
    np.testing.assert_allclose(fast.history_["loss"], slow.history_["loss"], rtol=1e-5)
    np.testing.assert_allclose(fast.predict(X), slow.predict(X), rtol=1e-4, atol=1e-6)
