# Other sizes, logits up to a few dozen, and a row whose loss is about 2000.
rng_hidden = np.random.default_rng(119)
for n_h, k_h in [(1, 3), (9, 7), (4, 20)]:
    z_h = rng_hidden.normal(scale=20.0, size=(n_h, k_h))
    y_h = rng_hidden.integers(0, k_h, size=n_h)
    loss_h, grad_h = cross_entropy_and_grad(z_h, y_h)
    assert np.isclose(loss_h, sl.cross_entropy(z_h, y_h))
    assert np.allclose(grad_h, (sl.softmax(z_h, axis=1) - np.eye(k_h)[y_h]) / n_h)
loss_h, grad_h = cross_entropy_and_grad(np.array([[0.0, -2000.0], [0.0, 0.0]]), np.array([1, 0]))
assert np.isclose(loss_h, (2000.0 + np.log(2.0)) / 2) and np.all(np.isfinite(grad_h))
