# Other shapes (one token, a vocabulary of 50), float64 logits up to about 60.
gen_hidden = torch.Generator().manual_seed(110)
for shape_h in [(2, 7, 9), (1, 1, 3), (4, 2, 50)]:
    logits_h = 20 * torch.randn(*shape_h, generator=gen_hidden, dtype=torch.float64)
    targets_h = torch.randint(0, shape_h[-1], shape_h[:2], generator=gen_hidden)
    loss_h, probs_h = sequence_loss(logits_h, targets_h)
    assert probs_h.shape == shape_h and torch.allclose(probs_h, torch.softmax(logits_h, dim=-1))
    flat_h = sl.cross_entropy(logits_h.reshape(-1, shape_h[-1]).numpy(), targets_h.reshape(-1).numpy())
    assert np.isclose(float(loss_h), float(flat_h))
