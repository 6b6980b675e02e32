"""The training defaults chosen on real tables: numeric embeddings, a batch
size and early stopping that follow the size of the data."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import outputs, tiny

import skneural
from skneural import InvalidParameterError
from skneural.architectures.table import (
    BLOCK_DIAGONAL_COLUMNS,
    PeriodicEmbedding,
    ScalingLayer,
)
from skneural.backend import keras
from skneural.base import BaseNeuralEstimator
from skneural.exceptions import FitInterruptedWarning
from skneural.training import (
    AUTO_EARLY_STOPPING_ROWS,
    AUTO_REFIT_MAX_ROWS,
    MIN_ANNEAL_EPOCHS,
    AnnealingEarlyStopping,
    EpochRates,
    TrainingConfig,
    auto_batch_size,
    auto_learning_rate,
    auto_numeric_embedding,
)


@pytest.fixture(scope="module")
def step_data():
    """A target that jumps where one feature crosses 0.3: hard for a few
    ReLUs on the raw number, easy with periodic features of it."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (600, 2))
    y = np.where(X[:, 0] > 0.3, 2.0, -1.0) + 0.5 * np.sin(6 * X[:, 1])
    return X, y


# --- the scaling layer ---------------------------------------------------------


def test_scaling_layer_scales_each_input_by_its_own_weight():
    layer = ScalingLayer(lr_factor=4.0)
    x = np.random.default_rng(0).normal(size=(5, 3, 7)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x)), x, rtol=1e-6)
    assert tuple(layer.scale.shape) == (3, 7)  # e.g. members x inputs
    scale = np.random.default_rng(1).uniform(0, 2, (3, 7)).astype("float32")
    layer.scale.assign(scale / 4.0)  # stored divided by lr_factor
    out = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(out, x * scale, rtol=1e-6)
    assert layer.compute_output_shape((5, 3, 7)) == (5, 3, 7)
    again = ScalingLayer.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()
    with pytest.raises(InvalidParameterError, match=r"lr_factor.*positive"):
        ScalingLayer(lr_factor=0)


def test_the_scales_l1_penalty_is_a_training_loss_only():
    layer = ScalingLayer(lr_factor=4.0, l1=0.01)
    x = np.ones((2, 5), dtype="float32")
    layer(x, training=False)
    assert not layer.losses  # validation scores the data alone
    scale = np.linspace(-1.0, 2.0, 5).astype("float32")
    layer.scale.assign(scale / 4.0)
    layer(x, training=True)
    (penalty,) = layer.losses
    expected = 0.01 * np.abs(scale).sum()
    np.testing.assert_allclose(keras.ops.convert_to_numpy(penalty), expected, rtol=1e-6)
    assert ScalingLayer.from_config(layer.get_config()).l1 == 0.01
    packed = ScalingLayer(l1=0.01)  # each member's own scales: (members, width)
    packed(np.ones((2, 3, 5), dtype="float32"), training=True)
    (penalty,) = packed.losses  # each member's penalty, averaged as its loss is
    np.testing.assert_allclose(keras.ops.convert_to_numpy(penalty), 0.01 * 5, rtol=1e-6)
    assert ScalingLayer.from_config({"lr_factor": 6.0}).l1 == 0.0  # saved before it
    with pytest.raises(InvalidParameterError, match=r"l1.*>= 0.*-0.1"):
        ScalingLayer(l1=-0.1)


def test_the_scale_learns_lr_factor_times_faster_with_adam():
    x = np.ones((4, 3), dtype="float32")
    moved = {}
    for factor in (1.0, 6.0):
        layer = ScalingLayer(lr_factor=factor)
        layer.build(x.shape)
        optimizer = keras.optimizers.Adam(learning_rate=0.01)
        # d(sum of outputs)/d(stored scale) > 0: Adam's first step is -0.01
        # on the stored scale whatever the gradient's size
        grads = [np.full((3,), 4.0 * factor, dtype="float32")]
        optimizer.apply_gradients(zip(grads, [layer.scale], strict=True))
        moved[factor] = 1.0 - float(layer(x)[0, 0])
    np.testing.assert_allclose(moved[1.0], 0.01, rtol=1e-3)
    np.testing.assert_allclose(moved[6.0], 0.06, rtol=1e-3)


