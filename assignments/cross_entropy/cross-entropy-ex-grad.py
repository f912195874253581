# Other batch sizes and class counts, larger logits, and a two-row case worked by hand.
rng_hidden = np.random.default_rng(404)
for n_h, k_h, scale_h in [(1, 2, 1.0), (7, 3, 10.0), (10, 12, 50.0)]:
    z_h = rng_hidden.normal(scale=scale_h, size=(n_h, k_h))
    t_h = rng_hidden.integers(0, k_h, size=n_h)
    g_h = np.asarray(cross_entropy_grad(z_h, t_h))
    expected_h = (sl.softmax(z_h, axis=1) - np.eye(k_h)[t_h]) / n_h
    assert g_h.shape == (n_h, k_h) and np.allclose(g_h, expected_h, rtol=0, atol=1e-12)
two_rows_h = cross_entropy_grad(np.array([[-800.0, 800.0], [0.0, 0.0]]), np.array([0, 1]))
assert np.allclose(two_rows_h, [[-0.5, 0.5], [0.25, -0.25]])
