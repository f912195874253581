# float64 logits along other axes, and float32 with a mask broadcast over the batch.
rng_hidden = np.random.default_rng(917)
logits_h = tf.constant(rng_hidden.normal(scale=4.0, size=(3, 2, 6)), dtype=tf.float64)
mask_h = tf.constant(rng_hidden.random((3, 2, 6)) > 0.5)
cases_h = [(logits_h, mask_h, -1), (logits_h, mask_h, 0),
           (tf.cast(logits_h, tf.float32), tf.constant(rng_hidden.random((1, 2, 6)) > 0.3), 1)]
for logits_c, mask_c, axis_h in cases_h:
    expected_h = keras.layers.Softmax(axis=axis_h, dtype=logits_c.dtype.name)(logits_c, mask=mask_c)
    got_h = masked_softmax_tf(logits_c, mask_c, axis=axis_h)
    assert got_h.dtype == expected_h.dtype
    np.testing.assert_allclose(got_h.numpy(), expected_h.numpy(), **tolerance(logits_c.dtype.as_numpy_dtype))
