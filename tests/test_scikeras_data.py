"""KerasClassifier / KerasRegressor on scikeras's data cases.

Custom target and feature encoders (several outputs, several inputs),
pre-built compiled models, tiny and one-class targets, continued training on
changed data, pickling custom Keras classes, RandomState seeds, and
meta-estimators around pre-built models.
"""

import pickle

import keras
import numpy as np
import pandas as pd
import pytest
from conftest import tiny
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import FunctionTransformer, LabelEncoder, StandardScaler

from skneural import KerasClassifier, KerasRegressor


@pytest.fixture(scope="module")
def scaled_iris(iris):
    X, y = iris
    return StandardScaler().fit_transform(X).astype(np.float32), y


# --- custom encoders: several outputs ----------------------------------------------


class TwoTargets(TransformerMixin, BaseEstimator):
    """scikeras's "MultiOutputTransformer": a binary and a multiclass column,
    one Keras output each."""

    def fit(self, y):
        self.binary_ = LabelEncoder().fit(y[:, 0])
        self.multi_ = LabelEncoder().fit(y[:, 1])
        self.n_classes_ = [len(self.binary_.classes_), len(self.multi_.classes_)]
        self.n_outputs_expected_ = 2
        return self

    def transform(self, y):
        return [self.binary_.transform(y[:, 0]), self.multi_.transform(y[:, 1])]

    def inverse_transform(self, y, return_proba=False):
        if return_proba:
            return np.column_stack(y)
        binary = (np.ravel(y[0]) > 0.5).astype(int)
        multi = np.argmax(y[1], axis=1)
        return np.column_stack(
            [
                self.binary_.inverse_transform(binary),
                self.multi_.inverse_transform(multi),
            ]
        )

    def get_metadata(self):
        return {
            "n_classes_": self.n_classes_,
            "n_outputs_expected_": self.n_outputs_expected_,
        }


class TwoTargetClassifier(KerasClassifier):
    @property
    def target_encoder(self):
        return TwoTargets()

    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        return np.mean(
            [accuracy_score(y_true[:, i], y_pred[:, i], **kwargs) for i in (0, 1)]
        )


def two_heads(meta, compile_kwargs, heads=2):
    inputs = keras.Input((meta["n_features_in_"],))
    x = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = [
        keras.layers.Dense(1, activation="sigmoid")(x),
        keras.layers.Dense(meta["n_classes_"][1], activation="softmax")(x),
    ][:heads]
    model = keras.Model(inputs, outputs)
    model.compile(
        loss=["binary_crossentropy", "sparse_categorical_crossentropy"][:heads],
        optimizer=compile_kwargs["optimizer"],
    )
    return model


def two_target_data():
    rng = np.random.default_rng(0)
    y = np.column_stack([rng.integers(0, 2, 90), rng.integers(0, 3, 90)])
    return StandardScaler().fit_transform(y).astype(np.float32), y


def test_several_outputs_with_a_target_encoder_of_your_own():
    X, y = two_target_data()
    est = TwoTargetClassifier(
        two_heads,
        optimizer="adam",
        optimizer__learning_rate=0.05,
        epochs=15,
        verbose=0,
        random_state=0,
    ).fit(X, y)
    assert est.n_classes_ == [2, 3]  # the encoder's metadata, on the estimator
    pred = est.predict(X)
    assert pred.shape == (90, 2) and set(pred[:, 1]) <= {0, 1, 2}
    assert est.predict_proba(X).shape == (90, 4)  # the encoder's return_proba
    assert est.score(X, y) > 0.9  # the subclass's scorer


def test_outputs_the_target_encoder_expects_are_checked():
    X, y = two_target_data()
    est = TwoTargetClassifier(two_heads, model__heads=1, epochs=1, verbose=0)
    with pytest.raises(
        ValueError, match=r"model has 1 output\(s\).*makes targets for 2"
    ):
        est.fit(X, y)
    assert not est.initialized_


