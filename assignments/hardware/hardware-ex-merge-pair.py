# Four splits merged as a tree and as a chain, one split empty for some queries, float32 input.
rng_hidden = np.random.default_rng(1411)
q_h = rng_hidden.normal(size=(5, 6))
k_h, v_h = rng_hidden.normal(size=(30, 6)), rng_hidden.normal(size=(30, 6))
cuts = [0, 7, 8, 19, 30]
parts_h = [attend_split(q_h, k_h[a:b], v_h[a:b]) for a, b in zip(cuts[:-1], cuts[1:])]
left = merge_pair(*parts_h[0], *parts_h[1])
right = merge_pair(*parts_h[2], *parts_h[3])
tree_o, tree_lse = merge_pair(*left, *right)
chain_o, chain_lse = parts_h[0]
for o_s, lse_s in parts_h[1:]:
    chain_o, chain_lse = merge_pair(chain_o, chain_lse, o_s, lse_s)
full_h = attention.scaled_dot_product_attention(q_h, k_h, v_h)
assert np.allclose(tree_o, full_h, rtol=1e-12, atol=1e-12)
assert np.allclose(chain_o, full_h, rtol=1e-12, atol=1e-12)
assert np.allclose(tree_lse, chain_lse)
# queries 1 and 3 see no key of the first split
o_first, lse_first = parts_h[0]
o_first, lse_first = o_first.copy(), lse_first.copy()
o_first[[1, 3]], lse_first[[1, 3]] = np.nan, -np.inf
o_mix, lse_mix = merge_pair(o_first, lse_first, *parts_h[1])
assert np.allclose(o_mix[[1, 3]], parts_h[1][0][[1, 3]])
assert np.allclose(lse_mix[[1, 3]], parts_h[1][1][[1, 3]])
assert np.all(np.isfinite(o_mix))
o_32, lse_32 = merge_pair(*(a.astype(np.float32) for a in parts_h[0]), *(a.astype(np.float32) for a in parts_h[1]))
o_64, _ = merge_pair(*parts_h[0], *parts_h[1])
assert np.allclose(o_32, o_64, rtol=1e-4, atol=1e-5)
