"""Safe saving and loading: est.save / skneural.save / skneural.load.

Every estimator round-trips with identical predictions in a fresh process;
writes are atomic; damaged, tampered and unsafe files are refused.
"""

import json
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import joblib
import keras
import numpy as np
import pytest
from conftest import ESTIMATOR_NAMES, tiny
from keras_models import dense_classifier, dense_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import skneural
from skneural import (
    ConvClassifier,
    ConvRegressor,
    KerasClassifier,
    KerasRegressor,
    ModelFileError,
)

TESTS = str(Path(__file__).parent)
BUILDERS = ["keras_models.dense_classifier", "keras_models.dense_regressor"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:200].astype(np.float32), y[:200]


def _fitted(kind, iris, regression_data, digits):
    Xc, yc = iris
    Xr, yr = regression_data
    Xd, yd = digits
    conv = dict(image_shape=(8, 8, 1), filters=(4,), hidden_layer_sizes=(8,), epochs=1)
    if kind == "NeuralClassifier":
        return tiny("NeuralClassifier", dropout=0.1, batch_normalization=True).fit(
            Xc, yc
        ), Xc
    if kind == "NeuralRegressor":
        return tiny("NeuralRegressor", l2=1e-3).fit(
            Xr, np.c_[yr, -yr]
        ), Xr  # two outputs
    if kind == "ConvClassifier":
        return ConvClassifier(random_state=0, **conv).fit(Xd, yd), Xd
    if kind == "ConvRegressor":
        return ConvRegressor(random_state=0, **conv).fit(Xd, yd / 9.0), Xd
    if kind == "KerasClassifier":
        return KerasClassifier(dense_classifier, epochs=2, random_state=0).fit(
            Xc, yc
        ), Xc
    if kind == "KerasRegressor":
        est = KerasRegressor(dense_regressor, loss="mse", epochs=2, random_state=0)
        return est.fit(Xr, yr), Xr
    if kind == "Pipeline":
        net = TransformedTargetRegressor(
            tiny("NeuralRegressor", early_stopping=True), transformer=StandardScaler()
        )
        return make_pipeline(StandardScaler(), net).fit(Xr, yr * 1000), Xr
    raise AssertionError(kind)


KINDS = [*ESTIMATOR_NAMES, "Pipeline"]

_FRESH = """
import sys, numpy as np, skneural
sys.path.insert(0, {tests!r})
est = skneural.load({path!r}, trusted={trusted!r})
X = np.load({x!r})
out = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
np.save({out!r}, out)
"""


