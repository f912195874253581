# float64 scores ten times larger, a different mask, two fully masked rows, and the gradient.
gen_hidden = torch.Generator().manual_seed(111)
scores_h = (10 * torch.randn(4, 7, generator=gen_hidden, dtype=torch.float64)).requires_grad_()
mask_h = torch.rand(4, 7, generator=gen_hidden) > 0.5
mask_h[0, 0], mask_h[2], mask_h[3] = True, False, False
w_h = masked_softmax_safe(scores_h, mask_h)
expected_h = np.zeros((4, 7))
for row_h in range(4):
    keep_h = mask_h[row_h].numpy()
    if keep_h.any():
        expected_h[row_h, keep_h] = sl.softmax(scores_h[row_h].detach().numpy()[keep_h])
assert torch.isfinite(w_h).all() and np.allclose(w_h.detach().numpy(), expected_h)
(w_h * torch.arange(7.0, dtype=torch.float64)).sum().backward()
assert torch.isfinite(scores_h.grad).all()
