"""Tables as they come: TableEncoder and the dense estimators on raw DataFrames."""

from __future__ import annotations

import gc
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import tiny
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

import skneural
from skneural import InvalidParameterError
from skneural._pool import POOL
from skneural.features import RARE, UNKNOWN, TableEncoder


@pytest.fixture(scope="module")
def table():
    """Numbers on a large scale with gaps, text with missing values, a
    category, booleans, and a target that needs all of them."""
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "income": rng.lognormal(10, 1, n),
            "town": rng.choice(["north", "south", "east", None], n),
            "kind": pd.Categorical(rng.choice(["flat", "house"], n)),
            "garden": rng.random(n) > 0.5,
            "rooms": rng.integers(1, 6, n).astype(float),
        }
    )
    frame.loc[::9, "income"] = np.nan
    signal = (
        (frame["town"] == "north").to_numpy(float) * 2
        + (frame["kind"] == "house").to_numpy(float)
        + frame["garden"].to_numpy(float)
        - (frame["rooms"].to_numpy() > 3)
    )
    return frame, signal


# --- the encoder ---------------------------------------------------------------


def test_encoder_finds_the_kinds_of_columns_and_codes_categories(table):
    frame, _ = table
    enc = TableEncoder(min_frequency=1).fit(frame)
    assert enc.categorical_columns_ == [1, 2, 3]  # text, category, bool
    assert enc.numeric_columns_ == [0, 4]
    assert enc.missing_indicators_ == [0]  # income has gaps, rooms none
    assert enc.n_numeric_out_ == 3
    assert [list(c) for c in enc.categories_] == [
        ["east", "north", "south"],
        ["flat", "house"],
        [False, True],
    ]
    assert enc.cardinalities_ == (5, 4, 4)
    out = enc.transform(frame)
    assert out.dtype == np.float32 and out.shape == (len(frame), 6)
    # missing income: the median (0 after centring) and its indicator
    gaps = frame["income"].isna().to_numpy()
    assert np.all(out[gaps, 0] == 0) and np.all(out[gaps, 2] == 1)
    assert np.all(out[~gaps, 2] == 0)
    # codes: 2, 3, ... in sorted order; a missing value is the reserved 0
    town = frame["town"].to_numpy()
    assert np.all(out[town == "east", 3] == 2) and np.all(out[town == "south", 3] == 4)
    assert np.all(out[pd.isna(town), 3] == UNKNOWN)
    assert list(enc.get_feature_names_out()) == [
        "income",
        "rooms",
        "missing_income",
        "town",
        "kind",
        "garden",
    ]


def test_continuous_columns_come_first_and_flags_after_them():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "member": rng.integers(0, 2, 50).astype(float),  # a 0/1 flag
            "age": rng.normal(40, 9, 50),
            "constant": np.full(50, 3.0),
            "gap_flag": np.where(rng.random(50) < 0.2, np.nan, rng.integers(0, 2, 50)),
            "income": rng.lognormal(size=50),
        }
    )
    enc = TableEncoder().fit(frame)
    assert enc.numeric_columns_ == [1, 4, 0, 2, 3]
    assert enc.n_continuous_ == 2
    names = list(enc.get_feature_names_out())
    assert names == [
        "age",
        "income",
        "member",
        "constant",
        "gap_flag",
        "missing_gap_flag",
    ]
    out = enc.transform(frame)
    alone = TableEncoder().fit(frame[["member"]]).transform(frame[["member"]])
    np.testing.assert_array_equal(out[:, 2], alone[:, 0])  # scaled as before
    # a plain array of the same numbers takes the same path and order
    array = TableEncoder().fit(frame.to_numpy())
    np.testing.assert_allclose(array.transform(frame.to_numpy()), out)
    with pytest.raises(ValueError, match=r"infinity \(column '1'\)"):
        array.transform(np.where(np.arange(5) == 1, np.inf, frame.to_numpy()))


def test_only_columns_with_more_than_two_values_are_embedded():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 2, (200, 3)), rng.normal(size=(200, 2))])
    est = tiny("NeuralRegressor", numeric_embedding="periodic", epochs=1)
    est.fit(X, X[:, 3] + X[:, 0])
    assert est.model_.get_layer("periodic_embedding").n_numeric == 2


