"""NeuralRegressor's blend with a ridge regression (``linear_blend``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from conftest import tiny
from sklearn.linear_model import RidgeCV

import skneural
from skneural import InvalidParameterError, _linear, training
from skneural.backend import keras
from skneural.inference import predict_array


@pytest.fixture(scope="module")
def noisy_line():
    """A target that is a line plus much noise: a ridge regression's table."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6))
    y = X @ np.array([1.0, -0.5, 0.3, 0.0, 0.0, 0.2]) + rng.normal(0, 1.5, 400)
    return X, y


@pytest.fixture(scope="module")
def step():
    """A target a line cannot follow: a step in one feature, no noise."""
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (400, 2))
    return X, np.where(X[:, 0] > 0.2, 3.0, -2.0) + np.sin(4 * X[:, 1])


def blended(**params):
    return tiny("NeuralRegressor", **{"early_stopping": True, "epochs": 20, **params})


# --- the pieces ------------------------------------------------------------------


def test_design_puts_each_code_in_its_own_column():
    X = np.array([[0.5, 0, 2], [-1.0, 1, 0]], dtype=np.float32)
    got = _linear.design(X, (2, 3))
    want = [[0.5, 1, 0, 0, 0, 1], [-1.0, 0, 1, 1, 0, 0]]
    np.testing.assert_array_equal(got, want)


def test_ridge_outputs_are_the_design_times_the_coefficients():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=(50, 2)), rng.integers(0, 4, (50, 2))])
    y = rng.normal(size=(50, 2))
    coef, intercept, alpha = _linear.fit_ridge(X, y, None, (4, 4))
    assert coef.shape == (2 + 8, 2) and intercept.shape == (2,)
    np.testing.assert_allclose(
        _linear.ridge_outputs(X, coef, intercept, (4, 4)),
        _linear.design(X, (4, 4)) @ coef + intercept,
    )
    ridge = RidgeCV(alphas=_linear.RIDGE_ALPHAS).fit(_linear.design(X, (4, 4)), y)
    assert alpha == ridge.alpha_  # scikit-learn's own choice and fit
    np.testing.assert_allclose(coef, ridge.coef_.T, rtol=1e-6)
    # a given penalty is used as it is
    coef2, _, alpha2 = _linear.fit_ridge(X, y, None, (4, 4), alpha=1e6)
    assert alpha2 == 1e6 and np.abs(coef2).max() < np.abs(coef).max() / 100


def test_blend_weight_takes_the_lowest_loss_and_prefers_the_network():
    y = np.zeros((4, 1))
    network, linear = np.full((4, 1), 1.0), np.full((4, 1), -1.0)
    mse = keras.losses.get("mse")
    assert _linear.blend_weight(mse, y, network, linear) == 0.5
    assert _linear.blend_weight(mse, y, y, linear) == 1.0
    # equal losses everywhere: the network alone
    assert _linear.blend_weight(mse, y, network, network) == 1.0
    # weighted rows: the row of weight 0 does not count
    y2, net2, lin2 = np.array([[0.0], [5.0]]), np.array([[0.0], [0.0]]), y[:2] + 5
    assert _linear.blend_weight(mse, y2, net2, lin2, np.array([1.0, 0.0])) == 1.0
    assert _linear.blend_weight(mse, y2, net2, lin2, np.array([0.0, 1.0])) == 0.0
    # a blend outside the loss's domain is never chosen: poisson's log of a
    # negative count
    counts = np.array([[1.0], [3.0]])
    poisson = keras.losses.get("poisson")
    near, negative = counts + 0.5, np.full((2, 1), -50.0)
    assert _linear.blend_weight(poisson, counts, near, negative) == 1.0
    # rows that weigh nothing tell nothing: the network alone
    assert _linear.blend_weight(mse, y, network, linear, np.zeros(4)) == 1.0


# --- the estimator ---------------------------------------------------------------


