# Tokens not in sorted order, nuclei away from the check's, top-k with a temperature.
z_h = np.log(np.array([0.05, 0.4, 0.1, 0.3, 0.15]))
assert np.allclose(filtered_probabilities(z_h, top_k=3), [0, 0.4 / 0.85, 0, 0.3 / 0.85, 0.15 / 0.85])
assert np.allclose(filtered_probabilities(z_h, top_p=0.65), [0, 0.4 / 0.7, 0, 0.3 / 0.7, 0])
assert np.allclose(filtered_probabilities(z_h, top_p=0.75), [0, 0.4 / 0.85, 0, 0.3 / 0.85, 0.15 / 0.85])
assert np.allclose(filtered_probabilities(z_h, temperature=2.0, top_k=5), sl.softmax(z_h, temperature=2.0))
p_cold_h = sl.softmax(z_h, temperature=0.5)
kept_h = np.isin(np.arange(5), [1, 3])
assert np.allclose(filtered_probabilities(z_h, temperature=0.5, top_k=2),
                   np.where(kept_h, p_cold_h, 0.0) / p_cold_h[kept_h].sum())
