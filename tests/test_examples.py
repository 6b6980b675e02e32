"""The documented examples run (briefly) and show what they claim."""

import importlib.util
from pathlib import Path

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_transfer_learning_example(capsys):
    results = load("transfer_learning").main(["--epochs", "15"])
    out = capsys.readouterr().out
    assert set(results) == {
        "fine-tuned (frozen base)",
        "fine-tuned (all layers)",
        "from scratch",
    }
    assert (
        "frozen layers kept frozen: ['scale', 'features_1', 'features_2', 'digits']"
        in out
    )
    assert all(0.0 <= v <= 1.0 for v in results.values())


def test_compare_with_sklearn_example_table(monkeypatch, capsys):
    module = load("compare_with_sklearn")
    small = {"wine": module.DATASETS["wine"], "diabetes": module.DATASETS["diabetes"]}
    monkeypatch.setattr(module, "DATASETS", small)
    rows = module.main(["--folds", "2", "--epochs", "5"])
    assert {r["dataset"] for r in rows} == {"wine", "diabetes"}
    assert len(rows) == 4
    assert "skneural NeuralClassifier" in capsys.readouterr().out