def test_dense_estimators_scale_the_inputs_of_their_first_hidden_layer():
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"a": rng.normal(size=80), "town": rng.choice(["x", "y", "z"], 80)}
    )
    y = rng.normal(size=80)
    est = tiny("NeuralRegressor", ensemble_size=2, epochs=1).fit(frame, y)
    layer = est.model_.get_layer("scaling")
    width = est.model_.get_layer("hidden_1_dense").kernel.shape[-2]
    assert tuple(layer.scale.shape) == (2, width)  # each member its own
    names = {
        kwargs: [
            layer.name
            for layer in tiny("NeuralRegressor", epochs=1, **dict(kwargs))
            .fit(frame, y)
            .model_.layers
        ]
        for kwargs in ((("scaling_layer", False),), (("hidden_layer_sizes", ()),))
    }
    assert all("scaling" not in layers for layers in names.values())
    old = tiny("NeuralClassifier", epochs=1)
    del old.scaling_layer  # as a pickle of an older version holds it
    old.fit(frame, y > 0)
    assert "scaling" not in [layer.name for layer in old.model_.layers]


def test_the_scaling_layer_turns_down_uninformative_columns():
    # 3 columns carry the target, 40 are noise: the network with the scaling
    # layer scores better, and has turned the noise down
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 43))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=600)
    X_test = rng.normal(size=(600, 43))
    y_test = np.sin(2 * X_test[:, 0]) + X_test[:, 1] * X_test[:, 2]
    params = dict(random_state=0, linear_blend=False, numeric_embedding=None)
    scaled = skneural.NeuralRegressor(**params).fit(X, y)
    plain = skneural.NeuralRegressor(scaling_layer=False, **params).fit(X, y)
    assert scaled.score(X_test, y_test) > plain.score(X_test, y_test) + 0.1
    layer = scaled.model_.get_layer("scaling")
    scale = np.abs(layer.scale.numpy() * layer.lr_factor).reshape(-1, 43).mean(axis=0)
    assert scale[:3].min() > scale[3:].mean()


def test_the_scales_l1_penalty_is_off_by_default():
    X = np.random.default_rng(0).normal(size=(60, 3))
    net = tiny("NeuralRegressor", epochs=1).fit(X, X[:, 0])
    assert net.model_.get_layer("scaling").l1 == 0.0
    net = tiny("NeuralRegressor", epochs=1, scaling_l1=0.002).fit(X, X[:, 0])
    assert net.model_.get_layer("scaling").l1 == 0.002
    old = tiny("NeuralRegressor", epochs=1, scaling_l1=0.002)
    del old.scaling_l1  # as a pickle of an older version holds it
    assert old.fit(X, X[:, 0]).model_.get_layer("scaling").l1 == 0.0


def test_the_scales_l1_penalty_turns_the_noise_further_down():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 43))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=600)
    params = dict(random_state=0, linear_blend=False, numeric_embedding=None)
    noise = {}
    for l1 in (0.0, 0.01):
        net = skneural.NeuralRegressor(scaling_l1=l1, **params).fit(X, y)
        layer = net.model_.get_layer("scaling")
        assert layer.l1 == l1
        scale = np.abs(layer.scale.numpy() * layer.lr_factor).reshape(-1, 43)
        noise[l1] = scale[:, 3:].mean() / scale[:, :3].mean()
    assert noise[0.01] < 0.5 * noise[0.0]


# --- the periodic embedding ----------------------------------------------------


def test_periodic_embedding_keeps_the_numbers_and_appends_their_embeddings():
    layer = PeriodicEmbedding(3, frequencies=4, dims=5, seed=0)
    x = np.random.default_rng(0).normal(size=(7, 4)).astype("float32")
    out = keras.ops.convert_to_numpy(layer(x))
    assert out.shape == (7, 4 + 3 * 5) == layer.compute_output_shape((7, 4))
    np.testing.assert_array_equal(out[:, :3], x[:, :3])  # the numbers
    np.testing.assert_array_equal(out[:, -1], x[:, 3])  # a category code passes
    assert (out[:, 3:-1] >= 0).all()  # ReLU embeddings
    again = PeriodicEmbedding.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()


@pytest.mark.parametrize("columns", [3, 20])
def test_periodic_embedding_maps_each_column_on_its_own(columns):
    # 3 columns take the block-diagonal product, 20 the per-column one
    assert 3 <= BLOCK_DIAGONAL_COLUMNS < 20
    layer = PeriodicEmbedding(columns, frequencies=4, dims=5, seed=0)
    x = np.random.default_rng(1).normal(size=(7, columns + 1)).astype("float32")
    out = keras.ops.convert_to_numpy(layer(x))
    freq, phase, kernel, bias = (
        keras.ops.convert_to_numpy(w)
        for w in (layer.frequency, layer.phase, layer.kernel, layer.bias)
    )
    waves = np.cos(2 * np.pi * x[:, :columns, None] * freq + phase)
    expected = np.maximum(np.einsum("bfk,fkd->bfd", waves, kernel) + bias, 0)
    np.testing.assert_allclose(
        out[:, columns:-1], expected.reshape(7, -1), rtol=1e-5, atol=1e-5
    )


def test_both_forms_of_the_periodic_embedding_train_alike(monkeypatch):
    # the same fit with the per-column product: same gradients, same network
    from skneural._pool import POOL
    from skneural.architectures import table

    X = np.random.default_rng(0).normal(size=(80, 3))
    y = X[:, 0] + np.sin(3 * X[:, 1])
    fits = []
    for columns in (table.BLOCK_DIAGONAL_COLUMNS, 0):
        monkeypatch.setattr(table, "BLOCK_DIAGONAL_COLUMNS", columns)
        # a pooled network keeps its loop traced with the form it was built
        # with: none is left before a fit (the estimator is dropped after it)
        POOL.clear()
        est = tiny("NeuralRegressor", numeric_embedding="periodic", epochs=5)
        fits.append(est.fit(X, y).predict(X))
        del est
    POOL.clear()
    np.testing.assert_allclose(fits[0], fits[1], rtol=1e-5, atol=1e-5)
    assert np.std(fits[0]) > 0.1  # it learned something on the way


def test_periodic_embedding_is_built_for_numeric_columns_only():
    est = tiny("NeuralRegressor", numeric_embedding="periodic", epochs=1)
    X = np.random.default_rng(0).normal(size=(40, 3))
    est.fit(X, X[:, 0])
    layer = est.model_.get_layer("periodic_embedding")
    assert layer.n_numeric == 3
    plain = tiny("NeuralRegressor", numeric_embedding=None, epochs=1).fit(X, X[:, 0])
    assert "periodic_embedding" not in [layer.name for layer in plain.model_.layers]


def test_only_a_tables_numbers_are_embedded_and_sparse_input_is_not():
    import pandas as pd
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "size": rng.normal(size=60),
            "age": np.where(rng.random(60) < 0.2, np.nan, rng.normal(size=60)),
            "town": rng.choice(["a", "b", "c"], 60),
        }
    )
    est = tiny("NeuralRegressor", numeric_embedding="periodic", epochs=1)
    est.fit(frame, rng.normal(size=60))
    assert est.model_.get_layer("periodic_embedding").n_numeric == 2  # not the flag
    wide = sp.random(60, 500, density=0.01, format="csr", random_state=0)
    est = tiny("NeuralRegressor", numeric_embedding="periodic", epochs=1)
    est.fit(wide, rng.normal(size=60))
    assert "periodic_embedding" not in [layer.name for layer in est.model_.layers]
    assert est.model_.get_layer("hidden_1_dense").kernel.shape[-2] == 500


def test_auto_embeds_the_numbers_of_tables_with_enough_rows_per_column():
    import pandas as pd

    assert auto_numeric_embedding(320, 10) == "periodic"
    assert auto_numeric_embedding(319, 10) is None
    assert auto_numeric_embedding(10_000, 0) is None
    rng = np.random.default_rng(0)
    layers = {}
    for n in (95, 96):  # 3 numeric columns: 32 rows each from 96 rows
        frame = pd.DataFrame(
            {
                "a": rng.normal(size=n),
                "b": rng.normal(size=n),
                "c": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n)),
                "town": rng.choice(["x", "y"], n),  # neither counted nor embedded
            }
        )
        est = tiny("NeuralRegressor", epochs=1).fit(frame, rng.normal(size=n))
        layers[n] = [layer.name for layer in est.model_.layers]
        assert est.get_params()["numeric_embedding"] == "auto"
    assert "periodic_embedding" not in layers[95]
    assert "periodic_embedding" in layers[96]