def test_every_estimator_round_trips_in_a_fresh_process(
    iris, regression_data, digits, tmp_path
):
    jobs = []
    for kind in KINDS:
        est, X = _fitted(kind, iris, regression_data, digits)
        path = tmp_path / f"{kind}.skn"
        if kind == "Pipeline":
            skneural.save(est, path)
        else:
            est.save(path)
        expected = (
            est.predict_proba(X) if hasattr(est, "predict_proba") else (est.predict(X))
        )
        np.save(tmp_path / f"{kind}-X.npy", X)
        jobs.append((kind, path, expected))
    script = "".join(
        _FRESH.format(
            tests=TESTS,
            path=str(path),
            trusted=BUILDERS if kind.startswith("Keras") else None,
            x=str(tmp_path / f"{kind}-X.npy"),
            out=str(tmp_path / f"{kind}-out.npy"),
        )
        for kind, path, _ in jobs
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    for kind, _, expected in jobs:
        got = np.load(tmp_path / f"{kind}-out.npy")
        np.testing.assert_array_equal(got, expected, err_msg=kind)


def test_a_pickled_estimator_trains_on_with_the_same_dropout_masks(iris):
    X, y = iris
    est = tiny("NeuralClassifier", dropout=0.3, epochs=3).fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    back.partial_fit(X, y)
    est.partial_fit(X, y)
    assert back.history_["loss"] == est.history_["loss"]
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


def test_random_generator_states_that_do_not_fit_the_network_are_refused(iris):
    X, y = iris
    network = tiny("NeuralClassifier", dropout=0.3, epochs=1).fit(X, y)._network
    states = network.seed_states()
    assert len(states) == 1  # the one dropout layer
    with pytest.raises(ModelFileError, match=r"1 random layers but 2 .* damaged"):
        network.set_seed_states(states * 2)


def test_loaded_estimator_is_complete_and_trains_on(iris, tmp_path):
    X, y = iris
    est = tiny("NeuralClassifier", early_stopping=True, epochs=20).fit(X, y)
    assert est.score(X, y) > 0.9  # chance: 0.33
    est.save(tmp_path / "m.skn")
    back = skneural.load(tmp_path / "m.skn")
    assert back.get_params() == est.get_params()
    for name in ("classes_", "n_features_in_", "n_iter_", "best_epoch_", "n_outputs_"):
        np.testing.assert_array_equal(getattr(back, name), getattr(est, name))
    assert back.history_ == est.history_
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
    # Training on continues where the saved one stopped, weights, optimizer
    # state and dropout's random generators included: exactly as the
    # original continues.
    n_iter = est.n_iter_
    back.partial_fit(X, y)
    est.partial_fit(X, y)
    assert back.n_iter_ == est.n_iter_ == n_iter + 1
    assert back.history_["loss"] == est.history_["loss"]
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
    assert back.history_["loss"][-1] < back.history_["loss"][0] / 2
    assert back.score(X, y) > 0.9
    back.fit(X, y)  # a new fit from the start: as a fresh estimator's
    fresh = tiny("NeuralClassifier", early_stopping=True, epochs=20).fit(X, y)
    assert back.n_iter_ == fresh.n_iter_ <= 20
    np.testing.assert_allclose(back.predict_proba(X), fresh.predict_proba(X))
    assert back.score(X, y) > 0.9


def test_unfitted_estimators_and_keras_objects_in_parameters(iris, tmp_path):
    X, y = iris
    est = tiny(
        "NeuralClassifier",
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        kernel_initializer=keras.initializers.HeNormal(seed=1),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
    )
    est.save(tmp_path / "unfitted.skn")
    back = skneural.load(tmp_path / "unfitted.skn")
    assert not hasattr(back, "model_")
    assert isinstance(back.optimizer, keras.optimizers.Adam)
    assert float(back.optimizer.learning_rate) == pytest.approx(0.003)
    assert back.loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    est.fit(X, y)
    est.save(tmp_path / "fitted.skn")
    back = skneural.load(tmp_path / "fitted.skn")
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


def test_the_saved_precision_is_kept(iris, tmp_path):
    X, y = iris
    est = tiny("NeuralClassifier", precision="mixed_bfloat16").fit(X, y)
    est.save(tmp_path / "m.skn")
    back = skneural.load(tmp_path / "m.skn")
    assert back._network.placement.precision == "mixed_bfloat16"
    assert back._network.placement.device is None  # this machine's default
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


def test_saving_does_not_change_the_estimator(iris, tmp_path):
    X, y = iris
    est = tiny("NeuralClassifier").fit(X, y)
    before = (est.get_params(), est.predict_proba(X), dict(vars(est)))
    est.save(tmp_path / "m.skn")
    assert est.get_params() == before[0]
    np.testing.assert_array_equal(est.predict_proba(X), before[1])
    assert vars(est).keys() == before[2].keys()
    assert all(vars(est)[k] is v for k, v in before[2].items())


def test_callbacks_cannot_be_saved_safely(iris, tmp_path):
    est = tiny("NeuralClassifier", callbacks=[keras.callbacks.EarlyStopping()])
    path = tmp_path / "m.skn"
    path.write_bytes(b"the model saved before")
    with pytest.raises(TypeError, match=r"callbacks\[0\].*set callbacks=None"):
        est.save(path)
    assert path.read_bytes() == b"the model saved before"


def test_an_interrupted_save_leaves_the_old_file(iris, tmp_path, monkeypatch):
    X, y = iris
    path = tmp_path / "m.skn"
    tiny("NeuralClassifier").fit(X, y).save(path)
    good = path.read_bytes()

    def interrupted(model):
        raise KeyboardInterrupt

    monkeypatch.setattr(skneural._modelfile, "_keras_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tiny("NeuralRegressor").fit(*iris).save(path)
    assert path.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.skn"]  # no temp file
    monkeypatch.undo()
    skneural.load(path).predict(X)


def test_pickle_and_joblib_still_work(iris, tmp_path):
    X, y = iris
    est = tiny("NeuralClassifier").fit(X, y)
    joblib.dump(est, tmp_path / "m.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "m.joblib").predict(X), est.predict(X)
    )
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(est)).predict(X), est.predict(X)
    )


