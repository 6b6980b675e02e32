"""Network builders: pure functions of (hyperparameters, meta) to uncompiled models."""

from .conv import build_conv_network
from .dense import build_dense_network

__all__ = ["build_conv_network", "build_dense_network"]
