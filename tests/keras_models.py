"""Model-building functions used by the wrapper tests (importable, hence picklable)."""

import keras


def dense_classifier(meta, compile_kwargs, hidden=16):
    """One hidden layer; the output and loss follow the target type."""
    inputs = keras.Input(meta["X_shape_"][1:])
    x = keras.layers.Dense(hidden, activation="relu")(inputs)
    if meta["target_type_"] == "binary":
        outputs, loss = (
            keras.layers.Dense(1, activation="sigmoid")(x),
            "binary_crossentropy",
        )
    elif meta["target_type_"] == "multiclass":
        outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax")(x)
        loss = "sparse_categorical_crossentropy"
    else:  # multilabel indicator
        outputs = keras.layers.Dense(meta["n_outputs_"], activation="sigmoid")(x)
        loss = "binary_crossentropy"
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=compile_kwargs["optimizer"], loss=loss)
    return model


def dense_regressor(meta, hidden=16):
    """One hidden layer, left uncompiled (the wrapper compiles it)."""
    inputs = keras.Input(meta["X_shape_"][1:])
    x = keras.layers.Dense(hidden, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(meta["n_outputs_"])(x))
