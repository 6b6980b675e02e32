"""What a network builder needs to know about the data, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Meta:
    """Metadata of the training data, handed to network builders.

    Builders are pure functions of ``(hyperparameters, meta)``; everything
    they may depend on about the data is here, explicitly.

    Parameters
    ----------
    n_features_in : int
        Number of features per sample (the product of ``input_shape``).
    input_shape : tuple of int
        Shape of one sample as the network sees it.
    target_type : str
        ``"continuous"``, ``"continuous-multioutput"``, ``"binary"``,
        ``"multiclass"`` or ``"multilabel-indicator"`` (scikit-learn's
        ``type_of_target`` names).
    n_outputs : int
        Number of target columns the user passed (1 for a 1-D ``y``).
    output_units : int
        Width of the network's output layer.
    output_activation : str
        Activation of the output layer (``"linear"``, ``"sigmoid"``,
        ``"softmax"``).
    classes : tuple or None
        Sorted class labels for single-label classification, else ``None``.
    target_mean : tuple of float or None
        Mean of each encoded target column over the training data, used to
        start the output layer at the data's baseline.
    categories : tuple of int, default=()
        For tables with categorical columns: the rows of each one's
        embedding table (room for its codes, which are the last
        ``len(categories)`` input columns; see
        :class:`skneural.features.TableEncoder` and
        :func:`skneural.architectures.table.embedding_rows`).
    numeric_features : int or None, default=None
        How many leading input columns are numeric features that a numeric
        embedding may take (a table's numbers, not its missing-value flags;
        0 for sparse input); ``None``: every column before the codes.
    """

    n_features_in: int
    input_shape: tuple[int, ...]
    target_type: str
    n_outputs: int
    output_units: int
    output_activation: str
    classes: tuple | None = None
    target_mean: tuple[float, ...] | None = None
    categories: tuple[int, ...] = ()
    numeric_features: int | None = None

    @property
    def n_classes(self) -> int | None:
        """Number of classes for single-label classification, else ``None``."""
        return None if self.classes is None else len(self.classes)

    def output_bias(self) -> np.ndarray | None:
        """Bias that makes the untrained network predict the target's baseline.

        The mean for linear outputs, the logit of the positive rate for
        sigmoid outputs and the log prior for softmax outputs. Starting there
        removes the first epochs' work of finding the target's scale.
        """
        if self.target_mean is None:
            return None
        mean = np.asarray(self.target_mean, dtype=np.float64)
        if self.output_activation == "linear":
            return mean.astype(np.float32)
        p = np.clip(mean, 1e-6, 1 - 1e-6)
        if self.output_activation == "sigmoid":
            return np.log(p / (1 - p)).astype(np.float32)
        return (np.log(p) - np.log(p).mean()).astype(np.float32)
