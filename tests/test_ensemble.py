"""Packed ensembles: several networks in one model, each trained on its own loss."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny
from sklearn.datasets import load_diabetes, load_iris

from skneural import InvalidParameterError, NeuralClassifier, NeuralRegressor
from skneural.architectures.ensemble import MemberDense, PackedEnsemble, PerMember
from skneural.backend import keras


def test_each_member_is_drawn_as_a_network_of_its_own():
    kernel = PerMember("glorot_uniform", seed=3)((4, 50, 30))
    kernel = np.asarray(kernel)
    assert kernel.shape == (4, 50, 30)
    bound = np.sqrt(6 / (50 + 30))  # one member's fans, not the stack's
    assert np.abs(kernel).max() <= bound
    assert np.abs(kernel).max() > 0.9 * bound
    assert not np.allclose(kernel[0], kernel[1])
    again = np.asarray(PerMember("glorot_uniform", seed=3)((4, 50, 30)))
    np.testing.assert_array_equal(kernel, again)


def _ensemble(members=3, outputs=2, activation="softmax"):
    inputs = keras.Input((5,))
    hidden = MemberDense(members, 8, activation="relu", name="hidden")(inputs)
    out = MemberDense(members, outputs, activation=activation, name="output")(hidden)
    from skneural.architectures.ensemble import MemberMean

    return PackedEnsemble(inputs, MemberMean(name="mean")(out))


def test_training_loss_is_the_mean_of_the_members_losses():
    model = _ensemble()
    model.compile(loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(7, 5)).astype("float32")
    y = rng.integers(0, 2, 7)
    w = rng.uniform(0.5, 2, 7).astype("float32")
    members = np.asarray(model(x, training=True))
    assert members.shape == (7, 3, 2)
    loss = float(model.compute_loss(x, y, model(x, training=True), w))
    each = -np.log(members[np.arange(7), :, y])  # (rows, members)
    expected = (each.mean(axis=1) * w).sum() / 7
    assert loss == pytest.approx(expected, rel=1e-5)
    # outside training: the members' average, and the loss of that average
    mean = np.asarray(model(x))
    np.testing.assert_allclose(mean, members.mean(axis=1), rtol=1e-6)
    loss = float(model.compute_loss(x, y, model(x), w, training=False))
    expected = (-np.log(mean[np.arange(7), y]) * w).sum() / 7
    assert loss == pytest.approx(expected, rel=1e-5)


def test_an_ensemble_saves_and_loads_as_a_keras_model(tmp_path):
    model = _ensemble(outputs=1, activation=None)
    x = np.random.default_rng(1).normal(size=(4, 5)).astype("float32")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded, PackedEnsemble)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_ensembles_start_at_the_baseline_with_members_apart():
    X, y = load_iris(return_X_y=True)
    clf = NeuralClassifier(epochs=1, random_state=0, ensemble_size=4).fit(X, y)
    assert isinstance(clf.model_, PackedEnsemble)
    output = clf.model_.get_layer("output")
    assert tuple(output.kernel.shape) == (4, 100, 3)
    X, y = load_diabetes(return_X_y=True)
    reg = NeuralRegressor(epochs=1, random_state=0, ensemble_size=4).fit(X, y)
    bias = np.asarray(reg.model_.get_layer("output").bias)
    assert bias.shape == (4, 1)
    # each member's output starts at the logit of the positive rate
    y = np.r_[np.zeros(90), np.ones(10)].astype(int)
    X = np.random.default_rng(0).normal(size=(100, 3))
    clf = NeuralClassifier(
        epochs=1, learning_rate=1e-9, ensemble_size=3, random_state=0
    ).fit(X, y)
    bias = np.asarray(clf.model_.get_layer("output").bias)
    assert bias.shape == (3, 1)  # binary: one sigmoid output
    np.testing.assert_allclose(bias[:, 0], np.log(1 / 9), rtol=1e-4)
    # the members start apart: each draws its own weights
    kernel = np.asarray(reg.model_.get_layer("hidden_1_dense").kernel)
    assert not np.allclose(kernel[0], kernel[1])


def test_averaging_is_what_predict_returns():
    X, y = load_iris(return_X_y=True)
    # no dropout: training=True below would drop units
    clf = tiny("NeuralClassifier", ensemble_size=3, epochs=5, dropout=0.0).fit(X, y)
    encoded = clf.feature_encoder_.transform(X).astype("float32")
    members = np.asarray(clf.model_(encoded, training=True))
    np.testing.assert_allclose(
        clf.predict_proba(X), members.mean(axis=1), rtol=1e-4, atol=1e-6
    )


def test_auto_packs_networks_for_small_tables_only():
    from skneural.training import AUTO_ENSEMBLE_MAX_ROWS, AUTO_ENSEMBLE_SIZE

    rng = np.random.default_rng(0)
    X = rng.normal(size=(AUTO_ENSEMBLE_MAX_ROWS, 3))
    y = X[:, 0] + 0.1 * rng.normal(size=len(X))
    small = tiny("NeuralRegressor", epochs=1, ensemble_size="auto")
    small.fit(X[:500], y[:500])
    assert small.ensemble_size == "auto"  # the parameter is left as given
    members = small.model_.get_layer("output").kernel.shape[0]
    assert members == AUTO_ENSEMBLE_SIZE
    large = tiny(
        "NeuralRegressor", epochs=1, early_stopping=False, ensemble_size="auto"
    )
    large.fit(X, y)
    assert not isinstance(large.model_, PackedEnsemble)


def test_one_member_or_no_hidden_layer_is_a_single_network():
    X, y = load_diabetes(return_X_y=True)
    one = tiny("NeuralRegressor", ensemble_size=1).fit(X, y)
    linear = tiny("NeuralRegressor", ensemble_size=4, hidden_layer_sizes=()).fit(X, y)
    for est in (one, linear):
        assert not isinstance(est.model_, PackedEnsemble)
        assert est.model_.output_shape == (None, 1)


@pytest.mark.parametrize("value", [0, -2, 2.5, True, "4", None])
def test_ensemble_size_is_checked(value):
    X, y = load_iris(return_X_y=True)
    fitted = tiny("NeuralClassifier").fit(X, y)
    model = fitted.model_
    with pytest.raises(InvalidParameterError, match=r"ensemble_size.*positive integer"):
        fitted.set_params(ensemble_size=value).fit(X, y)
    assert fitted.model_ is model  # the estimator is left as it was


def test_a_seeded_member_draw_leaves_python_random_alone():
    import random

    random.seed(7)
    expected = random.random()
    random.seed(7)
    PerMember("glorot_uniform", seed=11)((3, 4, 5))
    assert random.random() == expected


def test_members_are_scored_from_their_logits():
    # probabilities that round to 0 would be clipped (a loss of at most ~16
    # a row); the crossentropy of the logits keeps growing, as for one network
    model = _ensemble()
    model.compile(loss="sparse_categorical_crossentropy")
    output = model.get_layer("output")
    output.kernel.assign(np.asarray(output.kernel) * 300)
    x = np.random.default_rng(2).normal(size=(9, 5)).astype("float32")
    y = np.zeros(9, dtype="int64")
    y_pred = model(x, training=True)
    logits = np.asarray(y_pred._keras_logits, dtype="float64")  # (rows, members, 2)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    expected = -log_p[:, :, 0].mean()
    assert expected > 20
    loss = float(model.compute_loss(x, y, y_pred))
    assert loss == pytest.approx(expected, rel=1e-4)


def test_each_members_layers_follow_the_estimators_settings():
    X, y = load_diabetes(return_X_y=True)
    est = tiny(
        "NeuralRegressor",
        hidden_layer_sizes=(8, 4),
        dropout=(0.3, 0.1),
        batch_normalization=True,
        l2=1e-3,
        kernel_initializer="he_normal",
        ensemble_size=3,
        epochs=1,
    ).fit(X, y)
    layers = {layer.name: layer for layer in est.model_.layers}
    assert isinstance(layers["hidden_2_dense"], MemberDense)
    assert tuple(layers["hidden_2_dense"].kernel.shape) == (3, 8, 4)
    assert layers["hidden_1_dense"].use_bias is False  # batch normalization
    assert layers["hidden_1_dropout"].rate == pytest.approx(0.3)
    reg = layers["hidden_1_dense"].kernel_regularizer.get_config()
    assert reg["l2"] == pytest.approx(1e-3)
    initializer = layers["hidden_1_dense"].kernel_initializer
    assert isinstance(initializer, PerMember)
    assert initializer.initializer["class_name"] == "HeNormal"


def test_auto_is_the_default():
    assert NeuralClassifier().ensemble_size == "auto"
    assert NeuralRegressor().ensemble_size == "auto"


def test_each_member_embeds_the_inputs_its_own_way():
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=300),
            "b": rng.normal(size=300),
            "c": rng.choice(list("pqrstuvwxyzklmno"), 300),  # 16 categories
        }
    )
    y = X["a"] + (X["c"] == "p") + 0.1 * rng.normal(size=300)
    est = tiny(
        "NeuralRegressor", numeric_embedding="periodic", ensemble_size=3, epochs=3
    ).fit(X, y)
    names = [layer.name for layer in est.model_.layers]
    for kind in ("periodic_embedding", "table_embedding"):
        # member 0's layer keeps the plain name, as Keras numbers layers
        assert [n for n in names if n.startswith(kind)] == [
            kind,
            f"{kind}_1",
            f"{kind}_2",
        ]
        tables = [
            np.asarray(est.model_.get_layer(n).weights[0])
            for n in names
            if n.startswith(kind)
        ]
        assert not np.allclose(tables[0], tables[1])
    inputs = est.model_.get_layer("member_inputs").output
    assert tuple(inputs.shape)[1] == 3  # (batch, members, width)
    assert isinstance(est.model_.get_layer("hidden_1_dense"), MemberDense)
    # one network keeps the layers it had
    one = tiny(
        "NeuralRegressor", numeric_embedding="periodic", ensemble_size=1, epochs=1
    ).fit(X, y)
    names = [layer.name for layer in one.model_.layers]
    assert "periodic_embedding_1" not in names and "member_inputs" not in names
    assert "table_embedding" in names
