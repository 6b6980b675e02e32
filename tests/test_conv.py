"""ConvClassifier and ConvRegressor: input layouts, architecture, contract, errors."""

import os
import pickle

import numpy as np
import pandas as pd
import pytest
from conftest import tiny
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from test_datasets import INSTALLED

from skneural import ConvClassifier, InvalidParameterError
from skneural.backend import keras


@pytest.fixture(scope="module")
def digits():
    """Digits as (n, 8, 8) grayscale images in [0, 1] and their labels."""
    X, y = load_digits(return_X_y=True)
    return (X / 16).reshape(-1, 8, 8).astype(np.float32), y


def _layer_types(est):
    return {type(layer).__name__ for layer in est.model_.layers}


@pytest.mark.parametrize(
    "shape, params, network_shape, conv",
    [
        ((8, 8, 1), {}, (8, 8, 1), "Conv2D"),
        ((8, 8), {}, (8, 8, 1), "Conv2D"),
        ((8, 8, 3), {}, (8, 8, 3), "Conv2D"),
        ((64,), {"image_shape": (8, 8)}, (8, 8, 1), "Conv2D"),
        ((64,), {"image_shape": (8, 8, 1), "conv_dims": 2}, (8, 8, 1), "Conv2D"),
        ((192,), {"image_shape": (8, 8, 3)}, (8, 8, 3), "Conv2D"),
        ((16, 4), {"conv_dims": 1}, (16, 4), "Conv1D"),
        ((64,), {"image_shape": (16, 4), "conv_dims": 1}, (16, 4), "Conv1D"),
        ((64,), {}, (64, 1), "Conv1D"),
        ((8, 8, 1), {"image_shape": (8, 8)}, (8, 8, 1), "Conv2D"),
    ],
)
def test_input_layouts(shape, params, network_shape, conv):
    rng = np.random.default_rng(0)
    X = rng.random((40, *shape), dtype=np.float32)
    y = np.arange(40) % 2
    clf = tiny("ConvClassifier", **params).fit(X, y)
    assert clf.input_shape_ == network_shape
    assert clf.n_features_in_ == int(np.prod(shape))
    assert clf.model_.input_shape == (None, *network_shape)
    assert conv in _layer_types(clf)
    assert clf.predict(X).shape == (40,)


@pytest.mark.parametrize(
    "shape, params, match",
    [
        ((), {}, "accepts images of shape .* Reshape your data"),  # 1-D X
        ((2, 8, 8, 1), {}, r"Received X with samples of shape \(2, 8, 8, 1\)"),
        ((8, 8, 1), {"conv_dims": 1}, r"conv_dims=1"),
        ((64,), {"conv_dims": 2}, r"need image_shape=\(height, width, channels\)"),
        ((64,), {"image_shape": (8, 9)}, "holds 72 values per sample, but X has 64"),
        ((8, 8, 1), {"image_shape": (4, 16)}, "does not match image_shape"),
        ((64,), {"image_shape": (8, 0)}, "invalid `image_shape`"),
        ((64,), {"image_shape": (4, 4, 2, 2)}, "invalid `image_shape`"),
        ((64,), {"image_shape": (8, 8, 1), "conv_dims": 1}, "invalid `image_shape`"),
        ((64,), {"conv_dims": 3}, r"invalid `conv_dims`.*'auto', 1, 2"),
    ],
)
def test_shapes_that_fit_no_rule_are_refused(shape, params, match):
    X = np.zeros((40, *shape), dtype=np.float32)
    y = np.arange(len(X)) % 2
    with pytest.raises(ValueError, match=match):
        tiny("ConvClassifier", **params).fit(X, y)


def test_predict_takes_the_fitted_shape_whole_or_flattened(digits):
    X, y = digits
    clf = tiny("ConvClassifier").fit(X[:200], y[:200])
    expected = clf.predict_proba(X[:5])
    np.testing.assert_allclose(clf.predict_proba(X[:5, :, :, None]), expected)
    np.testing.assert_allclose(clf.predict_proba(X[:5].reshape(5, 64)), expected)
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(8, 8, 1\)"):
        clf.predict(np.zeros((3, 9, 9)))
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(8, 8, 1\)"):
        clf.predict(np.zeros((3, 8, 8, 3)))
    with pytest.raises(ValueError, match="X has 81 features, but ConvClassifier is"):
        clf.predict(np.zeros((3, 81)))


