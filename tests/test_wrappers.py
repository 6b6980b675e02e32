"""KerasClassifier / KerasRegressor: the scikeras calling convention and routing."""

import pickle

import keras
import numpy as np
import pytest
from conftest import tiny
from keras_models import dense_classifier
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skneural import InvalidParameterError, KerasClassifier, KerasRegressor
from skneural.targets import ClassificationTargetEncoder

#: The wrapper tests train a little longer and faster than `tiny`'s default.
WRAPPED = dict(optimizer__learning_rate=0.02, epochs=20)


def clf(**kw):
    return tiny("KerasClassifier", **{**WRAPPED, **kw})


def reg(**kw):
    return tiny("KerasRegressor", **{**WRAPPED, **kw})


def test_estimator_types_and_scikeras_defaults():
    assert is_classifier(KerasClassifier()) and is_regressor(KerasRegressor())
    est = KerasClassifier()
    assert (est.optimizer, est.loss, est.epochs, est.verbose) == ("rmsprop", None, 1, 1)
    assert est.validation_split == 0.0 and est.batch_size is None


def test_model_function_receives_meta_compile_kwargs_params_and_routed(iris):
    X, y = iris
    seen = {}

    def build(meta, compile_kwargs, params, units, extra=None):
        seen.update(
            meta=meta, compile_kwargs=compile_kwargs, params=params, units=units
        )
        seen["extra"] = extra
        return dense_classifier(meta, compile_kwargs, hidden=units)

    est = KerasClassifier(
        build,
        model__units=7,
        extra="free",
        epochs=1,
        verbose=0,
        optimizer="sgd",
        optimizer__learning_rate=0.05,
        metrics=["accuracy"],
    ).fit(X, y)
    meta = seen["meta"]
    assert meta["n_features_in_"] == 4 and meta["X_shape_"] == (150, 4)
    assert meta["n_classes_"] == 3 and meta["target_type_"] == "multiclass"
    np.testing.assert_array_equal(meta["classes_"], [0, 1, 2])
    assert meta["n_outputs_"] == 1
    assert isinstance(seen["compile_kwargs"]["optimizer"], keras.optimizers.SGD)
    assert float(seen["compile_kwargs"]["optimizer"].learning_rate) == pytest.approx(
        0.05
    )
    assert seen["compile_kwargs"]["metrics"] == ["accuracy"]
    assert seen["params"]["model__units"] == 7
    assert seen["units"] == 7 and seen["extra"] == "free"
    assert est.model_.layers[1].units == 7
    assert est.n_classes_ == 3 and est.target_type_ == "multiclass"


def test_uncompiled_model_without_loss_is_an_error(regression_data):
    X, y = regression_data
    with pytest.raises(InvalidParameterError, match="no loss"):
        reg(loss=None).fit(X, y)


def test_no_model_is_an_error(regression_data):
    X, y = regression_data
    with pytest.raises(InvalidParameterError, match="no model"):
        KerasRegressor(loss="mse", verbose=0).fit(X, y)
    with pytest.raises(TypeError, match=r"must return a keras\.Model"):
        KerasRegressor(lambda: "not a model", loss="mse", verbose=0).fit(X, y)


def test_model_instance_is_copied_never_trained(regression_data):
    X, y = regression_data
    inst = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    before = [w.copy() for w in inst.get_weights()]
    a = KerasRegressor(inst, loss="mse", epochs=5, verbose=0, random_state=0).fit(X, y)
    b = clone(a).fit(X, y)
    for w0, w1 in zip(before, inst.get_weights(), strict=True):
        np.testing.assert_array_equal(w0, w1)
    assert a.model_ is not inst and b.model_ is not a.model_
    # training started from the instance's own weights, so both agree
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-5, atol=1e-6)


def test_frozen_layers_stay_frozen_through_fit_clone_and_pickle(
    regression_data, tmp_path
):
    X, y = regression_data
    inputs = keras.Input((5,))
    frozen = keras.layers.Dense(6, activation="relu", name="pretrained")
    frozen.trainable = False
    outputs = keras.layers.Dense(1, name="head")(frozen(inputs))
    inst = keras.Model(inputs, outputs)
    start = inst.get_layer("pretrained").get_weights()
    est = KerasRegressor(inst, loss="mse", epochs=5, verbose=0, optimizer="adam").fit(
        X, y
    )
    for w0, w1 in zip(
        start, est.model_.get_layer("pretrained").get_weights(), strict=True
    ):
        np.testing.assert_array_equal(w0, w1)
    assert not np.allclose(
        inst.get_layer("head").get_weights()[0],
        est.model_.get_layer("head").get_weights()[0],
    )
    again = pickle.loads(pickle.dumps(est))
    assert again.model_.get_layer("pretrained").trainable is False
    assert clone(est).model.get_layer("pretrained").trainable is False
    np.testing.assert_array_equal(again.predict(X), est.predict(X))
    est.model_.save(tmp_path / "net.keras")
    loaded = keras.models.load_model(tmp_path / "net.keras")
    assert loaded.get_layer("pretrained").trainable is False


