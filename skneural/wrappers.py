"""Bring your own Keras model: ``KerasClassifier`` and ``KerasRegressor``.

A drop-in replacement for scikeras's wrappers with the same calling
convention: ``model`` is a function that returns a ``keras.Model`` (compiled or
not) or a ``keras.Model`` instance, and parameters reach their destination
through the prefixes ``model__``, ``optimizer__``, ``loss__``, ``metrics__``,
``callbacks__``, ``fit__``, ``predict__`` and ``compile__``. Training goes
through the same fit path as every skneural estimator.
"""

from __future__ import annotations

import copy
import inspect
import warnings
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.validation import check_is_fitted

from . import _params as P
from ._docs import PLACEMENT
from ._pool import POOL, Network, structure_key
from ._portable import custom_scope, portable
from .backend import global_rng_preserved, keras, seeded
from .base import _check_finite_outputs, _optimizer_key, compile_network
from .classifier import BaseNeuralClassifier
from .exceptions import DataError
from .regressor import BaseNeuralRegressor
from .targets import (
    CATEGORICAL_LOSSES,
    SPARSE_LOSSES,
    ClassificationTargetEncoder,
    RegressionTargetEncoder,
    loss_name,
)
from .training import (
    TrainingConfig,
    make_callbacks,
    make_loss,
    make_metrics,
    make_optimizer,
)

#: Where routed parameters go, by prefix.
ROUTES = (
    "model",
    "optimizer",
    "loss",
    "metrics",
    "callbacks",
    "fit",
    "predict",
    "compile",
)
_COMPILE_ARGS = frozenset(inspect.signature(keras.Model.compile).parameters) - {"self"}
#: Arguments of ``Model.fit`` / ``Model.predict`` the estimator sets from its data.
_DATA_ARGS = {"fit": ("x", "y", "sample_weight"), "predict": ("x",)}
#: Keyword parameters named in ``_fit_kwargs`` that are not passed on: fit sets them.
_SET_BY_FIT = frozenset({"sample_weight", "initial_epoch"})
#: ``partial_fit`` trains one epoch from the current one: it takes none of these.
_NOT_FOR_PARTIAL_FIT = frozenset(
    {"epochs", "initial_epoch", "fit__epochs", "fit__initial_epoch"}
)


