"""KerasClassifier / KerasRegressor as scikeras drop-ins: what the model function
receives, nested routing, Keras method arguments, partial_fit and batch sizes."""

import keras
import numpy as np
import pytest
from conftest import tiny
from keras_models import dense_classifier
from sklearn.base import clone
from sklearn.preprocessing import FunctionTransformer

from skneural import InvalidParameterError, KerasClassifier, KerasRegressor

SCIKERAS_META = {
    "X_dtype_",
    "y_dtype_",
    "target_type_",
    "n_features_in_",
    "X_shape_",
    "n_outputs_expected_",
    "y_ndim_",
    "n_outputs_",
    "feature_encoder_",
    "target_encoder_",
}


def clf(**kw):
    return tiny("KerasClassifier", **{"epochs": 1, **kw})


def reg(**kw):
    return tiny("KerasRegressor", **{"epochs": 1, **kw})


def softmax(meta, compile_kwargs):
    inputs = keras.Input(meta["X_shape_"][1:])
    outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax")(inputs)
    return keras.Model(inputs, outputs)


def routed_clf(**kw):
    return clf(**{"model": softmax, "loss": "sparse_categorical_crossentropy", **kw})


class Recorder(keras.callbacks.Callback):
    """A callback that remembers how it was built, for the routing tests."""

    built: list = []

    def __init__(self, a, b=0, name="recorder"):
        super().__init__()
        self.a, self.b, self.name = a, b, name

    def on_train_begin(self, logs=None):
        Recorder.built.append((self.name, self.a, self.b))


@pytest.fixture
def recorded():
    Recorder.built = []
    return Recorder.built


# ------------------------------------------------- what the model function gets
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_meta_has_exactly_scikeras_keys(iris, kind):
    X, y = iris
    seen = {}

    def build(meta, compile_kwargs):
        seen.update(meta)
        if kind == "classifier":
            return dense_classifier(meta, compile_kwargs)
        inputs = keras.Input(meta["X_shape_"][1:])
        return keras.Model(inputs, keras.layers.Dense(1)(inputs))

    make = clf if kind == "classifier" else reg
    make(model=build).fit(X.astype(np.float64), y)
    extra = {"classes_", "n_classes_"} if kind == "classifier" else set()
    assert set(seen) == SCIKERAS_META | extra
    assert seen["X_shape_"] == (150, 4) and seen["X_dtype_"] == np.float64
    assert seen["n_features_in_"] == 4 and seen["y_ndim_"] == 1
    assert seen["y_dtype_"] == y.dtype and seen["n_outputs_expected_"] == 1
    assert seen["n_outputs_"] == 1
    assert hasattr(seen["target_encoder_"], "inverse_transform")
    if kind == "classifier":
        assert seen["n_classes_"] == 3 and seen["target_type_"] == "multiclass"
        np.testing.assert_array_equal(seen["classes_"], [0, 1, 2])


def test_free_keyword_reaches_function_and_model_prefix_wins(iris):
    X, y = iris
    seen = {}

    def named(meta, compile_kwargs, foo=None, bar=None):
        seen.update(foo=foo, bar=bar)
        return dense_classifier(meta, compile_kwargs)

    def anything(meta, compile_kwargs, **kwargs):
        seen["kwargs"] = kwargs
        return dense_classifier(meta, compile_kwargs)

    clf(model=named, foo=1, bar=2, model__bar=3).fit(X, y)
    assert seen == {"foo": 1, "bar": 3}
    clf(model=anything, foo=1, model__baz=4, optimizer__learning_rate=0.1).fit(X, y)
    assert set(seen["kwargs"]) == {"foo", "baz", "params"}
    assert seen["kwargs"]["params"]["optimizer__learning_rate"] == 0.1


def test_misspelt_keyword_parameter_gets_a_suggestion(iris):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="Did you mean 'epochs'"):
        clf(epoch=3).fit(X, y)
    with pytest.raises(InvalidParameterError, match="Did you mean 'hidden'"):
        clf(hiden=3).fit(X, y)  # an argument of the model function
    clf(unrelated=1).fit(X, y)  # left alone: a subclass may read it
    est = clf(model__hidden=4)
    with pytest.raises(InvalidParameterError, match="Did you mean 'epochs'"):
        est.set_params(model__hidden=8, epoch=3)
    assert est.get_params()["model__hidden"] == 4  # nothing was set


