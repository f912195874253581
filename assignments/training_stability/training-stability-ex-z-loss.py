# Other shapes and weights, logits far below zero, a row of equal logits worked by hand.
rng_hidden = np.random.default_rng(1410)
for rows_h, k_h, alpha_h in [(1, 2, 1.0), (5, 30, 1e-3), (3, 4, 0.0)]:
    z_h = rng_hidden.normal(scale=6.0, size=(rows_h, k_h))
    loss_h, grad_h = z_loss_with_grad(z_h, alpha_h)
    lse_h = np.log(np.sum(np.exp(z_h - z_h.max(1, keepdims=True)), axis=1)) + z_h.max(1)
    p_h = np.exp(z_h - lse_h[:, None])
    assert np.allclose(np.asarray(loss_h), alpha_h * lse_h**2)
    assert np.allclose(np.asarray(grad_h), 2 * alpha_h * lse_h[:, None] * p_h)
loss_low, grad_low = z_loss_with_grad(np.full((2, 3), -4000.0), 1e-4)
assert np.all(np.isfinite(grad_low)) and np.allclose(loss_low, 1e-4 * (-4000.0 + np.log(3)) ** 2)
loss_eq, grad_eq = z_loss_with_grad([[0.0, 0.0, 0.0, 0.0]], 0.25)
assert np.allclose(loss_eq, [0.25 * np.log(4) ** 2]) and np.allclose(grad_eq, 0.5 * np.log(4) / 4)