# --- custom encoders: several inputs ------------------------------------------------


class ListInputs(KerasRegressor):
    """scikeras's "MultiInputRegressor": one column per model input."""

    @property
    def feature_encoder(self):
        return FunctionTransformer(lambda X: [X[:, 0], X[:, 1]])


class NamedInputs(KerasRegressor):
    """The same with named inputs, fed a dict."""

    @property
    def feature_encoder(self):
        return FunctionTransformer(lambda X: {"a": X[:, :1], "b": X[:, 1:]})


def two_inputs(named=False):
    a, b = keras.Input((1,), name="a"), keras.Input((1,), name="b")
    x = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([a, b]))
    return keras.Model({"a": a, "b": b} if named else [a, b], keras.layers.Dense(1)(x))


@pytest.mark.parametrize("wrapper", [ListInputs, NamedInputs], ids=["list", "dict"])
def test_several_inputs_with_a_feature_encoder_of_your_own(wrapper):
    X = np.random.default_rng(0).random((120, 2))
    y = X.sum(axis=1)
    est = wrapper(
        two_inputs,
        model__named=wrapper is NamedInputs,
        loss="mse",
        optimizer="adam",
        optimizer__learning_rate=0.05,
        epochs=20,
        verbose=0,
        random_state=0,
    ).fit(X, y)
    assert len(est.model_.inputs) == 2
    assert est.predict(X).shape == (120,)
    assert est.score(X, y) > 0.8


def test_regressor_predictions_follow_the_input_dtype(regression_data):
    X, y = regression_data
    X32 = X.astype(np.float32)
    single = tiny("KerasRegressor", epochs=1).fit(X32, y.astype(np.float32))
    assert single.predict(X32).dtype == np.float32
    assert single.predict(X).dtype == np.float64
    double = tiny("KerasRegressor", epochs=1).fit(X, y)
    assert double.predict(X32).dtype == np.float64  # as MLPRegressor


# --- small data and edge targets ---------------------------------------------------


@pytest.mark.parametrize("name", ["KerasClassifier", "KerasRegressor"])
def test_a_single_sample_fits_without_a_validation_split(name, iris):
    X, y = iris
    est = tiny(name, epochs=1).fit(X[:1], y[:1])
    assert est.predict(X[:3]).shape == (3,)
    with pytest.raises(ValueError, match="minimum of 2 is required"):
        tiny(name, epochs=1, validation_split=0.5).fit(X[:1], y[:1])


def test_classifier_fits_a_single_class(iris):
    X, y = iris
    est = tiny("KerasClassifier", epochs=1).fit(X[:20], y[:20])
    assert est.classes_.tolist() == [0] and est.n_classes_ == 1
    np.testing.assert_array_equal(est.predict(X), np.zeros(150))
    np.testing.assert_array_equal(est.predict_proba(X), np.ones((150, 1)))
    with pytest.raises(ValueError, match="only one class"):  # keeps its error
        tiny("NeuralClassifier").fit(X[:20], y[:20])


def prebuilt(units, activation, loss, n_features=4):
    inputs = keras.Input((n_features,))
    x = keras.layers.Dense(16, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(units, activation=activation)(x))
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(0.05))
    return model


