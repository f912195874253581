# Sizes and windows the check does not use, a window of 0 (nothing may be attended to) among them.
for n_h, w_h in [(2, 1), (3, 2), (8, 3), (9, 4), (10, 15), (12, 5), (3, 0)]:
    i_h, j_h = np.indices((n_h, n_h))
    got_h = np.asarray(sliding_window_mask(n_h, w_h))
    assert got_h.dtype == bool and got_h.shape == (n_h, n_h), (n_h, w_h)
    assert np.array_equal(got_h, (i_h - w_h < j_h) & (j_h <= i_h)), (n_h, w_h)
