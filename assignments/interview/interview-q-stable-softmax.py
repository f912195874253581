# Other shapes and axes, logits a hundred times larger, integers, and masked entries.
rng_hidden = np.random.default_rng(111)
for shape_h, axis_h in [((6,), 0), ((2, 7), 0), ((3, 2, 4), 1), ((2, 3, 4, 5), -3)]:
    z_h = rng_hidden.normal(scale=100.0, size=shape_h)
    p_h = np.asarray(stable_softmax(z_h, axis=axis_h))
    assert p_h.shape == shape_h and np.allclose(p_h, sl.softmax(z_h, axis=axis_h))
assert np.allclose(stable_softmax(np.array([[3, 1], [0, 0]])), [[sl.sigmoid(2.0), sl.sigmoid(-2.0)], [0.5, 0.5]])
p_h = stable_softmax(np.array([-np.inf, 0.0, -np.inf, 700.0]))
assert p_h[0] == 0 and p_h[2] == 0 and np.isclose(p_h[3], 1.0)
