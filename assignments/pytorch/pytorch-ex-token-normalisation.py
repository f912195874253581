# Other shapes and numbers of micro-batches, padding spread unevenly, ignore_index=0, float32.
g_hidden = torch.Generator().manual_seed(196)
cases_h = [((8, 3, 6), 4, -100, torch.float64), ((4, 7, 3), 1, -100, torch.float64),
           ((5, 2, 9), 5, -100, torch.float64), ((6, 4, 5), 2, 0, torch.float64), ((6, 3, 4), 3, -100, torch.float32)]
for (b_h, t_h, k_h), n_micro_h, ignore_h, dtype_h in cases_h:
    logits_h = 3 * torch.randn(b_h, t_h, k_h, dtype=dtype_h, generator=g_hidden)
    target_h = torch.randint(0, k_h, (b_h, t_h), generator=g_hidden)
    target_h[torch.rand(b_h, t_h, generator=g_hidden) < 0.4] = ignore_h
    target_h[0], target_h[-1, 0] = ignore_h, (ignore_h + 1) % k_h  # padding only, and one real token
    full_h = logits_h.clone().requires_grad_()
    expected_h = F.cross_entropy(full_h.permute(0, 2, 1), target_h, ignore_index=ignore_h)
    expected_h.backward()
    accumulated_h = logits_h.clone().requires_grad_()
    losses_h = micro_batch_losses(accumulated_h, target_h, n_micro_h, ignore_index=ignore_h)
    assert len(losses_h) == n_micro_h, (b_h, n_micro_h)
    for loss_h in losses_h:
        loss_h.backward()
    torch.testing.assert_close(accumulated_h.grad, full_h.grad)
    torch.testing.assert_close(sum(losses_h), expected_h.detach())
    size_h = b_h // n_micro_h
    for m_h, loss_h in enumerate(losses_h):
        if (target_h[m_h * size_h:(m_h + 1) * size_h] == ignore_h).all():
            assert loss_h.item() == 0.0, (b_h, n_micro_h, m_h)
