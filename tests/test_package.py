"""The package itself: imports, side effects, the missing-backend error."""

import doctest
import os
import subprocess
import sys
import textwrap

import pytest

import skneural


def run(code, **env):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
        timeout=300,
    )


def test_public_names():
    assert set(skneural.__all__) >= {
        "ConvClassifier",
        "ConvRegressor",
        "NeuralClassifier",
        "NeuralRegressor",
        "InvalidParameterError",
    }


@pytest.mark.parametrize(
    "name", ["NeuralClassifier", "NeuralRegressor", "ConvClassifier", "ConvRegressor"]
)
def test_docstring_examples_run(name):
    estimator = getattr(skneural, name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder(recurse=False).find(estimator, name, globs={}):
        runner.run(test)
    assert runner.tries > 0 and runner.failures == 0


def test_import_patches_nothing_in_keras():
    result = run(
        """
        import keras
        def snapshot():
            return {
                name: dict(vars(getattr(keras, name)))
                for name in ("Model", "Sequential", "layers", "callbacks", "optimizers")
                if hasattr(keras, name)
            }
        before = snapshot()
        import skneural
        after = snapshot()
        assert before.keys() == after.keys()
        for name in before:
            assert before[name].keys() == after[name].keys(), name
            changed = [k for k in before[name] if before[name][k] is not after[name][k]]
            assert not changed, (name, changed)
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_missing_backend_names_the_extra():
    # jax is not installed in the test environment; pretend it is chosen
    result = run(
        """
        import sys
        sys.modules["jax"] = None  # make `import jax` fail even where jax exists
        import skneural
        """,
        KERAS_BACKEND="jax",
    )
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "skneural[jax]" in result.stderr