def test_periodic_embedding_learns_a_threshold_better(step_data):
    X, y = step_data
    params = dict(hidden_layer_sizes=(32,), epochs=60, batch_size=64)
    plain = tiny("NeuralRegressor", numeric_embedding=None, **params).fit(X, y)
    embedded = tiny("NeuralRegressor", numeric_embedding="periodic", **params)
    embedded.fit(X, y)
    assert embedded.score(X, y) > plain.score(X, y) + 0.02


def test_a_refit_draws_new_frequencies_and_a_saved_model_keeps_them(
    step_data, tmp_path
):
    X, y = step_data
    est = tiny("NeuralRegressor", numeric_embedding="periodic", epochs=2)
    first = est.fit(X, y).model_.get_layer("periodic_embedding").get_weights()[0]
    est.set_params(random_state=1)
    second = est.fit(X, y).model_.get_layer("periodic_embedding").get_weights()[0]
    assert not np.allclose(first, second)
    path = tmp_path / "periodic.skn"
    skneural.save(est, path)
    np.testing.assert_allclose(skneural.load(path).predict(X), est.predict(X))


# --- sizes that follow the data ------------------------------------------------


@pytest.mark.parametrize(
    ("n", "batch"),
    [(1, 32), (150, 32), (4_000, 32), (5_000, 64), (20_000, 256), (10**7, 512)],
)
def test_auto_batch_size_grows_with_the_data(n, batch):
    assert auto_batch_size(n) == batch


@pytest.mark.parametrize(
    ("batch", "rate"),
    [(1, 0.001), (32, 0.001), (128, 0.002), (512, 0.004), (10**6, 0.004)],
)
def test_auto_learning_rate_grows_with_the_batch(batch, rate):
    assert auto_learning_rate(batch) == pytest.approx(rate)


def test_auto_learning_rate_is_the_one_the_optimizer_gets():
    X = np.random.default_rng(0).normal(size=(20_000, 2))
    est = tiny("NeuralRegressor", learning_rate="auto", epochs=1).fit(X, X[:, 0])
    lr = float(keras.ops.convert_to_numpy(est.model_.optimizer.learning_rate))
    assert lr == pytest.approx(auto_learning_rate(auto_batch_size(20_000)))
    assert est.get_params()["learning_rate"] == "auto"


def test_auto_early_stopping_holds_out_a_split_from_enough_rows():
    rng = np.random.default_rng(0)
    n = AUTO_EARLY_STOPPING_ROWS
    X = rng.normal(size=(n, 3))
    y = X @ [1.0, -2.0, 0.5]
    est = tiny("NeuralRegressor", early_stopping="auto", epochs=3).fit(X, y)
    assert "val_loss" in est.history_ and hasattr(est, "best_epoch_")
    small = tiny("NeuralRegressor", early_stopping="auto", epochs=3)
    small.fit(X[: n - 1], y[: n - 1])
    assert "val_loss" not in small.history_ and not hasattr(small, "best_epoch_")


# --- annealing after early stopping -----------------------------------------


def _drive(callback, val_losses, optimizer=None):
    """Run ``callback`` over epochs whose validation losses are given; return
    the model, the learning rate each epoch ran at and the epochs run."""
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer or keras.optimizers.Adam(0.01), loss="mse")
    model.optimizer.build(model.trainable_variables)
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    rates = []
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_begin(epoch)
        rates.append(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))
        model.layers[0].kernel.assign(np.full((2, 1), float(epoch), "float32"))
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if model.stop_training:
            break
    callback.on_train_end()
    return model, rates, epoch + 1


