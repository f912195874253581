# A three-dimensional input with logits in the hundreds, a line of moderate logits, and a scalar.
rng_hidden = np.random.default_rng(610)
x_h = rng_hidden.normal(scale=300.0, size=(2, 3, 4))
s_h = np.asarray(sigmoid_from_two_class_softmax(x_h))
assert s_h.shape == (2, 3, 4) and np.allclose(s_h, sl.sigmoid(x_h), rtol=1e-10, atol=0)
x_line_h = np.linspace(-30.0, 30.0, 13)
assert np.allclose(sigmoid_from_two_class_softmax(x_line_h), 1.0 / (1.0 + np.exp(-x_line_h)), rtol=1e-10, atol=0)
assert np.shape(sigmoid_from_two_class_softmax(3.0)) == ()
assert np.isclose(float(sigmoid_from_two_class_softmax(3.0)), sl.sigmoid(3.0))
