"""Every public estimator, fed fuzzed (mostly bad) data by hypothesis.

The property: each call (``fit``, then ``predict``, ``predict_proba`` and
``score`` where ``fit`` worked) either works, with finite outputs of the
right shape (probabilities in [0, 1], rows summing to one for single-label
targets), or raises a ValueError / TypeError whose message names the problem.
Input that is certainly invalid (NaN, strings, datetimes, no samples, lengths
that differ, ...) must raise. A ``fit``, ``partial_fit`` or ``warm_start`` fit
that fails leaves a fitted estimator exactly as it was.

Input that is certainly valid (tame numbers of a shape the estimator takes,
well-formed targets) must work: ``fit`` succeeds and every output is checked.
Each property counts its valid cases and asserts that there were enough of
them, so a change that refused all data (or all predictions) fails the run.

The examples are derandomized (seeded from each test), so runs try mostly the
same cases; the number tried is fixed and printed at the end of the run
(``test_fuzz: N cases tried``). Hypothesis's generator still adapts a little
from run to run, so how many of them were valid data varies slightly: the
properties assert lower bounds well below what they draw.
"""

from __future__ import annotations

import copy
import datetime
import re
import traceback
from collections import Counter

import hypothesis.extra.numpy as hnp
import hypothesis.extra.pandas as hpd
import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from conftest import ESTIMATOR_NAMES, tiny
from hypothesis import HealthCheck, Phase, given, settings

pytestmark = pytest.mark.filterwarnings("ignore")

KINDS = ESTIMATOR_NAMES
F32_MAX = float(np.finfo(np.float32).max)
#: Regressors that standardize the target in fit: a huge one trains.
STANDARDIZING = ("NeuralRegressor", "ConvRegressor")
#: Values that probe the edges of floating point.
SPECIALS = (
    np.nan,
    np.inf,
    -np.inf,
    1e300,
    -float(np.finfo(np.float64).max),
    float(np.finfo(np.float64).max),
    3e38,  # finite in float32, but overflows in any arithmetic
    5e-324,  # the smallest subnormal
    1e-310,
    -0.0,
)
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float16", "float32", "float64")
#: Messages of errors leaked from inside a library instead of naming the
#: problem (matched at the start: a message may quote one as its reason).
LEAKY = re.compile(
    "|".join(
        [
            r"'.*' not supported between instances",
            r"float\(\) argument must be",
            r"could not convert string to float",
            r"setting an array element with a sequence",
            r"unhashable type",
            r"\w+ index out of range",
            r"'.*' object has no attribute",
            r"Exception encountered when calling",
            r"Arguments `target` and `output`",
            r"Graph execution error",
            r"Dimensions must be equal",
            r"operands could not be broadcast",
            r"cannot reshape array",
            r"Weights sum to zero",
        ]
    )
)

CASES: Counter = Counter()  # examples run, per property
VALID: Counter = Counter()  # of which the input was certainly valid
WORKED: Counter = Counter()  # of which the first call succeeded