def test_unseen_and_rare_categories_get_the_reserved_codes():
    train = pd.DataFrame({"c": ["a"] * 6 + ["b"] * 6 + ["rare"] * 2})
    enc = TableEncoder(min_frequency=5).fit(train)
    assert list(enc.categories_[0]) == ["a", "b"]
    codes = enc.transform(pd.DataFrame({"c": ["a", "b", "rare", "never", None]}))
    assert codes[:, 0].tolist() == [2, 3, RARE, UNKNOWN, UNKNOWN]


def test_numbers_are_robustly_scaled_and_smoothly_clipped():
    values = np.r_[np.arange(100.0), 1e9]  # one huge outlier
    enc = TableEncoder(clip=3.0).fit(pd.DataFrame({"x": values}))
    assert enc.center_[0] == pytest.approx(50.0)
    out = enc.transform(pd.DataFrame({"x": values}))[:, 0]
    assert np.all(np.diff(out) > 0)  # order kept
    assert np.abs(out).max() <= 3.0  # the outlier stays within the clip scale
    assert out[50] == pytest.approx(0.0, abs=1e-6)
    unclipped = TableEncoder(clip=np.inf).fit(pd.DataFrame({"x": values}))
    assert unclipped.transform(pd.DataFrame({"x": [1e9]}))[0, 0] > 1e6


@pytest.mark.parametrize("unit", [1e300, 1e-300, 1e-40])
def test_numbers_beyond_float32_keep_their_values(unit, monkeypatch):
    """Units beyond float32's range, or a spread below its smallest numbers,
    are scaled in float64: the values stay, nothing becomes "missing"."""
    import skneural.features as features

    monkeypatch.setattr(features, "SCALE_BLOCK_ROWS", 7)  # several blocks
    values = np.r_[np.arange(-50.0, 50.0), np.nan]
    frame = pd.DataFrame({"x": values * unit, "y": values})
    enc = TableEncoder(clip=3.0, min_frequency=1).fit(frame)
    out = enc.transform(frame)
    assert np.isfinite(out).all()
    # the column in odd units is encoded as the same column in plain ones
    np.testing.assert_allclose(out[:, 0], out[:, 1], rtol=1e-6, atol=1e-6)
    assert np.all(np.diff(out[:100, 0]) > 0)
    assert out[100, 0] == 0 and out[:, 2].tolist() == [0.0] * 100 + [1.0]


def test_a_huge_value_against_a_tiny_spread_is_clipped_not_missing():
    enc = TableEncoder(clip=3.0).fit(pd.DataFrame({"x": np.arange(100.0) * 1e-300}))
    out = enc.transform(pd.DataFrame({"x": [1e300, -1e300, np.nan]}))
    assert out[:, 0].tolist() == pytest.approx([3.0, -3.0, 0.0], abs=1e-6)


def test_values_beyond_float32_in_an_ordinary_column_are_bent_not_missing():
    enc = TableEncoder(clip=3.0).fit(pd.DataFrame({"x": np.arange(100.0)}))
    assert enc._float32_safe()  # an ordinary column: scaled in float32
    out = enc.transform(pd.DataFrame({"x": [1e39, -1e39, 1e20, np.nan]}))[:, 0]
    assert out.tolist() == pytest.approx([3.0, -3.0, 3.0, 0.0], abs=1e-6)


def test_unclipped_numbers_beyond_float32_become_its_largest():
    frame = pd.DataFrame({"x": np.r_[np.arange(100.0), 1e300]})
    out = TableEncoder(clip=np.inf).fit_transform(frame)[:, 0]
    assert out[-1] == np.finfo(np.float32).max and np.isfinite(out).all()


def test_constant_and_empty_spread_columns_do_not_divide_by_zero():
    frame = pd.DataFrame({"const": [5.0] * 20, "spiky": [0.0] * 19 + [10.0]})
    out = TableEncoder().fit_transform(frame)
    assert np.isfinite(out).all()
    assert np.all(out[:, 0] == 0)


