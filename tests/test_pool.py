"""Compiled networks are reused across fits, never shared between live estimators."""

import gc

import keras
import numpy as np
from conftest import tiny
from keras_models import dense_regressor
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from skneural._pool import POOL, NetworkPool, structure_key


def test_discarded_estimators_give_their_network_back(regression_data):
    X, y = regression_data
    POOL.clear()
    est = tiny("NeuralRegressor", epochs=1, hidden_layer_sizes=(7,)).fit(X, y)
    net = est._network
    del est
    gc.collect()
    other = tiny("NeuralRegressor", epochs=1, hidden_layer_sizes=(7,)).fit(X, y)
    assert other._network is net


def test_live_estimators_never_share_a_network(regression_data):
    X, y = regression_data
    a = tiny("NeuralRegressor", epochs=1, hidden_layer_sizes=(7,)).fit(X, y)
    b = clone(a).fit(X, y)
    assert a._network is not b._network
    pa = a.predict(X)
    b.fit(X, y + 1)
    np.testing.assert_array_equal(a.predict(X), pa)


def test_reading_model_keeps_it(regression_data):
    X, y = regression_data
    POOL.clear()
    model = tiny("NeuralRegressor", epochs=1, hidden_layer_sizes=(9,)).fit(X, y).model_
    gc.collect()
    weights = [w.copy() for w in model.get_weights()]
    tiny("NeuralRegressor", epochs=2, hidden_layer_sizes=(9,), random_state=5).fit(X, y)
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_refit_gives_the_old_network_back(regression_data):
    X, y = regression_data
    POOL.clear()
    est = tiny("NeuralRegressor", epochs=1, hidden_layer_sizes=(11,))
    nets = set()
    for _ in range(4):
        est.fit(X, y)
        nets.add(id(est._network))
    assert len(nets) <= 2


def test_reused_network_trains_like_a_new_one(regression_data):
    X, y = regression_data
    POOL.clear()
    fresh = tiny(
        "NeuralRegressor", epochs=3, dropout=0.1, hidden_layer_sizes=(13,)
    ).fit(X, y)
    expected = fresh.predict(X)
    net = fresh._network
    del fresh
    gc.collect()
    reused = tiny(
        "NeuralRegressor", epochs=3, dropout=0.1, hidden_layer_sizes=(13,)
    ).fit(X, y)
    assert reused._network is net
    np.testing.assert_array_equal(reused.predict(X), expected)


def test_cross_validation_reuses_networks(regression_data):
    X, y = regression_data
    POOL.clear()
    before = len(POOL)
    cross_val_score(
        tiny("NeuralRegressor", epochs=1, hidden_layer_sizes=(5,)), X, y, cv=4
    )
    gc.collect()
    assert len(POOL) - before <= 2


def test_pool_is_bounded():
    pool = NetworkPool(max_idle=2)

    class Dummy:
        def __init__(self):
            self.optimizer = None
            self.variables = []

    nets = [pool.checkout(("k", i), Dummy) for i in range(4)]
    for net in nets:
        pool.release(net)
    assert len(pool) == 2


def test_structure_key_equal_configs_share_and_unhashable_is_none():
    a = structure_key(keras.initializers.HeNormal(), (1, 2), {"b": [1, 2]})
    b = structure_key(keras.initializers.HeNormal(), (1, 2), {"b": [1, 2]})
    assert a == b and hash(a) == hash(b)
    assert structure_key({1, 2}) is None


def test_wrapper_reusing_a_pooled_network_starts_from_the_builders_weights(
    regression_data,
):
    # The wrapper copies the weights its model function returns into a pooled
    # network of the same structure: never the previous fit's trained ones.
    X, y = regression_data
    gc.collect()
    POOL.clear()
    first = tiny("KerasRegressor", model__hidden=13).fit(X, y)
    expected = first.predict(X)
    net = first._network
    again = clone(first)
    del first
    gc.collect()
    again.fit(X, y)
    assert again._network is net  # the trained network, reused...
    np.testing.assert_array_equal(again.predict(X), expected)  # ...restarted
    other = clone(again).set_params(random_state=1)
    del again
    gc.collect()
    other.fit(X, y)
    assert other._network is net
    reused = other.predict(X)
    assert not np.allclose(reused, expected)
    built = clone(other).fit(X, y)  # nothing idle in the pool: a new network
    assert built._network is not net
    np.testing.assert_array_equal(built.predict(X), reused)


def test_wrapper_reuses_a_network_its_function_compiled(iris):
    # its compile config names the optimizer 'adam', 'adam_1', ...: the name
    # is not part of the network's structure
    X, y = iris
    gc.collect()
    POOL.clear()
    first = tiny("KerasClassifier").fit(X, y)  # dense_classifier compiles
    net = first._network
    del first
    gc.collect()
    second = tiny("KerasClassifier").fit(X, y)
    assert second._network is net


class Builder:
    """A model function whose layout changes while it stays the same object."""

    def __init__(self, hidden):
        self.hidden = hidden

    def __call__(self, meta):
        return dense_regressor(meta, hidden=self.hidden)


def _shapes(est):
    return [tuple(v.shape) for v in est._network.model.weights]


def test_wrapper_with_another_layout_gets_another_network(regression_data):
    X, y = regression_data
    gc.collect()  # estimators of earlier tests give their networks back
    POOL.clear()
    first = tiny("KerasRegressor", model__hidden=8).fit(X, y)
    net, shapes = first._network, _shapes(first)
    del first
    gc.collect()
    assert len(POOL) == 1
    # another size, routed to the model function
    routed = tiny("KerasRegressor", model__hidden=12).fit(X, y)
    assert routed._network is not net and len(POOL) == 1
    assert shapes[0] == (5, 8) and _shapes(routed)[0] == (5, 12)
    assert routed.predict(X).shape == (len(X),)
    # the same function object, returning another layout
    builder = Builder(hidden=8)
    first = tiny("KerasRegressor", model=builder).fit(X, y)
    net = first._network
    del first
    gc.collect()
    same = tiny("KerasRegressor", model=builder).fit(X, y)
    assert same._network is net  # same object, same layout: reused
    del same
    gc.collect()
    builder.hidden = 6
    other = tiny("KerasRegressor", model=builder).fit(X, y)
    assert other._network is not net
    assert _shapes(other)[0] == (5, 6)
    assert other.predict(X).shape == (len(X),)
