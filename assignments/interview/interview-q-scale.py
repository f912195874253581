# Other class counts and bounds: the best case is one logit at +b and all others at -b.
for k_h, b_h in [(3, 0.5), (50, 2.0), (1000, 4.0), (7, 0.0)]:
    best_h = sl.softmax(np.array([b_h] + [-b_h] * (k_h - 1)))[0]
    assert np.isclose(max_softmax_probability(k_h, b_h), best_h), (k_h, b_h)
