# Deeper trees walked leaf by leaf, and a root score of 5000 (log sigmoid must not underflow).
rng_hidden = np.random.default_rng(61)
for depth_h in [4, 5]:
    U_h = rng_hidden.normal(size=(2**depth_h - 1, 3))
    h_h = rng_hidden.normal(size=3)
    scores_h = U_h @ h_h
    expected_h = np.zeros(2**depth_h)
    for leaf_h in range(2**depth_h):
        node_h = 0
        for bit_h in format(leaf_h, f"0{depth_h}b"):
            x_h = scores_h[node_h] if bit_h == "0" else -scores_h[node_h]
            expected_h[leaf_h] -= np.logaddexp(0.0, -x_h)
            node_h = 2 * node_h + 1 + int(bit_h)
    lp_h = np.asarray(complete_tree_log_probs(h_h, U_h))
    assert lp_h.shape == (2**depth_h,) and np.allclose(lp_h, expected_h)
lp_far_h = np.asarray(complete_tree_log_probs([1.0], [[5000.0], [1.0], [-1.0]]))
assert np.all(np.isfinite(lp_far_h))
assert np.allclose(lp_far_h[2:], [-5000.0 - np.logaddexp(0.0, 1.0), -5000.0 - np.logaddexp(0.0, -1.0)])