@pytest.mark.parametrize(
    "target",
    ["binary", "multiclass", "str", "multilabel"],
)
def test_classifier_outputs_match_sklearn_mlp(iris, target):
    X, y = iris
    if target == "binary":
        y = (y == 2).astype(int)
    elif target == "str":
        y = np.array(["a", "b", "c"])[y]
    elif target == "multilabel":
        y = np.column_stack([y == 0, y == 1, y != 1]).astype(int)
    ours = clf().fit(X, y)
    ref = MLPClassifier(max_iter=50, random_state=0).fit(X, y)
    for method in ("predict", "predict_proba"):
        a, b = getattr(ours, method)(X), getattr(ref, method)(X)
        assert a.shape == b.shape and a.dtype.kind == b.dtype.kind, method
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    assert ours.score(X, y) > 0.8


@pytest.mark.parametrize("two_d", [False, True])
def test_regressor_outputs_match_sklearn_mlp(regression_data, two_d):
    X, y = regression_data
    if two_d:
        y = np.column_stack([y, -y])
    ours = reg().fit(X, y)
    ref = MLPRegressor(max_iter=50, random_state=0).fit(X, y)
    a, b = ours.predict(X), ref.predict(X)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert ours.n_outputs_ == (2 if two_d else 1)
    assert ours.score(X, y) > 0.8


def softmax_model(meta, hidden=8):
    inputs = keras.Input(meta["X_shape_"][1:])
    x = keras.layers.Dense(hidden, activation="relu")(inputs)
    return keras.Model(
        inputs, keras.layers.Dense(meta["n_classes_"], activation="softmax")(x)
    )


def test_routing_to_loss_metrics_callbacks_fit_compile_and_predict(iris):
    X, y = iris
    est = clf(
        model=softmax_model,
        loss=keras.losses.SparseCategoricalCrossentropy,
        loss__name="my_loss",
        metrics=[keras.metrics.SparseCategoricalAccuracy],
        metrics__name="acc",
        callbacks=[keras.callbacks.EarlyStopping],
        callbacks__monitor="loss",
        callbacks__patience=0,
        callbacks__min_delta=10.0,  # nothing counts as improvement: stop at once
        fit__validation_split=0.2,
        compile__jit_compile=False,
        predict__batch_size=7,
        model__hidden=5,
        epochs=50,
    ).fit(X, y)
    assert "val_loss" in est.history_ and "acc" in est.history_
    assert est.n_iter_ < 50  # EarlyStopping class built from callbacks__ parameters
    assert est.model_.loss.name == "my_loss"
    assert est.model_.layers[1].units == 5
    assert est.predict_proba(X).shape == (150, 3)


def test_loss_name_with_routed_parameters_becomes_its_class(regression_data):
    X, y = regression_data
    est = reg(loss="huber", loss__delta=0.25, epochs=1).fit(X, y)
    assert isinstance(est.model_.loss, keras.losses.Huber)
    # Huber with delta 0.25 on an error of 1: 0.25 * (1 - 0.25 / 2); default delta: 0.5
    value = est.model_.loss(np.zeros((1, 1)), np.ones((1, 1)))
    assert float(value) == pytest.approx(0.21875)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"fit__epoch": 3}, "Did you mean 'fit__epochs'"),
        ({"compile__jit_compil": False}, "Did you mean 'compile__jit_compile'"),
        ({"predict__batchsize": 3}, "Did you mean 'predict__batch_size'"),
        ({"model__hiden": 3}, "Did you mean 'model__hidden'"),
        ({"optimizer__learning_rat": 0.1}, "could not build"),
        ({"optimizer": "adamm"}, "Did you mean 'adam'"),
        ({"loss": "mse2"}, "loss"),
    ],
)
def test_unknown_routed_parameters(regression_data, params, match):
    X, y = regression_data
    est = reg(epochs=1).fit(X, y)
    expected = est.predict(X)
    est.set_params(**params)
    with pytest.raises(InvalidParameterError, match=match):
        est.fit(X, y)
    if "predict__batchsize" in params:  # predict refuses it too
        with pytest.raises(InvalidParameterError, match=match):
            est.predict(X)
    else:
        np.testing.assert_array_equal(est.predict(X), expected)