def test_uint8_images_are_rescaled(digits):
    X, y = digits
    X8 = np.round(X[:200] * 255).astype(np.uint8)
    Xf = X8 / 255
    auto = tiny("ConvClassifier").fit(X8, y[:200])
    floats = tiny("ConvClassifier").fit(Xf, y[:200])
    np.testing.assert_allclose(
        auto.predict_proba(X8), floats.predict_proba(Xf), rtol=1e-4, atol=1e-6
    )
    # Same scaling in predict: uint8 and [0, 1] float images are interchangeable.
    np.testing.assert_allclose(
        auto.predict_proba(X8), auto.predict_proba(Xf), rtol=1e-4, atol=1e-6
    )
    explicit = tiny("ConvClassifier", rescale=1 / 255).fit(
        X8.astype(np.float32), y[:200]
    )
    np.testing.assert_allclose(
        explicit.predict_proba(X8.astype(np.float32)),
        auto.predict_proba(X8),
        rtol=1e-4,
        atol=1e-6,
    )
    raw = tiny("ConvClassifier", rescale=None).fit(X8, y[:200])
    assert not np.allclose(raw.predict_proba(X8), auto.predict_proba(X8))
    frame = pd.DataFrame(X8.reshape(200, 64))
    from_frame = tiny("ConvClassifier", image_shape=(8, 8)).fit(frame, y[:200])
    np.testing.assert_allclose(
        from_frame.predict_proba(frame), auto.predict_proba(X8), rtol=1e-4, atol=1e-6
    )
    assert X8.dtype == np.uint8 and Xf.max() <= 1  # the caller's data untouched


@pytest.mark.parametrize(
    "params, match",
    [
        (
            {"padding": "valid", "kernel_size": 9},
            r"9x9 kernel of conv block 1 is larger than its 8x8 input",
        ),
        (
            {"padding": "valid", "filters": (4, 4)},
            r"2x2 pooling window of conv block 2 is larger than its 1x1 input",
        ),
        (
            {"padding": "valid", "kernel_size": (3, 9)},
            r"3x9 kernel of conv block 1",
        ),
    ],
)
def test_windows_larger_than_the_input_are_refused_before_training(
    digits, params, match
):
    X, y = digits
    fitted = tiny("ConvClassifier").fit(X[:100], y[:100])
    before = fitted.predict_proba(X[:5])
    started = []
    spy = keras.callbacks.LambdaCallback(on_train_begin=lambda logs: started.append(1))
    fitted.set_params(callbacks=[spy], **params)
    with pytest.raises(ValueError, match=match):
        fitted.fit(X[:100], y[:100])
    assert not started
    np.testing.assert_array_equal(fitted.predict_proba(X[:5]), before)


def test_same_padding_fits_any_window(digits):
    X, y = digits
    clf = tiny("ConvClassifier", kernel_size=9, filters=(4, 4, 4, 4)).fit(
        X[:100], y[:100]
    )
    assert clf.predict(X[:3]).shape == (3,)


def test_augmentation_acts_only_while_training(digits):
    X, y = digits
    clf = tiny(
        "ConvClassifier",
        random_flip="horizontal",
        random_rotation=0.1,
        random_zoom=0.1,
        random_translation=0.1,
    ).fit(X[:200], y[:200])
    names = _layer_types(clf)
    assert {"RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation"} <= names
    proba = clf.predict_proba(X[:32])
    np.testing.assert_array_equal(clf.predict_proba(X[:32]), proba)
    model = clf.model_
    images = X[:32, :, :, None]
    inference = keras.ops.convert_to_numpy(model(images, training=False))
    np.testing.assert_allclose(inference, proba, rtol=1e-5, atol=1e-6)
    augmented = keras.ops.convert_to_numpy(model(images, training=True))
    assert not np.allclose(augmented, inference, atol=1e-4)


