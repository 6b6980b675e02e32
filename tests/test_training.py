"""The training configuration and the resolvers every estimator shares."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest

from skneural import InvalidParameterError, KerasRegressor, NeuralRegressor
from skneural.backend import keras, to_numpy
from skneural.training import (
    AUTO_EARLY_STOPPING_ROWS,
    TrainingConfig,
    auto_batch_size,
    auto_learning_rate,
    make_callbacks,
    make_loss,
    make_metrics,
    make_optimizer,
)


def test_config_is_frozen_and_resolved_for_a_call_by_replacement():
    config = TrainingConfig(
        epochs=30, batch_size="auto", learning_rate="auto", early_stopping="auto"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.epochs = 3
    n = AUTO_EARLY_STOPPING_ROWS * 4
    fit = config.for_call(n, None)
    assert config.batch_size == "auto"  # the original is unchanged
    assert fit.epochs == 30 and fit.early_stopping is True
    assert fit.batch_size == auto_batch_size(n)
    assert fit.learning_rate == auto_learning_rate(fit.batch_size)
    one = config.for_call(n, 1)  # partial_fit: one epoch, no early stopping
    assert one.epochs == 1 and one.early_stopping is False


def test_config_defaults_mean_off_and_all_rows_means_one_batch():
    config = TrainingConfig(epochs=2, batch_size=-1).for_call(57, None)
    assert config.batch_size == 57
    assert config.learning_rate is None and config.early_stopping is False
    assert not config.fit_kwargs and config.callbacks == ()


def test_one_optimizer_resolver_takes_own_settings_or_routed_parameters():
    built = make_optimizer("E", "sgd", learning_rate=0.1, momentum=0.5)
    assert isinstance(built, keras.optimizers.SGD)
    assert built.get_config()["momentum"] == pytest.approx(0.5)
    routed = make_optimizer("E", "sgd", {"momentum": 0.7}, learning_rate=0.1)
    assert routed.get_config()["momentum"] == pytest.approx(0.7)
    given = keras.optimizers.Adam(learning_rate=0.3)
    copied = make_optimizer("E", given, learning_rate=0.1)
    assert copied is not given
    assert float(copied.learning_rate) == pytest.approx(0.3)  # its own settings


def test_one_loss_resolver_for_auto_names_classes_and_instances():
    assert make_loss("E", "auto", auto="mse", names=("mse",)) == "mse"
    assert isinstance(make_loss("E", "huber", {"delta": 0.5}), keras.losses.Huber)
    assert isinstance(make_loss("E", keras.losses.Huber), keras.losses.Huber)
    assert make_loss("E", None) is None  # a model that compiles itself
    with pytest.raises(InvalidParameterError, match="invalid `loss`"):
        make_loss("E", None, auto="mse")
    with pytest.raises(InvalidParameterError, match="Did you mean 'huber'"):
        make_loss("E", "hubr")


def test_one_metrics_and_one_callbacks_resolver():
    metric = keras.metrics.MeanAbsoluteError()
    (copy,) = make_metrics("E", metric)
    assert isinstance(copy, keras.metrics.MeanAbsoluteError) and copy is not metric
    assert make_metrics("E", None) is None
    with pytest.raises(InvalidParameterError, match="Did you mean 'accuracy'"):
        make_metrics("E", ["acuracy"])
    stop = keras.callbacks.EarlyStopping(patience=2)
    built = make_callbacks("E", [stop, keras.callbacks.TerminateOnNaN])
    assert built[0] is not stop and built[0].patience == 2
    assert isinstance(built[1], keras.callbacks.TerminateOnNaN)
    with pytest.raises(InvalidParameterError, match=r"keras\.callbacks\.Callback"):
        make_callbacks("E", ["early"])


def test_an_unknown_route_is_an_invalid_parameter_and_a_value_error():
    with pytest.raises(InvalidParameterError, match="unknown routing prefix") as e:
        KerasRegressor().set_params(optimiser__learning_rate=0.1)
    assert isinstance(e.value, ValueError)


def test_reading_variables_gives_copies_without_numpy_2_warnings():
    # TensorFlow's variables have an __array__ without NumPy 2's `copy`
    # keyword: keras.ops.convert_to_numpy on one warns; to_numpy does not
    variable = keras.Variable(np.arange(3, dtype="float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = to_numpy(variable)
    np.testing.assert_array_equal(out, [0, 1, 2])
    variable.assign(np.zeros(3, "float32"))
    np.testing.assert_array_equal(out, [0, 1, 2])  # a copy


def test_a_default_fit_reads_its_weights_without_numpy_2_warnings():
    X = np.random.default_rng(0).normal(size=(300, 3))
    y = X[:, 0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        NeuralRegressor(epochs=2, random_state=0).fit(X, y)
    assert not [w for w in caught if "__array__" in str(w.message)]