def test_annealing_follows_early_stopping_and_keeps_the_best_weights():
    # best at epoch 3 (4 epochs), stalls for patience=2, then anneals along
    # max(3, round(1.0 * 4)) = 4 epochs of a cosine; the last (at a rate of
    # 0) is not run; the third annealing epoch is the best
    losses = [1.0, 0.9, 0.8, 0.7, 0.75, 0.72, 0.71, 0.69, 0.65, 0.5, 0.5]
    stopper = AnnealingEarlyStopping(
        anneal_fraction=1.0, patience=2, restore_best_weights=True
    )
    model, rates, epochs = _drive(stopper, losses)
    assert epochs == 6 + 3  # the flat phase, then the annealing
    np.testing.assert_allclose(rates[:6], 0.01)
    cosine = 0.01 * 0.5 * (1 + np.cos(np.pi * np.arange(1, 4) / 4))
    np.testing.assert_allclose(rates[6:], cosine, rtol=1e-5, atol=1e-9)
    assert stopper.best_epoch == 8 and stopper.best == pytest.approx(0.65)
    # what a refit repeats: the flat epochs to the best, then the annealing
    assert stopper.path() == [0, 1, 2, 3, 6, 7, 8]
    np.testing.assert_array_equal(np.asarray(model.layers[0].kernel), 8.0)
    rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    assert rate == pytest.approx(0.01)  # put back for later training


def test_annealing_lasts_a_few_epochs_at_least_and_can_be_off():
    losses = [1.0, 0.9, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    short = AnnealingEarlyStopping(anneal_fraction=0.1, patience=2)
    assert _drive(short, losses)[2] == 4 + MIN_ANNEAL_EPOCHS - 1
    off = AnnealingEarlyStopping(anneal_fraction=0.0, patience=2)
    _, rates, epochs = _drive(off, losses)
    assert epochs == 4 and rates == [pytest.approx(0.01)] * 4  # EarlyStopping's
    assert off.path() == [0, 1, 2, 3]  # the last weights kept: every epoch
    best = AnnealingEarlyStopping(
        anneal_fraction=0.0, patience=2, restore_best_weights=True
    )
    _drive(best, losses)
    assert best.path() == [0, 1]  # the best epoch's weights kept
    # a learning-rate schedule is the optimizer's own: it is not annealed
    # (also inside the loss-scaling optimizer of mixed float16 training)
    sched = keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9)
    for optimizer in (
        keras.optimizers.Adam(sched),
        keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(sched)),
    ):
        stopper = AnnealingEarlyStopping(anneal_fraction=1.0, patience=2)
        assert _drive(stopper, losses, optimizer)[2] == 4


def test_estimators_anneal_after_early_stopping(regression_data):
    X, y = regression_data
    X, y = np.tile(X, (3, 1)), np.tile(y, 3)  # enough rows for a split
    common = dict(
        early_stopping=True, epochs=200, patience=2, random_state=0, refit=False
    )
    flat = tiny("NeuralRegressor", anneal_fraction=0.0, **common).fit(X, y)
    annealed = tiny("NeuralRegressor", anneal_fraction=0.5, **common).fit(X, y)
    assert flat.n_iter_ == flat.best_epoch_ + 2 + 1 < 200  # stopped
    stopped = len(annealed.history_["loss"]) - annealed.n_iter_  # 0: all counted
    assert stopped == 0 and annealed.n_iter_ >= flat.n_iter_ + MIN_ANNEAL_EPOCHS - 1
    val = annealed.history_["val_loss"]
    # the weights kept: no later epoch improved on them by min_delta
    assert val[annealed.best_epoch_] - min(val) < annealed.min_delta
    rates = [
        float(keras.ops.convert_to_numpy(est.model_.optimizer.learning_rate))
        for est in (flat, annealed)
    ]
    assert rates[1] == pytest.approx(rates[0])  # put back after the annealing
    with pytest.raises(InvalidParameterError, match=r"anneal_fraction.*\[0, inf\)"):
        tiny("NeuralRegressor", anneal_fraction=-0.5).fit(X, y)


# --- refitting on every row ---------------------------------------------------


