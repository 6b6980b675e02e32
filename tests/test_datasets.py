"""skneural.app.datasets: Fashion-MNIST from the Debian package, never downloaded."""

import gzip
import os

import numpy as np
import pytest
from conftest import tiny

from skneural.app.datasets import (
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_DIR,
    load_fashion_mnist,
)

INSTALLED = all(
    (FASHION_MNIST_DIR / name).is_file()
    for name in ("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
)
needs_data = pytest.mark.skipif(
    not INSTALLED and not os.environ.get("CI"),
    reason="apt-get install -y dataset-fashion-mnist (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def fashion():
    return load_fashion_mnist()


@needs_data
def test_official_split(fashion):
    (X_train, y_train), (X_test, y_test) = fashion
    assert X_train.shape == (60_000, 28, 28) and X_test.shape == (10_000, 28, 28)
    assert X_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [6_000] * 10
    assert np.bincount(y_test).tolist() == [1_000] * 10
    assert len(FASHION_MNIST_CLASSES) == 10
    assert 0 < X_train.mean() < 255


@needs_data
def test_a_small_slice_trains(fashion):
    (X_train, y_train), (X_test, y_test) = fashion
    X = X_train[:2_000].reshape(2_000, -1) / 255.0
    clf = tiny(
        "NeuralClassifier", hidden_layer_sizes=(64,), epochs=8, learning_rate=0.003
    )
    clf.fit(X, y_train[:2_000])
    assert clf.score(X_test[:1_000].reshape(1_000, -1) / 255.0, y_test[:1_000]) > 0.7


def test_missing_files_give_the_install_command(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"apt-get install -y dataset-fashion"):
        load_fashion_mnist(tmp_path)


def _write(path, payload: bytes):
    with gzip.open(path, "wb") as f:
        f.write(payload)


def _fake_dir(tmp_path, n_train=3, n_test=2, truncate=False):
    def images(n):
        body = np.arange(n * 4, dtype=np.uint8).tobytes()
        body = body[:-1] if truncate else body
        return (
            (2051).to_bytes(4, "big")
            + b"".join(d.to_bytes(4, "big") for d in (n, 2, 2))
            + body
        )

    def labels(n):
        return (2049).to_bytes(4, "big") + n.to_bytes(4, "big") + bytes(range(n))

    _write(tmp_path / "train-images-idx3-ubyte.gz", images(n_train))
    _write(tmp_path / "train-labels-idx1-ubyte.gz", labels(n_train))
    _write(tmp_path / "t10k-images-idx3-ubyte.gz", images(n_test))
    _write(tmp_path / "t10k-labels-idx1-ubyte.gz", labels(n_test))
    return tmp_path


def test_reads_any_folder_of_idx_files(tmp_path, monkeypatch):
    (X, y), (Xt, yt) = load_fashion_mnist(_fake_dir(tmp_path))
    assert X.shape == (3, 2, 2) and Xt.shape == (2, 2, 2)
    assert (
        yt.tolist() == [0, 1]
        and y.tolist() == [0, 1, 2]
        and X[1].ravel().tolist() == [4, 5, 6, 7]
    )
    monkeypatch.setenv("SKNEURAL_FASHION_MNIST_DIR", str(tmp_path))
    assert load_fashion_mnist()[0][0].shape == (3, 2, 2)


def test_truncated_or_garbage_files_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"truncated or corrupt"):
        load_fashion_mnist(_fake_dir(tmp_path, truncate=True))
    _fake_dir(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match=r"not a readable gzip file.*--reinstall"):
        load_fashion_mnist(tmp_path)
    _write(tmp_path / "t10k-labels-idx1-ubyte.gz", b"\x00\x00\x08\x03" + bytes(12))
    with pytest.raises(ValueError, match=r"magic number 2051, expected 2049"):
        load_fashion_mnist(tmp_path)
