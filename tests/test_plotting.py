"""Tests for softmax_lib.plotting: every figure is labelled, draws what it
says, and rejects bad input."""

import base64
import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import softmax_lib as sl  # noqa: E402
from softmax_lib import plotting  # noqa: E402

TRIANGLE = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# logits_and_probabilities


def test_logits_and_probabilities_labels_both_panels_and_annotates_each_bar():
    ax_z, ax_p = plotting.logits_and_probabilities(
        [2.0, 1.0, 0.1], title="z = [2, 1, 0.1]"
    )
    assert ax_z.get_title() == "z = [2, 1, 0.1]"
    assert ax_z.get_ylabel() == "logit $z_i$"
    assert ax_p.get_title() == "softmax"
    assert ax_p.get_ylabel() == "probability"
    assert len(ax_z.patches) == 3
    assert len(ax_p.patches) == 3
    assert [t.get_text() for t in ax_p.texts] == ["0.659", "0.242", "0.099"]


def test_logits_and_probabilities_bar_heights_are_the_softmax():
    z = [1.0, 5.0, 10.0]
    _, ax_p = plotting.logits_and_probabilities(z)
    heights = [bar.get_height() for bar in ax_p.patches]
    np.testing.assert_allclose(heights, sl.softmax(z))


def test_logits_and_probabilities_draws_on_given_axes_and_names_temperature():
    _, axes = plt.subplots(1, 2)
    ax_z, ax_p = plotting.logits_and_probabilities(
        [1.0, 2.0], labels=["cat", "dog"], temperature=2.0, axes=axes
    )
    assert ax_z is axes[0] and ax_p is axes[1]
    assert ax_p.get_title() == "softmax, T = 2"
    assert [t.get_text() for t in ax_p.get_xticklabels()] == ["cat", "dog"]


def test_logits_and_probabilities_rejects_a_batch_and_wrong_label_count():
    with pytest.raises(ValueError, match="1-D"):
        plotting.logits_and_probabilities([[1.0, 2.0]])
    with pytest.raises(ValueError, match="labels has 1 names for 2 classes"):
        plotting.logits_and_probabilities([1.0, 2.0], labels=["only one"])


# probability_curves


def test_probability_curves_draws_one_labelled_curve_per_class():
    ax = plotting.probability_curves(
        [0.0, 1.0, 0.0], 0, np.linspace(-5, 5, 11)
    )
    assert ax.get_title() == "softmax as one logit varies"
    assert ax.get_xlabel() == "logit $z_{1}$ (the others fixed)"
    assert ax.get_ylabel() == "probability"
    assert [line.get_label() for line in ax.get_lines()] == [
        "class 1",
        "class 2",
        "class 3",
    ]


def test_probability_curves_sum_to_one_at_every_x():
    ax = plotting.probability_curves(
        [0.0, 1.0, 0.0], -1, np.linspace(-5, 5, 11)
    )
    total = sum(line.get_ydata() for line in ax.get_lines())
    np.testing.assert_allclose(total, 1.0)
    assert ax.get_xlabel() == "logit $z_{3}$ (the others fixed)"


def test_probability_curves_rejects_an_index_out_of_range():
    with pytest.raises(
        ValueError, match="index 3 is out of range for 3 logits"
    ):
        plotting.probability_curves([0.0, 1.0, 0.0], 3, [0.0, 1.0])


# simplex_coordinates and draw_simplex


def test_simplex_coordinates_puts_one_hot_rows_on_the_corners():
    np.testing.assert_allclose(
        plotting.simplex_coordinates(np.eye(3)), TRIANGLE
    )


def test_simplex_coordinates_puts_the_uniform_row_on_the_centre():
    np.testing.assert_allclose(
        plotting.simplex_coordinates([1 / 3, 1 / 3, 1 / 3]),
        [0.5, np.sqrt(3) / 6],
    )


def test_simplex_coordinates_of_an_edge_midpoint():
    np.testing.assert_allclose(
        plotting.simplex_coordinates([0.5, 0.5, 0.0]), [0.5, 0.0]
    )


