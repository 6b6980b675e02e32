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
    dropout : float or tuple of float, default=0.1
        Dropout rate in [0, 1) after every hidden layer, or one per layer
        (in training only; ``0.0`` for none).
    batch_normalization : bool, default=False
        Batch-normalize each hidden layer before its activation.
    l1 : float, default=0.0
        L1 penalty on every weight matrix.
    l2 : float, default=0.0
        L2 penalty on every weight matrix (with ``l1``: elastic net)."""

TABLES = """\
categorical_features : "auto", None, or array-like of str, int or bool, \
default="auto"
        The categorical columns of a pandas DataFrame ``X``. ``"auto"``: those
        of ``category``, ``object``, string or ``bool`` dtype; or name them
        (names, positions or a boolean mask; this also works for arrays of
        category codes); ``None``: none. Every input goes through a
        :class:`~skneural.features.TableEncoder` learned in ``fit``: each
        categorical column gets a learned embedding (unseen and missing
        values share one reserved code, categories seen fewer than 5 times
        another); numeric columns, arrays included, are centred on their
        median, scaled by their interquartile range and smoothly clipped; in
        a DataFrame, a missing number becomes the median, plus a 0/1
        indicator column where the column had at least 5 missing values. A
        ``scipy.sparse`` X stays sparse: each column is divided by its
        largest absolute value (no centring, no clipping), and rows are made
        dense a chunk of batches (about 16 MiB) at a time.
    numeric_embedding : {{"auto", "periodic"}} or None, default={numeric_embedding}
        ``"periodic"``: each numeric input column that takes more than two
        values (after scaling) also enters
        the network as a learned embedding: 16 periodic features
        ``cos(2 pi f x + p)`` with learned frequencies and phases, mapped by
        a linear layer of its own to 8 values and a ReLU
        (:class:`~skneural.architectures.table.PeriodicEmbedding`; Gorishniy
        et al. 2022). It lets the network follow a feature's effect where it
        changes sharply (a threshold, a narrow range), as trees do, and costs
        8 more inputs to the first hidden layer per column. ``None``: the
        scaled numbers go to the first hidden layer as they are. ``"auto"``:
        ``"periodic"`` when ``fit`` gets at least 32 rows per such column
        (:func:`~skneural.training.auto_numeric_embedding`), else ``None``:
        on wide, short tables the embeddings' weights fit noise. 0/1 and
        one-hot columns, missing-value flags, category codes and sparse input
        are not embedded; without
        hidden layers (``hidden_layer_sizes=()``) the model stays linear and
        no embedding is made.
    ensemble_size : int or "auto", default="auto"
        Networks packed side by side in the one model: each has its own
        input embeddings (numeric and categorical), hidden and output layers
        and initial weights, each is trained on its own loss in the same
        steps, and ``predict`` / ``predict_proba`` return their average
        (:class:`~skneural.architectures.ensemble.PackedEnsemble`; TabM,
        Gorishniy et al. 2024). On small tables networks started from
        different weights disagree by about as much as a network and a
        linear model, and the average is better than any one of them.
        ``"auto"``: 4 when ``fit`` gets fewer than 10,000 rows, else 1
        (:func:`~skneural.training.auto_ensemble_size`); ``1``: a single
        network whatever the data size. Without hidden
        layers there is one network (an average of linear models is linear).
        ``history_`` shows the mean of the members' training losses and the
        validation loss of their average.
    scaling_layer : bool, default=True
        Multiply each input of the first hidden layer (numbers, their
        embeddings, category embeddings) by a learned scale of its own,
        started at 1 and learning 6 times faster than the other weights
        (:class:`~skneural.architectures.table.ScalingLayer`; RealMLP,
        Holzmüller et al. 2024). Within a few epochs the network turns down
        the columns that carry no signal, before its hidden layer has fitted
        their noise: networks are otherwise much less robust to
        uninformative columns than trees. Without hidden layers there is
        none.
    scaling_l1 : float, default=0.0
        L1 penalty on the scaling layer's scales: ``scaling_l1 *
        sum(|scale|)`` is added to the training loss (a packed ensemble's
        members each their own, averaged as their losses are), not to the
        loss early stopping watches. It pulls every scale towards zero by
        the same amount, so the inputs that do not lower the loss are turned
        down to about zero, as the lasso drops columns, and the network is
        left with the ones that carry signal. Worth trying (e.g. 0.002) on
        a table that may hold many columns of no use: on generated tables
        of 3,000 rows with 200 noise columns it reached gradient boosting's
        accuracy (600-row ones gained less), while on the benchmark's real
        tables, which hold few, it cost a little accuracy; hence 0 (no
        penalty) by default. Without the scaling layer it has no effect."""

STANDARDIZE_TARGET = """\
standardize_target : bool or "auto", default="auto"
        Train on the target minus its mean, divided by its standard deviation
        (per output, learned in ``fit``); predictions are put back on the
        target's own scale. A target in dollars then trains as well as a
        standardized one, with or without ``TransformedTargetRegressor``.
        ``"auto"``: for the losses that do not depend on the target's unit
        (mean squared or absolute error, Huber, log-cosh; ``"mape"``,
        ``"msle"``, ``"poisson"`` and your own losses see the target as it
        is). The losses and metrics in ``history_`` are then on the
        standardized scale."""

LINEAR_BLEND = """\
linear_blend : bool or "auto", default="auto"
        After early stopping, blend the network with a ridge regression:
        predictions are ``w * network + (1 - w) * ridge``, with the network's
        weight ``w`` (0 to 1 in steps of 0.05) of lowest loss on the rows
        held out for early stopping, the ridge regression fitted on the same
        training rows. A weight below 1 then puts in a ridge regression
        fitted on every row, with the same penalty (``blend_weight_``,
        ``linear_coef_``). The ridge regression sees the encoded table
        (scaled numbers, missing-value flags, each category one-hot) and the
        target as the network does; its penalty is chosen by leave-one-out
        cross-validation (:class:`~sklearn.linear_model.RidgeCV`). On small,
        noisy tables whose target is nearly a linear function of the
        features, the blend often predicts better than either; elsewhere the
        weight is 1 (the network alone). ``"auto"``: when ``fit`` gets fewer
        than 10,000 samples (:func:`~skneural.training.auto_linear_blend`).
        Only where early stopping holds rows out and the input is dense,
        with at most 2**22 values in the ridge regression's inputs; continued
        training without held-out rows (``partial_fit``) keeps the blend."""

IMAGE_INPUTS = """\
The layout of the input is decided in ``fit`` and kept:

    - ``(n, height, width, channels)`` and ``(n, height, width)`` arrays are
      images: 2-D convolutions (3-D ``X`` is grayscale).
    - ``(n, steps, channels)`` arrays with ``conv_dims=1`` are signals or
      sequences: 1-D convolutions.
    - 2-D ``(n, n_features)`` rows are reshaped to ``image_shape`` when it is
      set, so the estimator can follow 2-D transformers in a Pipeline.
    - 2-D rows without ``image_shape`` are 1-channel signals of
      ``n_features`` steps (1-D convolutions).

    Any other shape is refused with a message that lists these. ``predict``
    takes samples of the fitted shape, whole or flattened. ``uint8`` inputs
    (arrays, or DataFrames of ``uint8`` columns) are divided by 255, in
    ``fit`` and ``predict`` alike, so ``uint8`` images and float images in
    [0, 1] can be mixed (see ``rescale``)."""

CONV_ARCHITECTURE = """\
filters : tuple of int, default=(32, 64)
        Filters of each conv block, one block per entry. A block is a
        convolution, batch normalization (with ``batch_normalization``),
        ``conv_activation``, pooling (with ``pooling``) and spatial dropout
        (with ``conv_dropout``).
    kernel_size : int or tuple of int, default=3
        Convolution window of every block: an int, or one int per spatial
        dimension (height, width).
    strides : int or tuple of int, default=1
        Convolution step of every block.
    padding : {"same", "valid"}, default="same"
        Padding of convolutions and pooling. With "same" maps are
        zero-padded and every window fits; with "valid" a kernel or pooling
        window larger than its block's input is refused in ``fit``, before
        any training.
    pooling : {"max", "avg"} or None, default="max"
        Pooling after each block; None for none.
    pool_size : int or tuple of int, default=2
        Pooling window and step.
    conv_activation : str, default="relu"
        Activation of the conv blocks (the names ``activation`` takes).
    conv_dropout : float, default=0.0
        Spatial dropout rate in [0, 1) after each block: drops whole
        feature maps.
    global_pooling : {"avg", "max", "flatten"} or None, default=None
        How the last feature maps become the dense head's input: global
        average or max pooling (one value per filter, whatever the input
        size), or flattening (None or "flatten").
    hidden_layer_sizes : tuple of int, default=(128,)
        Units of each layer of the dense head; ``()`` for none.
    activation : str, default="relu"
        Activation of the dense head: ``"relu"``, ``"tanh"``, ``"sigmoid"``
        (alias ``"logistic"``), ``"elu"``, ``"selu"``, ``"gelu"``,
        ``"swish"``/``"silu"``, ``"leaky_relu"``, ``"softplus"`` or
        ``"linear"`` (alias ``"identity"``).
    kernel_initializer : str or keras.initializers.Initializer, default="he_uniform"
        Initializer of every kernel (any Keras initializer name).
    dropout : float or tuple of float, default=0.5
        Dropout rate in [0, 1) after every dense layer, or one per layer.
    batch_normalization : bool, default=True
        Batch-normalize every convolution and dense layer before its
        activation.
    l1 : float, default=0.0
        L1 penalty on every kernel.
    l2 : float, default=0.0
        L2 penalty on every kernel (with ``l1``: elastic net).
    random_flip : {"horizontal", "vertical", "horizontal_and_vertical"} or None, \