def test_an_empty_column_encodes_quietly_as_missing():
    frame = pd.DataFrame({"x": np.arange(20.0), "empty": [np.nan] * 20})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "All-NaN slice" would fail it
        encoder = TableEncoder().fit(frame)
        out = encoder.transform(frame)
    assert np.isfinite(out).all()
    assert list(encoder.get_feature_names_out()) == ["x", "empty", "missing_empty"]
    np.testing.assert_array_equal(out[:, 1:], np.c_[np.zeros(20), np.ones(20)])


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("auto", [1, 2, 3]),
        (["town", "kind", "garden", "rooms"], [1, 2, 3, 4]),
        ([1, 2, 3, -1], [1, 2, 3, 4]),
        ([False, True, True, True, True], [1, 2, 3, 4]),
    ],
)
def test_categorical_features_by_name_position_or_mask(table, spec, expected):
    enc = TableEncoder(categorical_features=spec).fit(table[0])
    assert enc.categorical_columns_ == expected
    assert len(enc.cardinalities_) == len(expected)


def test_categorical_features_none_reads_every_column_as_numbers(table):
    numbers_only = table[0][["income", "garden", "rooms"]]
    enc = TableEncoder(categorical_features=None).fit(numbers_only)
    assert enc.categorical_columns_ == [] and enc.cardinalities_ == ()
    assert enc.transform(numbers_only).shape == (len(numbers_only), 4)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"categorical_features": ["twon"]}, r"no column 'twon'. Did you mean 'town'"),
        ({"categorical_features": [9]}, r"positions below 5 .* Received: 9"),
        ({"categorical_features": [True, False]}, r"one entry per column \(5\), got 2"),
        ({"min_frequency": 0}, r"integer >= 1. Received: min_frequency=0"),
        ({"clip": -1.0}, r"positive number .* Received: clip=-1.0"),
    ],
)
def test_encoder_parameters_are_checked(table, params, match):
    with pytest.raises(InvalidParameterError, match=match):
        TableEncoder(**params).fit(table[0])


def test_encoder_refuses_infinity_and_changed_columns(table):
    frame, _ = table
    with pytest.raises(ValueError, match=r"'kind', 'garden'.* name them there too"):
        TableEncoder(categorical_features=["town"]).fit(frame.astype({"garden": str}))
    enc = TableEncoder().fit(frame)
    bad = frame.head(3).assign(rooms=[1.0, np.inf, 2.0])
    with pytest.raises(ValueError, match=r"infinity \(column 'rooms'\)"):
        enc.transform(bad)
    with pytest.raises(ValueError, match="X has 4 features, but TableEncoder is"):
        enc.transform(frame.iloc[:, :4])
    with pytest.raises(ValueError, match=r"'rooms' hold text, but were numeric"):
        enc.transform(frame.head(2).assign(rooms=["many", "few"]))


# --- the estimators on raw tables ----------------------------------------------


@pytest.mark.parametrize("name", ["NeuralClassifier", "NeuralRegressor"])
def test_estimators_learn_from_a_raw_table(table, name):
    frame, signal = table
    y = (signal > 1).astype(int) if name == "NeuralClassifier" else signal * 1000.0
    est = tiny(name, epochs=40, hidden_layer_sizes=(32,)).fit(frame, y)
    assert isinstance(est.feature_encoder_, TableEncoder)
    assert list(est.feature_names_in_) == list(frame.columns)
    assert est.n_features_in_ == 5
    assert "table_embedding" in [layer.name for layer in est.model_.layers]
    score = est.score(frame, y)
    assert score > (0.9 if name == "NeuralClassifier" else 0.8), score


def test_unseen_categories_at_prediction_time(table):
    frame, signal = table
    est = tiny("NeuralClassifier", epochs=5).fit(frame, signal > 1)
    new = frame.head(4).copy()
    new["town"] = ["atlantis", None, "north", "utopia"]
    proba = est.predict_proba(new)
    assert proba.shape == (4, 2) and np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


