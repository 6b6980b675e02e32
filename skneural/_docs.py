"""Parameter descriptions shared by the estimators' docstrings."""

ARCHITECTURE = """\
hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer. ``()`` gives a linear (regression) or
        logistic (classification) model.
    activation : str, default="relu"
        Hidden-layer activation: ``"relu"``, ``"tanh"``, ``"sigmoid"``
        (alias ``"logistic"``), ``"elu"``, ``"selu"``, ``"gelu"``,
        ``"swish"``/``"silu"``, ``"leaky_relu"``, ``"softplus"`` or
        ``"linear"`` (alias ``"identity"``).
    kernel_initializer : str or keras.initializers.Initializer, default="glorot_uniform"
        Initializer of every weight matrix (any Keras initializer name).
    dropout : float or tuple of float, default=0.0
        Dropout rate in [0, 1) after every hidden layer, or one per layer.
    batch_normalization : bool, default=False
        Batch-normalize each hidden layer before its activation.
    l1 : float, default=0.0
        L1 penalty on every weight matrix.
    l2 : float, default=0.0
        L2 penalty on every weight matrix (with ``l1``: elastic net)."""

TRAINING = """\
optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"``, ``"adagrad"``,
        ``"adadelta"``, ``"adamax"``, ``"nadam"``, ``"ftrl"``, ``"lion"``,
        ``"lamb"``, ``"adafactor"``, or a class. Names and classes are built
        with ``learning_rate`` (and ``momentum``). An instance is copied for
        every fit and keeps its own settings, learning rate included.
    learning_rate : float, default=0.001
        Step size of the optimizer.
    momentum : float, default=0.9
        Momentum of ``"sgd"`` and ``"rmsprop"``; ignored by other optimizers.
    batch_size : int, default=32
        Samples per gradient step.
    epochs : int, default=100
        Passes over the training data in ``fit`` (``partial_fit`` always
        trains one).
    shuffle : bool, default=True
        Shuffle the training data before every epoch."""

CONTROL = """\
early_stopping : bool, default=False
        Stop when the validation loss (or, with ``validation_fraction=0``,
        the training loss) has not improved by ``min_delta`` for
        ``patience`` epochs. Only in ``fit``.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    patience : int, default=10
        Epochs without improvement before stopping.
    min_delta : float, default=1e-4
        Smallest change of the monitored loss that counts as improvement.
    restore_best_weights : bool, default=True
        With early stopping, keep the weights of the best epoch.
    reduce_lr_on_plateau : bool, default=False
        Divide the learning rate by 10 when the monitored loss stalls for
        ``max(1, patience // 2)`` epochs.
    callbacks : list of keras.callbacks.Callback, default=None
        Extra Keras callbacks. They are deep-copied for every fit, so one
        estimator can be cloned and fitted many times.
    metrics : list of str or keras.metrics.Metric, default=None
        Keras metrics computed every epoch and recorded in ``history_``."""

PLACEMENT = """\
    device : str, default="auto"
        Where the network is built, trained and run: "auto" (a GPU when one
        is visible, else the CPU; parallel search workers spread over the
        GPUs), "cpu", "gpu" (the first GPU) or "gpu:N".
    distribute : {{None, "auto", "mirrored"}}, default=None
        Data-parallel training over several devices: "mirrored" uses every
        visible GPU (or every logical CPU device when there is no GPU),
        "auto" does so when more than one GPU is visible
        (``tf.distribute.MirroredStrategy`` on TensorFlow,
        ``keras.distribution.DataParallel`` on JAX).
    precision : {{"float32", "mixed_float16", "mixed_bfloat16"}}, default="float32"
        {policy}; float16 training scales the loss. Mixed precision speeds
        up GPUs with tensor cores and saves memory; on CPUs it is slower."""

#: The placement parameters of the built-in estimators.
DEVICES = PLACEMENT.format(
    policy="Keras dtype policy of the hidden layers (the output layer stays\n"
    "        float32)"
)

RUN = """\
random_state : int, RandomState instance or None, default=None
        Seed of weight initialization, dropout, shuffling and the validation
        split. An int gives the same predictions on every run on CPU.
        Python's and NumPy's global random generators are left as they were.
    verbose : int, default=0
        0 is silent, 1 shows Keras's progress bar, 2 one line per epoch.
    warm_start : bool, default=False
        When True, ``fit`` on a fitted estimator continues training the
        existing network instead of starting again."""

RUN += "\n" + DEVICES

ATTRIBUTES = """\
model_ : keras.Model
        The trained network.
    history_ : dict of list of float
        Per-epoch values of ``loss``, ``val_loss`` (with early stopping) and
        every metric.
    n_iter_ : int
        Epochs trained in total (``partial_fit`` and ``warm_start`` add up).
    best_epoch_ : int
        Index into ``history_`` lists of the epoch with the best monitored
        loss, whose weights are kept when ``restore_best_weights`` (only with
        ``early_stopping``).
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names, when ``X`` was a DataFrame with string column names.
    n_outputs_ : int
        Number of target columns (labels, for multilabel targets).
    target_encoder_ : transformer
        The fitted encoder between targets and network outputs."""


def fill(doc: str) -> str:
    """Insert the shared parameter blocks into an estimator docstring."""
    return doc.format(
        architecture=ARCHITECTURE,
        training=TRAINING,
        control=CONTROL,
        run=RUN,
        attributes=ATTRIBUTES,
    )
