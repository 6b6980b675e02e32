import re
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import tiny
from sklearn.base import is_classifier
from sklearn.model_selection import StratifiedKFold, check_cv, train_test_split

import skneural.base
from skneural import NeuralClassifier


def test_is_classifier_and_stratified_cv(iris):
    est = NeuralClassifier()
    assert is_classifier(est)
    _, y = iris
    assert isinstance(check_cv(5, y, classifier=is_classifier(est)), StratifiedKFold)


def test_multiclass_learns_iris(iris):
    X, y = iris
    clf = tiny("NeuralClassifier", epochs=30).fit(X, y)
    assert clf.score(X, y) > 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert clf.n_outputs_ == 1
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.model_.get_layer("output").activation.__name__ == "softmax"


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["setosa", "versicolor", "virginica"]),
        np.array([10, 20, 30]),
        np.array([1.0, 2.0, 3.0]),
    ],
    ids=["str", "int", "float"],
)
def test_labels_keep_their_dtype(iris, labels):
    X, y = iris
    y_lab = labels[y]
    clf = tiny("NeuralClassifier", epochs=2).fit(X, y_lab)
    pred = clf.predict(X)
    assert pred.dtype == y_lab.dtype
    assert set(pred) <= set(labels)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))


def test_binary_bool_labels_single_sigmoid(binary_data):
    X, y = binary_data
    yb = y.astype(bool)
    clf = tiny("NeuralClassifier", epochs=60).fit(X, yb)
    assert clf.predict(X).dtype == bool
    assert clf.model_.output_shape == (None, 1)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_, [False, True])
    assert clf.score(X, yb) > 0.8


def test_multilabel(binary_data):
    X, y = binary_data
    Y = np.column_stack([y, 1 - y, (X[:, 0] > 0).astype(int)])
    clf = tiny("NeuralClassifier", epochs=20).fit(X, Y)
    assert clf.n_outputs_ == 3
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    assert set(np.unique(pred)) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape
    assert ((proba >= 0) & (proba <= 1)).all()
    assert (pred == Y).mean() > 0.8


def test_categorical_loss_uses_one_hot_targets(iris):
    X, y = iris
    clf = tiny("NeuralClassifier", loss="categorical_crossentropy", epochs=20).fit(X, y)
    assert clf.target_encoder_.mode_ == "onehot"
    assert clf.score(X, y) > 0.8


def test_class_weight_balanced_and_dict_by_user_labels(binary_data):
    X, y = binary_data
    # strongly imbalanced: keep only 10 samples of class "b"
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:10]]
    X, y = X[keep], np.array(["a", "b"])[y[keep]]
    plain = tiny("NeuralClassifier", epochs=10).fit(X, y)
    heavy = tiny("NeuralClassifier", epochs=10, class_weight={"a": 1.0, "b": 20.0}).fit(
        X, y
    )
    balanced = tiny("NeuralClassifier", epochs=10, class_weight="balanced").fit(X, y)
    p_plain = plain.predict_proba(X)[:, 1].mean()
    assert heavy.predict_proba(X)[:, 1].mean() > p_plain
    assert balanced.predict_proba(X)[:, 1].mean() > p_plain


def test_class_weight_unknown_label_is_an_error(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="not in"):
        tiny("NeuralClassifier", class_weight={0: 1.0, 7: 2.0}).fit(X, y)


def test_partial_fit_one_epoch_per_call_and_classes(iris):
    X, y = iris
    clf = tiny("NeuralClassifier")
    with pytest.raises(ValueError, match="classes="):
        clf.partial_fit(X[:20], y[:20])
    clf.partial_fit(X[:50], y[:50], classes=[0, 1, 2])
    assert clf.n_iter_ == 1
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    for _ in range(3):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 4
    assert len(clf.history_["loss"]) == 4
    # a label the first call did not announce
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match=r"labels \[3\] that are not in classes"):
        clf.partial_fit(X[:5], np.array([0, 1, 2, 3, 0]))
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    assert clf.n_iter_ == 4


def test_single_class_is_an_error(iris):
    X, y = iris
    with pytest.raises(ValueError, match="only one class"):
        tiny("NeuralClassifier").fit(X[:40], y[:40])


def test_continuous_target_is_an_error(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="Unknown label type"):
        tiny("NeuralClassifier").fit(X, y)