# --- refused files ----------------------------------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory, iris):
    X, y = iris
    path = tmp_path_factory.mktemp("saved") / "m.skn"
    tiny("NeuralClassifier").fit(X, y).save(path)
    return path


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _write(path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_truncated_and_garbage_files_are_refused(saved, tmp_path):
    data = saved.read_bytes()
    cut = tmp_path / "cut.skn"
    for size in (10, len(data) // 2, len(data) - 30):
        cut.write_bytes(data[:size])
        with pytest.raises(ModelFileError, match="is damaged"):
            skneural.load(cut)
    junk = tmp_path / "junk.skn"
    junk.write_bytes(os.urandom(5000))
    with pytest.raises(ModelFileError, match="is not a skneural model file"):
        skneural.load(junk)
    empty = tmp_path / "empty.skn"
    empty.write_bytes(b"")
    with pytest.raises(ModelFileError, match="is not a skneural model file"):
        skneural.load(empty)
    with pytest.raises(ModelFileError, match="No such model file"):
        skneural.load(tmp_path / "missing.skn")
    with pytest.raises(ModelFileError, match="it is a folder"):
        skneural.load(tmp_path)


def test_a_pickle_is_refused_where_the_safe_format_is_expected(iris, tmp_path):
    X, y = iris
    est = tiny("NeuralClassifier").fit(X, y)
    for name, dump in (("p.skn", pickle.dump), ("j.skn", joblib.dump)):
        path = tmp_path / name
        if dump is pickle.dump:
            with open(path, "wb") as handle:
                pickle.dump(est, handle)
        else:
            joblib.dump(est, path)
        with pytest.raises(ModelFileError, match=r"is a pickle .* can run any code"):
            skneural.load(path)


def test_a_network_with_a_lambda_layer_is_refused(saved, tmp_path):
    inputs = keras.Input((4,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(keras.layers.Dense(3)(inputs))
    evil = keras.Model(inputs, outputs)
    evil.save(tmp_path / "evil.keras")
    members = _members(saved)
    members["networks/0.keras"] = (tmp_path / "evil.keras").read_bytes()
    path = tmp_path / "tampered.skn"
    _write(path, members)
    with pytest.raises(ModelFileError, match="network 0 holds code"):
        skneural.load(path)


def test_references_to_code_are_refused_unless_trusted(iris, tmp_path):
    X, y = iris
    pipe = make_pipeline(FunctionTransformer(os.getcwd), tiny("NeuralClassifier"))
    path = tmp_path / "pipe.skn"
    skneural.save(pipe, path)  # a reference to os.getcwd, not its code
    with pytest.raises(ModelFileError, match=r"not trusted by default: posix\.getcwd"):
        skneural.load(path)
    assert skneural.load(path, trusted=["posix.getcwd"]).steps[0][1].func is os.getcwd
    est = KerasClassifier(dense_classifier, epochs=1).fit(X, y)
    est.save(tmp_path / "wrapped.skn")
    with pytest.raises(ModelFileError, match=r"keras_models\.dense_classifier"):
        skneural.load(tmp_path / "wrapped.skn")
    back = skneural.load(tmp_path / "wrapped.skn", trusted=BUILDERS)
    np.testing.assert_array_equal(back.predict(X), est.predict(X))


@pytest.mark.parametrize("member", ["object.skops", "networks/0.keras"])
def test_a_damaged_member_is_refused(saved, tmp_path, member):
    # one byte flipped inside a member's compressed data: the archive's
    # directory is intact, the member's CRC check fails when it is read
    data = bytearray(saved.read_bytes())
    with zipfile.ZipFile(saved) as zf:
        info = zf.getinfo(member)
    name_length = int.from_bytes(
        data[info.header_offset + 26 : info.header_offset + 28], "little"
    )
    extra_length = int.from_bytes(
        data[info.header_offset + 28 : info.header_offset + 30], "little"
    )
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    path = tmp_path / "damaged.skn"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"is damaged \(truncated or changed"):
        skneural.load(path)


def test_changed_headers_and_missing_parts_are_refused(saved, tmp_path):
    members = _members(saved)
    cases = {
        "no header": {k: v for k, v in members.items() if k != "skneural.json"},
        "no network": {k: v for k, v in members.items() if not k.startswith("net")},
        "other format": {**members, "skneural.json": b'{"format": "other"}'},
        "future version": {
            **members,
            "skneural.json": json.dumps(
                {**json.loads(members["skneural.json"]), "format_version": 99}
            ).encode(),
        },
        "garbage data": {**members, "object.skops": b"not skops data"},
    }
    messages = {
        "no header": "is damaged",
        "no network": "networks are missing",
        "other format": "is not a skneural model file",
        "future version": "has format version 99",
        "garbage data": "is damaged",
    }
    for case, content in cases.items():
        path = tmp_path / "t.skn"
        _write(path, content)
        with pytest.raises(ModelFileError, match=messages[case]):
            skneural.load(path)


def test_an_unknown_estimator_name_is_refused(saved, tmp_path):
    import skops.io as sio

    data = _members(saved)["object.skops"]
    plain = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    plain.name = "Popen"
    members = {**_members(saved), "object.skops": sio.dumps(plain)}
    path = tmp_path / "t.skn"
    _write(path, members)
    with pytest.raises(ModelFileError, match="unknown estimator 'Popen'"):
        skneural.load(path)


def test_loading_never_unpickles(saved, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("pickle used while loading")

    for name in ("loads", "load", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    monkeypatch.setattr(joblib, "load", refuse)
    skneural.load(saved).predict(np.zeros((2, 4), np.float32))


def test_the_header_says_what_is_inside(saved):
    header = json.loads(_members(saved)["skneural.json"])
    assert header["format"] == "skneural" and header["format_version"] == 1
    assert header["object"] == "NeuralClassifier" and header["networks"] == 1
    assert set(header["versions"]) == {"skneural", "keras", "backend", "scikit-learn"}