default=None
        Flip training images at random.
    random_rotation : float, default=0.0
        Rotate training images by up to this fraction of a full turn.
    random_zoom : float, default=0.0
        Zoom training images in or out by up to this fraction.
    random_translation : float, default=0.0
        Shift training images by up to this fraction of their height and
        width. The four augmentations are Keras preprocessing layers in the
        network: they act only while training (never in ``predict`` or
        ``score``), apply to images only, and fill uncovered pixels with
        zeros.
    image_shape : tuple of int or None, default=None
        Shape each 2-D row of ``X`` is reshaped to: ``(height, width,
        channels)`` or ``(height, width)`` for images, ``(steps,
        channels)`` with ``conv_dims=1`` for signals.
    conv_dims : {"auto", 1, 2}, default="auto"
        Convolution dimensions: "auto" follows the rules above; 1 reads 3-D
        ``X`` as ``(n, steps, channels)`` signals; 2 asks for images (2-D
        rows need ``image_shape``).
    rescale : "auto", float or None, default="auto"
        Factor every input is multiplied by before the network: "auto"
        divides ``uint8`` inputs by 255 and leaves others as they are; None
        never scales."""

TRAINING = """\
optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"``, ``"adagrad"``,
        ``"adadelta"``, ``"adamax"``, ``"nadam"``, ``"ftrl"``, ``"lion"``,
        ``"lamb"``, ``"adafactor"``, or a class. Names and classes are built
        with ``learning_rate`` (and ``momentum``). An instance is copied for
        every fit and keeps its own settings, learning rate included.
    learning_rate : float or "auto", default={learning_rate}
        Step size of the optimizer. ``"auto"``: 0.001 for batches of up to
        32 samples, times ``sqrt(batch_size / 32)`` for larger ones (0.002
        at 128, 0.004 from 512), as larger batches average away more noise.
    momentum : float, default=0.9
        Momentum of ``"sgd"`` and ``"rmsprop"``; ignored by other optimizers.
    batch_size : int or "auto", default={batch_size}
        Samples per gradient step. ``"auto"``: about one hundredth of the
        training samples, as a power of two from 32 to 512 (32 up to 4,500
        samples, 64 up to 9,000, ..., 512 from 36,000).
    epochs : int, default=100
        Passes over the training data in ``fit`` (``partial_fit`` always
        trains one).
    shuffle : bool, default=True
        Shuffle the training data before every epoch."""

CONTROL = """\
early_stopping : bool or "auto", default={early_stopping}
        Stop when the validation loss (or, with ``validation_fraction=0``,
        the training loss) has not improved by ``min_delta`` for
        ``patience`` epochs. Only in ``fit``. ``"auto"``: on when ``fit``
        gets at least 200 samples.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    patience : int, default={patience}
        Epochs without improvement before stopping.
    min_delta : float, default=1e-4
        Smallest change of the monitored loss that counts as improvement.
    restore_best_weights : bool, default=True
        With early stopping, keep the weights of the best epoch.
    reduce_lr_on_plateau : bool, default={reduce_lr_on_plateau}
        Divide the learning rate by 10 when the monitored loss stalls for
        ``max(1, patience // 2)`` epochs.
    anneal_fraction : float, default={anneal_fraction}
        With early stopping: when the loss has stalled for ``patience``
        epochs, go back to the best weights and train on for this fraction
        of the epochs it took to reach them (at least 3), the learning rate
        falling to 0 along a half cosine (the last of them, at a rate of 0,
        is not run), then stop and keep the best weights of either phase. 0
        stops at once.{anneal_note}
    refit : bool or "auto", default={refit}
        With early stopping on held-out rows: once it has chosen the
        weights to keep, train the network again from where ``fit`` started
        on every row, the held-out ones included, along the epochs that led
        to them (the flat ones up to the best, then the annealing), each at
        the learning rate it had. Fits take about 1.3x as long. ``history_``
        keeps the run with validation rows; the ``callbacks`` are not called
        again. ``"auto"``: when ``fit`` gets fewer than 10,000 samples.{refit_note}
    callbacks : list of keras.callbacks.Callback, default=None
        Extra Keras callbacks. They are deep-copied for every fit, so one
        estimator can be cloned and fitted many times.
    metrics : list of str or keras.metrics.Metric, default=None
        Keras metrics computed every epoch and recorded in ``history_``."""

#: Where the defaults of ``anneal_fraction`` and ``refit`` come from, for the
#: estimators that use them by default (the dense ones) and those that do not
#: (conv).
CHOSEN_ON_TABLES = """
        The default was chosen on the tabular benchmark panel
        (docs/dense_networks.md, "Defaults that changed")."""
NOT_ON_IMAGES = """
        Off by default here: it was chosen on tables, not measured on
        images."""

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
        every metric (after a ``refit``: of the run with validation rows).
    n_iter_ : int
        Epochs the network trained in total (``partial_fit`` and
        ``warm_start`` add up; after a ``refit``, its epochs count).
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


def fill(
    doc: str,
    *,
    batch_size: int | str = 32,
    early_stopping: bool | str = False,
    numeric_embedding: str | None = None,
    learning_rate: float | str = 0.001,
    patience: int = 10,
    reduce_lr_on_plateau: bool = False,
    anneal_fraction: float = 0.0,
    refit: bool | str = False,
) -> str:
    """Insert the shared parameter blocks into an estimator docstring.

    The keyword arguments are the estimator's defaults that differ between
    estimators.
    """
    defaults = {
        "batch_size": batch_size,
        "early_stopping": early_stopping,
        "numeric_embedding": numeric_embedding,
        "learning_rate": learning_rate,
        "patience": patience,
        "reduce_lr_on_plateau": reduce_lr_on_plateau,
        "anneal_fraction": anneal_fraction,
        "refit": refit,
    }
    defaults = {  # strings as the docs write them: default="auto"
        k: f'"{v}"' if isinstance(v, str) else v for k, v in defaults.items()
    }
    return doc.format(
        inputs=IMAGE_INPUTS,
        conv_architecture=CONV_ARCHITECTURE,
        architecture=ARCHITECTURE,
        tables=TABLES.format(**defaults),
        standardize_target=STANDARDIZE_TARGET,
        linear_blend=LINEAR_BLEND,
        training=TRAINING.format(**defaults),
        control=CONTROL.format(
            **defaults,
            anneal_note=CHOSEN_ON_TABLES if anneal_fraction else NOT_ON_IMAGES,
            refit_note=CHOSEN_ON_TABLES if refit else NOT_ON_IMAGES,
        ),
        run=RUN,
        attributes=ATTRIBUTES,
    )
