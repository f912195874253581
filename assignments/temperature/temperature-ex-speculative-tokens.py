# Other acceptance rates and draft lengths, including gamma = 0 (no draft: one token per pass) and
# beta just below 1, where the closed form divides two small numbers; the answer must be the sum
# of beta^i for i = 0..gamma to within rounding.
for beta_h, gamma_h in [(0.25, 0), (0.9, 7), (0.999, 3), (1 - 1e-9, 4), (1.0, 0), (0.6, 12)]:
    exact_h = sum(beta_h**i for i in range(gamma_h + 1))
    assert np.isclose(float(expected_tokens(beta_h, gamma_h)), exact_h, rtol=1e-6, atol=0), (
        beta_h,
        gamma_h,
    )
assert float(expected_tokens(1.0, 9)) == 10
