"""The shared skeleton of every skneural estimator: one fit path for all networks.

Subclasses say three things: how targets are encoded (regression or
classification), which network to build (a pure builder plus its validated
keyword arguments), and how network outputs become predictions. Everything
else, from data validation to training, callbacks, reproducibility, reuse of
compiled networks and leaving the estimator unchanged on failure, is here.
"""

from __future__ import annotations

import datetime
import numbers
import warnings
import weakref
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, check_X_y, validate_data

from . import _params as P
from . import devices
from ._loop import fast_loop_applies, fit_epochs
from ._modelfile import write
from ._pool import POOL, Network, structure_key
from ._sparse import SparseRows, SparseScaler, dense, fit_sparse, validate_sparse
from .architectures.table import embedding_rows
from .backend import global_rng_preserved, keras, seeded
from .exceptions import (
    DataError,
    DataTypeError,
    DeviceMemoryError,
    FitInterruptedWarning,
    InvalidParameterError,
)
from .features import TableEncoder, categorical_columns, is_table
from .inference import predict_array
from .meta import Meta
from .training import (
    AnnealingEarlyStopping,
    EpochGuard,
    EpochRates,
    TrainingConfig,
    is_out_of_memory,
    make_callbacks,
    make_loss,
    make_metrics,
    make_optimizer,
    restore,
    snapshot,
)


