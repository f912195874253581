# A three-dimensional input along every dim, with fully masked slices, and the gradient.
g_hidden = torch.Generator().manual_seed(195)
scores_h = 5 * torch.randn(3, 4, 5, dtype=torch.float64, generator=g_hidden)
mask_h = torch.rand(3, 4, 5, generator=g_hidden) > 0.5
mask_h[1, :, 2], mask_h[2, 3, :] = False, False
for dim_h in [0, 1, 2, -1]:
    filled_h = np.moveaxis(np.where(mask_h.numpy(), scores_h.numpy(), -np.inf), dim_h, -1)
    expected_h = np.zeros_like(filled_h)
    for idx_h in np.ndindex(filled_h.shape[:-1]):
        if np.isfinite(filled_h[idx_h]).any():
            expected_h[idx_h] = sl.softmax(filled_h[idx_h])
    out_h = masked_softmax_or_zeros(scores_h, mask_h, dim=dim_h)
    np.testing.assert_allclose(out_h.numpy(), np.moveaxis(expected_h, -1, dim_h), rtol=1e-12, atol=1e-300)
    s_h = scores_h.clone().requires_grad_()
    masked_softmax_or_zeros(s_h, mask_h, dim=dim_h).pow(2).sum().backward()
    assert torch.isfinite(s_h.grad).all() and (s_h.grad[~mask_h] == 0).all()
