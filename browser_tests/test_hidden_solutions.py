"""The edition without solutions (`make book SOLUTIONS=hidden`): every exercise, no solution."""

from __future__ import annotations

import pathlib
import re

import pytest

from conftest import HTML, ROOT, chapter_pages

HIDDEN = ROOT / "_build" / "hidden-solutions" / "_build" / "html"


@pytest.mark.parametrize("page", chapter_pages())
def test_hidden_edition_keeps_every_exercise_and_drops_every_solution(page):
    if not (HIDDEN / "index.html").exists():
        raise pytest.UsageError("no edition without solutions: run `make book SOLUTIONS=hidden` first")
    shown = (HTML / page).read_text(encoding="utf-8")
    hidden = (HIDDEN / page).read_text(encoding="utf-8")
    exercises = lambda html: re.findall(r'<div class="exercise[^"]*" id="([^"]+)"', html)  # noqa: E731
    assert exercises(hidden) == exercises(shown)
    assert re.findall(r'class="solution', hidden) == []
