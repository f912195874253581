# Other sizes and alphas, a one-entry support, a full support, and two cases worked by hand.
rng_hidden = np.random.default_rng(710)
for size_h, alpha_h in [(2, 1.25), (3, 2.0), (9, 1.5), (5, 4.0)]:
    z_h = rng_hidden.normal(scale=2.0, size=size_h)
    J_h = np.asarray(entmax_jacobian(z_h, alpha_h))
    num_h = np.column_stack([(sl.entmax(z_h + 1e-6 * e, alpha_h) - sl.entmax(z_h - 1e-6 * e, alpha_h)) / 2e-6 for e in np.eye(size_h)])
    assert J_h.shape == (size_h, size_h) and np.allclose(J_h, num_h, atol=1e-5)
assert np.allclose(entmax_jacobian(np.array([5.0, 0.0, -1.0]), 2.0), 0.0)
assert np.allclose(entmax_jacobian(np.array([0.1, 0.0, -0.1]), 2.0), np.eye(3) - 1.0 / 3.0)
assert np.allclose(entmax_jacobian(np.array([0.3, 0.0, -5.0]), 2.0), [[0.5, -0.5, 0.0], [-0.5, 0.5, 0.0], [0.0, 0.0, 0.0]])
p_h = sl.softmax(np.array([1.0, -2.0, 0.5, 0.0]))
assert np.allclose(entmax_jacobian(np.array([1.0, -2.0, 0.5, 0.0]), 1.0), np.diag(p_h) - np.outer(p_h, p_h))
