"""Behaviour shared by every skneural estimator: training controls, state, errors."""

import copy
import pickle
import random
import re

import keras
import numpy as np
import pytest
from conftest import BOTH, data_for, outputs, tiny
from sklearn.base import clone

from skneural import (
    InvalidParameterError,
    NeuralClassifier,
    NeuralRegressor,
    NotFittedError,
)
from skneural.inference import chunk_rows


class WeightsAtEpochEnd(keras.callbacks.Callback):
    """Keep a copy of the network's weights at the end of every epoch.

    Estimators deep-copy their callbacks for each fit; this one is its own
    copy, so the test can read what the fit recorded in ``weights``.
    """

    def __init__(self):
        super().__init__()
        self.weights = []

    def __deepcopy__(self, memo):
        return self

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


def same_weights(a, b) -> bool:
    return all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))


def keras_early_stopping(monitored, patience, min_delta):
    """``(best epoch, epochs run)`` by Keras's EarlyStopping rule on ``monitored``.

    An epoch improves when its value is below the best so far minus
    ``min_delta``; training stops ``patience`` epochs after the last
    improvement. Epochs run is None when the rule would not have stopped.
    """
    best, best_epoch, wait = np.inf, 0, 0
    for epoch, value in enumerate(monitored):
        wait += 1
        if value < best - min_delta:
            best, best_epoch, wait = value, epoch, 0
        elif wait >= patience and epoch > 0:
            return best_epoch, epoch + 1
    return best_epoch, None


def plateau_schedule(monitored, learning_rate, patience, min_delta):
    """The learning rate of each epoch when it is divided by 10 after ``patience``
    epochs without improvement (Keras's ReduceLROnPlateau), and the rate after
    the last epoch."""
    best, wait, rates = np.inf, 0, []
    for value in monitored:
        rates.append(learning_rate)
        if value < best - min_delta:
            best, wait = value, 0
        else:
            wait += 1
            if wait >= patience:
                learning_rate, wait = learning_rate / 10, 0
    return rates, learning_rate


