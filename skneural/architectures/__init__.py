"""Network builders: pure functions of (hyperparameters, meta) to uncompiled models."""

from .dense import build_dense_network

__all__ = ["build_dense_network"]