def _rate(model) -> float:
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def test_epoch_rates_records_the_rate_each_epoch_ran_at_and_replays_it():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    recorder = EpochRates()
    recorder.set_model(model)
    recorder.on_train_begin()
    for epoch, rate in enumerate([0.01, 0.01, 0.004, 0.001]):
        model.optimizer.learning_rate = rate  # as a schedule callback would
        recorder.on_epoch_begin(epoch)
        recorder.on_epoch_end(epoch, {})
        model.optimizer.learning_rate = 0.5  # a change for the next epoch only
    assert recorder.rates == pytest.approx({0: 0.01, 1: 0.01, 2: 0.004, 3: 0.001})
    model.optimizer.learning_rate = 0.01
    replay = EpochRates(recorder.rates)
    replay.set_model(model)
    replay.on_train_begin()
    seen = []
    for epoch in range(4):
        replay.on_epoch_begin(epoch)
        seen.append(_rate(model))
        replay.on_epoch_end(epoch, {})
    replay.on_train_end()
    assert seen == pytest.approx([0.01, 0.01, 0.004, 0.001])
    assert replay.rates == recorder.rates and _rate(model) == pytest.approx(0.01)


def test_epoch_rates_leaves_a_schedule_alone():
    sched = keras.optimizers.schedules.ExponentialDecay(0.01, 10, 0.9)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(sched), loss="mse")
    recorder, replay = EpochRates(), EpochRates({0: 0.5})
    for callback in (recorder, replay):
        callback.set_model(model)
        callback.on_train_begin()
        callback.on_epoch_begin(0)
        assert _rate(model) == pytest.approx(0.01)  # the schedule's, not 0.5
        callback.on_epoch_end(0, {})
        callback.on_train_end()
    assert recorder.rates == {} and replay.rates == {0: 0.5}  # nothing recorded
    assert _rate(model) == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("refit", "rows", "kwargs", "expected"),
    [
        ("auto", AUTO_REFIT_MAX_ROWS - 1, {}, True),
        ("auto", AUTO_REFIT_MAX_ROWS, {}, False),
        (True, AUTO_REFIT_MAX_ROWS, {}, True),
        (False, 500, {}, False),
        ("auto", AUTO_EARLY_STOPPING_ROWS - 1, {}, False),  # no early stopping
        (True, 500, {"validation_fraction": 0.0}, False),  # stops on the training loss
        (True, 500, {"early_stopping": False}, False),
    ],
)
def test_refit_applies_where_early_stopping_holds_rows_out(
    refit, rows, kwargs, expected
):
    config = TrainingConfig(
        epochs=10,
        batch_size="auto",
        **{"early_stopping": "auto", "validation_fraction": 0.1, **kwargs},
        refit=refit,
    )
    assert config.for_call(rows, None).refit is expected
    assert config.for_call(rows, 1).refit is False  # partial_fit: one epoch


def _fitted_rows(monkeypatch):
    """Record the number of rows each training run of a fit gets."""
    rows = []
    fit_network = BaseNeuralEstimator._fit_network

    def spy(self, network, fit_data, *args, **kwargs):
        rows.append(len(fit_data["y"]))
        return fit_network(self, network, fit_data, *args, **kwargs)

    monkeypatch.setattr(BaseNeuralEstimator, "_fit_network", spy)
    return rows


@pytest.mark.parametrize("name", ["NeuralClassifier", "NeuralRegressor"])
def test_refit_trains_again_on_every_row_to_the_chosen_epoch(
    name, regression_data, iris, monkeypatch
):
    X, y = iris if name == "NeuralClassifier" else regression_data
    X, y = np.tile(X, (3, 1)), np.tile(y, 3)  # enough rows for a split
    common = dict(early_stopping=True, epochs=200, patience=2, anneal_fraction=0.5)
    once = tiny(name, refit=False, **common).fit(X, y)
    rows = _fitted_rows(monkeypatch)
    twice = tiny(name, refit=True, **common).fit(X, y)
    assert rows == [len(X) - int(np.ceil(0.1 * len(X))), len(X)]
    # the same run with validation rows chose the epochs, then a second one
    # from the same start trained on every row along them: the flat epochs
    # to the best one, then the annealing (not the 2 epochs of patience)
    assert twice.history_ == once.history_ and twice.best_epoch_ == once.best_epoch_
    assert twice.n_iter_ == once.n_iter_ - 2
    assert not np.allclose(outputs(twice, X), outputs(once, X))
    assert _rate(twice.model_) == pytest.approx(_rate(once.model_))  # put back
    again = tiny(name, refit=True, **common).fit(X, y)
    np.testing.assert_allclose(outputs(again, X), outputs(twice, X), rtol=1e-5)
    # warm_start goes on from the fitted network: its refit starts there too
    before = len(twice.history_["loss"])
    twice.set_params(warm_start=True).fit(X, y)
    run = len(twice.history_["loss"]) - before  # logs of the run with validation
    assert twice.n_iter_ == again.n_iter_ + run - 2


