# A uniform distribution, a list input, a distribution with a zero, and a full permutation.
p_h = np.full(4, 0.25)
assert np.isclose(ordered_draw_probability(p_h, (0, 1, 2, 3)), 1 / 24)
assert np.isclose(ordered_draw_probability([0.5, 0.3, 0.2], [1, 0]), 0.3 * 0.5 / 0.7)
assert np.isclose(ordered_draw_probability(np.array([0.6, 0.4, 0.0]), (2,)), 0.0)
p_h = sl.softmax(np.random.default_rng(712).normal(size=6))
total_h = sum(ordered_draw_probability(p_h, d) for d in itertools.permutations(range(6), 6))
assert np.isclose(total_h, 1.0)