class BaseNeuralEstimator(BaseEstimator):
    """Base class of skneural estimators. Not for direct use.

    Subclasses define ``_architecture``, ``_make_target_encoder``,
    ``_default_loss`` and ``_LOSS_NAMES``.
    """

    #: Loss names offered in did-you-mean messages.
    _LOSS_NAMES: tuple[str, ...] = ()

    # ------------------------------------------------------------------ hooks
    def _architecture(self, meta=None, n_samples=None) -> tuple[Any, dict]:
        """Return ``(builder, kwargs)``: validated architecture parameters.

        ``meta`` and ``n_samples`` (the training rows) are given in ``fit``,
        where an ``"auto"`` parameter is resolved for the data; without them
        the parameters are only validated.
        """
        raise NotImplementedError

    def _builder_meta(self, meta: Meta, arch: dict) -> Meta:
        """``meta`` with what the builder does not read for ``arch`` cleared.

        Networks are pooled by the structure they are built from, so a fact
        about the data the architecture ignores must not tell two of them
        apart.
        """
        return meta

    def _make_target_encoder(self, loss, classes):
        raise NotImplementedError

    def _default_loss(self, encoder) -> str:
        raise NotImplementedError

    def _sample_weight_from_classes(self, y, encoder):
        """Per-sample weights from ``class_weight`` (classifiers), else None."""
        return None

    # ------------------------------------------------------------- public API
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``X``, ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (NumPy array, list, or pandas DataFrame;
            ``NeuralClassifier`` and ``NeuralRegressor`` also take
            ``scipy.sparse`` matrices, made dense a few batches at a time).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, rescaled to average 1 so that they change the
            balance between samples but not the learning rate.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        resume = self.warm_start and self._fitted()
        return self._train(X, y, sample_weight, epochs=None, reset=not resume)

    def save(self, path) -> None:
        """Save the estimator to ``path`` in a format that runs no code on load.

        The network goes in Keras's ``.keras`` format, everything else as
        plain data (no pickle); the file is written atomically. Load it with
        :func:`skneural.load`. See :func:`skneural.save` for pipelines.

        Parameters
        ----------
        path : path-like
            The file to write; by convention its name ends in ``.skn``.
        """
        write(self, path, [self])

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        return self._train(
            X,
            y,
            sample_weight,
            epochs=1,
            reset=not self._fitted(),
            classes=classes,
        )

    @property
    def model_(self):
        """The fitted ``keras.Model``.

        Reading it hands the network to you for good: skneural will not reuse
        it for another fit.
        """
        net = self.__dict__.get("_network")
        if net is None:
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet, so it has "
                "no model_. Call 'fit' first."
            )
        self._end_lease()
        return net.model

    def _predict_outputs(self, X) -> np.ndarray:
        """Validate ``X`` for a fitted estimator and return raw network outputs."""
        check_is_fitted(self)
        X, _ = self._validate_X(X, reset=False)
        X = self.feature_encoder_.transform(X)
        network = self._network
        with network.placement.scope():
            outputs = predict_array(network, X)
        _check_finite_outputs(outputs, X, type(self).__name__)
        return self._blend_outputs(outputs, X)

    def _blend_outputs(self, outputs: np.ndarray, X) -> np.ndarray:
        """The outputs predictions come from, given the network's for encoded ``X``."""
        return outputs

    # -------------------------------------------------------------- sklearn
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.sparse = self._accepts_sparse
        return tags

    def __getstate__(self):
        # A copied or pickled estimator may share its network with the copy:
        # stop lending it through the pool.
        self._end_lease()
        state = super().__getstate__()
        state.pop("_lease", None)
        return state

    # --------------------------------------------------------------- helpers
    def _fitted(self) -> bool:
        return self.__dict__.get("_network") is not None

    def _end_lease(self) -> None:
        lease = self.__dict__.pop("_lease", None)
        if lease is not None:
            lease.detach()

    #: Whether a pandas DataFrame is encoded by a :class:`TableEncoder` (its
    #: categorical columns embedded) rather than read as numbers.
    _accepts_tables: bool = False
    #: Whether a scipy.sparse X is taken (kept sparse, made dense per batch).
    _accepts_sparse: bool = False

    def _keeps_table(self, X, reset: bool) -> bool:
        """Whether a DataFrame ``X`` reaches the table encoder as it is.

        A DataFrame with categorical columns (as ``categorical_features``
        finds them) or missing values is kept; one of numbers alone is read
        as the same array would be (the table encoder then scales it as it
        scales an array). After ``fit``: whenever the table encoder learned
        categories or missing-value indicators.
        """
        if not (self._accepts_tables and is_table(X)):
            return False
        if not reset:
            enc = self.__dict__.get("feature_encoder_")
            return isinstance(enc, TableEncoder) and bool(
                enc.categorical_columns_ or enc.missing_indicators_
            )
        spec = self.categorical_features
        if not (spec is None or (isinstance(spec, str) and spec == "auto")):
            return True
        return (spec is not None and bool(categorical_columns(X))) or bool(
            X.isna().to_numpy().any()
        )

    def _text_by_position(self, X) -> pd.DataFrame | None:
        """An array with text for the fitted categories, as a frame; else None."""
        enc = self.__dict__.get("feature_encoder_")
        if not (
            isinstance(enc, TableEncoder)
            and enc.categorical_columns_
            and isinstance(X, (list, tuple, np.ndarray))
        ) or (isinstance(X, np.ndarray) and X.dtype.kind not in "OUS"):
            return None  # numbers: the array path
        try:
            arr = np.asarray(X, dtype=object)
        except ValueError:  # ragged: the numeric checks explain
            return None
        return pd.DataFrame(arr) if arr.ndim == 2 and holds_text(arr) else None

    def _feature_encoder_for(self, X):
        """An unfitted feature encoder: the sparse, table, or hook's encoder."""
        if isinstance(X, SparseRows):
            return SparseScaler()
        if self._accepts_tables:
            return TableEncoder(categorical_features=self.categorical_features)
        return self._make_feature_encoder()

    def _validate_X(
        self, X, *, reset: bool, y="no_validation", min_samples: int = 1
    ) -> tuple[Any, Any]:
        """Validate ``X`` (and ``y``, when given); return ``(X, y)``.

        ``y`` is None in the result when it is not given (prediction). In
        ``fit`` (``reset``), ``n_features_in_`` and ``feature_names_in_`` are
        recorded; afterwards they are checked.
        """
        if self._accepts_sparse and sp.issparse(X):
            return validate_sparse(self, X, reset=reset, y=y, min_samples=min_samples)
        if self._keeps_table(X, reset):
            return self._validate_table(X, reset=reset, y=y, min_samples=min_samples)
        # an array of values and text after a fit on a DataFrame with
        # categorical columns: its columns by position, as scikit-learn's
        # estimators read an array after a fit on a DataFrame
        frame = None if reset else self._text_by_position(X)
        if frame is not None:
            return self._validate_table(
                frame, reset=False, y=y, min_samples=min_samples
            )
        _check_numeric_features(X, type(self).__name__)
        kwargs = {"dtype": np.float32, "reset": reset, **self._X_check}
        if isinstance(y, str) and y == "no_validation":
            return validate_data(self, X, **kwargs), None
        self._check_target(y)
        return validate_data(
            self, X, y, ensure_min_samples=min_samples, **kwargs, **self._y_check
        )

    _y_check: dict = {"multi_output": True}
    _X_check: dict = {}

    def _validate_table(self, X, *, reset: bool, y, min_samples: int):
        """Check a DataFrame's shape and names, and ``y``; keep the columns as given.

        The table encoder reads the columns; scikit-learn's ``validate_data``
        records (or checks) ``n_features_in_`` and ``feature_names_in_``.
        """
        name = type(self).__name__
        _refuse_dates(X, name)
        if X.shape[1] == 0:
            raise DataError(
                f"0 feature(s) (shape={X.shape}) while a minimum of 1 is required "
                f"by {name}."
            )
        if len(X) < min_samples:
            raise DataError(
                f"Found array with {len(X)} sample(s) (shape={X.shape}) while a "
                f"minimum of {min_samples} is required by {name}."
            )
        validate_data(self, X, reset=reset, skip_check_array=True)
        if isinstance(y, str) and y == "no_validation":
            return X, None
        self._check_target(y)
        # y's checks, against a stand-in X of the same length
        _, y = check_X_y(
            np.zeros((len(X), 1), dtype=np.float32),
            y,
            ensure_min_samples=min_samples,
            **self._y_check,
        )
        return X, y

    def _check_target(self, y) -> None:
        """Refuse targets of a kind the estimator cannot learn (before validation)."""

    def _training_config(self) -> TrainingConfig:
        """Check the training hyperparameters shared by the built-in estimators."""
        name = type(self).__name__
        P.check_bool(name, "warm_start", self.warm_start)
        return TrainingConfig(
            learning_rate=_auto_or(
                _check_learning_rate,
                name,
                "learning_rate",
                self.learning_rate,
                "a number in (0, inf)",
            ),
            batch_size=_auto_or(
                P.check_int, name, "batch_size", self.batch_size, "an integer >= 1"
            ),
            epochs=P.check_int(name, "epochs", self.epochs),
            shuffle=P.check_bool(name, "shuffle", self.shuffle),
            early_stopping=_auto_or(
                P.check_bool, name, "early_stopping", self.early_stopping, "True, False"
            ),
            validation_fraction=P.check_float(
                name, "validation_fraction", self.validation_fraction, high=1.0
            ),
            patience=P.check_int(name, "patience", self.patience, low=0),
            min_delta=P.check_float(name, "min_delta", self.min_delta),
            restore_best_weights=P.check_bool(
                name, "restore_best_weights", self.restore_best_weights
            ),
            reduce_lr_on_plateau=P.check_bool(
                name, "reduce_lr_on_plateau", self.reduce_lr_on_plateau
            ),
            anneal_fraction=P.check_float(
                name, "anneal_fraction", getattr(self, "anneal_fraction", 0.0)
            ),
            refit=_auto_or(
                P.check_bool,
                name,
                "refit",
                getattr(self, "refit", False),
                "True, False",
            ),
            verbose=_check_verbose(name, self.verbose),
            callbacks=tuple(make_callbacks(name, self.callbacks)),
        )

    def _seed(self, n_done: int) -> int | None:
        """The seed of this training run, or None when ``random_state`` is None.

        Continued training (``partial_fit``, ``warm_start``) draws a new but
        reproducible seed for each run from ``random_state`` and the number
        of epochs already done.
        """
        rs = self.random_state
        if rs is None:
            return None
        try:
            drawn = self._draw_seed(check_random_state(rs))
        except ValueError:
            P.fail(
                type(self).__name__,
                "random_state",
                "None, an integer or a numpy.random.RandomState instance",
                rs,
            )
        base = int(rs) if isinstance(rs, (int, np.integer)) else int(drawn)
        if n_done == 0:
            return base
        return int(np.random.SeedSequence([base, n_done]).generate_state(1)[0] >> 1)

    def _draw_seed(self, rng: np.random.RandomState) -> int:
        """Draw the base seed from ``random_state`` as a generator, advancing it."""
        return int(rng.randint(2**31 - 1))

    def _train(self, X, y, sample_weight, *, epochs, reset, classes=None):
        """Fit (``reset``) or continue training: the fit path, step by step.

        ``epochs`` is None for ``fit`` (the ``epochs`` parameter, early
        stopping allowed), else the epochs of this call: 1 for
        ``partial_fit``, 0 for the wrappers' ``initialize``. On any error
        the estimator is as before (:class:`_Rollback`).
        """
        with _Rollback(self, reset) as rollback:
            config = self._training_config()
            X, y = self._validate_X(X, reset=reset, y=y, min_samples=1 if epochs else 2)
            config = config.for_call(len(X), epochs)
            data = self._encode(X, y, sample_weight, reset=reset, classes=classes)
            n_done = 0 if reset else self.n_iter_
            seed = self._seed(n_done)
            rng = np.random.default_rng(seed)
            if reset:
                self._start(data, config, rng, seed)
            start = None  # where a refit starts: where this call did (the
            if config.refit:  # rollback has copied a network that goes on)
                start = rollback.weights or snapshot(self._network.model)
            # the refit's own draws, whatever the first run consumes
            refit_rng = rng.spawn(1)[0] if config.refit else None
            fit_data = self._split_validation(data, config, rng)
            callbacks = self._callbacks(config, "validation_data" in fit_data)
            rollback.batch_size = config.batch_size  # named if memory runs out
            logs, interrupted = self._run(
                fit_data, callbacks, config, rng, seed, n_done
            )
            self._calibrate(fit_data, reset)
            trained = len(logs.get("loss", []))
            if start is not None and not interrupted:
                trained = self._refit(
                    data, start, callbacks, config, refit_rng, seed, n_done
                )
            self._publish(
                logs, callbacks.stopper, rollback.network, reset, n_done, trained
            )
        return self

    def _refit(
        self,
        data: _TrainingData,
        start: list,
        callbacks: _Callbacks,
        config: TrainingConfig,
        rng: np.random.Generator,
        seed: int | None,
        n_done: int,
    ) -> int:
        """Train again from the call's start on every row; return the epochs run.

        The epochs that led to the weights early stopping kept
        (:meth:`AnnealingEarlyStopping.path`), each at the learning rate it
        had then. The user's callbacks saw the run with validation rows and
        are not called again. An interruption keeps the early-stopped
        network, with a warning.
        """
        path = callbacks.stopper.path()
        recorded = callbacks.rates.rates
        rates = {n_done + i: recorded[e] for i, e in enumerate(path) if e in recorded}
        epochs = len(path)
        network = self._network
        owner = type(self).__name__
        rerun = [EpochGuard(owner, config.learning_rate), EpochRates(rates)]
        every_row = {"x": data.X, "y": data.y_enc, "sample_weight": data.weights}
        with network.placement.scope():
            chosen = snapshot(network.model)
            restore(start)
            try:
                self._fit_network(
                    network,
                    every_row,
                    rerun,
                    replace(
                        config,
                        epochs=epochs,
                        early_stopping=False,
                        reduce_lr_on_plateau=False,
                        callbacks=(),
                    ),
                    rng,
                    seed,
                    initial_epoch=n_done,
                )
            except KeyboardInterrupt:
                restore(chosen)
                warnings.warn(
                    f"{owner}: the refit on all {len(every_row['y'])} rows was "
                    "interrupted. The estimator keeps the network trained with "
                    "early stopping.",
                    FitInterruptedWarning,
                    stacklevel=4,
                )
                return callbacks.guard.epochs_done
        return epochs

    def _encode(self, X, y, sample_weight, *, reset, classes) -> _TrainingData:
        """Fit the encoders (a new fit) or take the fitted ones; encode the data.

        ``sample_weight`` and ``class_weight`` are combined and rescaled to
        mean 1.
        """
        if reset:
            features = self._feature_encoder_for(X).fit(X, y)
            encoder = self._make_target_encoder(self._loss_param(), classes).fit(y)
        else:
            features, encoder = self.feature_encoder_, self.target_encoder_
        n = len(X)
        weights = _check_sample_weight(sample_weight, n)
        class_weights = self._sample_weight_from_classes(y, encoder)
        if class_weights is not None:
            weights = class_weights if weights is None else weights * class_weights
        if weights is not None:
            total = weights.sum()
            if total <= 0:
                raise DataError(
                    "sample_weight sums to zero: at least one sample needs a positive "
                    "weight."
                )
            weights = (weights * (n / total)).astype(np.float32)
        return _TrainingData(
            features.transform(X), y, encoder.transform(y), weights, features, encoder
        )

    def _start(
        self,
        data: _TrainingData,
        config: TrainingConfig,
        rng: np.random.Generator,
        seed: int | None,
    ) -> None:
        """Place and start a network for a new fit; publish it with the encoders.

        Published before training so that callbacks can score the estimator
        between epochs (pruning); the rollback undoes it if the fit fails.
        """
        placement = devices.resolve(
            type(self).__name__, self.device, self.distribute, self.precision
        )
        meta = self._make_meta(
            data.X, data.y, data.targets, data.y_enc, data.weights, data.features
        )
        with placement.scope():
            network = self._start_network(meta, data, config, placement, rng, seed)
        network.placement = placement
        self._network = network
        self.feature_encoder_ = data.features
        self.target_encoder_ = data.targets
        self.n_outputs_ = meta.n_outputs

    def _callbacks(self, config: TrainingConfig, validating: bool) -> _Callbacks:
        """Return the callbacks of a call: the guard first, the user's, then ours."""
        # First, so that no other callback sees a diverged epoch.
        guard = EpochGuard(type(self).__name__, config.learning_rate)
        # a refit replays the rates the epochs trained with: read before any
        # callback changes them for the next epoch
        rates = EpochRates() if config.refit else None
        callbacks = [guard, *([rates] if rates else []), *config.callbacks]
        stopper = None
        monitor = "val_loss" if validating else "loss"
        if config.early_stopping:
            stopper = AnnealingEarlyStopping(
                anneal_fraction=config.anneal_fraction,
                monitor=monitor,
                patience=config.patience,
                min_delta=config.min_delta,
                restore_best_weights=config.restore_best_weights,
            )
            callbacks.append(stopper)
        if config.reduce_lr_on_plateau:
            callbacks.append(
                keras.callbacks.ReduceLROnPlateau(
                    monitor=monitor,
                    patience=max(1, config.patience // 2),
                    min_delta=config.min_delta,
                    verbose=min(config.verbose, 1),
                )
            )
        return _Callbacks(callbacks, guard, stopper, rates)

    def _run(
        self,
        fit_data: dict,
        callbacks: _Callbacks,
        config: TrainingConfig,
        rng: np.random.Generator,
        seed: int | None,
        n_done: int,
    ) -> tuple[dict, bool]:
        """Train the network: the logs of its epochs, and whether it was interrupted.

        An interruption (Ctrl-C) after the first epoch ends training as a
        normal end would (early stopping's best weights), with a warning.
        """
        network = self._network
        with network.placement.scope():
            try:
                history = self._fit_network(
                    network,
                    fit_data,
                    callbacks.all,
                    config,
                    rng,
                    seed,
                    initial_epoch=n_done,
                ).history
            except KeyboardInterrupt:
                if callbacks.guard.epochs_done == 0:
                    raise  # nothing learnt: as if never called
                for callback in callbacks.all:
                    callback.on_train_end(logs=None)
                self._warn_interrupted(callbacks, config.epochs)
                return _logs(callbacks.guard.history), True
        return _logs(history), False

    def _warn_interrupted(self, callbacks: _Callbacks, epochs: int) -> None:
        """Say how far an interrupted fit got, and what the estimator keeps."""
        stopper = callbacks.stopper
        restored = stopper is not None and stopper.best_weights is not None
        warnings.warn(
            f"{type(self).__name__}: training was interrupted after "
            f"{callbacks.guard.epochs_done} of {epochs} epochs. The estimator keeps "
            + ("the best weights so far" if restored else "the weights reached so far")
            + "; call fit again to train from the start.",
            FitInterruptedWarning,
            stacklevel=5,
        )

    def _publish(
        self,
        logs: dict,
        stopper,
        previous: Network | None,
        reset: bool,
        n_done: int,
        trained: int,
    ) -> None:
        """Make the trained network and its history the estimator's.

        ``previous`` is the network before this call: a new fit gives it
        back to the pool, now that the fit succeeded. ``trained``: the
        epochs the network trained in this call (those of a refit, whose
        logs are not kept).
        """
        if reset:
            if previous is not None and self.__dict__.get("_lease") is not None:
                self._end_lease()  # the old network was only lent: give it back
                POOL.release(previous)
            self._lease = weakref.finalize(self, POOL.release, self._network)
            self.history_ = logs
        else:
            for k, vals in logs.items():
                self.history_.setdefault(k, []).extend(vals)
        self.n_iter_ = n_done + trained
        if stopper is not None:
            self.best_epoch_ = int(stopper.best_epoch)  # counted from the first fit
        else:
            self.__dict__.pop("best_epoch_", None)

    def _fit_network(
        self,
        network,
        fit_data: dict,
        callbacks: list,
        config: TrainingConfig,
        rng,
        seed,
        *,
        initial_epoch: int = 0,
    ):
        """Train with the compiled epoch loop, or ``model.fit`` where it cannot.

        Epochs are numbered on from ``initial_epoch`` (the epochs of earlier
        ``partial_fit`` or warm-started calls), as ``model.fit`` numbers them:
        callbacks such as learning-rate schedules continue where they were.
        """
        if fast_loop_applies(network, callbacks, config.fit_kwargs):
            # Every random draw comes from `rng` or the layers' own (restarted)
            # seed generators: no global seeding, which on TensorFlow would
            # also clear its cache of instantiated functions.
            return fit_epochs(
                network,
                fit_data["x"],
                fit_data["y"],
                fit_data["sample_weight"],
                epochs=config.epochs,
                batch_size=config.batch_size,
                shuffle=config.shuffle,
                rng=rng,
                validation_data=fit_data.get("validation_data"),
                callbacks=callbacks,
                verbose=config.verbose,
                initial_epoch=initial_epoch,
            )
        owner = type(self).__name__
        if isinstance(fit_data["x"], SparseRows):  # dense batches, one at a time
            return fit_sparse(
                network,
                fit_data,
                callbacks,
                config,
                rng,
                seed,
                owner,
                initial_epoch=initial_epoch,
            )
        fit_data = devices.split_evenly(
            network.placement, fit_data, config.batch_size, owner
        )
        with seeded(seed):  # model.fit shuffles with the backend's generator
            return network.model.fit(
                epochs=initial_epoch + config.epochs,
                initial_epoch=initial_epoch,
                batch_size=config.batch_size,
                shuffle=config.shuffle,
                verbose=config.verbose,
                callbacks=callbacks,
                **fit_data,
                **config.fit_kwargs,
            )

    def _start_network(
        self,
        meta: Meta,
        data: _TrainingData,
        config: TrainingConfig,
        placement: devices.Placement,
        rng: np.random.Generator,
        seed: int | None,
    ) -> Network:
        """Return a compiled network with fresh initial weights for a new fit.

        The built-in estimators draw every initial weight from the layers'
        own initializers, so a pooled network restarts without rebuilding.
        """
        name = type(self).__name__
        momentum = P.check_float(name, "momentum", self.momentum, high=1.0)
        with global_rng_preserved():  # Keras draws seeds when it makes objects
            builder, arch = self._architecture(meta, len(keras.tree.flatten(data.X)[0]))
            meta = self._builder_meta(meta, arch)
            loss = self._training_loss(data.targets, config)
            optimizer = make_optimizer(
                name,
                self.optimizer,
                learning_rate=config.learning_rate,
                momentum=momentum,
            )
            metrics = make_metrics(name, self.metrics) or []
        lr, opt_key = _optimizer_key(optimizer)
        key = structure_key(
            builder,
            arch,
            replace(meta, target_mean=None),
            opt_key,
            loss,
            metrics,
            placement,
        )

        def build():
            with placement.dtype_policy():
                model = builder(meta, **arch)
            compile_network(
                model,
                data.X,
                data.y_enc,
                rows=max(1, len(placement.replicas)),
                optimizer=optimizer,
                loss=loss,
                metrics=metrics,
            )
            return model

        with global_rng_preserved():
            network = POOL.checkout(key, build)
        network.restart(rng, lr)
        _set_output_bias(network.model, meta)
        return network

    def _training_loss(self, encoder, config: TrainingConfig):
        """The loss to compile the network of a new fit with."""
        return make_loss(
            type(self).__name__,
            self.loss,
            auto=self._default_loss(encoder),
            names=self._LOSS_NAMES,
        )

    def _calibrate(self, fit_data: dict, reset: bool) -> None:
        """Fit what turns outputs into predictions on the held-out rows (none)."""

    def _loss_param(self):
        """The loss as the target encoder should see it."""
        return self.loss

    def _make_feature_encoder(self):
        """An unfitted transformer applied to ``X`` before the network."""
        return FunctionTransformer()

    def _make_meta(self, X, y, encoder, y_enc, weights, features=None) -> Meta:
        target_mean = None
        if not isinstance(y_enc, np.ndarray):
            pass  # structured targets (several network outputs): no baseline
        elif y_enc.ndim == 1:  # integer class indices
            counts = np.bincount(y_enc, weights=weights, minlength=encoder.output_units)
            target_mean = tuple(float(v) for v in counts / counts.sum())
        else:
            mean = np.average(y_enc, axis=0, weights=weights)
            target_mean = tuple(float(v) for v in mean)
        classes = getattr(encoder, "classes_", None)
        single_label = getattr(encoder, "mode_", None) != "multilabel"
        first = keras.tree.flatten(X)[0]  # a feature encoder may make several inputs
        y_arr = np.asarray(y) if not isinstance(y, np.ndarray) else y
        n_outputs = getattr(encoder, "n_outputs_", None)
        if n_outputs is None:
            n_outputs = 1 if y_arr.ndim == 1 else y_arr.shape[1]
        return Meta(
            n_features_in=int(np.prod(first.shape[1:])),
            input_shape=tuple(int(d) for d in first.shape[1:]),
            target_type=getattr(encoder, "target_type_", None) or type_of_target(y),
            n_outputs=int(n_outputs),
            output_units=getattr(encoder, "output_units", n_outputs),
            output_activation=getattr(encoder, "output_activation", "linear"),
            classes=tuple(classes.tolist())
            if classes is not None and single_label
            else None,
            target_mean=target_mean,
            categories=_embedding_rows(features),
            numeric_features=_numeric_features(features),
        )

    def _split_validation(
        self, data: _TrainingData, config: TrainingConfig, rng: np.random.Generator
    ) -> dict:
        """Return ``model.fit`` data arguments, with a validation set if asked."""
        X, y_enc, weights = data.X, data.y_enc, data.weights
        fit_data = {"x": X, "y": y_enc, "sample_weight": weights}
        if not (config.early_stopping and config.validation_fraction > 0):
            return fit_data
        n = len(X)
        n_val = int(np.ceil(config.validation_fraction * n))
        if n_val < 1 or n - n_val < 1:
            raise DataError(
                f"validation_fraction={config.validation_fraction} of {n} samples "
                "leaves no sample for validation or training. Use more data, another "
                "validation_fraction, or validation_fraction=0 to stop on the "
                "training loss."
            )
        stratify = self._stratify_labels(y_enc, data.targets)
        arrays = [X, y_enc] + ([weights] if weights is not None else [])
        split_seed = int(rng.integers(2**31 - 1))
        try:
            parts = train_test_split(
                *arrays, test_size=n_val, random_state=split_seed, stratify=stratify
            )
        except ValueError:
            if stratify is None:
                raise
            warnings.warn(
                f"{type(self).__name__}: some class has too few samples for a "
                "stratified validation split; using a random split instead.",
                UserWarning,
                stacklevel=4,
            )
            parts = train_test_split(*arrays, test_size=n_val, random_state=split_seed)
        train, val = parts[0::2], parts[1::2]
        return {
            "x": train[0],
            "y": train[1],
            "sample_weight": train[2] if weights is not None else None,
            "validation_data": tuple(val),
        }

    def _stratify_labels(self, y_enc, encoder):
        return None


class _TrainingData(NamedTuple):
    """The training data of one call, encoded for the network."""

    X: Any  # features, through the feature encoder
    y: Any  # targets, validated
    y_enc: Any  # targets, through the target encoder
    weights: np.ndarray | None  # per-sample weights of mean 1
    features: Any  # the fitted feature encoder
    targets: Any  # the fitted target encoder


def _logs(history: dict) -> dict:
    """Keras logs as plain floats."""
    return {k: [float(v) for v in vals] for k, vals in history.items()}


class _Callbacks(NamedTuple):
    """The callbacks of one call: all, the guard (first), our stopper, our recorder.

    The recorder notes the epochs' learning rates for a refit.
    """

    all: list
    guard: EpochGuard
    stopper: Any  # keras.callbacks.EarlyStopping or None
    rates: EpochRates | None = None


class _Rollback:
    """The one place that leaves an estimator as it was when training fails.

    Entered at the start of every fit and ``partial_fit``: on any error it
    puts back the estimator's attributes, gives back to the pool a network
    the failed call had taken, puts back the weights and optimizer state of
    a fitted network that continued training changed in place, and turns a
    backend's out-of-memory error into :class:`DeviceMemoryError`.

    Parameters
    ----------
    estimator : BaseNeuralEstimator
        The estimator about to train.
    reset : bool
        Whether the call starts a new network (else it continues the
        fitted one, whose weights are kept here).
    """

    def __init__(self, estimator: BaseNeuralEstimator, reset: bool):
        self.estimator = estimator
        self.saved = dict(estimator.__dict__)
        #: The network before this call (None before the first fit).
        self.network = self.saved.get("_network")
        self.weights = None if reset else snapshot(self.network.model)
        #: The batch size, once training starts: out-of-memory messages name it.
        self.batch_size: int | None = None

    def __enter__(self) -> _Rollback:
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None:
            return False
        state = self.estimator.__dict__
        network = state.get("_network")
        state.clear()
        state.update(self.saved)
        if network is not None and network is not self.network:
            POOL.release(network)
        if self.weights is not None:
            with self.network.placement.scope():
                restore(self.weights)
        if is_out_of_memory(exc) and not isinstance(exc, DeviceMemoryError):
            raise _memory_error(
                type(self.estimator).__name__, exc, self.batch_size
            ) from exc
        return False


def _memory_error(owner: str, exc: BaseException, batch_size: int | None):
    """The :class:`DeviceMemoryError` to raise for a backend's ``exc``."""
    doing, smaller = "while building or training the network", "a smaller batch_size"
    if batch_size is not None:
        doing = f"training with batch_size={batch_size}"
        smaller += f" (e.g. {max(1, batch_size // 4)})"
    return DeviceMemoryError(
        f"{owner}: the device ran out of memory {doing} ({exc.__class__.__name__}). "
        f"Use {smaller}, fewer or smaller layers, or precision='mixed_float16'. "
        "The estimator is unchanged."
    )


def _check_learning_rate(owner: str, name: str, value: Any) -> float:
    return P.check_float(owner, name, value, low=0.0, low_open=True)


def _embedding_rows(features) -> tuple[int, ...]:
    """Embedding-table rows of the fitted feature encoder's categorical columns.

    Room for each column's codes, rounded so that cross-validation folds
    share one network shape (:func:`~skneural.architectures.table.embedding_rows`).
    """
    codes = tuple(getattr(features, "cardinalities_", ()))
    rare = getattr(features, "rare_categories_", None)
    seen = None
    if rare is not None and len(rare) == len(codes):
        seen = [n + len(r) for n, r in zip(codes, rare, strict=True)]
    return embedding_rows(codes, seen)


def _numeric_features(features) -> int | None:
    """Leading columns of numbers the fitted feature encoder writes, if it says."""
    if isinstance(features, SparseScaler):
        return 0  # wide, mostly zero columns: nothing to embed
    return getattr(features, "n_continuous_", None)


def _auto_or(check, owner: str, name: str, value: Any, expected: str):
    """``"auto"`` as it is, any other value through ``check``."""
    if isinstance(value, str) and value == "auto":
        return value
    try:
        return check(owner, name, value)
    except InvalidParameterError:
        P.fail(owner, name, f"{expected} or 'auto'", value)


def compile_network(model, X, y, *, rows: int = 1, **compile_kwargs) -> None:
    """Compile ``model`` (unless it is compiled) and build its loss and metrics.

    Keras builds the compiled loss and metrics on a model's first ``fit`` and
    draws shuffling random numbers while at it; doing it here, on ``rows``
    samples (one per data-parallel replica), makes a new network and a reused
    one see the same shuffling order.
    """
    if not getattr(model, "compiled", False):
        model.compile(**compile_kwargs)
    model.fit(_first_rows(X, rows), _first_rows(y, rows), epochs=0, verbose=0)


def _first_rows(data, rows: int):
    return keras.tree.map_structure(lambda a: dense(a[:rows]), data)


def _optimizer_key(optimizer) -> tuple:
    """Split an optimizer into its learning rate and the rest of its identity.

    Networks differing only in a constant learning rate share a pool entry;
    the rate is set when the network restarts.
    """
    config = optimizer.get_config()
    lr = config.pop("learning_rate", None)
    config.pop("name", None)
    if not isinstance(lr, float):  # a schedule: part of the structure
        config["learning_rate"], lr = lr, None
    return lr, (type(optimizer), structure_key(config))


def _set_output_bias(model, meta: Meta) -> None:
    bias = meta.output_bias()
    try:
        layer = model.get_layer("output")
    except ValueError:
        return
    has_bias = bias is not None and getattr(layer, "bias", None) is not None
    if has_bias and tuple(layer.bias.shape)[-bias.ndim :] == bias.shape:
        # an ensemble's output bias has a row per member: each starts there
        layer.bias.assign(np.broadcast_to(bias, tuple(layer.bias.shape)))


def _check_verbose(name: str, verbose: Any) -> int:
    if isinstance(verbose, bool) or verbose not in (0, 1, 2):
        P.fail(
            name,
            "verbose",
            "0 (silent), 1 (progress bar) or 2 (one line per epoch)",
            verbose,
        )
    return int(verbose)


def _check_sample_weight(sample_weight, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    try:
        sw = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        try:
            shown = np.ravel(np.asarray(sample_weight, dtype=object))[:3].tolist()
        except ValueError:  # ragged
            shown = repr(sample_weight)[:60]
        raise DataError(
            "sample_weight must hold numbers, one weight per sample, but it "
            f"contains values such as {shown}."
        ) from None
    if sw.ndim == 0:
        sw = np.full(n, float(sw))
    if sw.shape != (n,):
        raise DataError(
            f"sample_weight has shape {sw.shape}, but X has {n} samples: pass one "
            f"weight per sample, an array of shape ({n},)."
        )
    if not np.all(np.isfinite(sw)):
        raise DataError("sample_weight contains NaN or infinity: pass finite weights.")
    if np.any(sw < 0):
        raise DataError("sample_weight has negative values: weights must be >= 0.")
    top = sw.max(initial=0.0)
    total = sw.sum()
    if top > 0 and not (np.isfinite(total) and np.isfinite(n / total)):
        # Weights at the edge of float64 (their sum overflows, or its inverse
        # does): only their ratios matter, so bring them to at most 1.
        return sw / top
    return sw.copy()


def _refuse_dates(X: pd.DataFrame, name: str) -> None:
    """Refuse date, duration and complex columns, saying what to derive instead."""
    odd = [
        str(c)
        for c, dt in X.dtypes.items()
        if pd.api.types.is_datetime64_any_dtype(dt)
        or pd.api.types.is_timedelta64_dtype(dt)
        or isinstance(dt, pd.PeriodDtype)
        or pd.api.types.is_complex_dtype(dt)
    ]
    if odd:
        shown = ", ".join(map(repr, odd[:5])) + (" ..." if len(odd) > 5 else "")
        raise DataError(
            f"{name} cannot use the column(s) {shown}: dates, periods, durations "
            "and complex numbers are not features as they are. Derive numbers from "
            "them (e.g. the year, the day of week, seconds) or drop them."
        )


def _check_numeric_features(X, name: str) -> None:
    """Refuse text or categorical features with a message that says what to do."""
    if isinstance(X, pd.DataFrame):
        _refuse_dates(X, name)
        bad = [
            c
            for c, dt in X.dtypes.items()
            if not (pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt))
        ]
        if bad:
            shown = ", ".join(repr(c) for c in bad[:5]) + (
                " ..." if len(bad) > 5 else ""
            )
            raise DataError(
                f"{name} needs numeric features, but column(s) {shown} are not "
                "numeric. Encode them first, for example with OneHotEncoder or "
                "OrdinalEncoder in a ColumnTransformer before the network in a "
                "Pipeline."
            )
        return
    if hasattr(X, "format") or not isinstance(X, (list, tuple, np.ndarray)):
        return  # sparse matrices and other containers: validate_data decides
    try:
        arr = np.asarray(X)
    except ValueError as exc:
        if "inhomogeneous" not in str(exc):
            return  # validate_data explains
        raise DataError(
            f"{name} needs X with the same number of values in every sample, but "
            "X is ragged: its rows (or nested lists) have different lengths. Pad "
            "or truncate them to one length, or pass a 2-D array."
        ) from None
    if holds_text(arr):
        raise DataError(
            f"{name} needs numeric features, but X contains strings. Encode them "
            "first, for example with OneHotEncoder or OrdinalEncoder in a Pipeline, "
            "or convert numbers stored as text with X.astype(float)."
        )
    refuse_non_numeric(arr, "X", f"{name} needs numeric features, but ")


def holds_text(arr: np.ndarray) -> bool:
    """Whether ``arr`` is a string array, or an object array with strings in it."""
    return arr.dtype.kind in ("U", "S") or (
        arr.dtype == object and any(isinstance(v, (str, bytes)) for v in arr.ravel())
    )


def refuse_non_numeric(arr: np.ndarray, what: str, prefix: str) -> None:
    """Raise for datetimes, pd.NA or other non-numbers in ``arr``.

    Strings are left to the callers, whose messages differ for features and
    targets. Datetimes and missing values raise ValueError; other objects
    raise TypeError, as NumPy's conversion (and scikit-learn) would, with
    NumPy's reason kept in the message. Every message ends with what to do.
    """
    kind = arr.dtype.kind
    if kind == "M":
        raise DataError(
            f"{prefix}{what} holds datetimes, dtype {arr.dtype}. Convert them to "
            "numbers first, for example days since a reference date with "
            "(values - start) / np.timedelta64(1, 'D'), or calendar features such "
            "as year, month and day."
        )
    if kind == "m":
        raise DataError(
            f"{prefix}{what} holds time differences, dtype {arr.dtype}. Convert "
            "them to numbers first, for example days with "
            "values / np.timedelta64(1, 'D')."
        )
    if kind != "O":
        return
    missing = dates = False
    others: dict[str, Any] = {}
    for v in arr.ravel():
        if v is None or isinstance(v, (numbers.Number, str, bytes)):
            continue
        if v is pd.NA or v is pd.NaT:
            missing = True
        elif isinstance(
            v, (datetime.date, datetime.timedelta, np.datetime64, np.timedelta64)
        ):
            dates = True
        else:
            others.setdefault(type(v).__name__, v)
    if missing:
        raise DataError(
            f"{prefix}{what} contains missing values (pd.NA or pd.NaT). Fill them "
            "first, for example with SimpleImputer in a Pipeline, or drop those "
            "samples."
        )
    if dates:
        raise DataError(
            f"{prefix}{what} contains datetime objects. Convert them to numbers "
            "first, for example days since a reference date, or calendar features "
            "such as year, month and day."
        )
    if others:
        try:
            float(next(iter(others.values())))
            reason = ""
        except (TypeError, ValueError) as exc:
            reason = f" ({exc})"
        raise DataTypeError(
            f"{prefix}{what} contains values of type {', '.join(sorted(others))}"
            f"{reason}. Pass numbers only: a NumPy array or a DataFrame of numeric "
            "columns."
        )


def _check_finite_outputs(outputs, X, name: str) -> None:
    """Refuse to turn NaN or infinite network outputs into predictions."""
    leaves = [np.asarray(a) for a in keras.tree.flatten(outputs)]
    if not leaves:
        return
    bad = np.zeros(len(leaves[0]), dtype=bool)
    for a in leaves:
        if a.dtype.kind in "fc" and len(a) == len(bad):
            bad |= ~np.isfinite(a.reshape(len(a), -1)).all(axis=1)
    if not bad.any():
        return
    inputs = [
        a.stored_values() if isinstance(a, SparseRows) else np.asarray(a)
        for a in keras.tree.flatten(X)
    ]
    largest = max(
        (float(np.max(np.abs(a))) for a in inputs if a.size and a.dtype.kind in "fiu"),
        default=float("nan"),
    )
    raise DataError(
        f"{name}: the network's outputs are NaN or infinite for {int(bad.sum())} "
        f"of {len(bad)} samples (the first is sample {int(np.argmax(bad))}), so "
        "there is no prediction to return. This comes from inputs far outside the "
        f"range of the training data: the largest |value| in X is {largest:.3g}. "
        "Scale X the way the training data was scaled (e.g. the same fitted "
        "StandardScaler, in a Pipeline), or clip extreme values."
    )
