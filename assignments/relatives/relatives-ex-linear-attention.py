# Queries and keys of different lengths, and a single key: every query then returns its value.
rng_hidden = np.random.default_rng(713)
Q_h, K_h, V_h = rng_hidden.normal(size=(7, 3)), rng_hidden.normal(size=(11, 3)), rng_hidden.normal(size=(11, 5))
A_h = elu_plus_one(Q_h) @ elu_plus_one(K_h).T
assert np.allclose(linear_attention(Q_h, K_h, V_h), (A_h @ V_h) / A_h.sum(axis=1, keepdims=True))
out_one = linear_attention(Q_h, K_h[:1], V_h[:1])
assert np.allclose(out_one, np.tile(V_h[:1], (7, 1)))
