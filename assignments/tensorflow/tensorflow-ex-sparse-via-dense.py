# A larger random sparse matrix with logits up to about 100 and an empty row.
rng_hidden = np.random.default_rng(971)
dense_h = rng_hidden.normal(scale=30.0, size=(5, 7)).astype(np.float32)
keep_h = rng_hidden.random((5, 7)) > 0.6
keep_h[3] = False
st_h = tf.sparse.SparseTensor(indices=np.argwhere(keep_h), values=dense_h[keep_h], dense_shape=[5, 7])
got_h, expected_h = sparse_softmax_via_dense(st_h), tf.sparse.softmax(st_h)
np.testing.assert_array_equal(got_h.indices.numpy(), expected_h.indices.numpy())
np.testing.assert_allclose(got_h.values.numpy(), expected_h.values.numpy(), rtol=1e-5, atol=1e-7)
assert not np.any(np.isnan(got_h.values.numpy()))
