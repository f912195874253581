"""Tests of softmax_lib.calibration and plotting.reliability_diagram."""

import matplotlib
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import softmax_lib as sl
from softmax_lib import calibration, plotting

matplotlib.use("Agg")


def sampled_predictions(n=4000, k=4, temperature=1.0, seed=0):
    """Logits, and labels drawn from softmax(logits / temperature): calibrated
    at that temperature."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=3.0, size=(n, k))
    p = sl.softmax(logits, temperature=temperature)
    labels = (rng.random((n, 1)) > np.cumsum(p, axis=1)).sum(axis=1)
    return logits, labels


def test_ece_is_zero_when_every_bin_is_exactly_as_accurate_as_confident():
    probabilities = np.array([[0.75, 0.25]] * 4)
    assert calibration.expected_calibration_error(
        probabilities, np.array([0, 0, 0, 1])
    ) == pytest.approx(0.0)


def test_ece_of_a_confident_wrong_model_is_its_confidence():
    probabilities = np.array([[0.9, 0.1], [0.1, 0.9]])
    assert calibration.expected_calibration_error(
        probabilities, np.array([1, 0])
    ) == pytest.approx(0.9)


@given(st.integers(1, 30), st.integers(0, 10_000))
def test_ece_lies_in_the_unit_interval_for_any_predictions(n_bins, seed):
    rng = np.random.default_rng(seed)
    p = sl.softmax(rng.normal(scale=4, size=(50, 3)))
    ece = calibration.expected_calibration_error(
        p, rng.integers(0, 3, 50), n_bins=n_bins
    )
    assert 0.0 <= ece <= 1.0


def test_reliability_bins_count_every_prediction_once_in_the_right_bin():
    p = np.array([[0.55, 0.45], [0.6, 0.4], [0.95, 0.05], [1.0, 0.0]])
    bins = calibration.reliability_bins(p, np.array([0, 1, 0, 0]), n_bins=10)
    # (0.5, 0.6] holds 0.55 and 0.6 (right edge included); (0.9, 1.0] holds
    # 0.95 and 1.0.
    assert bins.counts.tolist() == [0, 0, 0, 0, 0, 2, 0, 0, 0, 2]
    assert bins.accuracy[5] == 0.5 and bins.confidence[5] == pytest.approx(
        0.575
    )
    assert np.isnan(bins.accuracy[0]) and np.isnan(bins.confidence[0])


def test_samples_drawn_from_the_model_itself_are_nearly_calibrated():
    logits, labels = sampled_predictions()
    assert (
        calibration.expected_calibration_error(sl.softmax(logits), labels)
        < 0.03
    )


@pytest.mark.parametrize("true_temperature", [0.5, 2.0])
def test_fit_temperature_recovers_the_temperature_the_labels_were_drawn_at(
    true_temperature,
):
    logits, labels = sampled_predictions(temperature=true_temperature)
    fitted = calibration.fit_temperature(logits, labels)
    assert fitted == pytest.approx(true_temperature, rel=0.1)


def test_fit_temperature_minimises_the_nll_and_keeps_the_predictions():
    logits, labels = sampled_predictions(temperature=2.0, n=500)
    t = calibration.fit_temperature(logits, labels)
    best = calibration.negative_log_likelihood(logits, labels, temperature=t)
    for other in (t * 0.9, t * 1.1, 1.0):
        assert best < calibration.negative_log_likelihood(
            logits, labels, temperature=other
        )
    assert np.array_equal(
        np.argmax(logits / t, axis=1), np.argmax(logits, axis=1)
    )


def test_fit_temperature_solves_the_two_class_example_in_closed_form():
    logits = np.array([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0], [0.0, 4.0]])
    assert calibration.fit_temperature(
        logits, np.array([0, 1, 1, 1])
    ) == pytest.approx(4 / np.log(3), rel=1e-6)


def test_fit_temperature_refuses_an_optimum_at_a_bound():
    logits = np.array([[5.0, 0.0], [0.0, 5.0]])
    with pytest.raises(ValueError, match="at a bound"):
        calibration.fit_temperature(logits, np.array([0, 1]))


def test_negative_log_likelihood_is_the_mean_cross_entropy_at_temperature():
    logits, labels = sampled_predictions(n=50)
    expected = sl.cross_entropy(logits / 3.0, labels)
    assert calibration.negative_log_likelihood(
        logits, labels, temperature=3.0
    ) == pytest.approx(float(expected))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: calibration.reliability_bins([[2.0, 1.0]], [0]),
            ValueError,
            "sum to 1",
        ),
        (
            lambda: calibration.reliability_bins([[0.5, 0.5]], [0], n_bins=0),
            ValueError,
            "n_bins",
        ),
        (
            lambda: calibration.reliability_bins([[0.5, 0.5]], [2]),
            ValueError,
            "0..1",
        ),
        (
            lambda: calibration.reliability_bins([[0.5, 0.5]], [0.0]),
            TypeError,
            "integer",
        ),
        (
            lambda: calibration.reliability_bins([[0.5, 0.5]], [0, 1]),
            ValueError,
            "one per row",
        ),
        (
            lambda: calibration.reliability_bins([0.5, 0.5], [0]),
            ValueError,
            "2-D",
        ),
        (
            lambda: calibration.fit_temperature(
                [[1.0, 0.0]], [0], bounds=(2.0, 1.0)
            ),
            ValueError,
            "bounds",
        ),
        (
            lambda: calibration.negative_log_likelihood(
                [[1.0, 0.0]], [0], temperature=0.0
            ),
            ValueError,
            "temperature",
        ),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_reliability_diagram_draws_one_bar_per_filled_bin_and_the_diagonal():
    logits, labels = sampled_predictions(n=300)
    bins = calibration.reliability_bins(sl.softmax(logits), labels, n_bins=10)
    ax = plotting.reliability_diagram(bins, label="model")
    assert len(ax.patches) == np.count_nonzero(bins.counts)
    assert ax.get_legend().get_texts()[0].get_text() == "model"
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    matplotlib.pyplot.close("all")
