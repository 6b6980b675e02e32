import numpy as np
import pandas as pd
import pytest
from conftest import tiny
from sklearn.base import is_regressor
from sklearn.linear_model import LinearRegression

from skneural import InvalidParameterError, NeuralRegressor


def test_is_regressor():
    assert is_regressor(NeuralRegressor())


def test_fits_a_smooth_function():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(400, 2))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2
    reg = tiny("NeuralRegressor", hidden_layer_sizes=(32, 32), epochs=60).fit(X, y)
    # a linear model cannot do this; the network must beat it clearly
    assert reg.score(X, y) > 0.9 > LinearRegression().fit(X, y).score(X, y)
    pred = reg.predict(X)
    assert pred.shape == (400,) and pred.dtype == np.float64


def test_multi_output(regression_data):
    X, y = regression_data
    Y = np.column_stack([y, -2 * y])
    reg = tiny("NeuralRegressor", epochs=30).fit(X, Y)
    assert reg.n_outputs_ == 2
    assert reg.predict(X).shape == (len(X), 2)
    assert reg.score(X, Y) > 0.8
    # a column target stays a column
    assert tiny("NeuralRegressor", epochs=1).fit(X, y[:, None]).predict(X).shape == (
        len(X),
        1,
    )


def test_output_starts_at_the_target_mean(regression_data):
    X, y = regression_data
    reg = tiny("NeuralRegressor", hidden_layer_sizes=(), epochs=1, learning_rate=1e-9)
    reg.fit(X, y + 1000.0)
    # one tiny step away from the initial bias: predictions sit at the mean
    assert abs(reg.predict(X).mean() - (y.mean() + 1000.0)) < 5


#: Each loss per sample, from the error e = prediction - y (Keras's definitions).
LOSSES = {
    "mae": lambda e, y: np.abs(e),
    "huber": lambda e, y: np.where(np.abs(e) <= 1.0, 0.5 * e**2, np.abs(e) - 0.5),
    "log_cosh": lambda e, y: np.log(np.cosh(e)),
    "mape": lambda e, y: 100.0 * np.abs(e) / np.maximum(np.abs(y), 1e-7),
    "mean_squared_error": lambda e, y: e**2,
}


@pytest.mark.parametrize("loss", list(LOSSES))
def test_regression_losses(regression_data, loss):
    X, y = regression_data
    y = y + 3
    reg = tiny("NeuralRegressor", loss=loss, epochs=2).fit(X, y)
    assert np.isfinite(reg.history_["loss"]).all()
    assert reg.model_.loss == loss
    # the network's compiled loss computes that loss, and none of the others
    # (on the scale the network trains on: the target, standardized or not)
    scale = reg.target_encoder_.transform
    target = scale(y).ravel().astype(np.float64)
    error = scale(reg.predict(X)).ravel() - target
    by_hand = {name: f(error, target).mean() for name, f in LOSSES.items()}
    inputs = reg.feature_encoder_.transform(X.astype(np.float32))
    compiled = reg.model_.evaluate(
        inputs, target.astype(np.float32)[:, None], verbose=0
    )
    matching = [name for name, v in by_hand.items() if np.isclose(v, compiled, 1e-4)]
    assert matching == [loss]


def test_linear_model_without_hidden_layers(regression_data):
    X, y = regression_data
    reg = tiny(
        "NeuralRegressor", hidden_layer_sizes=(), epochs=40, learning_rate=0.05
    ).fit(X, y)
    assert [type(layer).__name__ for layer in reg.model_.layers] == [
        "InputLayer",
        "Dense",
    ]
    assert reg.score(X, y) > 0.95


def test_partial_fit_one_epoch(regression_data):
    X, y = regression_data
    reg = tiny("NeuralRegressor")
    reg.partial_fit(X[:1], y[:1])  # a single sample is fine for online learning
    reg.partial_fit(X, y)
    assert reg.n_iter_ == 2
    assert len(reg.history_["loss"]) == 2


