"""Network builders: pure functions from (hyperparameters, meta) to an uncompiled model."""

from .dense import build_dense_network

__all__ = ["build_dense_network"]