def test_routing_sets_are_class_attributes_and_pass_parameters_on(iris):
    X, y = iris
    assert {"epochs", "validation_freq", "class_weight"} <= KerasRegressor._fit_kwargs
    assert "class_weight" not in KerasClassifier._fit_kwargs  # applied as weights
    assert KerasClassifier._predict_kwargs == {"batch_size", "verbose", "steps"}
    assert {"loss", "loss_weights"} <= KerasClassifier._compile_kwargs
    seen = {}

    def build(meta, compile_kwargs):
        seen.update(compile_kwargs)
        return softmax(meta, compile_kwargs)

    # keyword parameters named in the sets reach Model.fit and Model.compile
    est = routed_clf(
        model=build,
        validation_split=0.3,
        validation_freq=2,
        weighted_metrics=["accuracy"],
        epochs=2,
    ).fit(X, y)
    assert seen["weighted_metrics"] == ["accuracy"]
    assert len(est.history_["loss"]) == 2 and len(est.history_["val_loss"]) == 1


# ---------------------------------------------------------------- nested routing
def test_callbacks_routed_by_position_name_and_argument(iris, recorded):
    X, y = iris
    routed_clf(
        callbacks=[Recorder, Recorder],
        callbacks__a=1,  # to every callback class
        callbacks__1__a=2,  # the second one's own wins
        callbacks__1__name="second",
    ).fit(X, y)
    assert recorded == [("recorder", 1, 0), ("second", 2, 0)]
    recorded.clear()
    routed_clf(callbacks=[Recorder], callbacks__0__0=5, callbacks__0__1=7).fit(X, y)
    assert recorded == [("recorder", 5, 7)]  # positional arguments
    est = routed_clf(
        callbacks={"es": keras.callbacks.EarlyStopping, "rec": Recorder},
        callbacks__es__monitor="loss",
        callbacks__es__patience=0,
        callbacks__es__min_delta=10.0,  # nothing counts as improvement
        callbacks__rec__a=3,
        epochs=5,
    ).fit(X, y)
    assert est.n_iter_ == 2 and recorded[-1] == ("recorder", 3, 0)


def test_fit_callbacks_add_to_callbacks(iris, recorded):
    X, y = iris
    routed_clf(
        callbacks=[Recorder],
        callbacks__0__a=1,
        fit__callbacks=[Recorder],
        fit__callbacks__0__a=2,
    ).fit(X, y)
    assert sorted(recorded) == [("recorder", 1, 0), ("recorder", 2, 0)]


def test_metrics_and_losses_routed_by_position_and_name(iris, regression_data):
    X, y = iris
    est = routed_clf(
        metrics=[
            keras.metrics.SparseCategoricalAccuracy,
            keras.metrics.SparseTopKCategoricalAccuracy,
            "accuracy",  # a name without parameters stays a name
        ],
        metrics__0__name="acc",
        metrics__1__k=2,
        metrics__1__name="top2",
    ).fit(X, y)
    assert {"acc", "top2", "accuracy"} <= set(est.history_)
    # a name with parameters of its own becomes its class
    est = reg(metrics=["mean_absolute_error"], metrics__0__name="abs").fit(
        *regression_data
    )
    assert "abs" in est.history_
    X, y = regression_data
    Y = np.column_stack([y, y])
    est = TwoHeads(
        two_heads,
        loss={"a": "mse", "b": "huber"},
        loss__b__delta=0.25,
        metrics={"a": ["mae"], "b": [keras.metrics.MeanSquaredError]},
        metrics__b__0__name="mse_b",
        epochs=1,
        verbose=0,
    ).fit(X, Y)
    assert {"a_mae", "b_mse_b"} <= set(est.history_)
    huber = est.model_.loss["b"]
    assert float(huber(np.zeros((1, 1)), np.ones((1, 1)))) == pytest.approx(0.21875)


class TwoHeads(KerasRegressor):
    @property
    def target_encoder(self):
        return FunctionTransformer(
            func=lambda Y: [Y[:, :1], Y[:, 1:]],
            inverse_func=np.hstack,
            check_inverse=False,
        )


def two_heads(meta):
    inputs = keras.Input(meta["X_shape_"][1:])
    return keras.Model(
        inputs,
        [
            keras.layers.Dense(1, name="a")(inputs),
            keras.layers.Dense(1, name="b")(inputs),
        ],
    )


