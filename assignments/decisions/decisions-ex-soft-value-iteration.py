# A random MDP with three actions, other temperatures and discounts, against value iteration by hand.
rng_hidden = np.random.default_rng(921)
for n_s_h, n_a_h, gamma_h, alpha_h in [(5, 3, 0.8, 0.5), (2, 4, 0.5, 2.0), (6, 2, 0.95, 0.05)]:
    r_h = rng_hidden.normal(size=(n_s_h, n_a_h))
    nxt_h = rng_hidden.integers(0, n_s_h, size=(n_s_h, n_a_h))
    v_h = np.zeros(n_s_h)
    for _ in range(2000):
        q_h = r_h + gamma_h * v_h[nxt_h]
        m_h = q_h.max(axis=1)
        v_h = m_h + alpha_h * np.log(np.exp((q_h - m_h[:, None]) / alpha_h).sum(axis=1))
    v_out_h, q_out_h = soft_value_iteration(r_h, nxt_h, gamma_h, alpha_h, n_iter=2000)
    assert np.allclose(v_out_h, v_h) and np.allclose(q_out_h, r_h + gamma_h * v_out_h[nxt_h])
    hard_h = np.zeros(n_s_h)
    for _ in range(2000):
        hard_h = (r_h + gamma_h * hard_h[nxt_h]).max(axis=1)
    assert np.all(v_out_h >= hard_h - 1e-9)
    assert np.all(v_out_h <= hard_h + alpha_h * np.log(n_a_h) / (1 - gamma_h) + 1e-9)
