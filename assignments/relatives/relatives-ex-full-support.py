# Ties, shifted logits and a worked value.
assert np.isclose(full_support_temperature(np.array([1.0, 1.0, 1.0])), 0.0)
assert np.isclose(full_support_temperature(np.array([2.0, -1.0])), 3.0)
rng_hidden = np.random.default_rng(711)
z_h = rng_hidden.normal(size=7)
assert np.isclose(full_support_temperature(z_h + 100.0), full_support_temperature(z_h))
t_h = full_support_temperature(z_h)
assert np.all(sl.sparsemax(z_h / (t_h * 1.0001)) > 0) and np.any(sl.sparsemax(z_h / (t_h * 0.9999)) == 0)