def fuzz_settings(max_examples: int):
    """Deterministic hypothesis settings for network-training properties."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        # Shrinking re-trains networks hundreds of times; a derandomized
        # failing example is reproducible as it is.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


@pytest.fixture(scope="module", autouse=True)
def _report_cases(request):
    """Print how many cases the properties tried, once the module is done."""
    yield
    total = sum(CASES.values())
    if not total:
        return
    detail = ", ".join(
        f"{name}: {n}"
        + (f" ({VALID[name]} valid, {WORKED[name]} worked)" if name in VALID else "")
        for name, n in sorted(CASES.items())
    )
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line(f"test_fuzz: {total} cases tried ({detail})")


# ---------------------------------------------------------------- estimators
def make(kind: str, **params):
    """The tiny estimator of ``kind``, made smaller still: one epoch, 4 units."""
    small = {"epochs": 1}
    if kind.startswith("Keras"):
        small["hidden"] = 4
    else:
        small["hidden_layer_sizes"] = (4,)
    if kind.startswith("Conv"):
        small.update(filters=(2,), reduce_lr_on_plateau=False)
    return tiny(kind, **{**small, **params})


def is_classifier(kind: str) -> bool:
    return kind.endswith("Classifier")


def is_conv(kind: str) -> bool:
    return kind.startswith("Conv")


def params_for(kind: str):
    """Hyperparameters that change how data is read or split."""
    if is_conv(kind):
        return st.fixed_dictionaries(
            {},
            optional={
                "conv_dims": st.sampled_from(["auto", 1, 2]),
                "image_shape": st.sampled_from([None, (2, 2), (4, 4), (3,)]),
            },
        )
    if kind.startswith("Neural"):
        optional = {"early_stopping": st.booleans(), "batch_size": st.just(-1)}
        if is_classifier(kind):
            optional["class_weight"] = st.just("balanced")
        return st.fixed_dictionaries({}, optional=optional)
    return st.just({})


# ------------------------------------------------------------------- checks
def attempt(call, *, valid: bool = False):
    """Run ``call``: ``(True, result)``, or ``(False, error)`` for a clear error.

    Any other exception fails the test, as does a ValueError / TypeError
    whose message is empty, vague or leaked from inside a library, and any
    error at all when the input is ``valid``.
    """
    try:
        return True, call()
    except (ValueError, TypeError) as exc:
        if valid:
            raise AssertionError(
                f"valid input refused: {type(exc).__name__}: {str(exc)[:500]}"
            ) from exc
        check_message(exc)
        return False, exc


def check_message(exc: BaseException) -> None:
    message = str(exc)
    where = traceback.extract_tb(exc.__traceback__)[-1].filename
    assert len(message) >= 20, f"vague {type(exc).__name__}: {message!r}"
    assert not LEAKY.match(message), (
        f"{type(exc).__name__} leaked from inside a library: {message[:300]!r}"
    )
    for library in ("/keras/", "/tensorflow/", "/jax/", "/torch/"):
        assert library not in where, (
            f"{type(exc).__name__} raised inside {where}: {message[:300]!r}"
        )


def n_samples(X) -> int:
    return len(X) if not isinstance(X, np.ndarray) else X.shape[0]


def check_fitted_outputs(est, X, y, *, valid: bool = False) -> None:
    """Predict on ``X`` (which ``fit`` accepted) and check every output.

    When the data is ``valid`` every call must work.
    """
    n = n_samples(X)
    ok, pred = attempt(lambda: est.predict(X), valid=valid)
    if ok:
        check_predictions(est, pred, n, np.shape(y))
    if hasattr(est, "predict_proba"):
        ok, proba = attempt(lambda: est.predict_proba(X), valid=valid)
        if ok:
            check_probabilities(est, proba, n)
    ok, score = attempt(lambda: est.score(X, y), valid=valid)
    if ok:
        assert np.isfinite(score), f"score is {score}"


def check_predictions(est, pred, n: int, y_shape) -> None:
    pred = np.asarray(pred)
    if is_classifier(type(est).__name__):
        if est.target_encoder_.mode_ == "multilabel":
            assert pred.shape == (n, len(est.classes_))
            assert pred.dtype.kind in "iub", f"indicators of dtype {pred.dtype}"
            assert np.isin(pred, (0, 1)).all()
        else:
            assert pred.shape == (n,)
            assert pred.dtype == est.classes_.dtype, (pred.dtype, est.classes_.dtype)
            assert np.isin(pred, est.classes_).all(), "a label that is not a class"
    else:
        assert pred.shape == (n, *y_shape[1:]), (pred.shape, y_shape)
        assert pred.dtype.kind == "f", f"predictions of dtype {pred.dtype}"
        assert np.isfinite(pred).all(), "NaN or infinite predictions"


def check_probabilities(est, proba, n: int) -> None:
    proba = np.asarray(proba)
    assert proba.shape == (n, len(est.classes_))
    assert proba.dtype.kind == "f", f"probabilities of dtype {proba.dtype}"
    assert np.isfinite(proba).all(), "NaN or infinite probabilities"
    assert ((proba >= 0) & (proba <= 1)).all(), "probabilities outside [0, 1]"
    if est.target_encoder_.mode_ != "multilabel":
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


# ---------------------------------------------------------------- features
def _with_special(draw, X: np.ndarray) -> np.ndarray:
    """``X`` (float64) with one cell set to an edge-of-float value."""
    X = X.astype(np.float64)
    if X.size:
        X.flat[draw(st.integers(0, X.size - 1))] = draw(st.sampled_from(SPECIALS))
    return X


def _values_ok(X: np.ndarray) -> bool:
    """Whether every value is a finite number that float32 can hold."""
    try:
        values = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return bool(np.all(np.isfinite(values)) and np.all(np.abs(values) <= F32_MAX))


@st.composite
def _frame(draw, n: int, width: int, clean: bool = False):
    """A DataFrame whose columns are numeric, bool, categorical, datetime, ..."""
    columns, ok = {}, True
    rows = hpd.range_indexes(min_size=n, max_size=n)
    kinds = ["float", "int", "bool"]
    if not clean:
        kinds += ["category", "datetime", "text", "Int64"]
    for j in range(width):
        kind = draw(st.sampled_from(kinds))
        if kind in ("float", "int", "bool"):
            dtype, elements = {
                "float": (float, st.floats(-3, 3)),
                "int": (np.int64, st.integers(-5, 5)),
                "bool": (bool, st.booleans()),
            }[kind]
            col = draw(hpd.series(elements=elements, dtype=dtype, index=rows)).values
        elif kind == "category":
            col = pd.Categorical(
                draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
            )
        elif kind == "datetime":
            col = pd.to_datetime(
                draw(
                    st.lists(
                        st.datetimes(
                            min_value=datetime.datetime(1990, 1, 1),
                            max_value=datetime.datetime(2030, 1, 1),
                        ),
                        min_size=n,
                        max_size=n,
                    )
                )
            )
        elif kind == "text":
            col = draw(
                st.lists(st.sampled_from(["1", "x", "2.5"]), min_size=n, max_size=n)
            )
        else:
            col = pd.array(
                draw(
                    st.lists(
                        st.one_of(st.none(), st.integers(0, 3)), min_size=n, max_size=n
                    )
                ),
                dtype="Int64",
            )
            ok = ok and not pd.isna(col).any()
        ok = ok and kind in ("float", "int", "bool", "Int64")
        columns[f"c{j}"] = col
    return pd.DataFrame(columns, index=range(n)), ok


@st.composite
def features(draw, n: int, tails: tuple, *, clean: bool = False, shaped=None):
    """``(X, values_ok)``: fuzzed features for ``n`` samples.

    ``tails`` are the sample shapes the estimator takes; unless ``clean``,
    other shapes (1-D, scalar, no samples, no features, 3-D, 5-D) and values
    (NaN, infinity, huge, subnormal, text, datetimes, objects, ragged lists)
    are drawn too. ``values_ok`` is False when some value is not a finite
    float32 number (so no fit or prediction may succeed); the shape is judged
    by the caller. ``shaped`` (default: ``clean``) keeps to ``tails`` alone.
    """
    wrong_shapes = [(n,), (), (0, 3), (n, 0), (n, 3, 2), (n, 0, 2), (n, 2, 2, 1, 1)]
    shape = draw(
        st.sampled_from(tails).map(lambda t: (n, *t))
        if (clean if shaped is None else shaped)
        else st.one_of(
            st.sampled_from(tails).map(lambda t: (n, *t)), st.sampled_from(wrong_shapes)
        )
    )
    kinds = ["tame", "tame", "small_int", "list"]
    if not clean:
        kinds += [
            "int",
            "special",
            "edge",
            "object",
            "str",
            "datetime",
            "timedelta",
            "frame",
            "ragged",
        ]
    elif len(shape) == 2 and shape[0] > 0:
        kinds.append("frame")
    kind = draw(st.sampled_from(kinds))
    if kind == "tame":
        dtype = draw(st.sampled_from(FLOAT_DTYPES))
        X = draw(hnp.arrays(dtype, shape, elements=st.floats(-3, 3, width=16)))
        return X, True
    if kind == "small_int":
        dtype = draw(st.sampled_from([*INT_DTYPES, "bool"]))
        return draw(hnp.arrays(dtype, shape, elements=st.integers(0, 1))), True
    if kind == "int":
        dtype = draw(st.sampled_from([*INT_DTYPES, "bool"]))
        X = draw(hnp.arrays(dtype, shape))  # the dtype's whole range
        return X, _values_ok(X)
    if kind == "special":
        X = draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
        X = _with_special(draw, X)
        return X, _values_ok(X)
    if kind == "edge":  # hypothesis's own choice of values: NaN, inf, huge, tiny
        X = draw(hnp.arrays(draw(st.sampled_from(FLOAT_DTYPES)), shape))
        return X, _values_ok(X)
    if kind == "object":
        elements = st.one_of(
            st.integers(-3, 3),
            st.floats(-3, 3),
            st.booleans(),
            st.none(),
            st.text(max_size=2),
            st.just(pd.NA),
            st.dates(),
        )
        X = draw(hnp.arrays(object, shape, elements=elements))
        return X, _values_ok(X) and not any(isinstance(v, str) for v in X.ravel())
    if kind == "str":
        return draw(hnp.arrays(hnp.unicode_string_dtypes(max_len=3), shape)), False
    if kind == "datetime":
        return draw(hnp.arrays(hnp.datetime64_dtypes(max_period="D"), shape)), False
    if kind == "timedelta":
        return draw(hnp.arrays(hnp.timedelta64_dtypes(max_period="D"), shape)), False
    if kind == "frame":
        return draw(_frame(n, shape[1] if clean else draw(st.integers(1, 3)), clean))
    X = draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    if kind == "list":
        return X.tolist(), True
    if X.ndim >= 1 and len(X) >= 2 and X.size:  # ragged: one row longer
        rows = X.reshape(len(X), -1).tolist()
        rows[0].append(1.0)
        return rows, False
    return X, True


def tame(X) -> bool:
    """Whether ``X`` holds only plain numbers (float, int or bool arrays, lists
    or DataFrame columns) no larger than 5: values every estimator must take."""
    if isinstance(X, pd.DataFrame):
        if not all(isinstance(dt, np.dtype) and dt.kind in "fiub" for dt in X.dtypes):
            return False  # categories, datetimes, text, nullable integers
        X = X.to_numpy()
    elif isinstance(X, np.ndarray):
        if X.dtype.kind not in "fiub":
            return False
    elif not isinstance(X, list):
        return False
    try:
        values = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return False  # ragged
    return bool(np.all(np.isfinite(values)) and np.all(np.abs(values) <= 5))


def conv_takes(params: dict, tail: tuple) -> bool:
    """Whether a conv estimator with ``params`` takes samples of shape ``tail``:
    rows and images by default, rows and signals with ``conv_dims=1``, images
    with ``conv_dims=2``, and rows of 4 values as ``image_shape=(2, 2)``."""
    image_shape = params.get("image_shape")
    if image_shape is not None:
        return image_shape == (2, 2) and tail == (4,)
    conv_dims = params.get("conv_dims", "auto")
    return conv_dims == "auto" or len(tail) in ((1, 2) if conv_dims == 1 else (2, 3))


def shape_bad(kind: str, X, params: dict, *, fitting: bool) -> bool:
    """Whether ``X`` has a shape ``kind`` can never take."""
    try:
        shape = np.shape(X)
    except ValueError:
        return True  # ragged
    if len(shape) == 0 or 0 in shape or (fitting and shape[0] < 2):
        return True
    if is_conv(kind):
        if len(shape) == 2:
            return params.get("conv_dims") == 2 and params.get("image_shape") is None
        return len(shape) not in (3, 4)
    return len(shape) != 2  # dense layers and the wrappers' dense test models


# ------------------------------------------------------------------ targets
@st.composite
def labels(draw, n: int, *, clean: bool = False):
    """``(y, invalid)``: fuzzed class labels; ``invalid`` means fit must fail.

    ``clean`` labels are valid (at least two classes) when ``n >= 2``.
    """
    kinds = [
        "int",
        "str",
        "bool",
        "float",
        "many",
        "column",
        "multilabel",
        "datetime",
        "categorical",
    ]
    if not clean:
        kinds += [
            "float_nan",
            "single",
            "none",
            "mixed",
            "multioutput",
            "continuous",
            "3d",
            "scalar",
        ]
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        return np.int64(1), True
    if kind == "3d":
        return np.zeros((n, 1, 1), dtype=int), True
    if kind == "multilabel":
        width = draw(st.integers(2, 3))
        y = draw(hnp.arrays(np.int64, (n, width), elements=st.integers(0, 1)))
        y[:, draw(st.integers(0, width - 1))] = draw(st.integers(0, 1))  # constant
        return y, False
    if kind == "multioutput":
        y = draw(hnp.arrays(np.int64, (n, 2), elements=st.integers(0, 2)))
        if n:
            y[0, 0] = 2
        return y, True
    if kind == "many":
        return np.arange(n) * 10, n < 2
    if kind == "continuous":
        return draw(hnp.arrays(np.float64, n, elements=st.floats(0.1, 0.9))), n > 0
    pools = {
        "int": [0, 1, 2, 3],
        "str": ["a", "b", "c"],
        "bool": [True, False],
        "float": [0.0, 1.0, 2.0],
        "float_nan": [0.0, 1.0, np.nan],
        "single": ["only"],
        "none": ["a", "b", None],
        "mixed": [1, "a", 2],
        "column": [0, 1, 2],
        "datetime": [np.datetime64("2020-01-01"), np.datetime64("2021-06-01")],
        "categorical": ["x", "y"],
    }
    values = draw(st.lists(st.sampled_from(pools[kind]), min_size=n, max_size=n))
    if clean and n >= 2 and len(pools[kind]) >= 2:
        values[:2] = pools[kind][:2]
    y = np.array(values, dtype=object if kind in ("none", "mixed") else None)
    if kind == "column":
        y = y[:, None]
    if kind == "categorical":
        y = pd.Categorical(values)
    invalid = len({repr(v) for v in values}) < 2  # a single class
    if kind == "float_nan":
        invalid = invalid or any(v != v for v in values)
    if kind == "none":
        invalid = invalid or None in values
    if kind == "mixed":
        invalid = invalid or len({type(v) for v in values}) > 1
    return y, invalid


@st.composite
def targets(draw, n: int, *, clean: bool = False):
    """``(y, invalid)``: fuzzed regression targets; ``invalid`` means fit must fail."""
    kinds = ["tame", "tame", "bool", "2d", "column"]
    if not clean:
        kinds += [
            "special",
            "edge",
            "int",
            "str",
            "none",
            "datetime",
            "categorical",
            "3d",
            "scalar",
        ]
    kind = draw(st.sampled_from(kinds))
    tame = st.floats(-100, 100)
    if kind == "tame":
        return draw(hnp.arrays(np.float64, n, elements=tame)), False
    if kind == "special":
        y = _with_special(draw, draw(hnp.arrays(np.float64, n, elements=tame)))
        return y, not _values_ok(y)
    if kind == "edge":
        y = draw(hnp.arrays(np.float64, n))
        return y, not _values_ok(y)
    if kind == "int":
        return draw(hnp.arrays(draw(st.sampled_from(INT_DTYPES)), n)), False
    if kind == "bool":
        return draw(hnp.arrays(np.bool_, n)), False
    if kind == "2d":
        return draw(hnp.arrays(np.float64, (n, 2), elements=tame)), False
    if kind == "column":
        return draw(hnp.arrays(np.float64, (n, 1), elements=tame)), False
    if kind == "str":
        return draw(hnp.arrays(np.float64, n, elements=tame)).astype(str), n > 0
    if kind == "none":
        y = draw(hnp.arrays(object, n, elements=st.one_of(st.none(), tame)))
        return y, any(v is None for v in y)
    if kind == "datetime":
        return draw(hnp.arrays(hnp.datetime64_dtypes(max_period="D"), n)), n > 0
    if kind == "categorical":
        values = draw(
            st.lists(st.sampled_from(["low", "high"]), min_size=n, max_size=n)
        )
        return pd.Categorical(values), n > 0
    if kind == "3d":
        return np.zeros((n, 1, 1)), True
    return np.float64(1.0), True


@st.composite
def sample_weights(draw, n: int):
    """``(sample_weight, invalid)``: fuzzed weights (NaN, inf, huge, tiny, text)."""
    kind = draw(
        st.sampled_from(["ok", "special", "special", "length", "negative", "text"])
    )
    if kind == "ok":
        return draw(hnp.arrays(np.float64, n, elements=st.floats(0.1, 10))), False
    if kind == "special":  # NaN and infinity are invalid; huge and tiny are fine
        sw = _with_special(draw, np.ones(n))
        return sw, not np.all(np.isfinite(sw)) or bool(np.any(sw < 0))
    if kind == "length":
        return np.ones(n + 1), True
    if kind == "negative":
        return -np.ones(n), n > 0
    return np.array(["heavy"] * n), n > 0


# --------------------------------------------------------------- properties
#: Sample shapes the conv estimators are fitted on: images, signals, rows.
FIT_TAILS = {
    "ConvClassifier": ((4, 4), (4, 4, 1), (5, 2), (4,)),
    "ConvRegressor": ((4, 4), (3, 3, 2), (5, 2), (4,)),
}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", KINDS)
def test_fit_and_predict_on_fuzzed_data(kind):
    """fit on fuzzed X, y (and sample_weight), then predict, predict_proba, score."""
    tally: Counter = Counter()
    _fit_and_predict(kind, tally)
    # Of the 75 cases, 7 to 40 are valid data and 31 to 39 invalid (by kind;
    # fewest valid for NeuralClassifier, whose drawn batch_size=-1 is refused).
    # The bounds are well below, as the draws change with hypothesis versions
    # and with this test's source. Each valid case asserts that it worked.
    check_tally(tally, least_valid=3, least_invalid=10)


def check_tally(tally: Counter, *, least_valid: int, least_invalid: int) -> None:
    """Enough valid and invalid cases were tried; all valid worked, all
    invalid were refused."""
    assert tally["valid"] >= least_valid, f"too few valid cases: {dict(tally)}"
    assert tally["valid worked"] == tally["valid"], dict(tally)
    assert tally["invalid"] >= least_invalid, f"too few invalid cases: {dict(tally)}"
    assert tally["invalid refused"] == tally["invalid"], dict(tally)


def _weights_tame(sw, n: int) -> bool:
    """Whether ``sample_weight`` is absent, or ``n`` floats in [0.1, 10]."""
    if sw is None:
        return True
    return (
        sw.dtype.kind == "f" and len(sw) == n and bool(np.all((sw >= 0.1) & (sw <= 10)))
    )


@fuzz_settings(max_examples=75)
@given(data=st.data())
def _fit_and_predict(kind, tally, data):
    params = data.draw(params_for(kind), label="params")
    n = data.draw(st.sampled_from([2, 3, 7, 16, 40]), label="n")
    tails = FIT_TAILS.get(kind, ((1,), (2,), (3,)))
    # Each example fuzzes one part of the input (or none, or all of them), so
    # that well-formed data trains often enough to check its outputs too.
    fuzzed = data.draw(
        st.sampled_from(
            [
                "nothing",
                "nothing",
                "X",
                "X",
                "y",
                "y",
                "length",
                "weights",
                "everything",
            ]
        ),
        label="fuzzed",
    )
    X, x_ok = data.draw(
        features(n, tails, clean=fuzzed not in ("X", "everything")), label="X"
    )
    n_y = n
    if fuzzed in ("length", "everything"):
        n_y = data.draw(st.sampled_from([n + 1, n - 1, 0]), label="n_y")
    make_y = labels if is_classifier(kind) else targets
    y, y_invalid = data.draw(
        make_y(n_y, clean=fuzzed not in ("y", "everything")), label="y"
    )
    sw, sw_invalid = None, False
    if fuzzed in ("weights", "everything"):
        sw, sw_invalid = data.draw(sample_weights(n), label="sample_weight")
    invalid = (
        not x_ok
        or y_invalid
        or sw_invalid
        or n_y != n
        or shape_bad(kind, X, params, fitting=True)
    )
    # Certainly valid: tame X of a shape the estimator takes, clean targets
    # (drawn unfuzzed, n of them), tame weights if any, valid hyperparameters.
    valid = (
        tame(X)
        and np.shape(X)[:1] == (n,)
        and np.shape(X)[1:] in tails
        and (not is_conv(kind) or conv_takes(params, np.shape(X)[1:]))
        and fuzzed in ("nothing", "X", "weights")
        and _weights_tame(sw, n)
        and params.get("batch_size") != -1  # an invalid hyperparameter
    )
    assert not (valid and invalid), "a case judged both valid and invalid"
    CASES["fit"] += 1  # counted once every draw is made: a case really tried
    VALID["fit"] += valid
    tally["valid" if valid else "invalid" if invalid else "other"] += 1
    est = make(kind, **params)
    ok, result = attempt(lambda: est.fit(X, y, sample_weight=sw), valid=valid)
    if invalid:
        assert not ok, "fit accepted invalid data"
        tally["invalid refused"] += 1
    if ok:
        WORKED["fit"] += 1
        assert result is est
        check_fitted_outputs(est, X, y, valid=valid)
        tally["valid worked"] += valid


_FITTED: dict = {}


def fitted(kind: str):
    """An estimator of ``kind`` fitted once on tidy data, that data, its predictions."""
    if kind not in _FITTED:
        rng = np.random.default_rng(0)
        X = rng.normal(size=(24, 4, 4) if is_conv(kind) else (24, 3))
        y = (
            np.array(["cat", "dog", "eel"] * 8)
            if is_classifier(kind)
            else rng.normal(size=24)
        )
        est = make(kind).fit(X, y)
        _FITTED[kind] = (est, X, est.predict(X))
    return _FITTED[kind]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", KINDS)
def test_predict_on_fuzzed_X(kind):
    """predict / predict_proba of a fitted estimator on fuzzed X."""
    tally: Counter = Counter()
    _predict_on_fuzzed_X(kind, tally)
    # Of the 100 cases, 29 to 55 are valid X and 35 to 62 invalid (by kind).
    check_tally(tally, least_valid=12, least_invalid=12)


@fuzz_settings(max_examples=100)
@given(data=st.data())
def _predict_on_fuzzed_X(kind, tally, data):
    est, X_fit, predicted = fitted(kind)
    takes = ((4, 4), (4, 4, 1), (16,)) if is_conv(kind) else ((3,),)
    wrong = ((4, 4, 2), (15,), (2, 8)) if is_conv(kind) else ((2,), (5,))
    n = data.draw(st.sampled_from([1, 2, 5, 70]), label="n")  # 70: over one row block
    fuzzed = data.draw(
        st.sampled_from(["nothing", "values", "values", "shape", "everything"]),
        label="fuzzed",
    )
    tails = takes if fuzzed in ("nothing", "values") else takes + wrong
    X, x_ok = data.draw(
        features(
            n,
            tails,
            clean=fuzzed in ("nothing", "shape"),
            shaped=fuzzed in ("nothing", "values"),
        ),
        label="X",
    )
    try:
        shape = np.shape(X)
    except ValueError:  # ragged
        shape = ()
    right = len(shape) >= 2 and shape[0] > 0 and shape[1:] in takes
    invalid = not (x_ok and right)
    valid = right and tame(X)  # certainly valid: tame numbers, the right shape
    CASES["predict"] += 1
    VALID["predict"] += valid
    tally["valid" if valid else "invalid" if invalid else "other"] += 1
    works = []
    for method in ("predict", "predict_proba"):
        if not hasattr(est, method):
            continue
        ok, out = attempt(lambda m=method: getattr(est, m)(X), valid=valid)
        works.append(ok)
        WORKED["predict"] += ok and method == "predict"
        if invalid:
            assert not ok, f"{method} accepted invalid X"
        if ok and method == "predict":
            check_predictions(est, out, shape[0], (shape[0],))
        elif ok:
            check_probabilities(est, out, shape[0])
    tally["valid worked"] += valid and all(works)
    tally["invalid refused"] += invalid and not any(works)
    # predicting (or failing to) changed nothing
    np.testing.assert_array_equal(est.predict(X_fit), predicted)


# ------------------------------------------------- failed fits change nothing
MODES = ("fit", "partial_fit", "warm_start")


def _call(est, mode: str, X, y, sample_weight=None):
    if mode == "partial_fit":
        return est.partial_fit(X, y, sample_weight=sample_weight)
    return est.fit(X, y, sample_weight=sample_weight)


def _state(est, X) -> dict:
    """Everything a failed fit must leave as it was."""
    state = {
        "params": est.get_params(),
        "attributes": dict(vars(est)),
        "history_": copy.deepcopy(est.history_),
        "n_iter_": est.n_iter_,
        "n_features_in_": est.n_features_in_,
        "n_outputs_": est.n_outputs_,
        "predict": est.predict(X),
    }
    if hasattr(est, "predict_proba"):
        state["classes_"] = est.classes_.copy()
        state["predict_proba"] = est.predict_proba(X)
    if hasattr(est, "input_shape_"):
        state["input_shape_"] = est.input_shape_
    return state


def _assert_same_state(est, X, before: dict) -> None:
    after = _state(est, X)
    assert after["params"].keys() == before["params"].keys()
    for key, value in before["params"].items():
        assert after["params"][key] is value or after["params"][key] == value, key
    assert after["attributes"].keys() == before["attributes"].keys()
    for key, value in before["attributes"].items():
        assert after["attributes"][key] is value, f"attribute {key} was replaced"
    for key in ("history_", "n_iter_", "n_features_in_", "n_outputs_", "input_shape_"):
        assert after.get(key) == before.get(key), key
    for key in ("predict", "predict_proba", "classes_"):
        if key in before:  # bit-identical
            np.testing.assert_array_equal(after[key], before[key], err_msg=key)


_BASELINES: dict = {}


def baseline(kind: str, mode: str):
    """A fitted estimator for ``mode``, its training data and its state."""
    if (kind, mode) not in _BASELINES:
        rng = np.random.default_rng(1)
        X = rng.normal(size=(20, 4, 4) if is_conv(kind) else (20, 3))
        y = np.array(["a", "b"] * 10) if is_classifier(kind) else rng.normal(size=20)
        est = make(kind, warm_start=mode == "warm_start")
        if mode == "partial_fit":
            extra = {"classes": ["a", "b"]} if is_classifier(kind) else {}
            est.partial_fit(X, y, **extra)
        else:
            est.fit(X, y)
        _BASELINES[kind, mode] = (est, X, y, _state(est, X))
    return _BASELINES[kind, mode]


@st.composite
def bad_fit_data(draw, kind: str, mode: str, X0: np.ndarray, y0: np.ndarray):
    """``(X, y, sample_weight)`` that every fit of ``mode`` must refuse."""
    clf = is_classifier(kind)
    choices = [
        "special_X",
        "text_X",
        "datetime_X",
        "object_X",
        "no_samples",
        "length",
        "nan_y",
        "weights",
        "1d_X",
        "5d_X",
    ]
    if mode == "fit":
        if not clf:
            choices.append("text_y")
        elif kind != "KerasClassifier":  # which fits one class, as scikeras does
            choices.append("single_class")
    else:  # continued training also refuses data the network was not built for
        choices += ["features", "unknown_label" if clf else "width"]
    if not clf and not (mode == "fit" and kind in STANDARDIZING):
        choices.append("diverging_y")  # passes validation, fails in training
    case = draw(st.sampled_from(choices))
    X, y, sw = X0.copy(), y0.copy(), None
    n = len(X)
    if case == "special_X":
        X = X.astype(np.float64)
        X.flat[draw(st.integers(0, X.size - 1))] = draw(
            st.sampled_from([v for v in SPECIALS if not abs(v) <= F32_MAX])
        )
    elif case == "text_X":
        X = X.astype(str)
    elif case == "datetime_X":
        X = np.full(X.shape, np.datetime64("2024-02-29"))
    elif case == "object_X":
        X = X.astype(object)
        X.flat[draw(st.integers(0, X.size - 1))] = draw(
            st.sampled_from([None, pd.NA, "x", datetime.date(2020, 1, 1), {"a": 1}])
        )
    elif case == "no_samples":
        X, y = X[:0], y[:0]
    elif case == "length":
        y = y[: draw(st.integers(0, n - 1))]
    elif case == "nan_y":
        y = y.astype(object) if clf else y.copy()
        y[draw(st.integers(0, n - 1))] = None if clf else np.nan
    elif case == "weights":
        sw = draw(
            st.sampled_from(
                [np.ones(n - 1), np.full(n, np.nan), -np.ones(n), np.array(["w"] * n)]
            )
        )
    elif case == "1d_X":
        X = X.reshape(n, -1)[:, 0]
    elif case == "5d_X":
        X = X.reshape(n, -1)[:, :1, None, None, None]
    elif case == "single_class":
        y = np.array(["a"] * n)
    elif case == "text_y":
        y = np.array(["1.5"] * n)
    elif case == "features":
        flat = X.reshape(n, -1)
        X = np.hstack([flat, flat[:, :1]])
    elif case == "unknown_label":
        y = y.copy()
        y[0] = "zebra"
    elif case == "width":
        y = np.column_stack([y, y])
    else:  # diverging_y: finite in float32, but the squared error overflows
        y = y * 1e30
    return X, y, sw


@pytest.mark.timeout(180)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", KINDS)
@fuzz_settings(max_examples=20)
@given(data=st.data())
def test_failed_fit_leaves_a_fitted_estimator_unchanged(kind, mode, data):
    """fit / partial_fit / warm_start fit on bad data: an error, and no change."""
    est, X0, y0, before = baseline(kind, mode)
    X, y, sw = data.draw(bad_fit_data(kind, mode, X0, y0), label="bad data")
    CASES["failed_fit"] += 1
    with pytest.raises((ValueError, TypeError)) as info:
        _call(est, mode, X, y, sw)
    check_message(info.value)
    _assert_same_state(est, X0, before)


# ------------------------------------------ bugs the fuzzing found, one by one
@pytest.fixture(scope="module")
def tidy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    return X, X[:, 0] + rng.normal(scale=0.1, size=20)


@pytest.mark.parametrize(
    "X, match",
    [
        (np.full((20, 3), np.datetime64("2024-01-01")), "X holds datetimes"),
        (np.ones((20, 3), dtype="timedelta64[s]"), "X holds time differences"),
        (np.array([[1.0, pd.NA, 2.0]] * 20, dtype=object), r"missing values \(pd.NA"),
        (
            np.array([[1.0, datetime.date(2020, 1, 1), 2.0]] * 20, dtype=object),
            "datetime",
        ),
        (
            np.array([[1.0, {"a": 1}, 2.0]] * 20, dtype=object),
            r"values of type dict \(float\(\) argument",
        ),
        ([[1.0, 2.0, 3.0], [1.0, 2.0]] * 10, "X is ragged"),
    ],
    ids=["datetime64", "timedelta64", "pd.NA", "date", "dict", "ragged"],
)
def test_unusable_features_are_named(tidy, X, match):
    _, y = tidy
    # objects that are no number at all are a TypeError, as in scikit-learn
    error = TypeError if "dict" in match else ValueError
    with pytest.raises(error, match=match):
        make("NeuralRegressor").fit(X, y)
    fitted_reg = make("NeuralRegressor").fit(*tidy)
    with pytest.raises(error, match=match):
        fitted_reg.predict(X)


@pytest.mark.parametrize("kind", ["NeuralRegressor", "NeuralClassifier"])
def test_non_finite_outputs_are_an_error_not_a_prediction(tidy, kind):
    X, y = tidy
    if is_classifier(kind):
        y = np.array([0, 1, 2, 3] * 5)  # softmax of infinite logits is NaN
    # Inputs are scaled and clipped, so only weights can overflow now: huge
    # ones make the outputs of any input infinite (or NaN after softmax).
    est = make(kind).fit(X, y)
    for weight in est._network.model.weights:
        if not weight.path.startswith("scaling/"):  # inputs x 1e30 could be -inf
            weight.assign(np.full(weight.shape, 1e30, dtype="float32"))
    methods = ["predict", "predict_proba"] if is_classifier(kind) else ["predict"]
    for method in methods:
        with pytest.raises(ValueError, match="outputs are NaN or infinite for 2 of 2"):
            getattr(est, method)(X[:2])


def test_extreme_sample_weights_only_count_by_their_ratios(tidy):
    X, y = tidy
    ones = make("NeuralRegressor").fit(X, y).predict(X)
    for scale in (1e308, 5e-324):
        reg = make("NeuralRegressor").fit(X, y, sample_weight=np.full(20, scale))
        np.testing.assert_allclose(reg.predict(X), ones, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="sample_weight must hold numbers"):
        make("NeuralRegressor").fit(X, y, sample_weight=np.array(["heavy"] * 20))