def test_stratified_validation_split(iris, monkeypatch):
    X, y = iris
    keep = np.r_[0:50, 50:80, 100:120]  # 50, 30 and 20 samples of the classes
    X, y = X[keep], y[keep]
    splits = []

    def recording_split(*arrays, **kwargs):
        parts = train_test_split(*arrays, **kwargs)
        splits.append(parts)
        return parts

    monkeypatch.setattr(skneural.base, "train_test_split", recording_split)
    clf = tiny(
        "NeuralClassifier",
        early_stopping=True,
        validation_fraction=0.2,
        epochs=1,
        refit=False,  # the network validated is the one kept
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*stratified validation split")
        clf.fit(X, y)
    ((_, X_val, y_train, y_val),) = splits
    # the class proportions of the data, in both parts
    assert np.bincount(y_val).tolist() == [10, 6, 4]
    assert np.bincount(y_train).tolist() == [40, 24, 16]
    # and these are the rows the network was validated on: the recorded
    # validation loss is the cross-entropy of these rows (after one epoch;
    # the split comes after the feature encoder: they go to the network as is),
    # with the default label smoothing of 0.05
    log_p = np.log(np.asarray(clf.model_(X_val)))
    true = log_p[np.arange(len(y_val)), y_val]
    loss = -np.mean(0.95 * true + 0.05 * log_p.mean(axis=1))
    assert clf.history_["val_loss"] == [pytest.approx(loss, rel=1e-4)]


def test_stratified_split_falls_back_to_a_random_one_with_a_warning(iris):
    X, y = iris
    X, y = X[:101], y[:101]  # a single sample of class 2: it cannot be stratified
    clf = tiny("NeuralClassifier", early_stopping=True, epochs=2)
    with pytest.warns(
        UserWarning,
        match=re.escape(
            "NeuralClassifier: some class has too few samples for a stratified "
            "validation split; using a random split instead."
        ),
    ):
        clf.fit(X, y)
    assert len(clf.history_["val_loss"]) == clf.n_iter_ == 2
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_dataframe_input_keeps_feature_names(iris):
    X, y = iris
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = tiny("NeuralClassifier", epochs=1).fit(df, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b", "c", "d"])
    assert clf.predict(df.iloc[:3]).shape == (3,)


@pytest.mark.parametrize(
    "labels, match",
    [
        (np.array(["a", None] * 6, dtype=object), "missing labels"),
        (np.array(["a", 1] * 6, dtype=object), "mixes labels of types number, str"),
        (np.array([1, "a"] * 6, dtype=object), "mixes labels of types number, str"),
    ],
    ids=["none-with-str", "str-first", "int-first"],
)
def test_missing_or_mixed_labels_are_named(labels, match):
    X = np.random.default_rng(0).normal(size=(12, 3))
    with pytest.raises(ValueError, match=match):
        tiny("NeuralClassifier", epochs=1).fit(X, labels)


def test_partial_fit_refuses_missing_labels_and_nan_classes():
    X = np.random.default_rng(0).normal(size=(12, 3))
    y = np.array(["a", "b"] * 6)
    with pytest.raises(ValueError, match="classes contains missing labels"):
        tiny("NeuralClassifier").partial_fit(X, y, classes=["a", "b", None])
    with pytest.raises(ValueError, match="classes contains NaN"):
        tiny("NeuralClassifier").partial_fit(X, y == "a", classes=[0.0, 1.0, np.nan])
    clf = tiny("NeuralClassifier").partial_fit(X, y, classes=["a", "b"])
    with pytest.raises(ValueError, match="missing labels"):
        clf.partial_fit(X, np.array(["a", None] * 6, dtype=object))
    assert clf.n_iter_ == 1


def test_continued_training_refuses_another_target_layout():
    X = np.random.default_rng(0).normal(size=(12, 3))
    y = np.array([0, 1] * 6)
    clf = tiny("NeuralClassifier").partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"y has shape \(12, 2\).*single-label"):
        clf.partial_fit(X, np.column_stack([y, y]))
    multi = tiny("NeuralClassifier").partial_fit(X, np.column_stack([y, 1 - y]))
    with pytest.raises(ValueError, match="indicator matrix of 2 columns"):
        multi.partial_fit(X, np.column_stack([y, y, y]))
    with pytest.raises(ValueError, match="indicator matrix of 2 columns"):
        multi.partial_fit(X, y)
    with pytest.raises(ValueError, match="0/1 indicator matrix"):
        multi.partial_fit(X, np.column_stack([y, 2 * y]))


@pytest.mark.parametrize("weights", [{0: np.nan, 1: 1.0}, {0: -1.0, 1: 1.0}])
def test_class_weight_must_be_finite_and_non_negative(weights):
    X = np.random.default_rng(0).normal(size=(12, 3))
    with pytest.raises(ValueError, match="invalid `class_weight`: expected finite"):
        tiny("NeuralClassifier", class_weight=weights).fit(X, np.array([0, 1] * 6))