def test_augmentation_of_signals_is_refused():
    X = np.zeros((20, 16, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="apply to images"):
        tiny("ConvClassifier", conv_dims=1, random_flip="horizontal").fit(
            X, np.arange(20) % 2
        )


@pytest.mark.parametrize(
    "param, value, match",
    [
        ("filters", (), "one per conv block"),
        ("filters", (8, 0), "one per conv block"),
        ("filters", "32", "one per conv block"),
        ("kernel_size", 0, "invalid `kernel_size`"),
        ("kernel_size", 2.5, "invalid `kernel_size`"),
        ("kernel_size", (3, 3, 3), "invalid `kernel_size`"),
        ("kernel_size", (3,), "does not fit 2-D convolutions"),
        ("strides", 0, "invalid `strides`"),
        ("padding", "sme", "Did you mean 'same'"),
        ("pooling", "mean", "invalid `pooling`"),
        ("pool_size", -1, "invalid `pool_size`"),
        ("conv_activation", "rleu", "invalid `conv_activation`.*Did you mean 'relu'"),
        ("conv_dropout", 1.0, "invalid `conv_dropout`"),
        ("global_pooling", "sum", "invalid `global_pooling`"),
        ("random_flip", "horizontally", "Did you mean 'horizontal'"),
        ("random_rotation", -0.1, "invalid `random_rotation`"),
        ("random_zoom", 1.5, "invalid `random_zoom`"),
        ("random_translation", "0.1", "invalid `random_translation`"),
        ("rescale", "yes", "invalid `rescale`"),
        ("rescale", 0, "invalid `rescale`"),
        ("dropout", 1.0, "invalid `dropout`"),
    ],
)
def test_invalid_hyperparameters(digits, param, value, match):
    X, y = digits
    with pytest.raises(ValueError, match=match):
        tiny("ConvClassifier", **{param: value}).fit(X[:50], y[:50])


def test_invalid_parameter_error_type(digits):
    X, y = digits
    with pytest.raises(
        InvalidParameterError, match="ConvClassifier: invalid `padding`"
    ):
        tiny("ConvClassifier", padding="full").fit(X[:50], y[:50])


@pytest.mark.parametrize(
    "global_pooling, layer",
    [
        ("avg", "GlobalAveragePooling2D"),
        ("max", "GlobalMaxPooling2D"),
        ("flatten", "Flatten"),
        (None, "Flatten"),
    ],
)
def test_global_pooling(digits, global_pooling, layer):
    X, y = digits
    clf = tiny("ConvClassifier", global_pooling=global_pooling).fit(X[:100], y[:100])
    assert layer in _layer_types(clf)


def test_block_layers_follow_the_parameters(digits):
    X, y = digits
    clf = tiny(
        "ConvClassifier",
        filters=(4, 6),
        pooling="avg",
        conv_dropout=0.2,
        batch_normalization=False,
        conv_activation="tanh",
    ).fit(X[:100], y[:100])
    names = _layer_types(clf)
    assert {"AveragePooling2D", "SpatialDropout2D"} <= names
    assert "BatchNormalization" not in names
    convs = [layer for layer in clf.model_.layers if "Conv2D" in type(layer).__name__]
    assert [c.filters for c in convs] == [4, 6]
    assert all(c.use_bias for c in convs)  # no normalization: biases back
    default = ConvClassifier()
    assert default.batch_normalization and default.early_stopping


def test_pipeline_after_a_2d_transformer(digits):
    X, y = digits
    flat = X.reshape(len(X), 64)
    pipe = make_pipeline(
        StandardScaler(),
        tiny(
            "ConvClassifier",
            filters=(8,),
            hidden_layer_sizes=(32,),
            image_shape=(8, 8),
            epochs=4,
        ),
    )
    pipe.fit(flat[:1200], y[:1200])
    assert pipe[-1].input_shape_ == (8, 8, 1)
    assert pipe.score(flat[1200:], y[1200:]) > 0.75


def test_grid_search_over_filters_and_kernel_size(digits):
    X, y = digits
    grid = {"filters": [(4,), (8,)], "kernel_size": [3, 5]}
    search = GridSearchCV(tiny("ConvClassifier"), grid, cv=2).fit(X[:300], y[:300])
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_params_["filters"] in grid["filters"]
    assert search.best_estimator_.predict(X[:3]).shape == (3,)


def test_pickle_round_trip(digits):
    X, y = digits
    clf = tiny("ConvClassifier", random_rotation=0.05).fit(X[:200], y[:200])
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(loaded.predict_proba(X[:20]), clf.predict_proba(X[:20]))
    assert loaded.input_shape_ == (8, 8, 1)
    with pytest.raises(ValueError, match="fitted on samples of shape"):
        loaded.predict(np.zeros((2, 7, 7)))
    again = clone(clf).fit(X[:200], y[:200])  # same seed, same network
    np.testing.assert_allclose(again.predict_proba(X[:20]), clf.predict_proba(X[:20]))


def test_partial_fit_keeps_the_layout(digits):
    X, y = digits
    clf = tiny("ConvClassifier")
    clf.partial_fit(X[:100], y[:100], classes=np.arange(10))
    clf.partial_fit(X[100:200].reshape(100, 64), y[100:200])  # flattened: fine
    assert clf.n_iter_ == 2
    with pytest.raises(ValueError, match="fitted on samples of shape"):
        clf.partial_fit(np.zeros((10, 9, 9)), y[:10])
    assert clf.n_iter_ == 2


def test_regressor_on_multichannel_signals():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 32)
    freq = rng.uniform(1, 4, size=(300, 1))
    phase = rng.uniform(0, np.pi, size=(300, 1))
    signals = np.stack(
        [np.sin(2 * np.pi * freq * t + phase), np.cos(2 * np.pi * freq * t)], axis=-1
    ).astype(np.float32)
    y = np.column_stack([freq[:, 0], np.cos(phase[:, 0])])
    reg = tiny(
        "ConvRegressor",
        conv_dims=1,
        filters=(8, 16),
        hidden_layer_sizes=(32,),
        epochs=30,
    ).fit(signals[:240], y[:240])
    assert reg.input_shape_ == (32, 2)
    assert "Conv1D" in _layer_types(reg)
    assert reg.predict(signals[240:]).shape == (60, 2)
    assert reg.score(signals[240:], y[240:]) > 0.5


