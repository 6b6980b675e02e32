"""Default Optuna search spaces for skneural estimators."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from .._conv import ConvArchitectureMixin
from .._dense import DenseArchitectureMixin
from .._find import find_network
from ..exceptions import InvalidParameterError

#: What one entry of a search space may be.
Suggestion = Any  # an optuna distribution, or a callable(trial) -> value


class SearchSpace(MutableMapping):
    """An Optuna search space over estimator parameters, define-by-run.

    A mapping from parameter names (``"dropout"``, or ``"net__dropout"`` for
    a Pipeline step) to either an Optuna distribution
    (``optuna.distributions.FloatDistribution(1e-4, 1e-1, log=True)``, ...)
    or a function ``trial -> value`` for parameters a single distribution
    cannot describe (``hidden_layer_sizes``). Calling the space with a trial
    returns the parameters of that trial, ready for ``set_params``.

    Edit it like a dict: add, replace or delete entries.

    Parameters
    ----------
    entries : mapping, default=None
        Initial entries.

    Examples
    --------
    >>> import optuna
    >>> from skneural import NeuralRegressor
    >>> from skneural.tuning import search_space
    >>> space = search_space(NeuralRegressor())
    >>> space["l1"] = optuna.distributions.FloatDistribution(1e-6, 1e-2, log=True)
    >>> del space["optimizer"]
    >>> params = space(optuna.create_study().ask())
    >>> sorted(params)[:3]
    ['activation', 'batch_size', 'dropout']
    """

    def __init__(self, entries: MutableMapping | None = None):
        self._entries: dict[str, Suggestion] = {}
        for name, entry in (entries or {}).items():
            self[name] = entry

    def __getitem__(self, name: str) -> Suggestion:
        return self._entries[name]

    def __setitem__(self, name: str, entry: Suggestion) -> None:
        import optuna  # optional: the `tune` extra

        if not (
            isinstance(entry, optuna.distributions.BaseDistribution) or callable(entry)
        ):
            raise InvalidParameterError(
                f"Search space entry {name!r} must be an optuna distribution or a "
                f"function trial -> value; got {entry!r}."
            )
        self._entries[name] = entry

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"SearchSpace({list(self._entries)})"

    def __call__(self, trial) -> dict[str, Any]:
        """Suggest a value for every entry; return them as parameters."""
        return {name: suggest(trial, name, entry) for name, entry in self.items()}

    def with_prefix(self, prefix: str) -> SearchSpace:
        """The same space for a Pipeline step: every name gets ``prefix``."""
        return SearchSpace(
            {prefix + name: _renamed(entry, prefix) for name, entry in self.items()}
        )


def _renamed(entry, prefix: str):
    return entry.with_prefix(prefix) if hasattr(entry, "with_prefix") else entry


def suggest(trial, name: str, entry: Suggestion):
    """Draw one value for ``name`` from ``entry`` in ``trial``."""
    import optuna.distributions as D  # optional: the `tune` extra

    if isinstance(entry, D.FloatDistribution):
        return trial.suggest_float(
            name, entry.low, entry.high, log=entry.log, step=entry.step
        )
    if isinstance(entry, D.IntDistribution):
        return trial.suggest_int(
            name, entry.low, entry.high, log=entry.log, step=entry.step
        )
    if isinstance(entry, D.CategoricalDistribution):
        return trial.suggest_categorical(name, entry.choices)
    if isinstance(entry, D.BaseDistribution):
        raise InvalidParameterError(
            f"Unsupported optuna distribution for {name!r}: {entry!r}"
        )
    return entry(trial)


class Widths:
    """Suggest 1 to ``max_layers`` layers of power-of-two widths.

    The trial gets two integer parameters, ``<name>.n_layers`` and
    ``<name>.first_log2`` (the first layer has ``2**first_log2`` units), so
    samplers see plain integers while the estimator gets a tuple. Each next
    layer has half as many units (``"halving"``, dense layers; never fewer
    than ``2**min_log2``) or twice as many (``"doubling"``, conv filters).

    Parameters
    ----------
    name : str
        Parameter the tuple is for (``"hidden_layer_sizes"``, ``"filters"``).
    max_layers : int, default=4
        Most layers (at least one).
    min_log2, max_log2 : int, default=4, 9
        Range of the first layer's width, as powers of two (16 to 512).
    growth : {"halving", "doubling"}, default="halving"
        How widths change from layer to layer.
    """

    def __init__(self, name, max_layers=4, min_log2=4, max_log2=9, growth="halving"):
        self.name = name
        self.max_layers = max_layers
        self.min_log2 = min_log2
        self.max_log2 = max_log2
        self.growth = growth

    def with_prefix(self, prefix: str) -> Widths:
        """The same suggestion for a parameter of a Pipeline step."""
        return Widths(
            prefix + self.name,
            self.max_layers,
            self.min_log2,
            self.max_log2,
            self.growth,
        )

    def __call__(self, trial) -> tuple[int, ...]:
        n = trial.suggest_int(f"{self.name}.n_layers", 1, self.max_layers)
        first = trial.suggest_int(
            f"{self.name}.first_log2", self.min_log2, self.max_log2
        )
        step = 1 if self.growth == "doubling" else -1
        return tuple(2 ** max(self.min_log2, first + step * i) for i in range(n))

    def __repr__(self) -> str:
        return (
            f"Widths({self.name!r}, max_layers={self.max_layers}, first "
            f"2**{self.min_log2}..2**{self.max_log2}, {self.growth})"
        )


def _training_space(D) -> dict:
    return {
        "learning_rate": D.FloatDistribution(1e-4, 3e-2, log=True),
        "batch_size": D.CategoricalDistribution([16, 32, 64, 128, 256]),
        "optimizer": D.CategoricalDistribution(["adam", "adamw", "rmsprop", "sgd"]),
    }


def _dense_space(D) -> dict:
    return {
        "hidden_layer_sizes": Widths("hidden_layer_sizes"),
        "activation": D.CategoricalDistribution(["relu", "elu", "gelu", "tanh"]),
        "dropout": D.FloatDistribution(0.0, 0.5),
        "l2": D.FloatDistribution(1e-7, 1e-2, log=True),
        "batch_normalization": D.CategoricalDistribution([False, True]),
        "numeric_embedding": D.CategoricalDistribution(["periodic", None]),
        "scaling_layer": D.CategoricalDistribution([True, False]),
        "scaling_l1": D.FloatDistribution(1e-4, 3e-2, log=True),
        **_training_space(D),
        "batch_size": D.CategoricalDistribution(["auto", 32, 64, 128, 256]),
        "ensemble_size": D.CategoricalDistribution(["auto", 1, 4]),
        "anneal_fraction": D.FloatDistribution(0.0, 1.0),
        "refit": D.CategoricalDistribution(["auto", False]),
    }


def _conv_space(D) -> dict:
    return {
        "filters": Widths("filters", 3, min_log2=3, max_log2=6, growth="doubling"),
        "kernel_size": D.CategoricalDistribution([3, 5]),
        "conv_dropout": D.FloatDistribution(0.0, 0.3),
        "hidden_layer_sizes": Widths("hidden_layer_sizes", 2, max_log2=8),
        "dropout": D.FloatDistribution(0.0, 0.5),
        "random_translation": D.FloatDistribution(0.0, 0.15),
        "random_rotation": D.FloatDistribution(0.0, 0.1),
        "learning_rate": D.FloatDistribution(1e-4, 1e-2, log=True),
        "batch_size": D.CategoricalDistribution([32, 64, 128]),
    }


def _wrapper_space(D) -> dict:
    return {
        "optimizer__learning_rate": D.FloatDistribution(1e-4, 3e-2, log=True),
        "batch_size": D.CategoricalDistribution([16, 32, 64, 128, 256]),
    }


def search_space(estimator) -> SearchSpace:
    """The default Optuna search space of a skneural estimator.

    Parameters
    ----------
    estimator : skneural estimator or Pipeline
        For a Pipeline, the space targets its skneural step (parameter names
        get the step's prefix, ``"net__dropout"``).

    Returns
    -------
    SearchSpace
        Dense estimators: 1-4 hidden layers of decreasing power-of-two widths
        (16-512 units first), activation, dropout 0-0.5, L2 (log), batch
        normalization, periodic numeric embeddings or none, learning rate
        (log), batch size ("auto" or powers of two), optimizer, packed
        ensemble size ("auto", 1 or 4), the annealing after early stopping
        (``anneal_fraction`` 0-1), the refit on every row after it
        (``refit``: "auto" or False), for classifiers label smoothing
        (0-0.2), for regressors the blend with a ridge regression
        (``linear_blend``: "auto" or False). Conv
        estimators: 1-3 blocks of doubling filters (8-64 first), kernel
        size, spatial dropout, a head of 1-2 layers, dropout, random
        translation and rotation, learning rate and batch size.
        ``KerasClassifier`` / ``KerasRegressor``: the optimizer's learning rate
        and the batch size (their architecture is yours: add its routed
        ``model__`` parameters).
    """
    import optuna.distributions as D  # optional: the `tune` extra

    prefix, net = find_network(estimator)
    if isinstance(net, ConvArchitectureMixin):
        entries = _conv_space(D)
    elif isinstance(net, DenseArchitectureMixin):
        entries = _dense_space(D)
        params = net.get_params(deep=False)
        if "label_smoothing" in params:  # classifiers
            entries["label_smoothing"] = D.FloatDistribution(0.0, 0.2)
        if "linear_blend" in params:  # NeuralRegressor
            entries["linear_blend"] = D.CategoricalDistribution(["auto", False])
    else:
        entries = _wrapper_space(D)
    return SearchSpace(entries).with_prefix(prefix)


def as_search_space(space, estimator) -> Callable:
    """Accept a SearchSpace, a mapping of entries, a callable, or None."""
    if space is None:
        return search_space(estimator)
    if isinstance(space, SearchSpace) or (
        callable(space) and not isinstance(space, MutableMapping)
    ):
        return space
    if isinstance(space, MutableMapping | dict):
        return SearchSpace(space)
    raise InvalidParameterError(
        "search_space must be a SearchSpace, a dict of parameter name -> optuna "
        f"distribution (or function trial -> value), or a function trial -> dict "
        f"of parameters; got {type(space).__name__}."
    )
