"""Label smoothing in NeuralClassifier, and the temperature that recalibrates
its probabilities on the validation split."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss

import skneural
from skneural import InvalidParameterError
from skneural._smoothing import (
    SmoothedSparseCrossentropy,
    fit_temperature,
    with_temperature,
)
from skneural.backend import keras
from skneural.classifier import AUTO_LABEL_SMOOTHING


@pytest.fixture(scope="module")
def three_classes():
    X, y = make_classification(
        300, 6, n_informative=4, n_classes=3, flip_y=0.1, random_state=0
    )
    return X.astype("float32"), y


def _smoothing(est) -> float:
    return getattr(est._network.model.loss, "label_smoothing", 0.0)


# --- the loss ------------------------------------------------------------------


@pytest.mark.parametrize("from_softmax", [True, False])
def test_sparse_smoothing_equals_keras_categorical_smoothing(from_softmax):
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(16, 5)).astype("float32") * 3
    labels = rng.integers(0, 5, 16)
    if from_softmax:  # a softmax output carries its logits
        p = keras.activations.softmax(keras.ops.convert_to_tensor(logits))
    else:
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
    ours = SmoothedSparseCrossentropy(0.2)(labels, p)
    theirs = keras.losses.CategoricalCrossentropy(label_smoothing=0.2)(
        np.eye(5, dtype="float32")[labels], p
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-5
    )
    plain = keras.losses.SparseCategoricalCrossentropy()(labels, p)
    assert abs(float(ours) - float(plain)) > 1e-3  # the smoothing did something
    again = SmoothedSparseCrossentropy.from_config(
        SmoothedSparseCrossentropy(0.2).get_config()
    )
    assert again.label_smoothing == 0.2


# --- the temperature -----------------------------------------------------------


def test_fit_temperature_finds_how_much_the_probabilities_were_shrunk():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(20000, 4)) * 2
    truth = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(4, p=row) for row in truth])
    shrunk = with_temperature(truth, 2.0, independent=False)  # too flat
    assert fit_temperature(shrunk, labels) == pytest.approx(0.5, rel=0.05)
    assert fit_temperature(truth, labels) == pytest.approx(1.0, rel=0.05)
    # multilabel: each column its own probability
    p1 = 1 / (1 + np.exp(-logits))
    y1 = (rng.uniform(size=p1.shape) < p1).astype(int)
    flat = with_temperature(p1, 3.0, independent=True)
    assert fit_temperature(flat, y1, independent=True) == pytest.approx(1 / 3, rel=0.05)


def test_a_validation_split_without_errors_does_not_make_the_temperature_collapse():
    # every row right: the log loss alone falls as T goes to 0, towards
    # probabilities of 1 that a single later mistake would pay dearly for
    p = np.tile([0.9, 0.05, 0.05], (60, 1))
    t = fit_temperature(p, np.zeros(60, dtype=int))
    assert 0.1 < t < 1.0  # sharper, not to the range's end (0.05)


def test_with_temperature_keeps_the_order_and_the_sums():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.5, 0.5, 0.0]])
    for t in (0.3, 1.0, 4.0):
        q = with_temperature(p, t, independent=False)
        np.testing.assert_allclose(q.sum(axis=1), 1.0)
        np.testing.assert_array_equal(np.argmax(q, axis=1), np.argmax(p, axis=1))
    assert with_temperature(p, 0.5, independent=False)[0, 0] > 0.7  # sharper
    q = with_temperature(np.array([[0.9, 0.3]]), 0.5, independent=True)
    assert q[0, 0] > 0.9 and q[0, 1] < 0.3  # each label away from 0.5


# --- the estimator ---------------------------------------------------------------


def test_auto_smooths_only_with_a_validation_split(three_classes):
    X, y = three_classes
    held_out = tiny(early_stopping=True, epochs=3).fit(X, y)
    assert _smoothing(held_out) == pytest.approx(AUTO_LABEL_SMOOTHING)
    assert isinstance(held_out._network.model.loss, SmoothedSparseCrossentropy)
    assert held_out.temperature_ != 1.0  # learnt on the validation rows
    without = tiny(early_stopping=False, epochs=3).fit(X, y)
    assert _smoothing(without) == 0.0
    assert without.temperature_ == 1.0
    binary = tiny(early_stopping=True, epochs=3).fit(X, y == 0)
    assert _smoothing(binary) == pytest.approx(AUTO_LABEL_SMOOTHING)


def test_temperature_rescales_probabilities_not_labels(three_classes):
    X, y = three_classes
    est = tiny(early_stopping=True, label_smoothing=0.3, epochs=5).fit(X, y)
    assert _smoothing(est) == pytest.approx(0.3)
    proba = est.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(est.predict(X), est.classes_[proba.argmax(axis=1)])
    # the temperature is the validation log loss's minimum: on the training
    # rows, the calibrated probabilities are no worse than the smoothed ones
    t = est.temperature_
    est.temperature_ = 1.0
    smoothed = est.predict_proba(X)
    est.temperature_ = t
    assert log_loss(y, proba) < log_loss(y, smoothed)


def test_named_crossentropy_losses_take_the_smoothing(three_classes):
    X, y = three_classes
    est = tiny(
        loss="categorical_crossentropy", label_smoothing=0.2, early_stopping=False
    ).fit(X, y)
    assert isinstance(est._network.model.loss, keras.losses.CategoricalCrossentropy)
    assert _smoothing(est) == pytest.approx(0.2)
    assert est.temperature_ == 1.0  # no validation rows to learn it on
    est.set_params(loss="sparse_categorical_crossentropy").fit(X, y)
    assert isinstance(est._network.model.loss, SmoothedSparseCrossentropy)


def test_a_loss_of_your_own_with_smoothing_gets_a_temperature(three_classes):
    X, y = three_classes
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=0.2)
    est = tiny(loss=loss, early_stopping=True, epochs=3).fit(X, y)
    assert _smoothing(est) == pytest.approx(0.2)
    assert est.temperature_ != 1.0
    plain = tiny(loss=keras.losses.CategoricalCrossentropy(), early_stopping=True)
    assert plain.set_params(epochs=3).fit(X, y).temperature_ == 1.0


def test_multilabel_targets_are_smoothed_per_label(three_classes):
    X, y = three_classes
    Y = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    est = tiny(early_stopping=True, epochs=5).fit(X, Y)
    assert _smoothing(est) == pytest.approx(AUTO_LABEL_SMOOTHING)
    proba = est.predict_proba(X)
    assert proba.shape == Y.shape and ((proba > 0) & (proba < 1)).all()
    np.testing.assert_array_equal(est.predict(X), (proba > 0.5).astype(int))


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (1.0, r"label_smoothing.*\[0, 1\) or 'auto'"),
        (-0.1, r"label_smoothing.*\[0, 1\) or 'auto'"),
        ("some", r"label_smoothing.*\[0, 1\) or 'auto'"),
    ],
)
def test_bad_label_smoothing_is_refused_and_the_fit_kept(three_classes, value, match):
    X, y = three_classes
    est = tiny(epochs=2).fit(X, y)
    before = est.predict_proba(X)
    with pytest.raises(InvalidParameterError, match=match):
        est.set_params(label_smoothing=value).fit(X, y)
    np.testing.assert_array_equal(est.predict_proba(X), before)


def test_smoothing_a_loss_that_cannot_take_it_is_refused(three_classes):
    X, y = three_classes
    est = tiny(loss="categorical_hinge", label_smoothing=0.1)
    with pytest.raises(InvalidParameterError, match="applies to loss='auto'"):
        est.fit(X, y)
    assert not hasattr(est, "temperature_")
    # the default leaves such a loss alone
    est.set_params(label_smoothing="auto", early_stopping=True, epochs=2).fit(X, y)
    assert est.temperature_ == 1.0


def test_the_temperature_is_saved_and_pickled(three_classes, tmp_path):
    import pickle

    X, y = three_classes
    est = tiny(early_stopping=True, epochs=3).fit(X, y)
    assert est.temperature_ != 1.0
    skneural.save(est, tmp_path / "m.skn")
    for back in (skneural.load(tmp_path / "m.skn"), pickle.loads(pickle.dumps(est))):
        assert back.temperature_ == est.temperature_
        np.testing.assert_allclose(back.predict_proba(X), est.predict_proba(X))


def test_continued_training_keeps_or_relearns_the_temperature(three_classes):
    X, y = three_classes
    est = tiny(early_stopping=True, epochs=3).fit(X, y)
    t = est.temperature_
    est.partial_fit(X, y)  # no validation rows: the temperature stays
    assert est.temperature_ == t
    est.set_params(warm_start=True).fit(X, y)  # validation rows: learnt again
    assert est.temperature_ != t


def test_conv_classifier_smooths_when_asked(three_classes):
    X, y = three_classes
    conv = tiny("ConvClassifier", image_shape=(6, 1), early_stopping=True, epochs=2)
    assert conv.label_smoothing == 0.0  # off by default for images
    assert _smoothing(conv.fit(X, y)) == 0.0 and conv.temperature_ == 1.0
    conv.set_params(label_smoothing=0.2).fit(X, y)
    assert _smoothing(conv) == pytest.approx(0.2)
    assert conv.temperature_ != 1.0
    np.testing.assert_allclose(conv.predict_proba(X).sum(axis=1), 1.0)
