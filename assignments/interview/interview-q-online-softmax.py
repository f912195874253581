# Larger and decreasing rows, leading masked entries, very negative rows and ties.
rng_hidden = np.random.default_rng(118)
rows_h = [rng_hidden.normal(scale=300.0, size=37), np.arange(500.0, 0.0, -7.0),
          np.array([-np.inf, -np.inf, 1.0]), np.array([-1000.0, -1001.0, -999.0]), np.full(4, 4.0)]
for z_h in rows_h:
    assert np.allclose(online_softmax_one_pass(z_h), sl.softmax(z_h))
