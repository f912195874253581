"""Tests of softmax_lib.classifier: training, prediction, confusion matrix and
top-k accuracy."""

import numpy as np
import pytest
import torch

import softmax_lib as sl
from softmax_lib import classifier


def blobs(n=120, k=3, seed=0):
    """k well-separated Gaussian blobs in 2-D."""
    rng = np.random.default_rng(seed)
    centres = 4.0 * np.stack(
        [
            np.cos(2 * np.pi * np.arange(k) / k),
            np.sin(2 * np.pi * np.arange(k) / k),
        ],
        axis=1,
    )
    y = rng.integers(0, k, size=n)
    return centres[y] + rng.normal(size=(n, 2)), y


@pytest.mark.parametrize("hidden", [0, 16])
def test_training_separates_blobs_and_lowers_the_loss(hidden):
    x, y = blobs()
    model, history = classifier.train_classifier(
        x, y, hidden=hidden, epochs=30, seed=0
    )
    assert np.mean(model.predict(x) == y) > 0.95
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.val_loss is None and history.val_accuracy is None


def test_training_is_deterministic_for_a_seed_and_varies_with_it():
    x, y = blobs()
    a, _ = classifier.train_classifier(x, y, hidden=8, epochs=5, seed=1)
    b, _ = classifier.train_classifier(x, y, hidden=8, epochs=5, seed=1)
    c, _ = classifier.train_classifier(x, y, hidden=8, epochs=5, seed=2)
    assert all(np.array_equal(u, v) for u, v in zip(a.weights, b.weights))
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_one_step_of_softmax_regression_matches_the_torch_gradient():
    """With momentum 0 and one full batch, one epoch is one step along -lr *
    (X^T (p - y) / N + wd W)."""
    x, y = blobs(n=20)
    model, _ = classifier.train_classifier(
        x,
        y,
        epochs=1,
        batch_size=20,
        learning_rate=0.5,
        momentum=0.0,
        weight_decay=0.1,
        seed=0,
    )
    w = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(
        torch.from_numpy(x) @ w + b, torch.from_numpy(y)
    )
    loss.backward()
    np.testing.assert_allclose(
        model.weights[0], -0.5 * w.grad.numpy(), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        model.biases[0], -0.5 * b.grad.numpy(), rtol=1e-12, atol=1e-15
    )


def test_one_step_of_the_mlp_matches_torch_autograd():
    x, y = blobs(n=16)
    start, _ = classifier.train_classifier(
        x, y, hidden=5, epochs=1, learning_rate=1e-300, momentum=0.0, seed=4
    )
    model, _ = classifier.train_classifier(
        x,
        y,
        hidden=5,
        epochs=1,
        batch_size=16,
        learning_rate=0.1,
        momentum=0.0,
        label_smoothing=0.2,
        seed=4,
    )
    params = [
        torch.tensor(p, requires_grad=True)
        for p in (*start.weights, *start.biases)
    ]
    w1, w2, b1, b2 = params
    logits = torch.relu(torch.from_numpy(x) @ w1 + b1) @ w2 + b2
    torch.nn.functional.cross_entropy(
        logits, torch.from_numpy(y), label_smoothing=0.2
    ).backward()
    for trained, p in zip((*model.weights, *model.biases), params):
        np.testing.assert_allclose(
            trained,
            p.detach().numpy() - 0.1 * p.grad.numpy(),
            rtol=1e-10,
            atol=1e-14,
        )


def test_validation_history_has_one_entry_per_epoch():
    x, y = blobs()
    _, history = classifier.train_classifier(
        x[:80], y[:80], epochs=7, x_val=x[80:], y_val=y[80:], seed=0
    )
    assert (
        history.train_loss.shape
        == history.val_loss.shape
        == history.val_accuracy.shape
        == (7,)
    )
    assert np.all((0 <= history.val_accuracy) & (history.val_accuracy <= 1))


def test_predict_proba_is_softmax_of_the_logits_at_the_temperature():
    x, y = blobs()
    model, _ = classifier.train_classifier(x, y, hidden=4, epochs=3, seed=0)
    np.testing.assert_allclose(
        model.predict_proba(x, temperature=2.0),
        sl.softmax(model.logits(x) / 2.0),
    )
    assert np.array_equal(
        model.predict(x), np.argmax(model.predict_proba(x), axis=1)
    )


def test_n_classes_allows_classes_absent_from_the_labels():
    x, y = blobs(k=2)
    model, _ = classifier.train_classifier(x, y, n_classes=4, epochs=2, seed=0)
    assert model.logits(x).shape == (x.shape[0], 4)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"batch_size": 2.5}, ValueError, "batch_size"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate"),
        ({"hidden": -3}, ValueError, "hidden"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"label_smoothing": 1.0}, ValueError, "label_smoothing"),
        ({"n_classes": 2}, ValueError, "labels must lie"),
        ({"x_val": np.zeros((2, 2))}, ValueError, "both x_val and y_val"),
    ],
)
def test_training_rejects_bad_settings(kwargs, error, match):
    x, y = blobs()
    with pytest.raises(error, match=match):
        classifier.train_classifier(x, y, **kwargs)


def test_training_rejects_bad_features_and_labels():
    x, y = blobs()
    with pytest.raises(ValueError, match="2-D"):
        classifier.train_classifier(x[:, 0], y)
    with pytest.raises(ValueError, match="NaN or inf"):
        classifier.train_classifier(np.where(x > 3, np.nan, x), y)
    with pytest.raises(TypeError, match="integer class labels"):
        classifier.train_classifier(x, y.astype(float))
    with pytest.raises(ValueError, match="one label per row"):
        classifier.train_classifier(x, y[:-1])
    model, _ = classifier.train_classifier(x, y, epochs=1)
    with pytest.raises(ValueError, match="expects 2"):
        model.logits(np.zeros((3, 5)))


def test_confusion_matrix_counts_pairs_and_sums_to_the_number_of_examples():
    rng = np.random.default_rng(0)
    true, pred = rng.integers(0, 4, 50), rng.integers(0, 4, 50)
    counts = classifier.confusion_matrix(true, pred, n_classes=4)
    assert counts.sum() == 50 and np.trace(counts) == np.sum(true == pred)
    assert np.array_equal(counts.sum(axis=1), np.bincount(true, minlength=4))


def test_confusion_matrix_rejects_bad_labels():
    with pytest.raises(ValueError, match="same length"):
        classifier.confusion_matrix([0, 1], [0], n_classes=2)
    with pytest.raises(ValueError, match="outside"):
        classifier.confusion_matrix([0, 2], [0, 1], n_classes=2)
    with pytest.raises(TypeError, match="integer"):
        classifier.confusion_matrix([0.0, 1.0], [0, 1], n_classes=2)


def test_top_k_accuracy_grows_with_k_and_reaches_one_at_k_equals_classes():
    rng = np.random.default_rng(0)
    logits, labels = rng.normal(size=(40, 5)), rng.integers(0, 5, 40)
    scores = [
        classifier.top_k_accuracy(logits, labels, k) for k in range(1, 6)
    ]
    assert scores == sorted(scores) and scores[-1] == 1.0
    assert scores[0] == np.mean(np.argmax(logits, axis=1) == labels)


@pytest.mark.parametrize("k", [0, 4, 1.5])
def test_top_k_accuracy_rejects_k_outside_the_classes(k):
    with pytest.raises(ValueError, match="k must be"):
        classifier.top_k_accuracy(np.zeros((2, 3)), [0, 1], k)
