# Uneven shards (one of a single class), many tokens, targets at the shard edges, large logits.
rng_hidden = np.random.default_rng(1412)
h_h, w_h = rng_hidden.normal(size=(40, 7)), rng_hidden.normal(size=(50, 7))
shards_h = [w_h[:1], w_h[1:20], w_h[20:21], w_h[21:]]
y_h = np.concatenate([[0, 1, 19, 20, 21, 49], rng_hidden.integers(50, size=34)])
expected_h = sl.cross_entropy(h_h @ w_h.T, y_h, reduction="none")
got_h = np.asarray(vocab_parallel_one_reduce(h_h, shards_h, y_h))
assert got_h.shape == (40,) and np.allclose(got_h, expected_h, rtol=1e-12, atol=1e-12)
got_big_h = np.asarray(vocab_parallel_one_reduce(1e3 * h_h, shards_h, y_h))
assert np.allclose(got_big_h, sl.cross_entropy(1e3 * h_h @ w_h.T, y_h, reduction="none"))
