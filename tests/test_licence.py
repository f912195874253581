"""The licence is stated where readers and instructors meet the material:
the repository, the welcome page (the PDF's front matter too), the HTML
footer and the title slide of every deck."""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import slides  # noqa: E402


def test_licence_files_name_both_licences():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    text = (ROOT / "LICENSE-TEXT.md").read_text()
    assert "Attribution 4.0 International" in text
    assert "creativecommons.org/licenses/by/4.0/legalcode" in text


def test_welcome_page_and_footer_state_the_licence():
    assert "CC BY 4.0" in (ROOT / "book" / "intro.md").read_text()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "CC BY 4.0" in config["copyright"]


def test_title_slide_carries_the_licence(tmp_path):
    deck = slides.write_deck(ROOT / "book" / "formula.ipynb", tmp_path)
    html = deck.read_text()
    first_slide = re.search(r"<section>.*?</section>", html, re.S).group(0)
    assert "CC BY 4.0" in first_slide
    assert html.count("CC BY 4.0") == 1