def test_an_interrupted_refit_keeps_the_early_stopped_network(
    regression_data, monkeypatch
):
    X, y = regression_data
    X, y = np.tile(X, (3, 1)), np.tile(y, 3)
    common = dict(early_stopping=True, epochs=200, patience=2)
    once = tiny("NeuralRegressor", refit=False, **common).fit(X, y)
    begin = EpochRates.on_epoch_begin

    def interrupt(self, epoch, logs=None):
        if self.replaying:
            raise KeyboardInterrupt
        begin(self, epoch, logs)

    monkeypatch.setattr(EpochRates, "on_epoch_begin", interrupt)
    est = tiny("NeuralRegressor", refit=True, **common)
    with pytest.warns(FitInterruptedWarning, match=r"refit on all 360 rows was inter"):
        est.fit(X, y)
    np.testing.assert_allclose(est.predict(X), once.predict(X), rtol=1e-5)
    assert est.n_iter_ == once.n_iter_ and est.history_ == once.history_


def test_auto_values_stay_auto_after_fit():
    X = np.random.default_rng(0).normal(size=(50, 2))
    est = tiny("NeuralRegressor", batch_size="auto", early_stopping="auto")
    est.fit(X, X[:, 0])
    assert est.get_params()["batch_size"] == "auto"
    assert est.get_params()["early_stopping"] == "auto"


def test_the_dense_defaults_are_the_chosen_ones():
    for name in ("NeuralClassifier", "NeuralRegressor"):
        params = getattr(skneural, name)().get_params()
        assert params["batch_size"] == "auto"
        assert params["early_stopping"] == "auto"
        assert params["numeric_embedding"] == "auto"
        assert params["patience"] == 5
        assert params["learning_rate"] == "auto"
        assert params["anneal_fraction"] == 0.3
        assert params["refit"] == "auto"
        assert params["scaling_layer"] is True
        assert params["scaling_l1"] == 0.0
    for name in ("ConvClassifier", "ConvRegressor"):
        params = getattr(skneural, name)().get_params()
        assert params["anneal_fraction"] == 0.0 and params["refit"] is False


@pytest.mark.parametrize(
    ("param", "value", "match"),
    [
        ("numeric_embedding", "periodical", r"numeric_embedding.*'periodic'"),
        ("numeric_embedding", True, r"numeric_embedding.*None, 'periodic'"),
        ("batch_size", "big", r"batch_size.*integer >= 1 or 'auto'"),
        ("batch_size", 0, r"batch_size.*integer >= 1 or 'auto'.*batch_size=0"),
        ("early_stopping", "yes", r"early_stopping.*True, False or 'auto'"),
        ("refit", "yes", r"refit.*True, False or 'auto'.*refit='yes'"),
        ("learning_rate", "fast", r"learning_rate.*number in \(0, inf\) or 'auto'"),
        ("learning_rate", 0.0, r"learning_rate.*or 'auto'.*learning_rate=0.0"),
        ("scaling_layer", "yes", r"scaling_layer.*True or False.*'yes'"),
        ("scaling_l1", -0.1, r"scaling_l1.*number in \[0, inf\).*-0.1"),
        ("scaling_l1", "lasso", r"scaling_l1.*number in \[0, inf\).*'lasso'"),
    ],
)
def test_bad_values_are_refused_and_leave_the_estimator_unfitted(param, value, match):
    X = np.random.default_rng(0).normal(size=(30, 2))
    est = tiny("NeuralRegressor", **{param: value})
    with pytest.raises(InvalidParameterError, match=match):
        est.fit(X, X[:, 0])
    assert not hasattr(est, "n_iter_") and not hasattr(est, "feature_encoder_")