def test_unknown_prefix_with_suggestion(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="Did you mean 'optimizer__learning_rate'"):
        KerasRegressor().set_params(optimiser__learning_rate=0.1)
    with pytest.raises(
        InvalidParameterError, match="Did you mean 'optimizer__learning_rate'"
    ):
        reg(optimzer__learning_rate=0.1).fit(X, y)


def test_params_round_trip_clone_and_grid_search(regression_data):
    X, y = regression_data
    est = reg(model__hidden=4, epochs=2)
    params = est.get_params()
    assert params["model__hidden"] == 4 and params["optimizer__learning_rate"] == 0.02
    twin = clone(est)
    assert twin.get_params() == params
    est.set_params(model__hidden=9, optimizer__learning_rate=0.05)
    assert est.model__hidden == 9
    grid = GridSearchCV(
        reg(epochs=3),
        {"model__hidden": [4, 8], "optimizer__learning_rate": [0.01, 0.05]},
        cv=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert grid.best_estimator_.model_.layers[1].units in (4, 8)


def test_batch_size_minus_one_is_all_samples(regression_data):
    X, y = regression_data
    seen = []

    class Steps(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)

    reg(batch_size=-1, epochs=2, callbacks=[Steps()]).fit(X, y)
    assert seen == [0, 0]  # one step per epoch


def test_fit_keyword_arguments_apply_to_one_call(regression_data):
    X, y = regression_data
    est = reg(epochs=1)
    est.fit(X, y, epochs=3)
    assert est.n_iter_ == 3
    est.fit(X, y)
    assert est.n_iter_ == 1


def test_partial_fit_warm_start_initialize_and_current_epoch(iris):
    X, y = iris
    est = clf(epochs=2)
    assert est.current_epoch == 0 and not est.initialized_
    est.initialize(X, y)
    assert est.initialized_ and est.current_epoch == 0
    assert est.predict(X).shape == (150,)
    est = clf()
    est.partial_fit(X, y, classes=[0, 1, 2])
    est.partial_fit(X, y)
    assert est.current_epoch == 2
    warm = clf(epochs=2, warm_start=True).fit(X, y)
    warm.fit(X, y)
    assert warm.current_epoch == 4


def test_random_state_reproducible(iris):
    X, y = iris
    a = clf(epochs=3).fit(X, y).predict_proba(X)
    b = clf(epochs=3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_class_weight(iris):
    X, y = iris
    plain = clf(epochs=5).fit(X, y).predict_proba(X)[:, 2].mean()
    heavy = clf(epochs=5, class_weight={0: 1, 1: 1, 2: 10}).fit(X, y)
    assert heavy.predict_proba(X)[:, 2].mean() > plain


class OneHotClassifier(KerasClassifier):
    """A user subclass with its own target encoder and build method."""

    @property
    def target_encoder(self):
        return ClassificationTargetEncoder(loss="categorical_crossentropy")

    def _keras_build_fn(self, meta, compile_kwargs):
        inputs = keras.Input(meta["X_shape_"][1:])
        out = keras.layers.Dense(meta["n_classes_"], activation="softmax")(inputs)
        model = keras.Model(inputs, out)
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        return model


def test_custom_target_encoder_and_keras_build_fn(iris):
    X, y = iris
    est = OneHotClassifier(epochs=2, verbose=0).fit(X, y)
    assert est.target_encoder_.mode_ == "onehot"
    assert est.predict_proba(X).shape == (150, 3)


def test_custom_feature_encoder_feeds_images(iris):
    X, y = iris

    class ImageClassifier(KerasClassifier):
        @property
        def feature_encoder(self):
            return FunctionTransformer(lambda Z: Z.reshape(-1, 2, 2, 1))

    def conv(meta, compile_kwargs):
        assert meta["X_shape_"] == (150, 4)  # X as given, before the encoder
        inputs = keras.Input((2, 2, 1))
        x = keras.layers.Conv2D(4, 2, activation="relu")(inputs)
        x = keras.layers.Flatten()(x)
        model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    est = ImageClassifier(conv, epochs=2, verbose=0).fit(X, y)
    assert est.predict(X).shape == (150,)


def test_tensorboard_callback_pickles(tmp_path, regression_data):
    X, y = regression_data
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path / "logs"))
    est = reg(epochs=1, callbacks=[tb])
    pickle.loads(pickle.dumps(est))
    est.fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))


