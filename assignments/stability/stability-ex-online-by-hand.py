# Other lengths and scales read once from an iterator, an increasing range, leading -inf entries.
rng_hidden = np.random.default_rng(783)
for scale_h, n_h in [(0.1, 3), (100.0, 57), (1e4, 500)]:
    x_h = rng_hidden.normal(scale=scale_h, size=n_h)
    assert math.isclose(online_logsumexp_by_hand(iter(x_h.tolist())), sl.logsumexp(x_h), rel_tol=1e-12, abs_tol=1e-12)
assert math.isclose(online_logsumexp_by_hand(range(0, 1000, 10)), sl.logsumexp(np.arange(0.0, 1000.0, 10.0)),
                    rel_tol=1e-12)
assert math.isclose(online_logsumexp_by_hand([-math.inf, -math.inf, -2000.0]), -2000.0)
