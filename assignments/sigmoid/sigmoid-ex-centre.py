# Other numbers of classes and features, and a three-class case worked by hand.
rng_hidden = np.random.default_rng(670)
for k_h, d_h in [(2, 5), (6, 1), (3, 3)]:
    W_h, b_h = rng_hidden.normal(scale=4.0, size=(k_h, d_h)), rng_hidden.normal(size=k_h)
    W_out_h, b_out_h = centre_softmax_weights(W_h, b_h)
    assert np.allclose(W_out_h, W_h - W_h.mean(axis=0)) and np.allclose(b_out_h, b_h - b_h.mean())
W_out_h, b_out_h = centre_softmax_weights([[1.0, 2.0], [3.0, 4.0], [5.0, 0.0]], [3.0, 0.0, 0.0])
assert np.allclose(W_out_h, [[-2.0, 0.0], [0.0, 2.0], [2.0, -2.0]]) and np.allclose(b_out_h, [2.0, -1.0, -1.0])
