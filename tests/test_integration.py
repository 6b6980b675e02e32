"""skneural estimators inside scikit-learn's tools."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import BOTH, outputs, tiny
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import BaggingRegressor, StackingRegressor, VotingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def test_pipeline_with_preprocessing(iris):
    X, y = iris
    pipe = make_pipeline(StandardScaler(), tiny("NeuralClassifier", epochs=20)).fit(
        X, y
    )
    assert pipe.score(X, y) > 0.9


def test_grid_search_over_architecture_and_training(regression_data):
    X, y = regression_data
    grid = GridSearchCV(
        tiny("NeuralRegressor", epochs=3),
        {
            "hidden_layer_sizes": [(8,), (8, 4)],
            "dropout": [0.0, 0.2],
            "learning_rate": [0.01, 0.05],
        },
        cv=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 8
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert grid.best_estimator_.n_iter_ == 3


def test_cross_val_score_is_stratified_for_the_classifier(iris):
    X, y = iris
    order = np.argsort(y)  # sorted labels: unstratified folds would miss classes
    X, y = X[order], y[order]
    scores = cross_val_score(tiny("NeuralClassifier", epochs=15), X, y, cv=3)
    assert scores.min() > 0.6
    expected = cross_val_score(
        tiny("NeuralClassifier", epochs=15), X, y, cv=StratifiedKFold(3)
    )
    np.testing.assert_allclose(scores, expected)


def test_calibrated_classifier(binary_data):
    X, y = binary_data
    cal = CalibratedClassifierCV(tiny("NeuralClassifier", epochs=5), cv=3).fit(X, y)
    assert cal.predict_proba(X).shape == (len(X), 2)


def test_voting_classifier_soft(iris):
    X, y = iris
    vote = VotingClassifier(
        [
            ("net", tiny("NeuralClassifier", epochs=10)),
            ("lr", LogisticRegression(max_iter=500)),
        ],
        voting="soft",
    ).fit(X, y)
    assert vote.score(X, y) > 0.85


def test_bagging_stacking_multioutput_and_transformed_target(regression_data):
    X, y = regression_data
    bag = BaggingRegressor(
        tiny("NeuralRegressor", epochs=3), n_estimators=2, random_state=0
    )
    assert bag.fit(X, y).predict(X).shape == (len(X),)
    stack = StackingRegressor(
        [("net", tiny("NeuralRegressor", epochs=3)), ("ridge", Ridge())],
        final_estimator=Ridge(),
        cv=2,
    )
    assert stack.fit(X, y).predict(X).shape == (len(X),)
    Y = np.column_stack([y, y**2])
    multi = MultiOutputRegressor(tiny("NeuralRegressor", epochs=2)).fit(X, Y)
    assert multi.predict(X).shape == (len(X), 2)
    ttr = TransformedTargetRegressor(
        tiny("NeuralRegressor", epochs=20), transformer=StandardScaler()
    )
    assert ttr.fit(X, 1000 * y + 5000).score(X, 1000 * y + 5000) > 0.8


SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import joblib, numpy as np
    from sklearn.datasets import load_iris
    X, _ = load_iris(return_X_y=True)
    est = joblib.load(sys.argv[1])
    out = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    np.save(sys.argv[2], out)
    """
)


@pytest.mark.parametrize("name", BOTH)
def test_joblib_round_trip_in_a_fresh_process(name, iris, tmp_path):
    import joblib

    X, y = iris
    est = tiny(name, epochs=3, hidden_layer_sizes=(8, 8), dropout=0.1).fit(X, y)
    expected = outputs(est, X)
    path = tmp_path / "est.joblib"
    joblib.dump(est, path)
    script = tmp_path / "load.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out.npy"
    subprocess.run(
        [sys.executable, str(script), str(path), str(out)], check=True, timeout=300
    )
    np.testing.assert_array_equal(np.load(out), expected)
