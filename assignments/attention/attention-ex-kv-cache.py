# Other sizes, values narrower or wider than the keys, one new token, a whole sequence at once.
rng_hidden = np.random.default_rng(121)
for n_k_h, n_q_h, d_h, d_v_h in [(7, 2, 3, 5), (12, 1, 6, 2), (5, 5, 4, 3), (1, 1, 2, 2), (10, 6, 8, 1)]:
    q_h, k_h = (rng_hidden.normal(scale=2.0, size=(n_k_h, d_h)) for _ in range(2))
    v_h = rng_hidden.normal(size=(n_k_h, d_v_h))
    full_h = attention.scaled_dot_product_attention(q_h, k_h, v_h, causal=True)
    got_h = np.asarray(attend_chunk(q_h[-n_q_h:], k_h, v_h))
    assert got_h.shape == (n_q_h, d_v_h), (n_k_h, n_q_h, got_h.shape)
    assert np.allclose(got_h, full_h[-n_q_h:]), (n_k_h, n_q_h)
# The last of three new tokens after four cached ones, written out: it sees all seven keys.
q_last_h, k_all_h, v_all_h = rng_hidden.normal(size=(3, 2)), rng_hidden.normal(size=(7, 2)), rng_hidden.normal(size=(7, 3))
scores_h = q_last_h[-1] @ k_all_h.T / np.sqrt(2.0)
assert np.allclose(attend_chunk(q_last_h, k_all_h, v_all_h)[-1], sl.softmax(scores_h) @ v_all_h)
