"""scipy.sparse X: accepted, scaled without centring, made dense in chunks."""

import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from conftest import BOTH, outputs, tiny
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import get_tags

import skneural
import skneural.base
from skneural._loop import sparse_chunk_rows
from skneural.base import BaseNeuralEstimator
from skneural.features import TableEncoder
from skneural.inference import chunk_rows


def one_hot_problem(n=300, seed=0):
    """Sparse one-hot X (4 columns of 5 categories), a binary and a real target."""
    rng = np.random.default_rng(seed)
    X = OneHotEncoder().fit_transform(rng.integers(0, 5, size=(n, 4)))
    score = X @ rng.normal(size=X.shape[1])
    return X, (score > np.median(score)).astype(int), score


def wide_sparse(n, width, per_row, seed=0):
    """A CSR matrix of ``per_row`` random values per row at random columns."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), per_row)
    columns = rng.integers(0, width, size=n * per_row)
    values = rng.uniform(-1, 1, size=n * per_row)
    return sp.csr_matrix((values, (rows, columns)), shape=(n, width))


def target(name, problem):
    _, labels, score = problem
    return labels if name == "NeuralClassifier" else score


@pytest.fixture
def densified(monkeypatch):
    """Record the rows of every sparse-to-dense conversion; refuse more than
    ``densified.limit`` rows at once."""

    class Record(list):
        limit = None

    seen = Record()
    for cls in (sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.csc_array):
        original = cls.toarray

        def toarray(self, *args, _original=original, **kwargs):
            seen.append(self.shape[0])
            if seen.limit is not None and self.shape[0] > seen.limit:
                raise AssertionError(
                    f"{self.shape[0]} rows made dense at once (limit {seen.limit})"
                )
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "toarray", toarray)
    return seen


def test_tags():
    for name in BOTH:
        assert get_tags(tiny(name)).input_tags.sparse
    for name in ("ConvClassifier", "KerasRegressor"):
        assert not get_tags(tiny(name)).input_tags.sparse


@pytest.mark.parametrize("name", BOTH)
def test_fits_and_predicts(name):
    X, y = one_hot_problem()[0], target(name, one_hot_problem())
    est = tiny(name, epochs=20).fit(X, y)
    assert est.score(X, y) > 0.9
    assert est.n_features_in_ == 20
    assert not hasattr(est, "feature_names_in_")
    assert est.predict(X).shape == (300,)
    # the scale of each column: its largest |value| (one-hot columns: 1)
    np.testing.assert_array_equal(est.feature_encoder_.scale_, np.ones(20))


@pytest.mark.parametrize("name", BOTH)
def test_same_as_dense_but_for_the_scaling(name, monkeypatch):
    """Sparse X trains on the rows a dense fit visits, in the same order.

    What differs is the scaling alone: dense columns are centred on their
    median, divided by a robust spread and smoothly clipped; sparse ones are
    only divided by their largest |value|. For one-hot columns (median 0,
    range 1) the dense scaling without clipping is the same, and so is the
    fitted network, to the last bit.
    """
    problem = one_hot_problem()
    Xs, y = problem[0], target(name, problem)
    X = Xs.toarray()
    weights = np.random.default_rng(1).uniform(0.5, 2.0, size=len(y))
    # the same network for both: sparse input gets no numeric embedding
    params = dict(early_stopping=True, epochs=8, numeric_embedding=None)
    if name == "NeuralRegressor":  # sparse input has no blend: compare networks
        params["linear_blend"] = False
    sparse = tiny(name, **params).fit(Xs, y, sample_weight=weights)
    dense = tiny(name, **params).fit(X, y, sample_weight=weights)
    # as they are: close (the clipping turns the dense 1s into 0.95)
    assert np.abs(outputs(sparse, Xs) - outputs(dense, X)).max() < 0.3
    assert abs(sparse.score(Xs, y) - dense.score(X, y)) < 0.05

    unclipped = TableEncoder(categorical_features=None, clip=np.inf)
    monkeypatch.setattr(
        BaseNeuralEstimator,
        "_feature_encoder_for",
        lambda self, X, original=BaseNeuralEstimator._feature_encoder_for: (
            original(self, X) if sp.issparse(getattr(X, "matrix", None)) else unclipped
        ),
    )
    sparse = tiny(name, **params).fit(Xs, y, sample_weight=weights)
    dense = tiny(name, **params).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(outputs(sparse, Xs), outputs(dense, X))
    # the validation loss is averaged over batches of other sizes
    assert sparse.history_.keys() == dense.history_.keys()
    for key, values in sparse.history_.items():
        np.testing.assert_allclose(values, dense.history_[key], rtol=1e-6)


def test_every_sparse_format_gives_the_same_network():
    X, y, _ = one_hot_problem(n=120)
    X = sp.csr_matrix(X.multiply(np.linspace(-3, 3, 20)))  # negative values too
    expected = tiny(epochs=2).fit(X, y).predict_proba(X)
    for make in (sp.csc_matrix, sp.coo_matrix, sp.lil_matrix, sp.csr_array):
        est = tiny(epochs=2).fit(make(X), y)
        np.testing.assert_array_equal(est.predict_proba(make(X)), expected)
    scale = np.abs(X).max(axis=0).toarray().ravel()
    np.testing.assert_allclose(est.feature_encoder_.scale_, scale, rtol=1e-6)


def test_zero_columns_and_dense_input_after_a_sparse_fit():
    X, y, _ = one_hot_problem(n=100)
    X = sp.hstack([X * 4.0, sp.csr_matrix((100, 1))]).tocsr()  # an all-zero column
    est = tiny(epochs=2).fit(X, y)
    np.testing.assert_array_equal(est.feature_encoder_.scale_, [4.0] * 20 + [1.0])
    # dense X is scaled as the sparse training data were
    np.testing.assert_array_equal(est.predict_proba(X.toarray()), est.predict_proba(X))


@pytest.mark.parametrize("unit", [1e300, 1e-300])
def test_values_beyond_float32_keep_their_scaled_size(unit):
    from skneural._sparse import SparseRows, SparseScaler

    X = sp.csr_array(np.array([[1.0, 0.0], [0.0, 2.0], [-4.0, 0.5]]) * unit)
    scaler = SparseScaler().fit(SparseRows(X))
    out = scaler.transform(SparseRows(X)).matrix.toarray()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.25, 0], [0, 1], [-1, 0.25]], rtol=1e-6)
    np.testing.assert_allclose(scaler.transform(X.toarray()), out)
    # a value far beyond the training range: float32's largest, not infinity
    far = scaler.transform(np.array([[unit * 1e50 if unit < 1 else 1e308, 0.0]]))
    assert np.isfinite(far).all() and far[0, 0] > (1e30 if unit < 1 else 1e7)


def test_sparse_input_after_a_dense_fit():
    X, y, _ = one_hot_problem(n=100)
    est = tiny(epochs=2).fit(pd.DataFrame(X.toarray()).add_prefix("c"), y)
    expected = est.predict_proba(X.toarray())
    with pytest.warns(UserWarning, match="feature names"):
        np.testing.assert_array_equal(est.predict_proba(X), expected)
    with pytest.warns(UserWarning, match="feature names"):
        est.partial_fit(X, y)  # continues with the dense fit's scaling
    assert est.n_iter_ == 3
    est.fit(X, y)  # a new fit on sparse X: no column names any more
    assert not hasattr(est, "feature_names_in_")


def test_pipeline_with_one_hot_encoder():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"a": rng.choice(list("abcde"), 300), "b": rng.choice(list("xyz"), 300)}
    )
    y = np.where(frame.a.isin(["a", "b"]) ^ (frame.b == "x"), "yes", "no")
    pipe = make_pipeline(OneHotEncoder(handle_unknown="ignore"), tiny(epochs=20))
    pipe.fit(frame, y)
    assert sp.issparse(pipe[0].transform(frame))  # OneHotEncoder's default
    assert pipe[-1].n_features_in_ == 8
    assert pipe.score(frame, y) > 0.95
    unseen = pd.DataFrame({"a": ["q"], "b": ["x"]})  # an all-zero row
    assert pipe.predict(unseen)[0] in {"yes", "no"}


@pytest.mark.parametrize("compiled_loop", [True, False])
def test_never_made_dense_whole(densified, monkeypatch, compiled_loop):
    """Training makes dense a chunk of whole batches at a time (the compiled
    loop) or one batch at a time (model.fit); prediction one chunk at a time."""
    n, width = 600, 20_000
    rng = np.random.default_rng(0)
    X = wide_sparse(n, width, per_row=3)
    y = np.asarray(X[:, : width // 2].sum(axis=1)).ravel() > 0
    weights = rng.uniform(0.5, 2.0, size=n)
    train_rows = sparse_chunk_rows(width, 32) if compiled_loop else 32
    assert 32 < sparse_chunk_rows(width, 32) < n * 0.9  # the validation split
    assert chunk_rows(width) < n
    densified.limit = max(train_rows, chunk_rows(width))
    if not compiled_loop:
        monkeypatch.setattr(skneural.base, "fast_loop_applies", lambda *a: False)
    est = tiny(epochs=2, batch_size=32, early_stopping=True)
    # without label smoothing, no temperature to learn (below)
    est.set_params(label_smoothing=0.0)
    est.fit(X, y, sample_weight=weights).partial_fit(X, y)
    assert max(densified) == train_rows  # training and validation rows
    densified.clear()
    assert est.predict_proba(X).shape == (n, 2) and est.score(X, y) > 0.5
    assert max(densified) == chunk_rows(width) and sum(densified) >= n
    densified.clear()
    # the temperature's outputs of the validation rows: within the limit too
    # (the fixture refuses more rows at once)
    est.set_params(label_smoothing="auto").fit(X, y)
    assert est.temperature_ != 1.0


def test_model_fit_trains_sparse_rows_as_the_compiled_loop(monkeypatch):
    """Where the compiled loop does not apply (here: a callback acting on each
    batch), ``model.fit`` gets dense batches in the same order."""
    X, y, _ = one_hot_problem()
    batches = []
    counter = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batches.append(batch)
    )
    compiled = tiny(epochs=3, early_stopping=True).fit(X, y)
    monkeypatch.setattr(skneural.base, "fast_loop_applies", lambda *a: False)
    with_fit = tiny(epochs=3, early_stopping=True, callbacks=[counter]).fit(X, y)
    assert len(batches) == 3 * 9  # 270 training rows in batches of 32
    np.testing.assert_allclose(
        with_fit.predict_proba(X), compiled.predict_proba(X), rtol=1e-5, atol=1e-7
    )
    np.testing.assert_allclose(
        with_fit.history_["val_loss"], compiled.history_["val_loss"], rtol=1e-5
    )


def test_memory_stays_within_batches():
    """A matrix whose dense form needs 800 MB trains and predicts in a few batches.

    A batch is 16 rows (2.5 MB dense), a prediction chunk 64 rows (10 MB). On
    JAX, Keras's training loop leaves each batch to the garbage collector, so
    a dozen or so may be alive at once (about 40 MB).
    """
    import tracemalloc

    n, width = 5_000, 40_000
    X = wide_sparse(n, width, per_row=2)
    y = np.asarray(X[:, : width // 2].sum(axis=1)).ravel()
    est = tiny("NeuralRegressor", epochs=1, batch_size=16, hidden_layer_sizes=(4,))
    est.fit(X[:200], y[:200]).predict(X[:200])  # compile outside the measurement
    tracemalloc.start()
    try:
        est.fit(X, y)
        est.predict(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * n * width / 10  # a tenth of the dense matrix


@pytest.mark.parametrize("name", BOTH)
def test_partial_fit_and_warm_start(name):
    problem = one_hot_problem()
    X, y = problem[0], target(name, problem)
    est = tiny(name)
    for start in range(0, 300, 100):
        rows = slice(start, start + 100)
        if name == "NeuralClassifier":
            est.partial_fit(X[rows], y[rows], classes=[0, 1])
        else:
            est.partial_fit(X[rows], y[rows])
    assert est.n_iter_ == 3 and len(est.history_["loss"]) == 3
    warm = tiny(name, epochs=3, warm_start=True, refit=False).fit(X, y)
    first = outputs(warm, X)
    warm.fit(X.tocsc(), y)
    assert warm.n_iter_ == 6
    assert not np.array_equal(outputs(warm, X), first)


@pytest.mark.parametrize("name", BOTH)
@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
def test_bad_sparse_input_is_refused_and_changes_nothing(name):
    problem = one_hot_problem(n=100)
    X, y = problem[0].tocsr(), target(name, problem)
    est = tiny(name, epochs=1).fit(X, y)
    expected = outputs(est, X)
    state = {k: v for k, v in vars(est).items() if k != "_lease"}
    with_nan, with_inf = X.copy(), X.copy()
    with_nan.data[3] = np.nan
    with_inf.data[[3, 5]] = np.inf
    wide = sp.hstack([X, X]).tocsr()
    cases = [
        (with_nan, r"sparse matrix holding 1 NaN value.*SimpleImputer"),
        (with_inf, r"sparse matrix holding 2 infinite value.*clip"),
        (X * 1e39, r"infinite value\(s\) \(or values beyond float32's range"),
        (wide, r"X has 40 features, but \w+ is expecting 20 .*same OneHotEncoder"),
    ]
    for bad, match in cases:
        calls = [est.partial_fit, lambda X, y: est.predict(X)]
        if bad is not wide:  # a new fit may change the width
            calls.append(est.fit)
        for call in calls:
            with pytest.raises(ValueError, match=match):
                call(bad, y)
            assert {k: v for k, v in vars(est).items() if k != "_lease"} == state
    np.testing.assert_array_equal(outputs(est, X), expected)


@pytest.mark.parametrize("name", ["ConvClassifier", "KerasClassifier"])
def test_other_estimators_still_refuse_sparse(name):
    X, y, _ = one_hot_problem(n=20)
    with pytest.raises(TypeError, match=r"Sparse data was passed.*toarray"):
        tiny(name).fit(X, y)


def test_save_and_load(tmp_path):
    X, y, _ = one_hot_problem(n=100)
    est = tiny(epochs=2).fit(X, y)
    est.save(tmp_path / "m.skn")
    back = skneural.load(tmp_path / "m.skn")
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