def test_an_array_of_the_tables_values_is_read_by_position(table):
    """After a fit on a DataFrame, an array with its text is read column by
    column, as scikit-learn's estimators read an array (with their warning)."""
    frame, signal = table
    est = tiny("NeuralClassifier", epochs=3).fit(frame, signal > 1)
    values = frame.to_numpy(dtype=object)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        proba = est.predict_proba(values)
    np.testing.assert_allclose(proba, est.predict_proba(frame), rtol=1e-6)
    with pytest.warns(UserWarning, match="valid feature names"):
        assert est.score(values.tolist(), signal > 1) == est.score(frame, signal > 1)
    with (
        pytest.warns(UserWarning, match="valid feature names"),
        pytest.raises(ValueError, match="X has 4 features, but NeuralClassifier"),
    ):
        est.predict(values[:, :4])
    numbers = tiny("NeuralClassifier", epochs=1).fit(frame[["rooms"]], signal > 1)
    with pytest.raises(ValueError, match="needs numeric features, but X contains"):
        numbers.predict(values[:, [1]])  # fitted on numbers alone: text refused


def test_high_cardinality_columns_are_embedded_not_one_hot():
    rng = np.random.default_rng(1)
    n = 3000
    frame = pd.DataFrame({"id": [f"user{i % 500}" for i in range(n)]})
    frame["x"] = rng.normal(size=n)
    est = tiny("NeuralRegressor", epochs=1).fit(frame, frame["x"] * 2)
    (card,) = est.feature_encoder_.cardinalities_
    assert card == 500 + 2  # each user seen 6 times: none rare
    # the input stays two columns wide; the embedding is a table, not columns
    assert est.model_.input_shape == (None, 2)


def test_arrays_are_scaled_as_numbers(iris):
    X, y = iris
    est = tiny("NeuralClassifier").fit(X * 1000, y)  # unscaled numbers
    enc = est.feature_encoder_
    assert enc.categorical_columns_ == [] and enc.missing_indicators_ == []
    np.testing.assert_allclose(enc.center_, np.median(X * 1000, axis=0), rtol=1e-5)
    assert "table_embedding" not in [layer.name for layer in est.model_.layers]
    assert est.score(X * 1000, y) > 0.8  # trains as on scaled numbers
    # naming columns of an array makes them categorical
    codes = np.c_[X, (X[:, 0] > 5.8).astype(float)]
    named = tiny("NeuralClassifier", categorical_features=[4]).fit(codes, y)
    assert named.feature_encoder_.categorical_columns_ == [4]


def test_a_frame_of_numbers_is_read_as_the_same_array_would_be(iris):
    X, y = iris
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    from_frame = tiny("NeuralClassifier").fit(frame, y)
    from_array = tiny("NeuralClassifier").fit(X, y)
    np.testing.assert_array_equal(
        from_frame.predict_proba(frame), from_array.predict_proba(X)
    )
    # with missing values, the table encoder imputes them, and flags those
    # of a column missing at least min_frequency (5) times
    gappy = frame.copy()
    gappy.iloc[:5, 1] = np.nan
    gappy.iloc[0, 2] = np.nan
    est = tiny("NeuralClassifier").fit(gappy, y)
    assert isinstance(est.feature_encoder_, TableEncoder)
    assert est.feature_encoder_.missing_indicators_ == [1]
    assert np.isfinite(est.predict_proba(gappy)).all()


def test_a_table_fit_is_reproducible_and_survives_save_and_pickle(table, tmp_path):
    frame, signal = table
    est = tiny("NeuralClassifier", epochs=3).fit(frame, signal > 1)
    again = clone(est).fit(frame, signal > 1)
    np.testing.assert_array_equal(est.predict_proba(frame), again.predict_proba(frame))
    path = tmp_path / "table.skn"
    skneural.save(est, path)
    loaded = skneural.load(path)
    np.testing.assert_allclose(loaded.predict_proba(frame), est.predict_proba(frame))
    unpickled = pickle.loads(pickle.dumps(est))
    np.testing.assert_allclose(unpickled.predict_proba(frame), est.predict_proba(frame))