class KerasWrapperMixin:
    """The parameter handling, routing and model building of the wrappers."""

    _X_check = {"allow_nd": True}

    #: Parameters destined to ``keras.Model.fit``, as in scikeras: keyword
    #: parameters of the estimator with one of these names (``validation_freq=2``)
    #: are passed to it, after the estimator's own and before ``fit__`` ones.
    _fit_kwargs = frozenset(
        {
            "batch_size",
            "epochs",
            "verbose",
            "validation_split",
            "shuffle",
            "class_weight",
            "sample_weight",
            "initial_epoch",
            "validation_steps",
            "validation_batch_size",
            "validation_freq",
        }
    )
    #: Parameters destined to ``keras.Model.predict`` (``steps=``), as in scikeras.
    _predict_kwargs = frozenset({"batch_size", "verbose", "steps"})
    #: Parameters destined to ``keras.Model.compile`` (``loss_weights=``), as in
    #: scikeras.
    _compile_kwargs = frozenset(
        {
            "optimizer",
            "loss",
            "metrics",
            "loss_weights",
            "weighted_metrics",
            "run_eagerly",
        }
    )

    def _validate_X(self, X, *, reset: bool, y="no_validation", min_samples: int = 1):
        """Validate as every estimator does, and check the shape of each sample.

        ``validate_data`` counts features along the second axis only; samples
        of more than one axis (images, sequences) must keep their whole shape.
        Training takes a single sample unless Keras is to hold some out for
        validation; continued training (``partial_fit``, ``warm_start``) needs
        data of the kinds the estimator was fitted on.
        """
        training = not (isinstance(y, str) and y == "no_validation")
        if training and not self._holds_out_validation():
            min_samples = 1
        kinds = _data_kinds(X, y) if training else None
        X_out, y_out = super()._validate_X(X, reset=reset, y=y, min_samples=min_samples)
        if training and reset:
            self._data_kinds = kinds
        elif training:
            _check_same_kinds(type(self).__name__, self.__dict__, kinds)
        shape = tuple(int(d) for d in X_out.shape[1:])
        name = type(self).__name__
        if 0 in shape:
            raise DataError(
                f"{name}: X has samples of shape {shape}, which hold no values. "
                "Every sample needs at least one value along each axis."
            )
        if reset:
            self._sample_shape = shape
            self._X_given = ((len(X_out), *shape), _given_dtype(X))
        else:
            fitted = self.__dict__.get("_sample_shape")
            if fitted is not None and shape != fitted:
                raise DataError(
                    f"{name} was fitted on samples of shape {fitted}, but X has "
                    f"samples of shape {shape}. Pass X of shape "
                    f"(n, {', '.join(map(str, fitted))})."
                )
        return X_out, y_out

    def _draw_seed(self, rng: np.random.RandomState) -> int:
        # As in scikeras: a RandomState instance is read, not advanced, so
        # every fit with it starts from the same seed, like an integer.
        return int(copy.deepcopy(rng).randint(2**31 - 1))

    def _holds_out_validation(self) -> bool:
        """Whether Keras is asked to hold out part of the training data."""
        split = (
            self.__dict__.get("_call_fit_kwargs", {}).get("validation_split")
            or self._routed("fit").get("validation_split")
            or self.validation_split
        )
        return bool(split)

    def __init__(
        self,
        model: Any = None,
        *,
        warm_start: bool = False,
        random_state: Any = None,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Any = None,
        batch_size: int | None = None,
        validation_batch_size: int | None = None,
        verbose: int = 1,
        callbacks: Any = None,
        validation_split: float = 0.0,
        shuffle: bool = True,
        run_eagerly: bool = False,
        epochs: int = 1,
        device: str = "auto",
        distribute: str | None = None,
        precision: str = "float32",
        **kwargs: Any,
    ):
        self.model = model
        self.warm_start = warm_start
        self.random_state = random_state
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.batch_size = batch_size
        self.validation_batch_size = validation_batch_size
        self.verbose = verbose
        self.callbacks = callbacks
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.run_eagerly = run_eagerly
        self.epochs = epochs
        self.device = device
        self.distribute = distribute
        self.precision = precision
        self._kwargs = kwargs

    # ------------------------------------------------------------ parameters
    def get_params(self, deep=True):
        """Parameters of the estimator, routed and free keyword ones included.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of contained estimators.

        Returns
        -------
        dict
        """
        return {**super().get_params(deep=deep), **self._extra_params()}

    def __getattr__(self, name):
        # Keyword parameters (routed or free) read like attributes, as in scikeras.
        kwargs = self.__dict__.get("_kwargs")
        if kwargs is not None and name in kwargs:
            return kwargs[name]
        attr = getattr(type(self), name, None)
        if isinstance(attr, property):  # let a failing property explain itself
            return attr.fget(self)
        raise AttributeError(
            f"{type(self).__name__!r} object has no attribute {name!r}"
        )

    def set_params(self, **params):
        """Set parameters, routed ones (``prefix__name``) included.

        Returns
        -------
        self : object
        """
        extra = self._extra_params()
        rest = {}
        name = type(self).__name__
        for key, value in params.items():  # check them all before setting any
            prefix = key.split("__", 1)[0]
            if (prefix in ROUTES and "__" in key) or key in extra:
                extra[key] = value
            elif "__" in key and prefix not in self.get_params(deep=False):
                _check_route(name, key)
            elif "__" not in key and key not in self._get_param_names():
                raise P.InvalidParameterError(
                    f"Invalid parameter {key!r} for {name}."
                    f"{P.did_you_mean(key, self._get_param_names())} A keyword "
                    f"parameter for the model function is given to the constructor "
                    f"({name}(..., {key}=...)) or routed (model__{key}=...)."
                )
            else:
                rest[key] = value
        if rest:
            super().set_params(**rest)
        self._kwargs = extra
        return self

    def _extra_params(self) -> dict:
        """Keyword parameters beyond the signature (routed and free ones)."""
        return dict(self.__dict__.get("_kwargs", {}))

    def _routed(self, prefix: str) -> dict:
        """``{name: value}`` of the parameters routed with ``prefix__``."""
        head = prefix + "__"
        return {
            k[len(head) :]: v
            for k, v in self._extra_params().items()
            if k.startswith(head)
        }

    def _free_params(self) -> dict:
        """Keyword parameters without a routing prefix (offered to ``model``)."""
        return {k: v for k, v in self._extra_params().items() if "__" not in k}

    def _check_routes(self) -> None:
        name = type(self).__name__
        for key in self._extra_params():
            if "__" in key:
                _check_route(name, key)
        for key in self._routed("compile"):
            if key not in _COMPILE_ARGS:
                raise P.InvalidParameterError(
                    f"{name}: `compile__{key}` is routed to keras.Model.compile, "
                    f"which takes no `{key}`.{_hint('compile', key, _COMPILE_ARGS)}"
                )

    # ----------------------------------------------------------- scikeras API
    @property
    def target_encoder(self):
        """An unfitted transformer between ``y`` and the network's targets.

        Override it in a subclass to encode targets your own way; its
        ``get_metadata()`` (if any) is added to ``meta`` and to the
        estimator's attributes.
        """
        raise NotImplementedError

    @property
    def feature_encoder(self):
        """An unfitted transformer applied to ``X`` before the network.

        Identity by default. Override it to reshape features or split them
        into the several inputs of a multi-input model.
        """
        return FunctionTransformer()

    @property
    def current_epoch(self) -> int:
        """Epochs trained so far."""
        return getattr(self, "n_iter_", 0)

    @property
    def initialized_(self) -> bool:
        """Whether the estimator has a network (fitted or initialized)."""
        return self._fitted()

    def score(self, X, y, sample_weight=None) -> float:
        """Score the predictions for ``X`` against ``y`` with ``scorer``.

        Accuracy for a classifier, R² for a regressor, as in scikit-learn;
        override the static method ``scorer(y_true, y_pred, **kwargs)`` in a
        subclass to score targets of your own (as with scikeras).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        float
        """
        return float(self.scorer(y, self.predict(X), sample_weight=sample_weight))

    # ------------------------------------------------------------- pickling
    def __getstate__(self):
        # Keras objects among the parameters (a model instance, metric
        # instances) pickle with the custom classes they use.
        return {k: portable(v) for k, v in super().__getstate__().items()}

    def __sklearn_clone__(self):
        # Cloning deep-copies Keras objects through Keras's own format, which
        # must find the custom classes they use. A compiled model that never
        # trained has no optimizer state to copy: Keras's warning that it
        # skips it says nothing.
        with (
            custom_scope(*self.get_params(deep=False).values()),
            warnings.catch_warnings(),
        ):
            warnings.filterwarnings(
                "ignore", "Skipping variable loading for optimizer", UserWarning
            )
            return super().__sklearn_clone__()

    def initialize(self, X, y):
        """Build the network and fit the encoders without training.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples, to learn the input shape.
        y : array-like
            Targets, to learn the output shape and classes.

        Returns
        -------
        self : object
        """
        return self._train(X, y, None, epochs=0, reset=True)

    def _make_target_encoder(self, loss, classes):
        encoder = clone(self.target_encoder)
        if classes is not None and "classes" in encoder.get_params():
            encoder.set_params(classes=classes)
        return encoder

    def _make_feature_encoder(self):
        return clone(self.feature_encoder)

    # -------------------------------------------------------------- training
    def _passed_on(self, names) -> dict:
        """Keyword parameters of the estimator named in ``names``.

        ``names`` is ``_fit_kwargs``, ``_predict_kwargs`` or ``_compile_kwargs``,
        as in scikeras: these parameters are passed on to that Keras method.
        """
        return {k: v for k, v in self._free_params().items() if k in names}

    def _training_config(self) -> TrainingConfig:
        """The training settings from parameters and ``fit`` arguments.

        Arguments of ``Model.fit`` (``fit__*`` parameters, those named in
        ``_fit_kwargs``, those of this ``fit`` call) set the batch size,
        epochs, shuffling, verbosity and callbacks; the others are passed on
        to ``model.fit`` as given.
        """
        name = type(self).__name__
        self._check_routes()
        P.check_bool(name, "warm_start", self.warm_start)
        called = self.__dict__.get("_call_fit_kwargs", {})
        fit = {
            **self._passed_on(self._fit_kwargs - _SET_BY_FIT),
            **self._routed("fit"),
            **called,
        }
        shown = {k: f"{k}=" if k in called else f"fit__{k}" for k in fit}
        callback_params = {
            k[len("callbacks__") :]: fit.pop(k)
            for k in list(fit)
            if k.startswith("callbacks__")
        }
        fit_callbacks = make_callbacks(
            name, fit.pop("callbacks", None), callback_params, route="fit__callbacks"
        )
        batch_size = _check_batch_size(
            name,
            shown.get("batch_size", "batch_size").rstrip("="),
            fit.pop("batch_size", self.batch_size),
        )
        epochs = P.check_int(name, "epochs", fit.pop("epochs", self.epochs), low=0)
        shuffle = fit.pop("shuffle", self.shuffle)
        verbose = fit.pop("verbose", self.verbose)
        extra = dict(fit)
        if self.validation_split:
            extra.setdefault(
                "validation_split",
                P.check_float(
                    name, "validation_split", self.validation_split, high=1.0
                ),
            )
        if self.validation_batch_size is not None:
            extra.setdefault("validation_batch_size", self.validation_batch_size)
        callbacks = make_callbacks(name, self.callbacks, self._routed("callbacks"))
        return TrainingConfig(
            epochs=epochs,
            batch_size=32 if batch_size is None else batch_size,
            shuffle=shuffle,
            verbose=verbose,
            callbacks=(*callbacks, *fit_callbacks),
            fit_kwargs=extra,
            fit_shown={k: shown[k] for k in extra if k in shown},
        )

    def _make_compile_kwargs(self) -> dict:
        """Fresh optimizer, loss and metrics, with their routed parameters."""
        name = type(self).__name__
        kwargs = {
            "optimizer": make_optimizer(
                name, self.optimizer, self._routed("optimizer")
            ),
            "loss": make_loss(name, self.loss, self._routed("loss")),
            "metrics": make_metrics(name, self.metrics, self._routed("metrics")),
        }
        if self.run_eagerly:
            kwargs["run_eagerly"] = True
        kwargs.update(self._passed_on(self._compile_kwargs - set(kwargs)))
        kwargs.update(self._routed("compile"))
        return kwargs

    def _meta_dict(self, meta, X, y, encoder, features) -> dict:
        """What a model-building function gets as ``meta``: scikeras's keys.

        ``X_shape_`` and ``X_dtype_`` describe ``X`` as given to ``fit``
        (before the feature encoder), as in scikeras.
        """
        X_shape, X_dtype = self.__dict__["_X_given"]
        info = {
            "X_dtype_": X_dtype,
            "y_dtype_": np.asarray(y).dtype,
            "target_type_": meta.target_type,
            "n_features_in_": self.n_features_in_,
            "X_shape_": X_shape,
            "n_outputs_expected_": getattr(encoder, "n_outputs_expected_", 1),
            "y_ndim_": np.ndim(y),
            "n_outputs_": meta.n_outputs,
            "feature_encoder_": features,
            "target_encoder_": encoder,
        }
        if is_classifier(self):
            classes = getattr(encoder, "classes_", None)
            info["classes_"] = classes
            info["n_classes_"] = None if classes is None else len(classes)
        for source in (encoder, features):
            if hasattr(source, "get_metadata"):
                info.update(source.get_metadata())
        return info

    def _build_fresh(self, meta_info: dict, compile_kwargs: dict):
        """Call the user's model function (or copy the model instance)."""
        name = type(self).__name__
        model = self.model
        if model is None:
            model = getattr(self, "_keras_build_fn", None)
            if model is None:
                raise P.InvalidParameterError(
                    f"{name}: no model. Pass `model=` a function that returns a "
                    "keras.Model or a keras.Model instance, or define "
                    "`_keras_build_fn` in a subclass."
                )
        if isinstance(model, keras.Model):
            self._check_free_params(())
            return _copy_model(model)
        if not callable(model):
            P.fail(
                name,
                "model",
                "a function returning a keras.Model, or a keras.Model",
                model,
            )
        sig = inspect.signature(model)
        takes_any = any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values())
        if not takes_any:
            self._check_free_params(sig.parameters)
        kwargs = {}
        for key, value in self._free_params().items():
            if takes_any or key in sig.parameters:
                kwargs[key] = value
        for key, value in self._routed("model").items():
            if not (takes_any or key in sig.parameters):
                raise P.InvalidParameterError(
                    f"{name}: `model__{key}` is routed to {_qualname(model)}, which "
                    f"takes no `{key}`.{_hint('model', key, sig.parameters)}"
                )
            kwargs[key] = value
        for key, value in (
            ("meta", meta_info),
            ("compile_kwargs", compile_kwargs),
            ("params", self.get_params()),
        ):
            if takes_any or key in sig.parameters:
                kwargs[key] = value
        built = model(**kwargs)
        if not isinstance(built, keras.Model):
            raise P.InvalidParameterError(
                f"{name}: `model` must return a keras.Model, but {_qualname(model)} "
                f"returned {type(built).__name__}."
            )
        return built

    def _check_free_params(self, taken) -> None:
        """Refuse a keyword parameter that reaches nothing and looks misspelt.

        A keyword parameter no model function argument takes, and that is no
        Keras fit, predict or compile argument, is refused when it is close to
        a parameter's name (``epoch=`` for ``epochs=``); others are left for
        subclasses that read them as attributes.
        """
        passed_on = self._fit_kwargs | self._predict_kwargs | self._compile_kwargs
        known = [*self._get_param_names(), *taken]
        known = [k for k in known if k not in ("meta", "compile_kwargs", "params")]
        for key in self._free_params():
            if key in taken or key in passed_on:
                continue
            hint = P.did_you_mean(key, known)
            if hint:
                raise P.InvalidParameterError(
                    f"{type(self).__name__}: the parameter `{key}` reaches nothing: "
                    "the model function takes no such argument and it is no "
                    f"argument of keras.Model.fit, predict or compile.{hint}"
                )

    def _start_network(self, meta, data, config, placement, rng, seed) -> Network:
        """Build the user's model, then train a pooled copy of its structure.

        The initial weights are those of the freshly built model (random, or
        pretrained when the function loads them), so a pooled network of the
        same structure only needs them copied in.
        """
        encoder = data.targets
        meta_info = self._meta_dict(meta, data.X, data.y, encoder, data.features)
        with global_rng_preserved():
            compile_kwargs = self._make_compile_kwargs()
        with seeded(seed), global_rng_preserved(), placement.dtype_policy():
            fresh = self._build_fresh(meta_info, compile_kwargs)
        _check_output_shape(type(self).__name__, fresh, encoder, meta)
        _check_label_encoding(
            type(self).__name__, fresh, encoder, self.loss, self._routed("loss")
        )
        # predict's settings are refused now rather than after training
        _check_accepts(type(self).__name__, fresh, "predict", self._predict_args({})[1])
        for key, value in meta_info.items():
            settable = not isinstance(getattr(type(self), key, None), property)
            if key.endswith("_") and settable and "encoder" not in key:
                setattr(self, key, value)
        if getattr(fresh, "compiled", False):
            compiled_key = structure_key(_compile_config(fresh))
            lr, compile_key = None, ("compiled", compiled_key)
        else:
            if compile_kwargs["loss"] is None:
                raise P.InvalidParameterError(
                    f"{type(self).__name__}: no loss. Pass `loss=` (e.g. 'mse' or "
                    "'sparse_categorical_crossentropy'), or compile the model inside "
                    "your model function."
                )
            lr, opt_key = _optimizer_key(compile_kwargs["optimizer"])
            rest = {k: v for k, v in compile_kwargs.items() if k != "optimizer"}
            compile_key = (opt_key, structure_key(rest))
        source = self.model
        if source is None:
            source = type(self)._keras_build_fn
        if isinstance(source, keras.Model):
            source = ("instance", type(source), source.to_json())
        key = structure_key(
            source,
            self._routed("model"),
            self._free_params(),
            meta.n_features_in,
            meta.input_shape,
            compile_key,
            _layout(fresh),
            placement,
        )
        if key is not None and compile_key[1] is None:
            key = None

        def build():
            rows = max(1, len(placement.replicas))
            compile_network(fresh, data.X, data.y_enc, rows=rows, **compile_kwargs)
            return fresh

        with global_rng_preserved():
            network = POOL.checkout(key, build)
        network.load(fresh.get_weights(), rng, lr)
        return network

    def _fit_network(self, network, fit_data, callbacks, config, *args, **kwargs):
        _check_accepts(type(self).__name__, network.model, "fit", config.fit_shown)
        return super()._fit_network(
            network, fit_data, callbacks, config, *args, **kwargs
        )

    def fit(self, X, y, sample_weight=None, **kwargs):
        """Train the model on ``X``, ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs
            Arguments of ``keras.Model.fit`` for this call only (as with
            scikeras), e.g. ``epochs=5``; ``fit__`` parameters are the
            scikit-learn way to set them.

        Returns
        -------
        self : object
        """
        return self._fit_with(kwargs, "fit", X, y, sample_weight)

    def _fit_with(self, kwargs: dict, method: str, X, y, sample_weight, **train):
        """Train with ``kwargs`` passed to ``Model.fit`` for this call only."""
        name = type(self).__name__
        for key in kwargs:
            if method == "partial_fit" and key in _NOT_FOR_PARTIAL_FIT:
                raise P.InvalidParameterError(
                    f"{name}.partial_fit trains exactly one epoch, from the current "
                    f"one (current_epoch): it takes no `{key}`. Call fit(X, y, "
                    "epochs=...) to train several epochs."
                )
            prefix = key.split("__", 1)[0]
            if "__" in key and prefix in ROUTES:
                raise P.InvalidParameterError(
                    f"{name}.{method}: `{key}` is a parameter of the estimator, not "
                    f"an argument of {method}. Set it with set_params({key}=...), "
                    f"or pass `{key.split('__', 1)[1]}=` to {method} (for "
                    "keras.Model.fit, this call only)."
                )
        self._call_fit_kwargs = kwargs
        try:
            if method == "fit":
                return super().fit(X, y, sample_weight=sample_weight)
            return self._partial_fit(X, y, sample_weight, **train)
        finally:
            self.__dict__.pop("_call_fit_kwargs", None)

    def predict(self, X, **kwargs):
        """Predict for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        **kwargs
            Arguments of ``keras.Model.predict`` for this call only (as with
            scikeras), e.g. ``batch_size=256``; ``predict__`` parameters are
            the scikit-learn way to set them.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions in the shape (and, for labels, the dtype) of the
            training target.
        """
        outputs = self._predict_outputs(X, kwargs)
        return self.target_encoder_.inverse_transform(outputs)

    def _predict_outputs(self, X, kwargs: dict | None = None) -> np.ndarray:
        """Network outputs for ``X``, through ``Model.predict`` when asked.

        ``batch_size`` and ``verbose`` do not change the outputs, which come
        from the compiled predict function directly; other arguments
        (``steps``, ``callbacks``, those of your own ``Model.predict``) go
        to ``Model.predict``, which raises if it takes none such.
        """
        check_is_fitted(self)
        name = type(self).__name__
        args, shown = self._predict_args(kwargs or {})
        if set(args) <= {"batch_size", "verbose"}:
            return super()._predict_outputs(X)
        network = self._network
        _check_accepts(name, network.model, "predict", shown)
        X, _ = self._validate_X(X, reset=False)
        X = self.feature_encoder_.transform(X)
        if args.get("batch_size") == -1:
            args["batch_size"] = len(keras.tree.flatten(X)[0])
        with network.placement.scope():
            outputs = network.model.predict(X, **args)
        _check_finite_outputs(outputs, X, name)
        return outputs

    def _predict_args(self, called: dict) -> tuple[dict, dict]:
        """``Model.predict`` arguments, checked, and how the user named each."""
        name = type(self).__name__
        routed = self._routed("predict")
        callback_params = {
            k[len("callbacks__") :]: routed.pop(k)
            for k in list(routed)
            if k.startswith("callbacks__")
        }
        own = {
            k: getattr(self, k)
            for k in ("batch_size", "verbose")
            if k in self._predict_kwargs and getattr(self, k) is not None
        }
        args = {**own, **self._passed_on(self._predict_kwargs), **routed, **called}
        shown = {
            k: f"{k}=" if k in called else f"predict__{k}" if k in routed else k
            for k in args
        }
        if "batch_size" in args:
            args["batch_size"] = _check_batch_size(
                name, shown["batch_size"].rstrip("="), args["batch_size"]
            )
        callbacks = make_callbacks(
            name,
            args.pop("callbacks", None),
            callback_params,
            route="predict__callbacks",
        )
        if _any_predict_hooks(self.callbacks):
            callbacks = [
                cb
                for cb in make_callbacks(
                    name, self.callbacks, self._routed("callbacks")
                )
                if _has_predict_hooks(cb)
            ] + callbacks
        if callbacks:
            args["callbacks"] = callbacks
        shown.pop("callbacks", None)
        return args, shown


