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
        for name in skneural.__all__:  # the lazy names import their modules
            getattr(skneural, name)
        import skneural.tuning
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
        from skneural import NeuralClassifier
        """,
        KERAS_BACKEND="jax",
    )
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "skneural[jax]" in result.stderr


def test_import_is_light_and_the_names_load_on_first_use():
    result = run(
        """
        import sys
        import skneural
        heavy = ("keras", "tensorflow", "sklearn", "pandas", "skops")
        assert not [m for m in heavy if m in sys.modules], sys.modules.keys()
        assert "NeuralClassifier" in dir(skneural)
        from skneural import NeuralClassifier, NotFittedError, load
        import sklearn.exceptions
        assert NotFittedError is sklearn.exceptions.NotFittedError
        assert NeuralClassifier.__module__ == "skneural.classifier"
        assert "keras" in sys.modules
        try:
            skneural.NeuralClasifier
        except AttributeError as exc:
            assert "NeuralClasifier" in str(exc)
        else:
            raise AssertionError("a misspelt name must raise AttributeError")
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_the_library_keeps_the_users_logging_settings():
    # only the `skneural` command quiets the backends; a program importing
    # skneural and training keeps its own environment and loggers
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CPP_")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import logging, os
                import numpy as np
                logging.getLogger("tensorflow").setLevel(logging.DEBUG)
                from skneural import NeuralRegressor
                NeuralRegressor(hidden_layer_sizes=(4,), epochs=1).fit(
                    np.ones((8, 2)), np.ones(8)
                )
                # (TensorFlow itself may set 1; the command sets 3)
                assert os.environ.get("TF_CPP_MIN_LOG_LEVEL") != "3"
                assert logging.getLogger("tensorflow").level == logging.DEBUG
                print("ok")
                """
            ),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout
