# A three-dimensional input along every axis, larger logits, and integers.
rng_hidden = np.random.default_rng(112)
z_h = rng_hidden.normal(scale=200.0, size=(3, 4, 5))
for axis_h in [0, 1, 2, -2]:
    assert np.allclose(stable_logsumexp(z_h, axis=axis_h), sl.logsumexp(z_h, axis=axis_h))
    kept_h = stable_logsumexp(z_h, axis=axis_h, keepdims=True)
    assert np.shape(kept_h) == np.shape(sl.logsumexp(z_h, axis=axis_h, keepdims=True))
    assert np.allclose(stable_log_softmax(z_h, axis=axis_h), sl.log_softmax(z_h, axis=axis_h))
assert np.isclose(stable_logsumexp([-1000.0, -1000.0, -1000.0]), -1000.0 + np.log(3.0))
assert np.allclose(stable_log_softmax([-5000.0, 5000.0]), [-10000.0, 0.0])
assert np.isclose(stable_logsumexp(np.array([2, 2])), 2 + np.log(2.0))