@pytest.mark.parametrize(
    "units, activation, loss, binary",
    [
        (1, "sigmoid", "binary_crossentropy", True),
        (3, "softmax", "sparse_categorical_crossentropy", False),
        (3, "softmax", "categorical_crossentropy", False),
        (2, "softmax", "categorical_crossentropy", True),
        (2, "softmax", "binary_crossentropy", True),
        (3, None, keras.losses.SparseCategoricalCrossentropy(from_logits=True), False),
        (1, None, keras.losses.BinaryCrossentropy(from_logits=True), True),
    ],
    ids=["sigmoid", "sparse", "onehot", "onehot-binary", "bce-2", "logits", "logit"],
)
def test_prebuilt_compiled_model_is_read_as_its_loss_says(
    scaled_iris, units, activation, loss, binary
):
    X, y = scaled_iris
    if binary:
        y = (y == 2).astype(int)
    model = prebuilt(units, activation, loss)
    before = model.get_weights()
    est = KerasClassifier(model, epochs=10, verbose=0, random_state=0).fit(X, y)
    proba = est.predict_proba(X)
    assert proba.shape == (150, 2 if binary else 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert proba.min() >= 0.0
    assert est.score(X, y) > 0.85
    for w0, w1 in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(w0, w1)  # copied, never trained


def test_prebuilt_regressor_with_several_outputs(scaled_iris):
    X, _ = scaled_iris
    Y = np.column_stack([X[:, 0] + X[:, 1], X[:, 2], 2 * X[:, 3]])
    inputs = keras.Input((4,))
    x = keras.layers.Dense(16, activation="relu")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(1)(x), keras.layers.Dense(2)(x)])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.05))
    est = KerasRegressor(model, epochs=10, verbose=0, random_state=0).fit(X, Y)
    assert est.predict(X).shape == (150, 3)
    assert est.score(X, Y) > 0.8
    with pytest.raises(ValueError, match=r"2 outputs predict 3 values \(1 \+ 2\)"):
        KerasRegressor(model, epochs=1, verbose=0).fit(X, Y[:, :2])


def test_a_function_returning_several_outputs_needs_a_target_encoder(scaled_iris):
    X, _ = scaled_iris
    Y = X[:, :3]

    def build(meta):
        inputs = keras.Input(meta["X_shape_"][1:])
        return keras.Model(
            inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(2)(inputs)]
        )

    with pytest.raises(ValueError, match=r"Override `target_encoder`.*model itself"):
        KerasRegressor(build, loss="mse", epochs=1, verbose=0).fit(X, Y)


@pytest.mark.parametrize(
    "compiled_with, units, loss, match",
    [
        ("categorical_crossentropy", 3, None, "Pass the same loss"),
        ("binary_crossentropy", 2, None, "one unit per class"),
        (None, 2, "binary_crossentropy", "one unit per class"),
    ],
)
def test_labels_must_match_the_loss_of_a_model_your_function_builds(
    scaled_iris, compiled_with, units, loss, match
):
    X, y = scaled_iris
    y = y if units == 3 else (y == 2).astype(int)

    def build(meta):
        inputs = keras.Input(meta["X_shape_"][1:])
        model = keras.Model(inputs, keras.layers.Dense(units, "softmax")(inputs))
        if compiled_with is not None:
            model.compile(loss=compiled_with)
        return model

    est = KerasClassifier(build, loss=loss, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)
    assert not est.initialized_


# --- continued training on changed data --------------------------------------------


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda X, y: (X, y.reshape(-1, 1)), "y has 2 dimension"),
        (lambda X, y: (X, y.astype(np.float64)), "y has dtype float64"),
        (lambda X, y: (X, y.astype(str)), "y has dtype <U"),
        (lambda X, y: (X.astype(np.float64), y), "X has dtype float64"),
    ],
    ids=["y-ndim", "y-float", "y-str", "X-float"],
)
def test_partial_fit_refuses_data_of_another_kind(iris, change, match):
    X, y = iris
    X = np.round(X * 10).astype(np.int64)
    est = tiny("KerasClassifier", epochs=1).partial_fit(X, y, classes=[0, 1, 2])
    est.partial_fit(X.astype(np.uint8), y.astype(np.int32))  # same kinds: fine
    expected = est.predict_proba(X)
    with pytest.raises(ValueError, match=match):
        est.partial_fit(*change(X, y))
    np.testing.assert_array_equal(est.predict_proba(X), expected)
    assert est.current_epoch == 2