def _dtype_of(data) -> np.dtype | None:
    """The dtype of an array, a DataFrame's common dtype, or None if unclear."""
    dtype = getattr(data, "dtype", None)
    if isinstance(dtype, np.dtype):
        return dtype
    dtypes = getattr(data, "dtypes", None)
    try:
        if dtypes is not None:
            return np.result_type(*[np.dtype(d) for d in dtypes])
        return np.asarray(data).dtype
    except (TypeError, ValueError):  # pandas extension dtypes, ragged lists
        return None


def _data_kinds(X, y) -> dict:
    """What continued training must keep: X's and y's dtypes, y's dimensions."""
    x_dtype, y_dtype = _dtype_of(X), _dtype_of(y)
    ndim = getattr(y, "ndim", None)
    if not isinstance(ndim, int):
        try:
            ndim = np.asarray(y).ndim
        except (TypeError, ValueError):  # ragged: validation explains
            ndim = None
    return {
        "X": None if x_dtype is None else x_dtype.str,
        "y": None if y_dtype is None else y_dtype.str,
        "y_ndim": ndim,
    }


def _same_kind(new: str, fitted: str) -> bool:
    """Whether values of dtype ``new`` read as values of dtype ``fitted``.

    Any width of the same kind, and integers where floats were, are; floats
    where integers or booleans were, or numbers where text was, are not.
    Text and Python objects (strings in a pandas column) count as one kind.
    """
    new_dt, fitted_dt = np.dtype(new), np.dtype(fitted)
    if new_dt.kind in "OUS" and fitted_dt.kind in "OUS":
        return True
    return bool(np.can_cast(new_dt, fitted_dt, casting="same_kind"))