@pytest.mark.skipif(
    not INSTALLED and not os.environ.get("CI"),
    reason="apt-get install -y dataset-fashion-mnist (.ci/run installs it)",
)
def test_default_network_learns_a_slice_of_fashion_mnist():
    from skneural.app.datasets import load_fashion_mnist

    (X_train, y_train), (X_test, y_test) = load_fashion_mnist()
    clf = ConvClassifier(epochs=3, random_state=0).fit(X_train[:2000], y_train[:2000])
    assert clf.input_shape_ == (28, 28, 1)
    assert clf.score(X_test[:1000], y_test[:1000]) > 0.7


def test_flat_rows_fitted_also_take_the_network_layout():
    # Rows of 16 values are read as 1-channel signals of shape (16, 1): X of
    # exactly that shape is what the network takes, so it is accepted too.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 16))
    reg = tiny("ConvRegressor").fit(X, X.mean(axis=1))
    assert reg.input_shape_ == (16, 1)
    np.testing.assert_array_equal(reg.predict(X.reshape(20, 16, 1)), reg.predict(X))
    with pytest.raises(ValueError, match=r"fitted on samples of shape \(16, 1\)"):
        reg.predict(X.reshape(20, 4, 4))


def test_no_images_is_a_clear_error(digits):
    X, y = digits
    with pytest.raises(ValueError, match=r"0 sample\(s\)"):
        tiny("ConvClassifier").fit(X[:0], y[:0])
    clf = tiny("ConvClassifier").fit(X[:50], y[:50])
    with pytest.raises(ValueError, match=r"0 sample\(s\)"):
        clf.predict(X[:0])