@pytest.mark.parametrize(
    "y, match",
    [
        (np.array(["1.5", "2"] * 6), "needs a numeric target, but y contains strings"),
        (np.array(["a", 1.0] * 6, dtype=object), "y contains strings"),
        (pd.Categorical(["low", "high"] * 6), "y contains strings"),
        (
            np.array(["2020-01-01", "2021-01-01"] * 6, dtype="datetime64[D]"),
            "datetimes",
        ),
        (np.array([1.0, None] * 6, dtype=object), "Input y contains NaN"),
        (np.array([1e300, 1.0] * 6), "too large for the network, which computes in"),
        (np.full(12, np.finfo(np.float64).max), "float32 holds up to"),
    ],
    ids=[
        "numeric-text",
        "object-text",
        "categorical",
        "datetime",
        "none",
        "huge",
        "max",
    ],
)
def test_unusable_targets_are_named(y, match):
    X = np.random.default_rng(0).normal(size=(12, 3))
    with pytest.raises(ValueError, match=match):
        tiny("NeuralRegressor", epochs=1).fit(X, y)


def test_continued_training_keeps_the_number_of_outputs(regression_data):
    X, y = regression_data
    Y = np.column_stack([y, y])
    for first, later in [(y, Y), (Y, y), (Y, np.column_stack([y, y, y]))]:
        reg = tiny("NeuralRegressor", epochs=1).partial_fit(X, first)
        before = reg.predict(X)
        with pytest.raises(
            ValueError, match=r"target column\(s\), but the network was fitted with"
        ):
            reg.partial_fit(X, later)
        np.testing.assert_array_equal(reg.predict(X), before)
    reg = tiny("NeuralRegressor", epochs=1, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="1 output"):
        reg.fit(X, Y)
    # (n,) and (n, 1) are the same single output
    tiny("NeuralRegressor", epochs=1).partial_fit(X, y[:, None]).partial_fit(X, y)


@pytest.mark.parametrize(
    ("loss", "setting", "standardized"),
    [
        ("auto", "auto", True),
        ("mae", "auto", True),
        ("huber", "auto", True),
        ("mape", "auto", False),
        ("poisson", "auto", False),
        ("auto", False, False),
        ("mape", True, True),
    ],
)
def test_which_targets_are_standardized(regression_data, loss, setting, standardized):
    X, y = regression_data
    y = np.abs(y) * 1000 + 5000  # dollars
    reg = tiny("NeuralRegressor", loss=loss, standardize_target=setting, epochs=1)
    enc = reg.fit(X, y).target_encoder_
    assert enc.standardize is standardized
    if standardized:
        assert enc.mean_ == pytest.approx([y.mean()])
        assert enc.scale_ == pytest.approx([y.std()])
        assert abs(enc.transform(y).mean()) < 1e-5
    else:
        np.testing.assert_array_equal(enc.transform(y).ravel(), y.astype(np.float32))
    np.testing.assert_allclose(enc.inverse_transform(enc.transform(y)), y, rtol=1e-6)


def test_a_target_in_dollars_trains_as_well_as_a_standardized_one(regression_data):
    X, y = regression_data
    dollars = y * 50_000 + 300_000
    kw = dict(epochs=30, hidden_layer_sizes=(32,))
    on_dollars = tiny("NeuralRegressor", **kw).fit(X, dollars)
    on_unit = tiny("NeuralRegressor", **kw).fit(X, y)
    raw = tiny("NeuralRegressor", standardize_target=False, **kw).fit(X, dollars)
    r2_dollars, r2_unit = on_dollars.score(X, dollars), on_unit.score(X, y)
    assert r2_dollars > 0.9 and abs(r2_dollars - r2_unit) < 0.02
    assert raw.score(X, dollars) < r2_dollars - 0.2  # what it fixes
    # predictions are on the target's scale; multi-output targets per column
    assert abs(on_dollars.predict(X).mean() - dollars.mean()) < 0.05 * dollars.std()
    two = tiny("NeuralRegressor", epochs=1).fit(X, np.c_[dollars, y])
    assert two.target_encoder_.scale_ == pytest.approx([dollars.std(), y.std()])
    assert two.predict(X).shape == (len(y), 2)


def test_the_wrappers_keep_the_target_as_it_is(regression_data):
    from keras_models import dense_regressor

    from skneural import KerasRegressor

    X, y = regression_data
    reg = KerasRegressor(dense_regressor, loss="mse", epochs=1, verbose=0)
    assert reg.fit(X, y * 1000).target_encoder_.standardize is False


def test_standardize_target_is_checked(regression_data):
    X, y = regression_data
    with pytest.raises(
        InvalidParameterError,
        match=r"invalid `standardize_target`: expected True, False or 'auto'. "
        r"Received: standardize_target='yes'",
    ):
        tiny("NeuralRegressor", standardize_target="yes").fit(X, y)
