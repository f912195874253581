# Sequences in float64, a thousand classes in float32, one-hot rows, and rows that miss by a little.
rng_hidden = np.random.default_rng(923)
z_seq_h = rng_hidden.normal(scale=3.0, size=(2, 5, 4))
y_seq_h = rng_hidden.integers(0, 4, size=(2, 5))
p_seq_h = scipy.special.softmax(z_seq_h, axis=-1)
z_big_h = tf.constant(rng_hidden.normal(scale=5.0, size=(3, 1000)), dtype=tf.float32)
y_big_h = rng_hidden.integers(0, 1000, size=3)
one_hot_h = np.eye(4)[[2, 0, 3]]


def loss_and_warnings_h(labels, outputs, from_logits):
    with warnings.catch_warnings(record=True) as caught_h:
        warnings.simplefilter("always")
        loss_h = checked_sparse_cce(labels, outputs, from_logits)
    expected_h = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)(labels, outputs)
    np.testing.assert_allclose(np.asarray(loss_h), np.asarray(expected_h), rtol=1e-5, atol=1e-6)
    return [w.category for w in caught_h if issubclass(w.category, UserWarning)]


# Logits with from_logits=True and probabilities with from_logits=False: the loss, no warning.
for labels_h, outputs_h, from_logits_h in [(y_seq_h, z_seq_h, True), (y_seq_h, p_seq_h, False),
                                           (y_big_h, z_big_h, True), (y_big_h, tf.nn.softmax(z_big_h), False),
                                           (np.array([2, 0, 3]), one_hot_h, False)]:
    assert loss_and_warnings_h(labels_h, outputs_h, from_logits_h) == [], (np.shape(outputs_h), from_logits_h)
# Probabilities, or one-hot rows, with from_logits=True: the loss and a warning.
for labels_h, outputs_h in [(y_seq_h, p_seq_h), (y_big_h, tf.nn.softmax(z_big_h)), (np.array([2, 0, 3]), one_hot_h)]:
    assert loss_and_warnings_h(labels_h, outputs_h, True) != [], np.shape(outputs_h)
# Not probabilities, with from_logits=False: a ValueError naming from_logits.
negative_h = p_seq_h.copy()
negative_h[1, 3] = [0.7, 0.2, 0.2, -0.1]  # sums to 1, one entry below 0
short_h = np.array([[0.5, 0.3, 0.1], [0.2, 0.7, 0.1]])  # the first row sums to 0.9
relu_h = np.array([[0.2, 0.9, 0.4]])  # all in [0, 1], the row sums to 1.5
for labels_h, outputs_h in [(y_seq_h, z_seq_h), (y_big_h, z_big_h), (y_seq_h, negative_h),
                            (np.array([0, 1]), short_h), (np.array([1]), relu_h),
                            (np.array([1, 0]), np.array([[1.5, -0.5], [0.3, 0.7]]))]:
    try:
        checked_sparse_cce(labels_h, outputs_h, from_logits=False)
    except ValueError as error_h:
        assert "from_logits" in str(error_h), str(error_h)
    else:
        raise AssertionError(f"no ValueError for outputs of shape {np.shape(outputs_h)} that are not probabilities")
