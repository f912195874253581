# Other sizes, a one-entry support, a full support, and a two-entry example worked by hand.
rng_hidden = np.random.default_rng(710)
for size_h in [2, 3, 9]:
    z_h = rng_hidden.normal(scale=2.0, size=size_h)
    J_h = np.asarray(sparsemax_jacobian(z_h))
    num_h = np.column_stack([(sl.sparsemax(z_h + 1e-7 * e) - sl.sparsemax(z_h - 1e-7 * e)) / 2e-7 for e in np.eye(size_h)])
    assert J_h.shape == (size_h, size_h) and np.allclose(J_h, num_h, atol=1e-6)
assert np.allclose(sparsemax_jacobian(np.array([5.0, 0.0, -1.0])), 0.0)
assert np.allclose(sparsemax_jacobian(np.array([0.1, 0.0, -0.1])), np.eye(3) - 1.0 / 3.0)
assert np.allclose(sparsemax_jacobian(np.array([0.3, 0.0, -5.0])), [[0.5, -0.5, 0.0], [-0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])
