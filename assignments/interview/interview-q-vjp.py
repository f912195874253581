# Other shapes and axes, against PyTorch's backward.
rng_hidden = np.random.default_rng(114)
for shape_h, axis_h in [((9,), 0), ((3, 4, 6), 1), ((2, 5, 3), -1)]:
    z_h = rng_hidden.normal(scale=3.0, size=shape_h)
    g_h = rng_hidden.normal(size=shape_h)
    z_t_h = torch.tensor(z_h, requires_grad=True)
    torch.softmax(z_t_h, dim=axis_h).backward(torch.tensor(g_h))
    got_h = np.asarray(softmax_vjp(sl.softmax(z_h, axis=axis_h), g_h, axis=axis_h))
    assert got_h.shape == shape_h and np.allclose(got_h, z_t_h.grad.numpy())