def test_simplex_coordinates_rejects_two_classes_and_logits():
    with pytest.raises(ValueError, match="3 classes"):
        plotting.simplex_coordinates([0.5, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        plotting.simplex_coordinates([2.0, 1.0, 0.1])


def test_draw_simplex_draws_the_triangle_and_labels_the_corners():
    ax = plotting.draw_simplex(labels=["a", "b", "c"])
    assert ax.get_title() == "the probability simplex (K = 3)"
    assert len(ax.get_lines()) == 1
    np.testing.assert_allclose(
        np.column_stack(ax.get_lines()[0].get_data()),
        np.vstack([TRIANGLE, TRIANGLE[:1]]),
    )
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]


# temperature_path


def test_temperature_path_draws_the_simplex_then_the_path_and_its_ends():
    ax = plotting.temperature_path(
        [2.0, 1.0, 0.1], [100.0, 1.0, 0.05], title="a path"
    )
    assert ax.get_title() == "a path"
    assert len(ax.get_lines()) == 4  # triangle, path, first point, last point
    assert [line.get_label() for line in ax.get_lines()[1:]] == [
        "softmax(z / T)",
        "T = 100",
        "T = 0.05",
    ]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "softmax(z / T)",
        "T = 100",
        "T = 0.05",
    ]


def test_temperature_path_points_are_the_softmax_at_each_temperature():
    z = [2.0, 1.0, 0.1]
    temperatures = np.array([100.0, 1.0, 0.05])
    ax = plotting.temperature_path(z, temperatures)
    expected = plotting.simplex_coordinates(
        np.stack([sl.softmax(z, temperature=t) for t in temperatures])
    )
    np.testing.assert_allclose(
        np.column_stack(ax.get_lines()[1].get_data()), expected
    )


def test_temperature_path_runs_from_near_the_centre_to_the_argmax_corner():
    ax = plotting.temperature_path(
        [0.1, 1.0, 2.0], np.geomspace(1000, 0.01, 50)
    )
    xy = np.column_stack(ax.get_lines()[1].get_data())
    np.testing.assert_allclose(xy[0], [0.5, np.sqrt(3) / 6], atol=1e-3)
    np.testing.assert_allclose(xy[-1], TRIANGLE[2], atol=1e-6)


@pytest.mark.parametrize(
    "temperatures", [[1.0, 0.0], [-1.0], [np.inf], [np.nan]]
)
def test_temperature_path_rejects_a_temperature_not_positive_and_finite(
    temperatures,
):
    with pytest.raises(
        ValueError, match="temperature must be a positive, finite number"
    ):
        plotting.temperature_path([2.0, 1.0, 0.1], temperatures)


def test_temperature_path_rejects_four_logits_and_no_temperatures():
    with pytest.raises(ValueError, match="3 logits"):
        plotting.temperature_path([1.0, 2.0, 3.0, 4.0], [1.0])
    with pytest.raises(ValueError, match="temperatures is empty"):
        plotting.temperature_path([1.0, 2.0, 3.0], [])


# The book's figure formats (the builds' kernels call use_book_figure_formats)


def test_book_figure_is_svg_for_the_html_and_pdf_for_the_pdf_edition():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [0, 1, 4], label="x squared")
    ax.legend()
    outputs = plotting.book_figure(fig)
    assert sorted(outputs) == ["application/pdf", "image/svg+xml"]
    assert outputs["image/svg+xml"].lstrip().startswith("<?xml")
    assert "<svg" in outputs["image/svg+xml"]
    assert base64.b64decode(outputs["application/pdf"]).startswith(b"%PDF")
    # No date and fixed ids: the same figure, the same file.
    assert plotting.book_figure(fig) == outputs


def test_a_figure_too_heavy_for_svg_is_a_png_at_twice_the_density():
    fig, ax = plt.subplots(figsize=(4, 3))
    points = np.random.default_rng(0).normal(size=(2, 20_000))
    ax.scatter(*points, s=2)
    outputs = plotting.book_figure(fig)
    assert sorted(outputs) == ["application/pdf", "image/png"]
    data, size = outputs["image/png"]
    png = base64.b64decode(data)
    width, height = struct.unpack(">II", png[16:24])
    assert size == {
        "width": width // plotting.PNG_DENSITY,
        "height": height // plotting.PNG_DENSITY,
    }
    # Shown at the size the SVG would have (about 100 pixels per inch).
    assert 350 <= size["width"] <= 450


def test_use_book_figure_formats_makes_a_shell_show_svg_and_pdf():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        plotting.use_book_figure_formats(shell)
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([1, 2, 3])
        data, _ = shell.display_formatter.format(fig)
    finally:
        InteractiveShell.clear_instance()
    assert {"image/svg+xml", "application/pdf"} <= set(data)
    assert "image/png" not in data


def test_use_book_figure_formats_needs_a_shell():
    with pytest.raises(RuntimeError, match="IPython shell"):
        plotting.use_book_figure_formats()