def test_cross_validation_on_a_raw_table(table):
    frame, signal = table
    scores = cross_val_score(tiny("NeuralClassifier", epochs=20), frame, signal > 1)
    assert scores.mean() > 0.85


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_bad_tables_get_clear_errors(table):
    frame, signal = table
    est = tiny("NeuralClassifier", epochs=1)
    dated = frame.assign(when=pd.Timestamp("2026-01-01"))
    with pytest.raises(ValueError, match=r"column\(s\) 'when': dates"):
        est.fit(dated, signal > 1)
    # a table of numbers and dates alone (no categories, nothing missing)
    numbers = frame.select_dtypes("number")
    for column in (
        pd.date_range("2026-01-01", periods=len(frame)),
        pd.to_timedelta(np.arange(len(frame)), unit="h"),
        pd.period_range("2026-01", periods=len(frame), freq="M"),
    ):
        with pytest.raises(ValueError, match=r"column\(s\) 'when': dates, periods"):
            est.fit(numbers.assign(when=column), signal > 1)
    assert not hasattr(est, "n_features_in_")
    fitted = tiny("NeuralClassifier", epochs=1).fit(frame, signal > 1)
    with pytest.raises(ValueError, match="Feature names seen at fit time, yet now"):
        fitted.predict(frame.iloc[:, :4])
    with pytest.raises(ValueError, match="X has 4 features, but NeuralClassifier"):
        fitted.predict(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="Found input variables with inconsistent"):
        est.fit(frame, (signal > 1)[:-1])


def test_one_embedding_table_computes_what_one_table_per_column_does():
    from skneural.architectures.table import TableEmbedding

    cards, dims = (3, 7, 2), (2, 5, 2)
    rng = np.random.default_rng(0)
    x = np.column_stack(
        [rng.normal(size=(6, 2))] + [rng.integers(-1, c + 2, 6) for c in cards]
    ).astype("float32")  # codes outside 0..n-1 are clipped, as before
    per_column = TableEmbedding(2, cards, dims)
    one = TableEmbedding(2, cards, dims, one_table=True)
    per_column.build(x.shape)
    one.build(x.shape)
    assert len(one.weights) == 1 and len(per_column.weights) == 3
    table = np.zeros((sum(cards), max(dims)), "float32")
    start = 0
    for weight, n, d in zip(per_column.weights, cards, dims, strict=True):
        table[start : start + n, :d] = weight.numpy()
        start += n
    one.weights[0].assign(table)
    np.testing.assert_allclose(one(x), per_column(x), rtol=1e-6)
    assert one(x).shape == (6, 2 + sum(dims))
    # Saved models name the layout; configs without it read the old one.
    assert TableEmbedding.from_config(one.get_config()).one_table
    config = per_column.get_config()
    config.pop("one_table")
    assert not TableEmbedding.from_config(config).one_table


def test_few_categories_start_as_their_one_hot_code():
    from skneural.architectures.table import (
        TableEmbedding,
        embedding_dims,
        embedding_layout,
    )

    cards = (4, 40, 3)
    dims, one_hot = embedding_layout(cards)
    assert one_hot == (True, False, True)
    assert dims == (4, embedding_dims([40])[0], 3)
    x = np.array([[0.5, 2, 7, 0], [-1.0, 3, 39, 2]], "float32")
    for one_table in (True, False):
        layer = TableEmbedding(1, cards, dims, one_table=one_table, one_hot=one_hot)
        out = np.asarray(layer(x))
        assert out.shape == (2, 1 + sum(dims))
        np.testing.assert_array_equal(out[:, 0], x[:, 0])
        np.testing.assert_array_equal(out[:, 1:5], np.eye(4)[[2, 3]])
        np.testing.assert_array_equal(out[:, -3:], np.eye(3)[[0, 2]])
        many = out[:, 5:-3]  # the 40-code column: a small random embedding
        assert 0 < np.abs(many).max() < 0.5
    # Saved models name the one-hot columns; configs without them had none.
    config = layer.get_config()
    assert TableEmbedding.from_config(config).one_hot == one_hot
    config.pop("one_hot")
    assert TableEmbedding.from_config(config).one_hot == (False,) * 3


def test_embedding_tables_have_room_beyond_the_codes():
    from skneural.architectures.table import embedding_layout, embedding_rows

    codes = (4, 8, 9, 13, 81, 200, 256)
    seen = (4, 10, 15, 20, 125, 260, 300)
    rows = embedding_rows(codes, seen)
    # one-hot columns: every category seen (rare ones too), at most 12 rows;
    # wider columns: the next power of two
    assert rows == (4, 10, 12, 16, 128, 256, 256)
    assert embedding_rows(codes) == (4, 8, 9, 16, 128, 256, 256)
    # the one-hot columns stay one-hot, the others do not become one-hot
    assert embedding_layout(rows)[1] == embedding_layout(codes)[1]


