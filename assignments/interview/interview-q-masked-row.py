# A three-dimensional batch with random masks and a fully masked row, a mask broadcast over the
# rows, and a fully masked row of huge scores, without a warning.
rng_hidden = np.random.default_rng(147)
s_h = rng_hidden.normal(scale=5.0, size=(2, 3, 4))
m_h = rng_hidden.random((2, 3, 4)) > 0.5
m_h[1, 2] = False
expected_h = np.zeros_like(s_h)
for idx_h in np.ndindex(2, 3):
    if m_h[idx_h].any():
        expected_h[idx_h][m_h[idx_h]] = sl.softmax(s_h[idx_h][m_h[idx_h]])
out_h = np.asarray(masked_softmax(s_h, m_h))
assert np.allclose(out_h, expected_h) and np.all(out_h[~m_h] == 0)
key_mask_h = np.array([[True, False, True, True]])
assert np.allclose(masked_softmax(s_h[0], key_mask_h), sl.softmax(np.where(key_mask_h, s_h[0], -np.inf), axis=-1))
with warnings.catch_warnings():
    warnings.simplefilter("error")
    assert np.array_equal(masked_softmax(np.full((1, 3), 1e6), np.zeros((1, 3), dtype=bool)), np.zeros((1, 3)))