def test_a_noisy_line_is_blended_and_predictions_are_the_blend(noisy_line):
    X, y = noisy_line
    reg = blended().fit(X, y)
    assert 0.0 <= reg.blend_weight_ < 1.0
    assert reg.linear_coef_.shape == (6, 1) and reg.linear_intercept_.shape == (1,)
    network = reg.target_encoder_.inverse_transform(
        predict_array(reg._network, reg.feature_encoder_.transform(X))
    )
    linear = reg.target_encoder_.inverse_transform(
        _linear.ridge_outputs(
            reg.feature_encoder_.transform(X),
            reg.linear_coef_,
            reg.linear_intercept_,
            (),
        )
    )
    w = reg.blend_weight_
    np.testing.assert_allclose(
        reg.predict(X), w * network + (1 - w) * linear, rtol=1e-5
    )
    alone = blended(linear_blend=False).fit(X, y)
    assert alone.blend_weight_ == 1.0 and alone.linear_coef_ is None
    np.testing.assert_allclose(alone.predict(X), network, rtol=1e-5)  # same network


def test_a_step_keeps_the_network(step):
    X, y = step
    reg = blended(epochs=60).fit(X, y)
    assert reg.blend_weight_ >= 0.9
    assert reg.score(X, y) > 0.9  # a line: about 0.75


def test_a_table_blends_with_its_categories_one_hot():
    rng = np.random.default_rng(2)
    colour = rng.choice(["red", "green", "blue"], 300)
    size = rng.normal(size=300)
    y = (
        size
        + pd.Series(colour).map({"red": 2.0, "green": 0.0, "blue": -2.0}).to_numpy()
    )
    X = pd.DataFrame({"size": size, "colour": pd.Categorical(colour)})
    # without the scaling layer the tiny network leaves the ridge regression
    # a share of this nearly linear target (with it, here, the network alone)
    reg = blended(scaling_layer=False).fit(X, y + rng.normal(0, 1.0, 300))
    cards = reg.feature_encoder_.cardinalities_
    assert reg.blend_weight_ < 1.0  # one coefficient per number and code:
    assert reg.linear_coef_.shape == (1 + sum(cards), 1)
    # the ridge regression's own view of the codes: one-hot columns
    encoded = reg.feature_encoder_.transform(X)
    np.testing.assert_allclose(
        _linear.ridge_outputs(encoded, reg.linear_coef_, reg.linear_intercept_, cards),
        _linear.design(encoded, cards) @ reg.linear_coef_ + reg.linear_intercept_,
    )
    assert reg.predict(X.iloc[:5]).shape == (5,)
    unseen = X.iloc[:2].assign(colour=["purple", "red"])
    assert np.isfinite(reg.predict(unseen)).all()


@pytest.mark.parametrize(
    "params", [{"early_stopping": False}, {"validation_fraction": 0}]
)
def test_without_held_out_rows_the_network_is_alone(noisy_line, params):
    X, y = noisy_line
    reg = tiny("NeuralRegressor", **params).fit(X, y)
    assert reg.blend_weight_ == 1.0 and reg.linear_coef_ is None


def test_sparse_input_keeps_the_network_alone(noisy_line):
    X, y = noisy_line
    reg = blended().fit(sp.csr_matrix(X), y)
    assert reg.blend_weight_ == 1.0 and reg.linear_coef_ is None


def test_predicting_sparse_rows_after_a_dense_fit_blends_them_too(noisy_line):
    X, y = noisy_line
    reg = blended().fit(X, y)
    assert reg.linear_coef_ is not None
    np.testing.assert_allclose(
        reg.predict(sp.csr_matrix(X[:20])), reg.predict(X[:20]), rtol=1e-5
    )