def _check_same_kinds(owner: str, state: dict, kinds: dict) -> None:
    """Refuse continued training on data of another kind than the fit's."""
    fitted = state.get("_data_kinds")
    if fitted is None:
        return  # fitted before these were recorded
    if None not in (kinds["y_ndim"], fitted["y_ndim"]) and (
        kinds["y_ndim"] != fitted["y_ndim"]
    ):
        raise DataError(
            f"y has {kinds['y_ndim']} dimension(s), but {owner} was fitted on y of "
            f"{fitted['y_ndim']} dimension(s). Continued training (partial_fit, "
            "warm_start) needs targets of the same shape; call fit with "
            "warm_start=False to start over."
        )
    for what, name in (("y", "targets"), ("X", "features")):
        new, old = kinds[what], fitted[what]
        if new is not None and old is not None and not _same_kind(new, old):
            raise DataError(
                f"{what} has dtype {np.dtype(new)}, but {owner} was fitted on {what} "
                f"of dtype {np.dtype(old)}. Continued training (partial_fit, "
                f"warm_start) needs {name} of the same kind: convert them, e.g. "
                f"{what}.astype({str(np.dtype(old))!r}), or call fit with "
                "warm_start=False to start over."
            )


def _compile_config(model) -> dict:
    """A compiled model's compile config without the optimizer's own name.

    Keras names each new optimizer ``adam``, ``adam_1``, ...: a function that
    compiles its model would otherwise never match an idle pooled network.
    """
    config = copy.deepcopy(model.get_compile_config())
    optimizer = config.get("optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        optimizer["config"].pop("name", None)
    return config


def _check_output_shape(owner: str, model, encoder, meta) -> None:
    """Refuse a model whose output cannot match the encoded target.

    Keras would otherwise broadcast a mismatched target against the output
    (training something else than asked, and predicting the wrong number of
    values) or fail deep inside the loss. A custom target encoder defines its
    own targets: only the number of outputs it declares
    (``n_outputs_expected_``) is checked.
    """
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        return  # a subclassed model not built yet: nothing to read
    if not outputs:
        return
    expected = _metadata(encoder).get("n_outputs_expected_")
    default = type(encoder) in (RegressionTargetEncoder, ClassificationTargetEncoder)
    if default and len(outputs) > 1:
        expected = len(getattr(encoder, "output_widths", None) or ()) or 1
    if expected is not None and len(outputs) != expected:
        fix = (
            "Override `target_encoder` in a subclass to give the model one array "
            "of targets per output (see 'Migrating from scikeras')"
            if default
            else "Return as many arrays from your target encoder as the model has "
            "outputs, or build the model with as many outputs"
        )
        if default and isinstance(encoder, RegressionTargetEncoder):
            fix += (
                ", or pass the model itself as `model=`: y's columns are then split "
                "among its outputs"
            )
        raise DataError(
            f"{owner}: the model has {len(outputs)} output(s), but the target "
            f"encoder {type(encoder).__name__} makes targets for {expected}. "
            f"{fix}."
        )
    if not default or len(outputs) != 1:
        return
    shape = tuple(outputs[0].shape[1:])
    units = encoder.output_units
    if isinstance(encoder, ClassificationTargetEncoder):
        if encoder.mode_ == "binary":
            allowed = {(1,), (2,)}
            wanted = "1 (sigmoid) or 2 (softmax) units"
        else:
            allowed = {(units,)}
            wanted = f"{units} units, one per " + (
                "label" if encoder.mode_ == "multilabel" else "class"
            )
    else:
        allowed = {(units,)} | ({()} if units == 1 else set())
        wanted = f"{units} unit(s), one per target column"
    if shape in allowed or (len(shape) == 1 and shape[0] is None):
        return
    hint = ""
    if len(shape) > 1 and len(meta.input_shape) > 1:
        hint = (
            f" X has samples of shape {meta.input_shape}: Dense layers keep the "
            "leading axes, so flatten first (keras.layers.Flatten()) or pass 2-D X."
        )
    raise DataError(
        f"{owner}: the model returns outputs of shape (n, "
        f"{', '.join(map(str, shape))}) but the target ({meta.target_type}) needs "
        f"an output layer of {wanted}, giving outputs of shape (n, {units}).{hint}"
    )


#: Keras loss names that train one sigmoid unit per 0/1 target column.
_BINARY_LOSSES = frozenset({"binary_crossentropy", "binary_focal_crossentropy"})


def _output_units(model) -> int | None:
    """Width of a model's single output, if it has one of shape (n, units)."""
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        return None  # a subclassed model not built yet
    if not outputs or len(outputs) != 1 or len(outputs[0].shape) != 2:
        return None
    return outputs[0].shape[-1]


def _output_widths(model) -> tuple[int, ...] | None:
    """Widths of a model instance's several outputs of shape (n, width)."""
    if not isinstance(model, keras.Model):
        return None
    try:
        outputs = model.outputs
    except (AttributeError, ValueError):
        return None
    if not outputs or len(outputs) < 2:
        return None
    shapes = [tuple(o.shape) for o in outputs]
    if any(len(shape) != 2 or shape[1] is None for shape in shapes):
        return None
    return tuple(int(shape[1]) for shape in shapes)


def _label_reading(loss, routed: dict, units: int | None) -> dict:
    """How labels are encoded and outputs read for ``loss`` on ``units`` outputs.

    ``from_logits`` comes from a loss instance's configuration or from the
    ``loss__from_logits`` parameter. A binary cross-entropy over an output of
    two or more units (one per class) trains on one-hot rows.
    """
    if isinstance(loss, (list, tuple, dict)):  # one loss per output
        return {}
    from_logits = routed.get("from_logits", False)
    if isinstance(loss, keras.losses.Loss):
        from_logits = loss.get_config().get("from_logits", from_logits)
    reading = {"from_logits": bool(from_logits)}
    if units is not None and units >= 2 and loss_name(loss) in _BINARY_LOSSES:
        reading["one_hot"] = True
    return reading


def _check_label_encoding(owner: str, model, encoder, loss, routed: dict) -> None:
    """Read the outputs as the model's loss says, or explain why they cannot be.

    The loss (the model's own when your function compiled it, else ``loss``
    with its ``loss__*`` parameters) says whether the outputs are logits.
    Whether it trains on one-hot rows or class indices must agree with the
    labels, which were encoded before the model existed.
    """
    if type(encoder) is not ClassificationTargetEncoder:
        return
    if encoder.mode_ == "multilabel":
        return
    compiled = getattr(model, "compiled", False)
    if compiled:
        loss, routed = model.loss, {}
    units = _output_units(model)
    reading = _label_reading(loss, routed, units)
    if not reading:
        return
    encoder.set_params(from_logits=reading["from_logits"])
    name = loss_name(loss)
    if reading.get("one_hot") or name in CATEGORICAL_LOSSES:
        wants = True
    elif name in SPARSE_LOSSES or name in _BINARY_LOSSES:
        wants = False
    else:
        return  # a loss of your own: it takes the targets as they are
    if wants == (encoder.mode_ == "onehot"):
        return
    if reading.get("one_hot"):
        fix = (
            "A binary cross-entropy over one unit per class trains on one-hot "
            "rows: use 'categorical_crossentropy' (softmax outputs) or one "
            "sigmoid unit for two classes"
        )
    else:
        fix = f"Pass the same loss to {owner} (loss={name!r})"
    raise DataError(
        f"{owner}: the model trains with the loss {name!r} on {units} output "
        f"unit(s), which takes {'one-hot rows' if wants else 'class indices'}, "
        f"but the labels were encoded as "
        f"{'one-hot rows' if encoder.mode_ == 'onehot' else 'class indices'}. "
        f"{fix}, or pass a compiled model itself as `model=`: its loss and "
        "outputs say how to encode the labels."
    )


def _metadata(encoder) -> dict:
    """What a fitted encoder declares: ``get_metadata()``, else its attributes."""
    get = getattr(encoder, "get_metadata", None)
    info = dict(get()) if callable(get) else {}
    if hasattr(encoder, "n_outputs_expected_"):
        info.setdefault("n_outputs_expected_", encoder.n_outputs_expected_)
    return info


def _layout(model) -> tuple:
    """Shapes, dtypes and trainability of every weight: the trainable structure."""
    weights = tuple(
        (tuple(v.shape), str(v.dtype), bool(v.trainable)) for v in model.weights
    )
    return (*weights, tuple(bool(layer.trainable) for layer in model.layers))


def _copy_model(model):
    """A copy of a user's model instance with its weights, never sharing them."""
    with custom_scope(model):  # custom layers, losses and metrics it uses
        try:
            fresh = keras.models.clone_model(model)
        except (ValueError, TypeError):
            return copy.deepcopy(model)
        fresh.set_weights(model.get_weights())
        if getattr(model, "compiled", False):
            fresh.compile_from_config(model.get_compile_config())
    return fresh


def _check_route(owner: str, key: str) -> None:
    """Refuse a ``prefix__name`` parameter whose prefix routes nowhere.

    Raises :class:`~skneural.exceptions.InvalidParameterError`, a
    ``ValueError`` as scikit-learn's ``set_params`` raises.
    """
    prefix, rest = key.split("__", 1)
    if prefix in ROUTES:
        return
    close = P.closest(prefix, ROUTES)
    hint = f" Did you mean '{close}__{rest}'?" if close else ""
    raise P.InvalidParameterError(
        f"{owner}: unknown routing prefix in `{key}`: parameters are routed with "
        f"{', '.join(p + '__' for p in ROUTES)}.{hint}"
    )


def _qualname(fn) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__


def _hint(prefix: str, key: str, valid) -> str:
    return P.did_you_mean(key, list(valid), prefix=f"{prefix}__")


def _check_batch_size(owner: str, name: str, value: Any) -> int | None:
    """A batch size: None (the default), -1 (all samples) or a positive int."""
    if value is None or (
        isinstance(value, (int, np.integer))
        and not isinstance(value, bool)
        and (value >= 1 or value == -1)
    ):
        return None if value is None else int(value)
    raise P.InvalidParameterError(
        f"{owner}: invalid `{name}`: expected a positive integer, -1 (all "
        f"samples in one batch) or None. Received: {name}={value!r}."
    )


def _check_accepts(owner: str, model, method: str, shown: dict) -> None:
    """Refuse arguments ``model.<method>`` does not take, as Keras would.

    ``shown`` maps each argument to how the user gave it (``fit__foo``,
    ``foo=``). A model whose method takes ``**kwargs`` takes them all.
    """
    if not shown:
        return
    params = inspect.signature(getattr(model, method)).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    for key, given in shown.items():
        if key in _DATA_ARGS[method]:
            raise P.InvalidParameterError(
                f"{owner}: `{given}` is set from the data: pass X, y and "
                f"sample_weight to fit and predict instead."
            )
        if takes_any or key in params:
            continue
        options = [k for k in params if k not in _DATA_ARGS[method]]
        prefix = "" if given.endswith("=") else f"{method}__"
        raise P.InvalidParameterError(
            f"{owner}: `{given}` is passed to {type(model).__name__}.{method}, "
            f"which takes no `{key}`.{P.did_you_mean(key, options, prefix=prefix)}"
        )


def _given_dtype(X) -> np.dtype:
    """The dtype of ``X`` as given (a DataFrame's common dtype)."""
    dtype = getattr(X, "dtype", None)
    if isinstance(dtype, np.dtype):
        return dtype
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None:
        try:
            return np.result_type(*dtypes)
        except TypeError:
            pass
    return np.asarray(X).dtype


_PREDICT_HOOKS = (
    "on_predict_begin",
    "on_predict_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


def _has_predict_hooks(callback) -> bool:
    cls = callback if inspect.isclass(callback) else type(callback)
    base = keras.callbacks.Callback
    return any(getattr(cls, h, None) is not getattr(base, h) for h in _PREDICT_HOOKS)


def _any_predict_hooks(callbacks) -> bool:
    """Whether a callback given to the estimator acts during ``predict``."""
    if callbacks is None:
        return False
    return any(
        _has_predict_hooks(cb)
        for cb in keras.tree.flatten(callbacks)
        if inspect.isclass(cb) or isinstance(cb, keras.callbacks.Callback)
    )


_WRAPPER_DOC = """\
    model : callable, keras.Model or None, default=None
        A function returning a ``keras.Model`` (compiled or not), or a model
        instance, copied for every fit so the estimator never trains your
        object. The function receives the ``model__*`` parameters, keyword
        parameters of this estimator that match its arguments (``model__foo``
        wins over ``foo``; ``**kwargs`` takes them all), and, if it asks for
        them, ``meta`` (scikeras's keys: ``X_shape_``, ``X_dtype_``,
        ``y_dtype_``, ``y_ndim_``, ``target_type_``, ``n_features_in_``,
        ``n_outputs_``, ``n_outputs_expected_``, ``feature_encoder_``,
        ``target_encoder_``, and for classifiers ``classes_``, ``n_classes_``),
        ``compile_kwargs`` (optimizer, loss and metrics, built from their
        routed parameters) and ``params`` (all parameters).
    warm_start : bool, default=False
        ``fit`` on a fitted estimator continues training its network.
    random_state : int, RandomState instance or None, default=None
        Seed of model building, weight initialisation and shuffling.
    optimizer : str, optimizer class or instance, default="rmsprop"
        Names and classes are built with the ``optimizer__*`` parameters.
    loss : str, loss class, instance, callable or None, default=None
        Needed unless the model function compiles the model. Names and
        classes take ``loss__*`` parameters.
    metrics : list, dict or None, default=None
        Keras metrics (names, classes taking ``metrics__*``, instances).
    batch_size : int or None, default=None
        Samples per step (None: 32; -1: all samples).
    validation_batch_size : int or None, default=None
        Batch size of the validation pass.
    verbose : int, default=1
        Keras's verbosity (0 silent, 1 progress bar, 2 a line per epoch).
    callbacks : list, dict or None, default=None
        Keras callbacks (instances, copied per fit, or classes built with
        ``callbacks__*`` parameters: ``callbacks__patience`` for every class,
        ``callbacks__0__patience`` or ``callbacks__name__patience`` for one).
    validation_split : float, default=0.0
        Fraction of the training data Keras holds out (the last rows).
    shuffle : bool, default=True
        Shuffle the training data each epoch.
    run_eagerly : bool, default=False
        Run the model eagerly (for debugging).
    epochs : int, default=1
        Epochs per ``fit`` (``partial_fit`` trains one).
{placement}
    **kwargs
        Routed parameters (``model__units=32``, ``optimizer__learning_rate=
        1e-3``, ``fit__validation_split=0.1``, ...) and free parameters
        offered to the model function; those named in ``_fit_kwargs``,
        ``_predict_kwargs`` or ``_compile_kwargs`` (``validation_freq=2``)
        also go to that Keras method.""".format(
    placement=PLACEMENT.format(
        policy="Keras dtype policy while your model is built (keep its last\n"
        "        layer float32)"
    )
)


class KerasRegressor(KerasWrapperMixin, BaseNeuralRegressor):  # noqa: D101
    __doc__ = f"""scikit-learn regressor around your own Keras model (like scikeras).

    Parameters
    ----------
{_WRAPPER_DOC}

    Attributes
    ----------
    model_ : keras.Model
        The trained network (a copy of yours; never your object).
    history_ : dict of list
        Per-epoch loss and metrics.
    n_features_in_, n_outputs_, target_type_, X_shape_, X_dtype_ : various
        Metadata of the training data, as in ``meta`` (also ``y_dtype_``,
        ``y_ndim_``, ``n_outputs_expected_``).

    Examples
    --------
    >>> import keras
    >>> from skneural import KerasRegressor
    >>> def build(meta, units=16):
    ...     inputs = keras.Input(meta["X_shape_"][1:])
    ...     hidden = keras.layers.Dense(units, activation="relu")(inputs)
    ...     return keras.Model(inputs, keras.layers.Dense(meta["n_outputs_"])(hidden))
    >>> reg = KerasRegressor(build, loss="mse", model__units=8, epochs=2, verbose=0)
    """

    @property
    def target_encoder(self):
        """Float32 targets, one column per output (override to customise).

        For a model instance with several output layers, ``y``'s columns are
        split among them in order, and their predictions put side by side.
        """
        return RegressionTargetEncoder(output_widths=_output_widths(self.model))

    @staticmethod
    def scorer(y_true, y_pred, **kwargs) -> float:
        """R² of the predictions (override to score your own way).

        Parameters
        ----------
        y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True and predicted targets.
        **kwargs
            Passed to :func:`sklearn.metrics.r2_score` (``sample_weight``).

        Returns
        -------
        float
        """
        return r2_score(y_true, y_pred, **kwargs)

    def predict(self, X, **kwargs):
        """Predict targets for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        **kwargs
            As for the parent's ``predict``.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions in the shape of the training target: float32 when the
            estimator was fitted on float32 ``X`` and ``X`` is float32 too,
            float64 otherwise (as scikit-learn's ``MLPRegressor``).
        """
        pred = super().predict(X, **kwargs)
        if not (isinstance(pred, np.ndarray) and pred.dtype.kind == "f"):
            return pred  # a target encoder of your own decides
        fitted = self.__dict__.get("_data_kinds", {}).get("X")
        single = fitted == np.dtype(np.float32).str and _dtype_of(X) == np.float32
        return pred.astype(np.float32 if single else np.float64, copy=False)

    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train for exactly one epoch, starting a network on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs
            Arguments of ``keras.Model.fit`` for this call only, as in
            scikeras; ``epochs`` and ``initial_epoch`` are refused.

        Returns
        -------
        self : object
        """
        return self._fit_with(kwargs, "partial_fit", X, y, sample_weight)


class KerasClassifier(KerasWrapperMixin, BaseNeuralClassifier):  # noqa: D101
    __doc__ = f"""scikit-learn classifier around your own Keras model (like scikeras).

    Labels are encoded for the network by ``target_encoder``: a 0/1 column
    for binary targets, integer class indices for multiclass targets, one-hot
    rows when the loss is categorical cross-entropy, the indicator matrix for
    multilabel targets. ``predict_proba`` reads one sigmoid unit as the
    probability of the second class and otherwise one unit per class (the
    sigmoid or softmax of logits when the loss has ``from_logits=True``).
    With ``loss=None``, a compiled model instance's own loss decides. A
    target of a single class fits; its probability is always 1.

    Parameters
    ----------
{_WRAPPER_DOC}
    class_weight : dict, "balanced" or None, default=None
        Class weights keyed by your labels; multiplies ``sample_weight``.

    Attributes
    ----------
    model_ : keras.Model
        The trained network (a copy of yours; never your object).
    classes_ : ndarray
        Sorted class labels.
    n_classes_ : int
        Number of classes.
    history_ : dict of list
        Per-epoch loss and metrics.
    """

    def __init__(
        self,
        model: Any = None,
        *,
        warm_start: bool = False,
        random_state: Any = None,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Any = None,
        batch_size: int | None = None,
        validation_batch_size: int | None = None,
        verbose: int = 1,
        callbacks: Any = None,
        validation_split: float = 0.0,
        shuffle: bool = True,
        run_eagerly: bool = False,
        epochs: int = 1,
        device: str = "auto",
        distribute: str | None = None,
        precision: str = "float32",
        class_weight: Any = None,
        **kwargs: Any,
    ):
        super().__init__(
            model,
            warm_start=warm_start,
            random_state=random_state,
            optimizer=optimizer,
            loss=loss,
            metrics=metrics,
            batch_size=batch_size,
            validation_batch_size=validation_batch_size,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            shuffle=shuffle,
            run_eagerly=run_eagerly,
            epochs=epochs,
            device=device,
            distribute=distribute,
            precision=precision,
            **kwargs,
        )
        self.class_weight = class_weight

    #: ``class_weight`` is the estimator's own, applied as sample weights.
    _fit_kwargs = KerasWrapperMixin._fit_kwargs - {"class_weight"}

    @property
    def target_encoder(self):
        """Label encoder chosen by ``loss`` (override to customise).

        With ``loss=None`` and a compiled model instance as ``model``, the
        model's own loss (and its ``from_logits``) says how labels are
        encoded and outputs read. A target of a single class is accepted.
        """
        loss, routed, units = self.loss, self._routed("loss"), None
        if loss is None and getattr(self.model, "compiled", False):
            loss, routed, units = self.model.loss, {}, _output_units(self.model)
            if not isinstance(loss, (list, tuple, dict)):
                loss = loss_name(loss)
        return ClassificationTargetEncoder(
            loss=loss, single_class=True, **_label_reading(loss, routed, units)
        )

    @staticmethod
    def scorer(y_true, y_pred, **kwargs) -> float:
        """Accuracy of the predictions (override to score your own way).

        Parameters
        ----------
        y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_labels)
            True and predicted labels.
        **kwargs
            Passed to :func:`sklearn.metrics.accuracy_score` (``sample_weight``).

        Returns
        -------
        float
        """
        return accuracy_score(y_true, y_pred, **kwargs)

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train for exactly one epoch, starting a network on the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Training samples.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Labels, or a multilabel indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every label the target can take, read on the first call. As in
            scikeras, without it the first batch's labels are the classes: a
            later batch with another label is then an error.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.
        **kwargs
            Arguments of ``keras.Model.fit`` for this call only, as in
            scikeras; ``epochs`` and ``initial_epoch`` are refused.

        Returns
        -------
        self : object
        """
        return self._fit_with(
            kwargs, "partial_fit", X, y, sample_weight, classes=classes
        )

    def predict_proba(self, X, **kwargs):
        """Probability of each class for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples.
        **kwargs
            Arguments of ``keras.Model.predict`` for this call only, as in
            scikeras (see ``predict``).

        Returns
        -------
        ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            Rows sum to one for single-label targets; one independent
            probability per label for multilabel targets.
        """
        return self._probabilities(self._predict_outputs(X, kwargs))