def test_an_argument_built_from_its_own_parameters(iris):
    X, y = iris
    seen = {}

    def build(meta, compile_kwargs):
        seen.update(compile_kwargs)
        return softmax(meta, compile_kwargs)

    routed_clf(
        model=build,
        optimizer=keras.optimizers.SGD,
        optimizer__learning_rate=keras.optimizers.schedules.ExponentialDecay,
        optimizer__learning_rate__initial_learning_rate=0.1,
        optimizer__learning_rate__decay_steps=10,
        optimizer__learning_rate__decay_rate=0.5,
    ).fit(X, y)
    schedule = seen["optimizer"].get_config()["learning_rate"]
    assert schedule["class_name"] == "ExponentialDecay"
    assert schedule["config"]["decay_rate"] == 0.5


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"callbacks": [Recorder], "callbacks__2__a": 1},
            r"`callbacks__2__a` reaches nothing: `callbacks` has 1 item\(s\)",
        ),
        (
            {"callbacks": {"rec": Recorder}, "callbacks__recc__a": 1},
            "no item named 'recc'.*Did you mean 'rec'",
        ),
        (
            {
                "callbacks": [keras.callbacks.EarlyStopping()],
                "callbacks__0__patience": 1,
            },
            "which is not a class",
        ),
        (
            {"callbacks": [keras.callbacks.EarlyStopping()], "callbacks__patience": 1},
            "reaches no class in `callbacks`",
        ),
        ({"callbacks__0__patience": 1}, "`callbacks`, which is None"),
        (
            {"callbacks": [Recorder], "callbacks__0__aa": 1},
            "Did you mean 'callbacks__0__a'",
        ),
        (
            {"callbacks": [Recorder], "callbacks__0__0": 1, "callbacks__0__a": 1},
            "both give the argument `a`",
        ),
        (
            {"callbacks": [Recorder], "callbacks__0__a": 1, "callbacks__0__b__c": 1},
            "configures the argument `b` of Recorder, which is not given",
        ),
        ({"metrics": ["mae"], "metrics__0__name": "x"}, "no class to build"),
        (
            {"optimizer": keras.optimizers.Adam(), "optimizer__learning_rate": 0.1},
            "which is not a class",
        ),
    ],
)
def test_misrouted_parameters_are_refused(iris, params, match):
    X, y = iris
    est = routed_clf().fit(X, y)
    expected = est.predict_proba(X)
    est.set_params(**params)
    with pytest.raises(InvalidParameterError, match=match):
        est.fit(X, y)
    np.testing.assert_array_equal(est.predict_proba(X), expected)  # unchanged


# ---------------------------------------------- arguments of Model.fit / predict
NOTES = []


class Noting(keras.Model):
    """A model whose fit and predict take arguments of their own."""

    def fit(self, *args, note=None, **kwargs):
        if note is not None:
            NOTES.append(("fit", note))
        return super().fit(*args, **kwargs)

    def predict(self, x, *args, tag=None, **kwargs):
        NOTES.append(("predict", tag))
        return super().predict(x, *args, **kwargs)


def noting(meta):
    inputs = keras.Input(meta["X_shape_"][1:])
    return Noting(inputs, keras.layers.Dense(1)(inputs))


def test_unknown_fit_and_predict_arguments_go_to_the_model(regression_data):
    X, y = regression_data
    NOTES.clear()
    est = reg(model=noting, fit__note="routed", predict__tag="routed").fit(X, y)
    assert NOTES == [("fit", "routed")]
    est.fit(X, y, note="called")
    assert NOTES[-1] == ("fit", "called")
    assert est.predict(X).shape == (len(X),) and NOTES[-1] == ("predict", "routed")
    est.predict(X, tag="called")
    assert NOTES[-1] == ("predict", "called")
    # a plain keras.Model takes none such: refused, as Keras would (TypeError)
    plain = reg().fit(X, y)
    with pytest.raises(TypeError, match=r"`fit__note` is passed to Functional\.fit"):
        clone(plain).set_params(fit__note=1).fit(X, y)
    with pytest.raises(TypeError, match=r"`tag=` is passed to Functional\.predict"):
        plain.predict(X, tag=1)
    with pytest.raises(TypeError, match="Did you mean 'batch_size'"):
        plain.predict(X, batchsize=1)
    with pytest.raises(TypeError, match="is set from the data"):
        plain.fit(X, y, sample_weight=None, x=X)


