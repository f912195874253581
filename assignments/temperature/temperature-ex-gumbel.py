# Another row (a masked class in the middle) and other temperatures; 60,000 draws put each
# frequency within about 0.002 of its probability, the tolerance is 0.01.
z_h = np.array([0.0, -np.inf, 1.5, 0.5, -1.0])
rng_hidden = np.random.default_rng(660)
for T_h in [0.7, 3.0]:
    draws_h = np.asarray(sample_with_temperature(z_h, T_h, 60_000, rng_hidden))
    assert draws_h.shape == (60_000,)
    freq_h = np.bincount(draws_h, minlength=5) / draws_h.size
    assert np.allclose(freq_h, sl.softmax(z_h, temperature=T_h), atol=0.01) and freq_h[1] == 0
