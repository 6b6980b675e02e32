"""The dense-network part shared by NeuralRegressor and NeuralClassifier."""

from __future__ import annotations

import numbers
from dataclasses import replace

from . import _params as P
from .architectures import build_dense_network
from .architectures.dense import numeric_columns
from .training import (
    auto_ensemble_size,
    auto_numeric_embedding,
    resolve_activation,
    resolve_initializer,
)

#: Defaults of NeuralClassifier and NeuralRegressor that differ from the
#: shared ones in the docstrings (chosen on the tabular benchmark panel).
DENSE_DEFAULTS = {
    "batch_size": "auto",
    "early_stopping": "auto",
    "learning_rate": "auto",
    "numeric_embedding": "auto",
    "patience": 5,
    "anneal_fraction": 0.3,
    "refit": "auto",
}


class DenseArchitectureMixin:
    """Validate the multilayer-perceptron hyperparameters and name the builder."""

    def _architecture(self, meta=None, n_samples=None):
        embedding = P.check_choice(
            type(self).__name__,
            "numeric_embedding",
            self.numeric_embedding,
            (None, "periodic", "auto"),
        )
        if embedding == "auto":
            embedding = (
                None
                if meta is None
                else auto_numeric_embedding(n_samples, numeric_columns(meta))
            )
        members = self.ensemble_size
        if isinstance(members, str) and members == "auto":
            members = 1 if n_samples is None else auto_ensemble_size(n_samples)
        elif (
            isinstance(members, bool)
            or not isinstance(members, numbers.Integral)
            or members < 1
        ):
            P.fail(
                type(self).__name__,
                "ensemble_size",
                "'auto' or a positive integer (1: a single network)",
                members,
            )
        return build_dense_network, {
            **self._dense_params(),
            "numeric_embedding": embedding,
            "ensemble_size": int(members),
            # an estimator pickled before the parameters fits without them
            "scaling_layer": P.check_bool(
                type(self).__name__,
                "scaling_layer",
                getattr(self, "scaling_layer", False),
            ),
            "scaling_l1": P.check_float(
                type(self).__name__,
                "scaling_l1",
                getattr(self, "scaling_l1", 0.0),
            ),
        }

    def _builder_meta(self, meta, arch: dict):
        """Without a numeric embedding, which columns are numeric is not read.

        (The folds of a cross-validation may count the columns of more than
        two values differently, as digits' do: they still share a network.)
        """
        if arch.get("numeric_embedding") is None and meta.numeric_features is not None:
            return replace(meta, numeric_features=None)
        return meta

    def _dense_params(self) -> dict:
        """The validated hyperparameters of the dense layers."""
        name = type(self).__name__
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        if not isinstance(sizes, (list, tuple)):
            P.fail(name, "hidden_layer_sizes", "a tuple of positive integers", sizes)
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
                P.fail(
                    name,
                    "hidden_layer_sizes",
                    "a tuple of positive integers (units per hidden layer; () for "
                    "a linear model)",
                    self.hidden_layer_sizes,
                )
        sizes = tuple(int(s) for s in sizes)
        dropout = self.dropout
        if isinstance(dropout, (list, tuple)):
            if len(dropout) != len(sizes):
                P.fail(
                    name,
                    "dropout",
                    f"a float or one rate per hidden layer ({len(sizes)} values)",
                    dropout,
                )
            rates = tuple(P.check_float(name, "dropout", d, high=1.0) for d in dropout)
        else:
            rate = P.check_float(name, "dropout", dropout, high=1.0)
            rates = (rate,) * len(sizes)
        l1 = P.check_float(name, "l1", self.l1)
        l2 = P.check_float(name, "l2", self.l2)
        return {
            "hidden_layer_sizes": sizes,
            "activation": resolve_activation(name, self.activation),
            "kernel_initializer": resolve_initializer(name, self.kernel_initializer),
            "dropout": rates,
            "batch_normalization": P.check_bool(
                name, "batch_normalization", self.batch_normalization
            ),
            "l1": l1,
            "l2": l2,
        }