def test_predict_takes_keras_predict_arguments(iris):
    X, y = iris
    est = routed_clf().fit(X, y)
    proba, labels = est.predict_proba(X), est.predict(X)
    np.testing.assert_array_equal(est.predict(X, batch_size=7, verbose=0), labels)
    np.testing.assert_array_equal(est.predict_proba(X, batch_size=-1), proba)
    np.testing.assert_allclose(
        est.predict_proba(X, callbacks=[]), proba, rtol=1e-5, atol=1e-6
    )

    class Counter(keras.callbacks.Callback):
        calls = 0

        def on_predict_end(self, logs=None):
            Counter.calls += 1

    # callbacks acting in predict are called there, as in scikeras
    est = routed_clf(callbacks=[Counter]).fit(X, y)
    est.predict(X)
    est.set_params(callbacks=None, predict__callbacks=[Counter]).predict_proba(X)
    assert Counter.calls == 2
    est = routed_clf(predict__callbacks=[Counter], predict__callbacks__0__bad=1)
    with pytest.raises(InvalidParameterError, match="could not build Counter"):
        est.fit(X, y)  # refused before training, not at predict


# ------------------------------------------------------ partial_fit and epochs
def test_partial_fit_infers_classes_from_the_first_batch(iris):
    X, y = iris
    est = routed_clf()
    est.partial_fit(X[y < 2], y[y < 2])
    np.testing.assert_array_equal(est.classes_, [0, 1])
    expected = est.predict_proba(X)
    with pytest.raises(ValueError, match=r"labels \[2\] that are not in classes"):
        est.partial_fit(X, y)
    assert est.current_epoch == 1
    np.testing.assert_array_equal(est.predict_proba(X), expected)


def test_current_epoch_counts_as_in_scikeras(iris):
    X, y = iris
    est = routed_clf(epochs=2)
    assert est.current_epoch == 0
    est.fit(X, y)
    assert est.current_epoch == 2
    est.partial_fit(X, y)
    assert est.current_epoch == 3 == len(est.history_["loss"])
    est.fit(X, y)  # a new fit starts over
    assert est.current_epoch == 2
    est.initialize(X, y).partial_fit(X, y)
    assert est.current_epoch == 1 == len(est.history_["loss"])


@pytest.mark.parametrize(
    "kwargs", [{"epochs": 2}, {"initial_epoch": 1}, {"fit__epochs": 2}]
)
def test_partial_fit_refuses_epochs(iris, kwargs):
    X, y = iris
    with pytest.raises(TypeError, match="partial_fit trains exactly one epoch"):
        routed_clf().partial_fit(X, y, **kwargs)


def test_fit_and_partial_fit_take_other_fit_arguments(iris):
    X, y = iris
    est = routed_clf().partial_fit(X, y, validation_split=0.2)
    assert "val_loss" in est.history_
    with pytest.raises(TypeError, match="is a parameter of the estimator"):
        est.fit(X, y, fit__epochs=2)


def test_history_keys_are_the_metric_names_given(regression_data):
    X, y = regression_data
    est = reg(metrics=["mae"], fit__validation_split=0.2).fit(X, y)
    assert {"loss", "mae", "val_loss", "val_mae"} == set(est.history_)


# ------------------------------------------------------------------ batch_size
@pytest.mark.parametrize("value", [1.5, "32", 0, -2, True])
def test_batch_size_must_be_a_positive_integer(iris, value):
    X, y = iris
    with pytest.raises(ValueError, match="invalid `batch_size`: expected a positive"):
        routed_clf(batch_size=value).fit(X, y)
    with pytest.raises(ValueError, match="invalid `fit__batch_size`"):
        routed_clf(fit__batch_size=value).fit(X, y)
    with pytest.raises(ValueError, match="invalid `predict__batch_size`"):
        routed_clf(predict__batch_size=value).fit(X, y)
    est = routed_clf().fit(X, y)
    with pytest.raises(ValueError, match="invalid `batch_size`"):
        est.predict(X, batch_size=value)
    with pytest.raises(ValueError, match="invalid `batch_size`"):
        est.set_params(batch_size=value).predict_proba(X)