@pytest.mark.parametrize("make", BOTH)
def test_same_seed_same_predictions_other_seed_other(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    kw = dict(dropout=0.2, early_stopping=True, validation_fraction=0.2, epochs=4)
    if make == "NeuralRegressor":  # the network's seeding: on this linear
        kw["linear_blend"] = False  # target the blend may be the ridge alone
    a = outputs(tiny(make, random_state=3, **kw).fit(X, y), X)
    b = outputs(tiny(make, random_state=3, **kw).fit(X, y), X)
    c = outputs(tiny(make, random_state=4, **kw).fit(X, y), X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_seed_leaves_global_generators_alone(regression_data):
    X, y = regression_data
    random.seed(123)
    np.random.seed(123)
    expected_py, expected_np = random.random(), np.random.rand()
    random.seed(123)
    np.random.seed(123)
    tiny("NeuralRegressor", random_state=0, epochs=1).fit(X, y)
    assert random.random() == expected_py
    assert np.random.rand() == expected_np


def test_no_seed_gives_different_networks(regression_data):
    X, y = regression_data
    a = tiny("NeuralRegressor", random_state=None, epochs=1).fit(X, y).predict(X)
    b = tiny("NeuralRegressor", random_state=None, epochs=1).fit(X, y).predict(X)
    assert not np.allclose(a, b)


@pytest.mark.parametrize("make", BOTH)
def test_history_and_metrics(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    metric = "accuracy" if make == "NeuralClassifier" else "mae"
    est = tiny(make, epochs=3, metrics=[metric]).fit(X, y)
    assert est.n_iter_ == 3
    assert len(est.history_["loss"]) == 3
    assert len(est.history_[metric]) == 3
    assert all(isinstance(v, float) for v in est.history_["loss"])
    assert not hasattr(est, "best_epoch_")


def test_early_stopping_stops_and_restores_best(regression_data):
    X, y = regression_data
    record = WeightsAtEpochEnd()
    # a learning rate this large makes the validation loss stall quickly
    est = tiny(
        "NeuralRegressor",
        epochs=200,
        early_stopping=True,
        patience=2,
        anneal_fraction=0.0,  # plain early stopping: no annealing after it,
        refit=False,  # and no second training on every row
        learning_rate=0.5,
        random_state=1,
        callbacks=[record],
    ).fit(X, y)
    assert est.n_iter_ < 200
    val = est.history_["val_loss"]
    assert est.best_epoch_ == int(np.argmin(val))
    assert est.n_iter_ == len(val) == len(record.weights)
    # it trained `patience` epochs past the best, then went back to the best
    assert est.n_iter_ == est.best_epoch_ + 3
    final = est.model_.get_weights()
    assert same_weights(final, record.weights[est.best_epoch_])
    assert not same_weights(final, record.weights[-1])


def test_early_stopping_on_training_loss_without_validation(regression_data):
    X, y = regression_data
    est = tiny(
        "NeuralRegressor",
        epochs=200,
        early_stopping=True,
        validation_fraction=0.0,
        patience=1,
    )
    est.fit(X, y)
    assert "val_loss" not in est.history_
    assert est.n_iter_ < 200


@pytest.mark.parametrize("restore", [True, False])
@pytest.mark.parametrize("make", BOTH)
def test_restore_best_weights(make, restore, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    record = WeightsAtEpochEnd()
    est = tiny(
        make,
        epochs=100,
        early_stopping=True,
        patience=2,
        anneal_fraction=0.0,  # plain early stopping: no annealing after it,
        refit=False,  # and no second training on every row
        learning_rate=0.5,  # a noisy validation loss: it stops well before 100
        restore_best_weights=restore,
        callbacks=[record],
    ).fit(X, y)
    assert est.n_iter_ == est.best_epoch_ + 3 == len(record.weights)
    best, last = record.weights[est.best_epoch_], record.weights[-1]
    assert not same_weights(best, last)
    # True: back to the best epoch's weights; False: the last epoch's are kept
    assert same_weights(est.model_.get_weights(), best if restore else last)


@pytest.mark.parametrize("make", BOTH)
def test_min_delta_is_the_least_improvement_that_counts(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    # Plain inputs: a validation loss that keeps creeping down (periodic
    # embeddings make it wander, and the second check needs the creep).
    est = tiny(
        make,
        epochs=100,
        early_stopping=True,
        patience=3,
        min_delta=0.03,
        anneal_fraction=0.0,  # plain early stopping: no annealing after it,
        refit=False,  # and no second training on every row
        numeric_embedding=None,
        ensemble_size=1,  # one network's loss creeps; an average's wanders
        dropout=0.0,  # and dropout's noise would make it wander too
    )
    est.fit(X, y)
    val = est.history_["val_loss"]
    assert keras_early_stopping(val, 3, 0.03) == (est.best_epoch_, est.n_iter_)
    # the validation loss was still going down, by less than min_delta: with
    # min_delta=0 these epochs would all have been improvements
    assert keras_early_stopping(val, 3, 0.0) == (est.n_iter_ - 1, None)


@pytest.mark.parametrize(
    "early_stopping, patience, monitor",
    [(False, 2, "loss"), (True, 4, "val_loss")],
    ids=["training-loss", "validation-loss"],
)
def test_reduce_lr_on_plateau(regression_data, early_stopping, patience, monitor):
    X, y = regression_data
    est = tiny(
        "NeuralRegressor",
        epochs=15,
        reduce_lr_on_plateau=True,
        early_stopping=early_stopping,
        patience=patience,
        anneal_fraction=0.0,  # the rate is ReduceLROnPlateau's alone
        refit=False,
        learning_rate=0.5,  # large: the monitored loss stalls now and then
    ).fit(X, y)
    # divided by 10 after max(1, patience // 2) epochs without improvement of
    # the monitored loss (the validation loss with early stopping)
    expected, after = plateau_schedule(
        est.history_[monitor], 0.5, max(1, patience // 2), est.min_delta
    )
    assert "learning_rate" in est.history_  # logged by ReduceLROnPlateau
    lrs = est.history_["learning_rate"]
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)
    assert lrs[0] == pytest.approx(0.5) and min(lrs) <= 0.05 + 1e-9
    assert float(est.model_.optimizer.learning_rate) == pytest.approx(after)


def test_validation_fraction_too_large_for_tiny_data(regression_data):
    X, y = regression_data
    est = tiny("NeuralRegressor", early_stopping=True, validation_fraction=0.9)
    with pytest.raises(ValueError, match="leaves no sample"):
        est.fit(X[:2], y[:2])


class CountEpochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


def test_callbacks_are_copied_per_fit(regression_data):
    X, y = regression_data
    cb = CountEpochs()
    est = tiny("NeuralRegressor", epochs=3, callbacks=[cb]).fit(X, y)
    assert cb.epochs == 0  # the user's object is never used itself
    clone(est).fit(X, y)
    assert est.callbacks[0] is cb


def test_optimizer_instance_is_copied_not_shared(regression_data):
    X, y = regression_data
    opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.5)
    est = tiny("NeuralRegressor", optimizer=opt, epochs=2).fit(X, y)
    other = clone(est).fit(X, y)
    assert est.model_.optimizer is not opt
    assert other.model_.optimizer is not est.model_.optimizer
    assert int(opt.iterations) == 0
    assert float(est.model_.optimizer.learning_rate) == pytest.approx(0.05)


@pytest.mark.parametrize(
    "optimizer", ["sgd", "rmsprop", "adamw", "nadam", keras.optimizers.Adagrad]
)
def test_optimizer_names_and_classes(regression_data, optimizer):
    X, y = regression_data
    est = tiny(
        "NeuralRegressor", optimizer=optimizer, learning_rate=0.02, epochs=1
    ).fit(X, y)
    assert float(est.model_.optimizer.learning_rate) == pytest.approx(0.02)


def test_momentum_goes_to_sgd(regression_data):
    X, y = regression_data
    est = tiny("NeuralRegressor", optimizer="sgd", momentum=0.7, epochs=1).fit(X, y)
    assert est.model_.optimizer.momentum == pytest.approx(0.7)


def test_warm_start_continues(regression_data):
    X, y = regression_data
    est = tiny("NeuralRegressor", epochs=2, warm_start=True).fit(X, y)
    first = est.model_.get_weights()
    est.fit(X, y)
    assert est.n_iter_ == 4
    assert len(est.history_["loss"]) == 4
    # continued from the trained weights, not restarted: loss kept going down
    assert est.history_["loss"][2] < est.history_["loss"][0]
    assert any(
        not np.array_equal(a, b)
        for a, b in zip(first, est.model_.get_weights(), strict=True)
    )
    cold = tiny("NeuralRegressor", epochs=2).fit(X, y)
    cold.fit(X, y)
    assert cold.n_iter_ == 2


@pytest.mark.parametrize("through", ["compiled loop", "model.fit", "sparse"])
def test_continued_training_numbers_epochs_on(regression_data, through):
    import scipy.sparse as sp

    X, y = regression_data
    seen = []

    def schedule(epoch, rate):
        seen.append(epoch)
        return rate

    params = dict(
        epochs=2,
        warm_start=True,
        callbacks=[keras.callbacks.LearningRateScheduler(schedule)],
    )
    if through == "model.fit":  # a Model.fit argument of its own: model.fit
        est = tiny("KerasRegressor", fit__validation_freq=1, **params)
    else:
        est = tiny("NeuralRegressor", **params)
        X = sp.csr_matrix(X) if through == "sparse" else X
    est.fit(X, y)
    est.partial_fit(X, y)
    est.fit(X, y)
    assert seen == [0, 1, 2, 3, 4]
    assert est.n_iter_ == 5


@pytest.mark.parametrize("make", BOTH)
def test_sample_weight(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    w = np.ones(len(X))
    a = outputs(tiny(make, epochs=2).fit(X, y), X)
    b = outputs(tiny(make, epochs=2).fit(X, y, sample_weight=w * 7.0), X)
    np.testing.assert_allclose(
        a, b, rtol=1e-5, atol=1e-6
    )  # uniform weights change nothing
    with pytest.raises(ValueError, match="one weight per sample"):
        tiny(make).fit(X, y, sample_weight=w[:-1])
    with pytest.raises(ValueError, match="negative"):
        tiny(make).fit(X, y, sample_weight=-w)
    with pytest.raises(ValueError, match="sums to zero"):
        tiny(make).fit(X, y, sample_weight=0 * w)


@pytest.mark.parametrize("make", BOTH)
def test_pickle_deepcopy_and_clone_after_fit(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    est = tiny(make, epochs=2).fit(X, y)
    expected = outputs(est, X)
    for twin in (pickle.loads(pickle.dumps(est)), copy.deepcopy(est)):
        np.testing.assert_array_equal(outputs(twin, X), expected)
        assert twin.model_ is not est.model_
    fresh = clone(est)
    assert not hasattr(fresh, "n_iter_")
    assert fresh.get_params() == est.get_params()


@pytest.mark.parametrize("make", BOTH)
def test_predictions_on_many_rows_equal_predictions_in_pieces(make):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10_000, 1024), dtype=np.float32)
    # inputs this wide are predicted in chunks of 4,096 rows: 10,000 rows
    # make two whole chunks and a partial one
    assert chunk_rows(X.shape[1]) == 4096
    y = rng.integers(0, 3, 300) if make == "NeuralClassifier" else rng.normal(size=300)
    est = tiny(make, epochs=1).fit(X[:300], y)
    whole = outputs(est, X)
    assert len(whole) == len(X)
    pieces = [outputs(est, X[i : i + 1000]) for i in range(0, len(X), 1000)]
    np.testing.assert_allclose(whole, np.concatenate(pieces), rtol=1e-6, atol=1e-7)
    for i in (0, 4095, 4096, 8191, 8192, 9999):  # the first and last rows of chunks
        np.testing.assert_allclose(
            whole[i : i + 1], outputs(est, X[i : i + 1]), rtol=1e-6, atol=1e-7
        )


def test_dropout_batchnorm_and_penalties_build_the_right_layers(regression_data):
    X, y = regression_data
    est = tiny(
        "NeuralRegressor",
        hidden_layer_sizes=(8, 4),
        dropout=(0.3, 0.1),
        batch_normalization=True,
        l1=1e-4,
        l2=1e-3,
        activation="tanh",
        kernel_initializer="he_normal",
        ensemble_size=1,  # an ensemble's layers: tests/test_ensemble.py
        epochs=1,
    ).fit(X, y)
    layers = {layer.name: layer for layer in est.model_.layers}
    assert layers["hidden_1_dropout"].rate == pytest.approx(0.3)
    assert layers["hidden_2_dropout"].rate == pytest.approx(0.1)
    assert "hidden_1_bn" in layers and layers["hidden_1_dense"].use_bias is False
    reg = layers["hidden_1_dense"].kernel_regularizer.get_config()
    assert reg["l1"] == pytest.approx(1e-4) and reg["l2"] == pytest.approx(1e-3)
    assert layers["hidden_1_act"].activation.__name__ == "tanh"
    assert type(layers["hidden_1_dense"].kernel_initializer).__name__ == "HeNormal"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("make", BOTH)
def test_predict_before_fit(make, iris):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        tiny(make).predict(iris[0])
    with pytest.raises(AttributeError, match="not fitted yet"):
        tiny(make).model_  # noqa: B018


def _bad_inputs(X, y):
    Xs = X.astype(object)
    Xs[0, 0] = "red"
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    X_inf = X.copy()
    X_inf[1, 1] = np.inf
    return [
        ("empty", X[:0], y[:0], "0 sample"),
        ("one sample", X[:1], y[:1], "1 sample"),
        ("nan", X_nan, y, "NaN"),
        ("inf", X_inf, y, "infinity"),
        ("text", Xs, y, "needs numeric features.*OneHotEncoder"),
        ("length", X, y[:-3], "inconsistent numbers of samples"),
    ]


@pytest.mark.parametrize("make", BOTH)
def test_bad_data_leaves_a_fitted_estimator_unchanged(make, iris, regression_data):
    X, y = data_for(make, iris, regression_data)
    X = np.asarray(X, dtype=np.float64)
    est = tiny(make, epochs=1).fit(X, y)
    expected = outputs(est, X)
    state = {k: v for k, v in vars(est).items() if k != "_lease"}
    for _, Xb, yb, match in _bad_inputs(X, y):
        with pytest.raises(ValueError, match=match):
            est.fit(Xb, yb)
        assert {k: v for k, v in vars(est).items() if k != "_lease"} == state
        np.testing.assert_array_equal(outputs(est, X), expected)
    with pytest.raises(ValueError, match=r"X has 3 features, but \w+ is expecting"):
        est.predict(X[:, :3])
    with pytest.raises(ValueError, match="needs numeric features"):
        est.predict(np.array([["a"] * X.shape[1]]))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"dropout": -0.1}, ["expected a number in [0, 1). Received: dropout=-0.1."]),
        ({"dropout": 1.0}, ["expected a number in [0, 1). Received: dropout=1.0."]),
        (
            {"dropout": (0.1, 0.2)},
            [
                "expected a float or one rate per hidden layer (1 values). "
                "Received: dropout=(0.1, 0.2)."
            ],
        ),
        (
            {"hidden_layer_sizes": (10, 0)},
            [
                "expected a tuple of positive integers",
                "Received: hidden_layer_sizes=(10, 0).",
            ],
        ),
        (
            {"hidden_layer_sizes": "big"},
            [
                "expected a tuple of positive integers. "
                "Received: hidden_layer_sizes='big'."
            ],
        ),
        (
            {"activation": "rleu"},
            [
                "expected one of relu, tanh, ",
                "Received: activation='rleu'. Did you mean 'relu'?",
            ],
        ),
        (
            {"optimizer": "adamm"},
            [
                "expected one of adam, adamw, sgd, ",
                "an optimizer class or instance. "
                "Received: optimizer='adamm'. Did you mean 'adam'?",
            ],
        ),
        (
            {"optimizer": 3},
            [
                "expected an optimizer name, a keras.optimizers.Optimizer class or "
                "instance. Received: optimizer=3."
            ],
        ),
        (
            {"loss": "mean_squared_eror"},
            [
                "expected 'auto', one of mse, mae, ",
                "Received: loss='mean_squared_eror'. "
                "Did you mean 'mean_squared_error'?",
            ],
        ),
        (
            {"kernel_initializer": "glorot_unifrom"},
            [
                "expected a Keras initializer name",
                "Received: kernel_initializer='glorot_unifrom'. "
                "Did you mean 'glorot_uniform'?",
            ],
        ),
        (
            {"learning_rate": 0},
            ["expected a number in (0, inf) or 'auto'. Received: learning_rate=0."],
        ),
        (
            {"batch_size": 0},
            ["expected an integer >= 1 or 'auto'. Received: batch_size=0."],
        ),
        ({"epochs": 2.5}, ["expected an integer >= 1. Received: epochs=2.5."]),
        (
            {"validation_fraction": 1.0},
            ["expected a number in [0, 1). Received: validation_fraction=1.0."],
        ),
        ({"l2": -1.0}, ["expected a number in [0, inf). Received: l2=-1.0."]),
        (
            {"verbose": 5},
            [
                "expected 0 (silent), 1 (progress bar) or 2 (one line per epoch). "
                "Received: verbose=5."
            ],
        ),
        (
            {"metrics": ["acuracy"]},
            [
                "expected Keras metric names or objects. "
                "Received: metrics='acuracy'. Did you mean 'accuracy'?"
            ],
        ),
        (
            {"callbacks": ["early"]},
            [
                "expected None or a list of keras.callbacks.Callback. "
                "Received: callbacks=['early']."
            ],
        ),
        (
            {"random_state": "seed"},
            [
                "expected None, an integer or a numpy.random.RandomState "
                "instance. Received: random_state='seed'."
            ],
        ),
    ],
)
def test_invalid_hyperparameters(params, message, regression_data):
    X, y = regression_data
    est = tiny("NeuralRegressor", epochs=1).fit(X, y)
    expected = est.predict(X)
    est.set_params(**params)
    (name,) = params
    # "<Estimator>: invalid `name`: expected <what is accepted>. Received: ..."
    pattern = re.escape(f"NeuralRegressor: invalid `{name}`: ") + ".*".join(
        map(re.escape, message)
    )
    with pytest.raises(InvalidParameterError, match=f"^{pattern}$"):
        est.fit(X, y)
    np.testing.assert_array_equal(est.predict(X), expected)


def test_invalid_parameter_error_is_value_and_type_error():
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(InvalidParameterError, TypeError)


def test_classifier_loss_did_you_mean(iris):
    X, y = iris
    with pytest.raises(
        InvalidParameterError, match="Did you mean 'binary_crossentropy'"
    ):
        tiny("NeuralClassifier", loss="binary_crossentropyy").fit(X, y)


def test_class_weight_type_error(iris):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="class_weight"):
        tiny("NeuralClassifier", class_weight="heavy").fit(X, y)


def test_defaults_are_immutable_and_stored_verbatim():
    for cls in (NeuralClassifier, NeuralRegressor):
        est = cls(hidden_layer_sizes=[8, 4], dropout=[0.1, 0.2])
        assert est.hidden_layer_sizes == [8, 4]
        assert isinstance(cls().hidden_layer_sizes, tuple)
