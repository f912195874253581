"""The nbgrader assignments: hidden tests agree with the chapters, and grading gives the right marks.

For three chapters, nbgrader grades three submissions of the released assignment: the reference
solution (full marks on every auto-graded cell), a blank one (zero) and a hard-coded one whose
functions return memorised answers for the visible check's inputs (the check's points, none of
the hidden tests' points).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import assignment_notebooks as assignments  # noqa: E402

BOOK = ROOT / "book"
GRADED = ["formula", "stability", "sigmoid"]

# Answers that pass each visible check by looking up the check's own inputs, and nothing else.
HARD_CODED = {
    "formula-ex-log-softmax": '''
_z = np.random.default_rng(1).normal(scale=5.0, size=(3, 4, 5))
_table = {(_z.tobytes(), a): sl.log_softmax(_z, axis=a) for a in [-3, -2, -1, 0, 1, 2]}
def log_softmax_from_scratch(z, axis=-1):
    z = np.asarray(z, dtype=float)
    if z.shape == (2,):
        return np.array([0.0, -1000.0])
    return _table.get((z.tobytes(), axis), np.zeros_like(z))
''',
    "stability-ex-online-by-hand": '''
_rng = np.random.default_rng(3)
_table = {}
for _scale in [1.0, 30.0, 500.0]:
    _x = _rng.normal(scale=_scale, size=200)
    _table[tuple(_x.tolist())] = float(sl.logsumexp(_x))
_table.update({(1000.0, 1000.0): 1000 + math.log(2), (-1000.0, -1001.0): float(sl.logsumexp([-1000.0, -1001.0])),
               (-math.inf, 0.0, -math.inf, 1.0): float(sl.logsumexp([0.0, 1.0])),
               (-math.inf, -math.inf): -math.inf, (5.0,): 5.0})
def online_logsumexp_by_hand(values):
    return _table.get(tuple(float(v) for v in values), 0.0)
''',
    "sigmoid-ex-two-class": '''
_x = np.random.default_rng(7).normal(scale=50.0, size=(4, 5))
_x_huge = np.array([-1e4, -1000.0, -745.0, -40.0, 0.0, 40.0, 745.0, 1000.0, 1e4])
_table = {a.tobytes(): sl.sigmoid(a) for a in [_x, -_x, _x_huge]}
def sigmoid_from_two_class_softmax(x):
    x = np.asarray(x, dtype=float)
    return _table.get(x.tobytes(), np.full(x.shape, 0.5))
''',
    "sigmoid-ex-centre": '''
_rng = np.random.default_rng(8)
_W, _b = _rng.normal(size=(4, 3)), _rng.normal(size=4)
_table = {(_W.tobytes(), _b.tobytes()): (_W - _W.mean(axis=0), _b - _b.mean())}
def centre_softmax_weights(W, b):
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    if W.shape == (2, 2):
        return np.array([[-1.0, 2.0], [1.0, -2.0]]), np.array([-0.5, 0.5])
    return _table.get((W.tobytes(), b.tobytes()), (np.zeros_like(W), np.zeros_like(b)))
''',
    "sigmoid-ex-ordinal": '''
_theta = np.array([-1.0, 0.5, 2.0])
def _probs(s, t):
    at_least = sl.sigmoid(s[:, None] - t[None, :])
    return -np.diff(np.hstack([np.ones((s.size, 1)), at_least, np.zeros((s.size, 1))]), axis=1)
_table = {(s.tobytes(), t.tobytes()): _probs(s, t) for s, t in [
    (np.linspace(-6.0, 6.0, 25), _theta), (np.linspace(-6.0, 6.0, 25), np.array([0.3])),
    (np.array([-1e4, 1e4]), _theta)]}
def ordered_logit_probs(scores, thresholds):
    s, t = np.asarray(scores, dtype=float), np.asarray(thresholds, dtype=float)
    return _table.get((s.tobytes(), t.tobytes()), np.full((s.size, t.size + 1), 1 / (t.size + 1)))
''',
}


def chapter(stem: str) -> dict:
    return json.loads((BOOK / f"{stem}.ipynb").read_text(encoding="utf-8"))


def test_every_auto_checked_exercise_has_hidden_tests_and_every_hidden_test_its_exercise():
    stems = assignments.chapters(BOOK)
    for stem in stems:
        tests = assignments.hidden_tests(stem, chapter(stem))
        assert list(tests) == assignments.auto_checked(chapter(stem))
    assert sorted(p.name for p in assignments.HIDDEN.iterdir() if p.is_dir()) == sorted(
        s for s in stems if assignments.auto_checked(chapter(s)))


def test_a_hidden_test_whose_exercise_is_gone_stops_the_build(tmp_path):
    hidden = tmp_path / "assignments"
    shutil.copytree(assignments.HIDDEN, hidden)
    (hidden / "formula" / "formula-ex-renamed.py").write_text("assert False\n")
    with pytest.raises(assignments.AssignmentError, match="formula-ex-renamed"):
        assignments.source_notebook("formula", chapter("formula"), hidden)
    with pytest.raises(assignments.AssignmentError, match="formula-ex-renamed"):
        assignments.write_sources(BOOK, tmp_path / "course", ["formula"], hidden)
    (hidden / "formula" / "formula-ex-renamed.py").unlink()
    (hidden / "formula" / "formula-ex-log-softmax.py").unlink()
    with pytest.raises(assignments.AssignmentError, match="without hidden tests.*formula-ex-log-softmax"):
        assignments.source_notebook("formula", chapter("formula"), hidden)


def test_the_source_keeps_solutions_and_hidden_tests_and_marks_every_cell_nbgrader_grades():
    nb = assignments.source_notebook("sigmoid", chapter("sigmoid"))
    meta = {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"] if "nbgrader" in c["metadata"]}
    for label in assignments.auto_checked(chapter("sigmoid")):
        assert "### BEGIN SOLUTION" in "".join(meta[f"{label}-code"]["source"])
        assert meta[f"{label}-check"]["metadata"]["nbgrader"]["points"] == assignments.CHECK_POINTS
        hidden = "".join(meta[f"{label}-hidden"]["source"])
        assert "### BEGIN HIDDEN TESTS" in hidden and "### END HIDDEN TESTS" in hidden
        assert meta[f"{label}-hidden"]["metadata"]["nbgrader"]["points"] == assignments.HIDDEN_POINTS
    manual = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("points") == assignments.MANUAL_POINTS]
    assert manual, "the prose exercises are manually graded answers"
    assert len({c["id"] for c in nb["cells"]}) == len(nb["cells"])


def _fill(release: dict, source: dict, replace: dict[str, str]) -> dict:
    """The release notebook with its answer cells taken from the source (or from ``replace``)."""
    answers = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in source["cells"]
               if c["metadata"].get("nbgrader", {}).get("solution")}
    nb = json.loads(json.dumps(release))
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            label = grade_id.rsplit("-", 1)[0]
            text = replace.get(label) or re.sub(r"^### (BEGIN|END) SOLUTION\n", "", answers[grade_id], flags=re.M)
            cell["source"] = text
    return nb


@pytest.mark.parametrize("stem", GRADED)
def test_nbgrader_gives_full_marks_zero_and_only_the_visible_points(stem, tmp_path):
    course = tmp_path / "course"
    assignments.write_sources(BOOK, course, [stem])
    env = {**os.environ, "PATH": f"{pathlib.Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["nbgrader", "generate_assignment", stem, "--force"], cwd=course, env=env, check=True,
                   capture_output=True)
    source = json.loads((course / "source" / stem / f"{stem}.ipynb").read_text())
    release = json.loads((course / "release" / stem / f"{stem}.ipynb").read_text())
    released = json.dumps(release)
    assert "HIDDEN TESTS" not in released and "_hidden" not in released and "BEGIN SOLUTION" not in released

    checked = assignments.auto_checked(chapter(stem))
    submissions = {"reference": _fill(release, source, {}), "blank": release,
                   "hardcoded": _fill(release, source, {label: HARD_CODED[label] for label in checked})}
    for student, nb in submissions.items():
        folder = course / "submitted" / student / stem
        folder.mkdir(parents=True)
        (folder / f"{stem}.ipynb").write_text(json.dumps(nb, indent=1))
    subprocess.run(["nbgrader", "autograde", stem, "--create", "--force"], cwd=course, env=env, check=True,
                   capture_output=True)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grades = {student: {g.name: g.auto_score for g in gradebook.find_submission(stem, student).notebooks[0].grades}
                  for student in submissions}
        max_code = gradebook.find_submission(stem, "reference").max_code_score
    code = {s: sum(v for k, v in g.items() if k.endswith(("-check", "-hidden"))) for s, g in grades.items()}
    print(f"{stem}: reference {code['reference']:g}, blank {code['blank']:g}, hard-coded {code['hardcoded']:g}"
          f" of {max_code:g} auto-graded points")
    assert max_code == len(checked) * (assignments.CHECK_POINTS + assignments.HIDDEN_POINTS)
    assert code["reference"] == max_code, grades["reference"]
    assert all(score in (0, None) for score in grades["blank"].values()), grades["blank"]
    assert all(grades["blank"][f"{label}-{kind}"] == 0 for label in checked for kind in ("check", "hidden"))
    for label in checked:
        assert grades["hardcoded"][f"{label}-check"] == assignments.CHECK_POINTS, (label, grades["hardcoded"])
        assert grades["hardcoded"][f"{label}-hidden"] == 0, (label, grades["hardcoded"])
    assert code["hardcoded"] == len(checked) * assignments.CHECK_POINTS


def _exercise_labels(stem: str) -> list[str]:
    return [label for c in chapter(stem)["cells"] for label in assignments.EXERCISE_LABEL.findall("".join(c["source"]))]


def test_the_course_guide_names_real_exercises_and_maps_every_chapter_exercise_to_an_outcome():
    text = (BOOK / "course_guide.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z]+(?:[-_][a-z0-9]+)*-(?:ex|q)-[a-z0-9-]+)`", text))
    labels = {label for stem in assignments.chapters(BOOK) for label in _exercise_labels(stem)}
    assert named and named <= labels, f"the course guide names exercises the book does not have: {sorted(named - labels)}"
    outcomes = text.split("## Learning outcomes", 1)[1].split("\n## ", 1)[0]
    unmapped = [label for stem in assignments.chapters(BOOK) if stem != "interview"
                for label in _exercise_labels(stem) if f"`{label}`" not in outcomes]
    assert unmapped == [], f"exercises missing from the learning outcomes table: {unmapped}"
    for assignment in re.findall(r"assignments? `(\w+)`", text):
        assert (BOOK / f"{assignment}.ipynb").exists(), assignment


def test_every_lab_in_the_course_guide_fits_its_time():
    text = (BOOK / "course_guide.md").read_text(encoding="utf-8")
    tables = re.findall(r"^(\|.*Lab \((\d+) minutes\).*\|\n\|[-| ]+\|\n(?:\|.*\|\n)+)", text, re.M)
    assert len(tables) == 4, (
        "a two-session module, a one-week intensive, a ten-week course, a semester"
    )
    for table, minutes in tables:
        for row in table.splitlines()[2:]:
            lab = row.split(" | ")[3]
            planned = sum(int(m) for m in re.findall(r"\((\d+) min\)", lab))
            assert planned <= int(minutes), f"{planned} minutes of exercises in a {minutes}-minute lab: {row[:60]}"