def test_regressor_partial_fit_refuses_another_target_shape(regression_data):
    X, y = regression_data
    est = tiny("KerasRegressor", epochs=1).partial_fit(X, y)
    est.partial_fit(X, y.astype(np.float32))
    with pytest.raises(ValueError, match="y has 2 dimension"):
        est.partial_fit(X, y[:, None])


# --- pickling custom Keras classes -------------------------------------------------


class HalfSquaredError(keras.losses.Loss):
    """A loss class that is not registered with Keras."""

    def call(self, y_true, y_pred):
        return 0.5 * keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)


class LargestError(keras.metrics.Metric):
    """A metric class that is not registered with Keras."""

    def __init__(self, name="largest_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.largest = self.add_variable(shape=(), initializer="zeros", name="largest")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = keras.ops.max(keras.ops.abs(y_true - y_pred))
        self.largest.assign(keras.ops.maximum(self.largest, error))

    def result(self):
        return self.largest


def absolute_error(y_true, y_pred):
    return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)


def test_pickles_with_loss_and_metric_classes_keras_does_not_know(regression_data):
    X, y = regression_data
    est = tiny(
        "KerasRegressor", loss=HalfSquaredError, metrics=[LargestError], epochs=1
    ).fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    assert isinstance(again.model_.loss, HalfSquaredError)
    again.partial_fit(X, y)
    assert "largest_error" in again.history_


@pytest.mark.filterwarnings("ignore:Skipping variable loading:UserWarning")
def test_prebuilt_model_with_custom_loss_and_metric_clones_and_pickles(
    regression_data,
):
    X, y = regression_data
    model = prebuilt(1, None, absolute_error, n_features=5)
    model.compile(loss=absolute_error, metrics=[LargestError()], optimizer="adam")
    est = KerasRegressor(model, epochs=1, verbose=0, random_state=0)
    twin = clone(est).fit(X, y)
    est.fit(X, y)
    np.testing.assert_allclose(twin.predict(X), est.predict(X), rtol=1e-5)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    again.fit(X, y)  # its pickled `model` parameter loads too


# --- random state ------------------------------------------------------------------


def test_random_state_instance_gives_the_same_fit_every_time(iris):
    X, y = iris
    rs = np.random.RandomState(0)
    state = rs.get_state()[1].copy()
    est = tiny("KerasClassifier", epochs=2, random_state=rs)
    first = est.fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(est.fit(X, y).predict_proba(X), first)
    np.testing.assert_array_equal(clone(est).fit(X, y).predict_proba(X), first)
    np.testing.assert_array_equal(rs.get_state()[1], state)  # read, not advanced


# --- meta-estimators around a pre-built model --------------------------------------


@pytest.fixture(scope="module")
def iris_model():
    """One model for every test: it is copied for each fit, never trained."""
    return prebuilt(3, "softmax", "sparse_categorical_crossentropy")


@pytest.mark.parametrize(
    "meta",
    [
        lambda base: AdaBoostClassifier(base, n_estimators=2, random_state=0),
        lambda base: BaggingClassifier(base, n_estimators=2, random_state=0),
        lambda base: CalibratedClassifierCV(base, cv=2),
    ],
    ids=["adaboost", "bagging", "calibrated"],
)
def test_meta_estimators_around_a_prebuilt_model(scaled_iris, iris_model, meta):
    X, y = scaled_iris
    base = KerasClassifier(iris_model, epochs=5, verbose=0, random_state=0)
    est = meta(base).fit(X, y)
    assert est.predict_proba(X).shape == (150, 3)
    assert est.score(X, y) > 0.8  # chance: 1/3


def test_networks_with_skneural_layers_still_pickle():
    # Layers keep their own methods among their attributes: only module-level
    # functions travel as custom objects.
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {"a": rng.random(40), "b": pd.Categorical(rng.choice(["x", "y"], 40))}
    )
    y = np.arange(40) % 2
    est = tiny("NeuralClassifier", epochs=1).fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))
