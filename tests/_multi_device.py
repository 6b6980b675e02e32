"""Fit with distribute="mirrored" on two logical CPU devices; print a JSON report.

Run in a fresh process (device configuration must precede backend start-up):
``python tests/_multi_device.py``. With ``KERAS_BACKEND=jax`` the caller sets
``XLA_FLAGS=--xla_force_host_platform_device_count=2``.
"""

import json
import os

import numpy as np

if os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow":
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )

import keras

from skneural import NeuralClassifier, NeuralRegressor

rng = np.random.default_rng(0)
X = rng.normal(size=(256, 4)).astype(np.float32)
y = X @ np.array([1.0, -2.0, 0.5, 0.0], dtype=np.float32)

# Plain inputs (no periodic embedding): its sharp features turn the replicas'
# different order of summation into visibly different curves within epochs.
reg = NeuralRegressor(
    hidden_layer_sizes=(16,),
    numeric_embedding=None,
    epochs=15,
    batch_size=32,
    learning_rate=0.01,
    distribute="mirrored",
    random_state=0,
).fit(X, y)
clf = NeuralClassifier(
    hidden_layer_sizes=(8,),
    epochs=2,
    distribute="mirrored",
    random_state=0,
    numeric_embedding=None,
).fit(X, y > 0)

model = reg.model_
if keras.backend.backend() == "tensorflow":
    replicas = model.distribute_strategy.num_replicas_in_sync
else:
    replicas = len(model.trainable_variables[0].value.sharding.device_set)
print(
    json.dumps(
        {
            "replicas": int(replicas),
            "loss": reg.history_["loss"],
            "r2": float(reg.score(X, y)),
            "classifier_accuracy": float(clf.score(X, y > 0)),
            "distribution_left_set": keras.distribution.distribution() is not None,
        }
    )
)