def test_folds_with_different_rare_values_share_one_network():
    rng = np.random.default_rng(0)
    n = 400
    low = rng.choice(["a", "b"], n).astype(object)
    low[:6] = "c"  # frequent in the first fold's rows, rare in the second's
    high = rng.choice([f"v{i}" for i in range(20)], n).astype(object)
    high[6:12] = "w"  # likewise: 21 frequent categories, then 20
    x = rng.normal(size=n)
    x[[0, 1]] = np.nan  # missing twice in the first fold's rows, never after
    frame = pd.DataFrame({"low": low, "high": high, "x": x})
    y = (np.nan_to_num(x) > 0) ^ (low == "a")
    first, second = np.arange(0, 300), np.r_[3:9, 300:400, 100:294]
    POOL.clear()
    est = tiny("NeuralClassifier", epochs=1).fit(frame.iloc[first], y[first])
    net, cards = est._network, est.feature_encoder_.cardinalities_
    del est
    gc.collect()
    other = tiny("NeuralClassifier", epochs=1).fit(frame.iloc[second], y[second])
    # the encoders differ; the network's shape does not: it is reused
    assert other.feature_encoder_.cardinalities_ != cards
    assert other.feature_encoder_.missing_indicators_ == []
    assert other._network is net
    assert np.isfinite(other.predict_proba(frame)).all()


def test_without_a_numeric_embedding_the_count_of_numbers_does_not_matter():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    X[:, 3] = rng.integers(0, 2, 300)  # two values in the first rows ...
    X[250:, 3] = 2.0  # ... three in the others: continuous there
    y = X[:, 0] > 0
    first, second = np.arange(200), np.arange(100, 300)
    POOL.clear()
    params = dict(epochs=1, numeric_embedding=None)
    est = tiny("NeuralClassifier", **params).fit(X[first], y[first])
    net, counted = est._network, est.feature_encoder_.n_continuous_
    del est
    gc.collect()
    other = tiny("NeuralClassifier", **params).fit(X[second], y[second])
    assert other.feature_encoder_.n_continuous_ != counted
    assert other._network is net
    # with the embedding, the columns it takes are part of the network
    del other
    gc.collect()
    params["numeric_embedding"] = "periodic"
    est = tiny("NeuralClassifier", **params).fit(X[first], y[first])
    net = est._network
    del est
    gc.collect()
    other = tiny("NeuralClassifier", **params).fit(X[second], y[second])
    assert other._network is not net
    assert other.model_.get_layer("periodic_embedding").n_numeric == 4


def test_a_one_hot_column_must_be_as_wide_as_its_codes():
    from skneural.architectures.table import TableEmbedding

    with pytest.raises(
        InvalidParameterError, match=r"must equal its number of codes.*\[1\]"
    ):
        TableEmbedding(2, (3, 5), (3, 4), one_hot=(True, True))


def test_the_built_network_one_hot_codes_small_columns(table):
    frame, signal = table
    est = tiny("NeuralRegressor", epochs=1).fit(frame, signal)
    layer = est.model_.get_layer("table_embedding")
    assert layer.one_hot == tuple(n <= 12 for n in layer.cardinalities)
    assert any(layer.one_hot)


def _starting_table(frame, signal):
    """The embedding table a fit starts from (one step of a vanishing rate)."""
    est = tiny("NeuralRegressor", epochs=1, learning_rate=1e-12, ensemble_size=1).fit(
        frame, signal
    )
    layer = est._network.model.get_layer("table_embedding")
    return layer, np.asarray(layer.table)


def test_every_fit_starts_small_columns_as_their_one_hot_codes(table):
    frame, signal = table
    # the first fit builds the network, the next ones restart it from the pool
    starts = [_starting_table(frame, signal) for _ in range(3)]
    for layer, value in starts:
        first = 0
        for n, hot in zip(layer.cardinalities, layer.one_hot, strict=True):
            block = value[first : first + n]
            if hot:
                expected = np.zeros_like(block)
                expected[:, :n] = np.eye(n)
                np.testing.assert_allclose(block, expected, atol=1e-6)
            first += n
    assert starts[1][0] is starts[2][0]  # one pooled network, restarted
