"""Datasets that install offline. Nothing here downloads.

Fashion-MNIST comes from the Debian package ``dataset-fashion-mnist``
(``apt-get install -y dataset-fashion-mnist``), which puts the official gzip
idx files under ``/usr/share/datasets/fashion-mnist/``.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from ..exceptions import DataError, MissingFileError

#: Where the Debian package puts the files.
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

#: Label names of Fashion-MNIST, by class index.
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049


def load_fashion_mnist(data_dir: str | os.PathLike | None = None):
    """Load Fashion-MNIST's official train / test split from local files.

    Parameters
    ----------
    data_dir : path-like, default=None
        Folder holding the four ``*-idx*-ubyte.gz`` files. Default: the
        ``SKNEURAL_FASHION_MNIST_DIR`` environment variable, else
        ``/usr/share/datasets/fashion-mnist`` (the Debian package's place).

    Returns
    -------
    (X_train, y_train), (X_test, y_test)
        ``X_*``: uint8 arrays of shape (60000, 28, 28) and (10000, 28, 28),
        pixel values 0-255; ``y_*``: uint8 class indices 0-9, named in
        :data:`FASHION_MNIST_CLASSES`. The same layout as
        ``keras.datasets.fashion_mnist.load_data()``, without the download.

    Raises
    ------
    FileNotFoundError
        When the files are not there; the message gives the install command.
    ValueError
        When a file is not a valid idx file (truncated or corrupt).

    Examples
    --------
    >>> from skneural.app.datasets import load_fashion_mnist
    >>> (X_train, y_train), (X_test, y_test) = load_fashion_mnist()  # doctest: +SKIP
    >>> X_train.shape, X_test.shape  # doctest: +SKIP
    ((60000, 28, 28), (10000, 28, 28))
    """
    folder = Path(
        data_dir or os.environ.get("SKNEURAL_FASHION_MNIST_DIR") or FASHION_MNIST_DIR
    )
    missing = [
        name
        for pair in _FILES.values()
        for name in pair
        if not (folder / name).is_file()
    ]
    if missing:
        raise MissingFileError(
            f"Fashion-MNIST is not installed: {', '.join(missing)} not found in "
            f"{folder}. Install the Debian package with `sudo apt-get install -y "
            "dataset-fashion-mnist`, or pass data_dir= (or set "
            "SKNEURAL_FASHION_MNIST_DIR) to a folder with the four idx .gz files. "
            "skneural never downloads data."
        )
    out = []
    for images, labels in _FILES.values():
        X = _read_idx(folder / images, _IMAGES_MAGIC)
        y = _read_idx(folder / labels, _LABELS_MAGIC)
        if len(X) != len(y):
            raise DataError(
                f"{folder / images} has {len(X)} images but {folder / labels} has "
                f"{len(y)} labels: the files do not belong together. Reinstall "
                "them (apt-get install --reinstall dataset-fashion-mnist)."
            )
        out.append((X, y))
    return tuple(out)


def _read_idx(path: Path, magic: int) -> np.ndarray:
    """Read one gzip idx file (big-endian header, then uint8 data)."""
    hint = "Reinstall it (apt-get install --reinstall dataset-fashion-mnist)."
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as exc:
        raise DataError(f"{path} is not a readable gzip file ({exc}). {hint}") from exc
    ndim = magic - 2048
    header = 4 * (1 + ndim)
    found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    if found != magic or len(raw) < header:
        raise DataError(
            f"{path} is not an idx file of {ndim}-D uint8 data "
            f"(magic number {found}, expected {magic}). {hint}"
        )
    shape = tuple(
        int.from_bytes(raw[4 * i : 4 * i + 4], "big") for i in range(1, ndim + 1)
    )
    size = int(np.prod(shape))
    if len(raw) - header != size:
        raise DataError(
            f"{path} holds {len(raw) - header} bytes of data, but its header "
            f"announces shape {shape} ({size} bytes): the file is truncated or "
            f"corrupt. {hint}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape).copy()
