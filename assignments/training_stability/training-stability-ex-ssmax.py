# Other gaps and scales, a negative gap, n = 1, and a case worked by hand.
for gap_h in [-1.0, 0.25, 5.0]:
    for n_h in [1, 3, 50, 10_000]:
        row_h = np.r_[gap_h, np.zeros(n_h - 1)]
        e_h = np.exp(row_h - row_h.max())
        assert np.isclose(float(top_weight(n_h, gap_h)), e_h[0] / e_h.sum())
        if n_h > 1:
            scaled_h = 1.3 * np.log(n_h) * row_h
            e_s = np.exp(scaled_h - scaled_h.max())
            assert np.isclose(float(top_weight(n_h, gap_h, s=1.3)), e_s[0] / e_s.sum())
assert np.isclose(float(top_weight(4, np.log(3.0))), 0.5)
assert np.isclose(float(top_weight(4, 0.5, s=1.0)), 1 / (1 + 3 * 4 ** -0.5))
assert np.allclose(top_weight(np.array([10, 100]), 2.0), np.exp(2) / (np.exp(2) + np.array([9, 99])))
