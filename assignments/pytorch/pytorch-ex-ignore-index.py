# Another batch, ignored targets in other places, ignore_index=0, and one kept example.
g_hidden = torch.Generator().manual_seed(189)
logits_h = 8 * torch.randn(11, 6, dtype=torch.float64, generator=g_hidden)
target_h = torch.tensor([5, -100, 0, 0, 3, -100, -100, 2, 1, 4, 5])
torch.testing.assert_close(cross_entropy_with_ignore_index(logits_h, target_h), F.cross_entropy(logits_h, target_h))
target_zero_h = torch.tensor([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0])
torch.testing.assert_close(cross_entropy_with_ignore_index(logits_h, target_zero_h, ignore_index=0),
                           F.cross_entropy(logits_h, target_zero_h, ignore_index=0))
one_kept_h = torch.tensor([-100] * 10 + [3])
torch.testing.assert_close(cross_entropy_with_ignore_index(logits_h, one_kept_h), F.cross_entropy(logits_h, one_kept_h))
