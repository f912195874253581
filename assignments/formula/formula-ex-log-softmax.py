# Other shapes, a large spread, an integer input, and the identity exp(log_softmax) = softmax.
rng_hidden = np.random.default_rng(2024)
for shape, axis in [((7,), 0), ((2, 9), 0), ((4, 3, 2), 1), ((2, 2, 6), -1)]:
    z_hidden = rng_hidden.normal(scale=40.0, size=shape)
    result = np.asarray(log_softmax_from_scratch(z_hidden, axis=axis))
    assert result.shape == shape
    assert np.allclose(result, sl.log_softmax(z_hidden, axis=axis))
    assert np.allclose(np.exp(result).sum(axis=axis), 1.0)
assert np.allclose(log_softmax_from_scratch(np.array([3, 1, 2])), sl.log_softmax(np.array([3.0, 1.0, 2.0])))
assert np.allclose(log_softmax_from_scratch([-2000.0, -1000.0, -3000.0]), [-1000.0, 0.0, -2000.0])
