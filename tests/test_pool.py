"""Compiled networks are reused across fits, never shared between live estimators."""

import gc

import numpy as np
from conftest import tiny
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
    import keras

    a = structure_key(keras.initializers.HeNormal(), (1, 2), {"b": [1, 2]})
    b = structure_key(keras.initializers.HeNormal(), (1, 2), {"b": [1, 2]})
    assert a == b and hash(a) == hash(b)
    assert structure_key({1, 2}) is None