def test_meta_estimators(iris):
    X, y = iris
    assert make_pipeline(StandardScaler(), clf(epochs=5)).fit(X, y).score(X, y) > 0.8
    X = StandardScaler().fit_transform(X)
    # Left uncompiled: sub-estimators of one structure draw on the network pool.
    base = clf(
        model=softmax_model,
        model__hidden=16,
        loss="sparse_categorical_crossentropy",
        epochs=10,
    )
    single = clone(base).fit(X, y).score(X, y)
    bag = BaggingClassifier(base, n_estimators=2, random_state=0).fit(X, y)
    assert len(bag.estimators_) == 2
    assert all(est.n_iter_ == 10 for est in bag.estimators_)
    first, second = (est.predict_proba(X) for est in bag.estimators_)
    assert not np.allclose(first, second)  # own samples, seeds and networks
    assert bag.predict(X).shape == (150,)
    assert bag.score(X, y) > max(0.85, single - 0.1)  # chance: 1/3
    yb = (y == 2).astype(int)
    single = clone(base).fit(X, yb).score(X, yb)
    ada = AdaBoostClassifier(base, n_estimators=2, random_state=0).fit(X, yb)
    # a second round, whose learner did better than chance on reweighted samples
    assert len(ada.estimators_) == 2 and all(ada.estimator_weights_ > 0)
    assert ada.predict(X).shape == (150,)
    assert ada.score(X, yb) > max(0.9, single - 0.05)  # majority class: 2/3
    cal = CalibratedClassifierCV(clf(epochs=2), cv=2).fit(X, yb)
    assert cal.predict_proba(X).shape == (150, 2)


class TwoHeadRegressor(KerasRegressor):
    """Multi-output Keras model: the target encoder splits y into one array per head."""

    @property
    def target_encoder(self):
        return FunctionTransformer(
            func=lambda Y: [Y[:, :1], Y[:, 1:]],
            inverse_func=lambda outs: np.hstack(outs),
            check_inverse=False,
        )


def two_heads(meta):
    inputs = keras.Input(meta["X_shape_"][1:])
    x = keras.layers.Dense(8, activation="relu")(inputs)
    return keras.Model(
        inputs, [keras.layers.Dense(1, name="a")(x), keras.layers.Dense(1, name="b")(x)]
    )


def test_multi_output_model_with_custom_target_encoder(regression_data):
    X, y = regression_data
    Y = np.column_stack([y, 2 * y])
    est = TwoHeadRegressor(
        two_heads,
        loss="mse",
        optimizer="adam",
        optimizer__learning_rate=0.02,
        epochs=30,
        verbose=0,
        random_state=0,
    ).fit(X, Y)
    pred = est.predict(X)
    assert pred.shape == (len(X), 2)
    assert est.score(X, Y) > 0.8


@pytest.mark.parametrize("shape", [(30, 3, 2), (30, 2, 2, 1)], ids=["3d", "4d"])
@pytest.mark.parametrize("make", [clf, reg], ids=["classifier", "regressor"])
def test_model_output_must_fit_the_target(make, shape):
    # Dense layers on 3-D or 4-D samples keep the leading axes: the outputs
    # cannot be one row per sample, which used to train on broadcast targets
    # (and predict 3 values per sample) or fail inside Keras.
    X = np.random.default_rng(0).normal(size=shape)
    y = np.array([0, 1] * 15)
    with pytest.raises(
        ValueError, match=r"the model returns outputs of shape.*Flatten"
    ):
        make(epochs=1).fit(X, y)


@pytest.mark.parametrize("make", [clf, reg], ids=["classifier", "regressor"])
def test_samples_keep_their_shape_and_hold_values(make):
    X = np.random.default_rng(0).normal(size=(30, 3))
    est = make(epochs=1).fit(X, np.array([0, 1] * 15))
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(3,\), but X"):
        est.predict(X.reshape(30, 3, 1))
    with pytest.raises(ValueError, match="hold no values"):
        make(epochs=1).fit(np.zeros((30, 0, 2)), np.array([0, 1] * 15))