def test_partial_fit_keeps_the_blend_and_a_new_fit_chooses_again(noisy_line):
    X, y = noisy_line
    reg = blended().fit(X, y)
    weight, coef = reg.blend_weight_, reg.linear_coef_.copy()
    reg.partial_fit(X, y)
    assert reg.blend_weight_ == weight
    np.testing.assert_array_equal(reg.linear_coef_, coef)
    reg.set_params(linear_blend=False).fit(X, y)
    assert reg.blend_weight_ == 1.0 and reg.linear_coef_ is None


def test_multi_output_targets_share_one_weight(noisy_line):
    X, y = noisy_line
    Y = np.column_stack([y, 2 * y + 1])
    reg = blended().fit(X, Y)
    assert reg.predict(X[:3]).shape == (3, 2)
    assert reg.blend_weight_ < 1.0
    assert reg.linear_coef_.shape == (6, 2)


def test_the_blend_is_saved_and_loaded(noisy_line, tmp_path):
    X, y = noisy_line
    reg = blended().fit(X, y)
    assert reg.linear_coef_ is not None
    reg.save(tmp_path / "m.skn")
    back = skneural.load(tmp_path / "m.skn")
    assert back.blend_weight_ == reg.blend_weight_
    np.testing.assert_array_equal(back.linear_coef_, reg.linear_coef_)
    np.testing.assert_array_equal(back.predict(X), reg.predict(X))


def test_a_wrong_value_is_refused_before_training(noisy_line):
    X, y = noisy_line
    reg = blended(linear_blend="yes")
    expected = r"`linear_blend`: expected True, False or 'auto'"
    with pytest.raises(InvalidParameterError, match=expected):
        reg.fit(X, y)
    assert not hasattr(reg, "model_")


def test_a_custom_loss_chooses_the_weight_by_its_own_rows(noisy_line):
    X, y = noisy_line
    seen = []

    def absolute(y_true, y_pred):
        if isinstance(y_pred, np.ndarray):  # the blend's calls, not training's
            seen.append(y_pred.shape)
        return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    reg = blended(loss=absolute).fit(X, y)
    # one call per weight tried, on the held-out rows
    assert len(seen) == len(_linear.BLEND_WEIGHTS)
    assert seen[0] == (int(np.ceil(0.1 * len(X))), 1)
    assert 0.0 <= reg.blend_weight_ <= 1.0


def test_the_other_regressors_have_no_blend():
    conv = tiny("ConvRegressor", early_stopping=True).fit(
        np.random.default_rng(0).normal(size=(40, 8, 8, 1)), np.arange(40.0)
    )
    assert not hasattr(conv, "blend_weight_")
    assert "linear_blend" not in conv.get_params()


def test_a_design_too_large_for_memory_keeps_the_network_alone(noisy_line, monkeypatch):
    X, y = noisy_line
    assert _linear.fits_in_memory(len(X), X.shape[1], ())
    monkeypatch.setattr(_linear, "MAX_DESIGN_VALUES", len(X) * X.shape[1] - 1)
    reg = blended().fit(X, y)
    assert reg.blend_weight_ == 1.0 and reg.linear_coef_ is None


def test_auto_blends_below_its_row_threshold_and_true_at_any_size(
    noisy_line, monkeypatch
):
    X, y = noisy_line
    assert training.auto_linear_blend(training.AUTO_BLEND_MAX_ROWS - 1)
    assert not training.auto_linear_blend(training.AUTO_BLEND_MAX_ROWS)
    monkeypatch.setattr(training, "AUTO_BLEND_MAX_ROWS", len(X))  # X is too large
    auto = blended().fit(X, y)
    assert auto.blend_weight_ == 1.0 and auto.linear_coef_ is None
    forced = blended(linear_blend=True).fit(X, y)
    assert forced.blend_weight_ < 1.0


def test_an_estimator_unpickled_from_before_the_parameter_fits_without_it(noisy_line):
    X, y = noisy_line
    reg = blended()
    del reg.linear_blend  # as a pickle of an older version holds it
    reg.fit(X, y)
    assert reg.blend_weight_ == 1.0 and reg.linear_coef_ is None
