"""The notebooks in JupyterLab: their MyST rendered as the book renders it, and the slider alive.

`make lab` opens the JupyterLab edition of the chapters (tools/lab_notebooks.py) in JupyterLab with
jupyterlab-myst, and students open the student edition (`make student`) the same way. This test
writes both editions into a temporary folder, starts JupyterLab from the book's own environment
(the Python that runs pytest: `.venv` under `make test-browser`) on a free port with a token, and
drives it with Debian's Chromium. It runs a chapter (temperature, which has the temperature slider)
and a student notebook from a cleared state to the end, then checks what the reader sees in the
Markdown cells: no raw MyST role, directive fence or label line; every exercise as an exercise
block with the chapter's numbering, every solution between its start and end lines; citations,
links to other chapters and glossary terms as links; math typeset. Then it moves the slider and
checks that the chart below it is redrawn. Every request goes to the local server; screenshots go
to the screenshot folder (`jupyterlab-*.png`).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab_notebooks  # noqa: E402
import student_notebooks  # noqa: E402

BOOK = ROOT / "book"
# The book's environment: the one whose Python runs this test.
JUPYTER = pathlib.Path(sys.prefix) / "bin" / "jupyter"
RUN_TIMEOUT = 420  # seconds for a whole notebook on a busy two-core machine (temperature takes about 60)

# JupyterLab's settings for the test: every cell in the page (no windowing, so the whole notebook
# can be read), and no news or update checks, which would fetch from outside.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
}

# What MyST source looks like when it is shown instead of rendered.
RAW_MYST = [
    re.compile(r"\{[\w:-]+\}`"),  # a role: {cite:p}`key`, {ref}`label`, {term}`x`
    re.compile(r"^\([\w-]+\)=", re.M),  # a label line: (formula-definition)=
    re.compile(r"(```|:::)\s*\{[\w-]+\}"),  # a directive fence: ```{exercise}
    re.compile(r"^:(label|class):", re.M),  # a directive's option
    re.compile(r"\$"),  # math left as TeX (typeset math is left out of the text read)
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving the two editions (`lab/`, `student/`); yields (base URL, token, root)."""
    if not JUPYTER.exists():
        raise pytest.UsageError(f"no {JUPYTER}: run the test with the book's environment (`make test-browser`)")
    root = tmp_path_factory.mktemp("jupyterlab")
    lab_notebooks.write_lab_edition(BOOK, root / "lab")
    student_notebooks.write_student_edition(BOOK, root / "student")
    for name, values in SETTINGS.items():
        path = root / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_PATH": str(pathlib.Path(sys.prefix) / "share" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    command = [
        str(JUPYTER), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={root / 'settings'}", f"--LabApp.workspaces_dir={root / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=", "--NotebookNotary.db_file=:memory:",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(root / "jupyterlab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not start:\n{(root / 'jupyterlab.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield url, token, root
    finally:
        server.terminate()  # the server shuts its kernels down on the way out
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _open(browser, lab, path):
    """Open a notebook in a fresh workspace; return the context, the page, and the lists of outside
    requests and of errors (console errors, page errors) that the test checks at its end."""
    url, token, _ = lab
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    outside = []

    def only_local(route):
        if route.request.url.startswith(url) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.set_default_timeout(90_000)
    workspace = re.sub(r"\W", "-", path)
    page.goto(f"{url}/lab/workspaces/{workspace}/tree/{path}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell.jp-mod-rendered")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'")
    return context, page, outside, errors


def _run_all(page) -> None:
    """Clear every output, run every cell in the kernel, and wait until the last one has run."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    assert page.evaluate("() => document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output').length") == 0
    # The command's promise settles when the last cell has run.
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells')"
                  ".then(() => window.runAllResult = 'done', e => window.runAllResult = 'failed: ' + e); }")
    page.wait_for_function("() => window.runAllResult !== undefined", timeout=RUN_TIMEOUT * 1000, polling=1000)
    assert page.evaluate("() => window.runAllResult") == "done"
    counts = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets"
                           ".filter(c => c.model.type === 'code').map(c => c.model.executionCount)")
    not_run = [i for i, n in enumerate(counts) if not n]
    assert counts and not not_run, f"code cells that did not run (an error stopped the run?): {not_run}"


def _markdown_text(page) -> str:
    """What the reader sees in the rendered Markdown cells, math left out (KaTeX's text is TeX-like).

    ``innerText`` skips what is not displayed: the cells' hidden editors, which hold the source.
    jupyterlab-myst renders each cell asynchronously: the text is read once it stops changing, and
    every cell must show something (an empty one is an unrendered cell, or a marker shown as nothing).
    """
    read = """() => {
        const style = document.createElement('style');
        style.textContent = '.jp-NotebookPanel .katex { display: none !important; }';
        document.head.appendChild(style);
        const texts = [...document.querySelectorAll('.jp-NotebookPanel .jp-MarkdownCell')]
            .map(c => c.classList.contains('jp-mod-rendered') ? c.querySelector('.jp-InputArea').innerText : '');
        style.remove();
        return texts;
    }"""
    texts, steady, deadline = None, 0, time.monotonic() + 60
    while steady < 3 and time.monotonic() < deadline:
        time.sleep(0.5)
        latest = page.evaluate(read)
        steady = steady + 1 if latest == texts else 0
        texts = latest
    empty = [i for i, text in enumerate(texts) if not text.strip()]
    assert texts and not empty, f"Markdown cells that show nothing: {empty}"
    return "\n\n".join(texts)


def _check_rendered(text: str, source: pathlib.Path) -> None:
    """No raw MyST in ``text``, and no label or citation key of the book shown as a bare word."""
    raw = [m.group(0) for pattern in RAW_MYST for m in pattern.finditer(text)]
    assert raw == [], f"raw MyST shown: {raw[:5]}"
    book = lab_notebooks.Book(BOOK)
    bare = sorted(w for w in set(re.findall(r"[\w-]+", text)) if w in book.targets or w in book.bib)
    assert bare == [], f"labels or citation keys shown as text, unresolved: {bare[:5]}"
    assert text.count("Exercise") >= source.read_text(encoding="utf-8").count("{exercise}")


def test_chapter_in_jupyterlab_renders_its_myst_and_the_slider_redraws(browser, lab, screenshot_dir):
    source = BOOK / "temperature.ipynb"
    exercises = len(re.findall(r"\{exercise\}", source.read_text(encoding="utf-8")))
    ch = lab_notebooks.chapter_numbers()["temperature"]
    context, page, outside, errors = _open(browser, lab, "lab/temperature.ipynb")
    try:
        _run_all(page)
        text = _markdown_text(page)
        _check_rendered(text, source)
        # Exercises numbered as in the book (7.1: chapter 7), each solution between its two lines.
        for n in range(1, exercises + 1):
            assert re.search(rf"Exercise\s{ch}\.{n}\s\(", text), f"Exercise {ch}.{n} not rendered"
            assert re.search(rf"Start of Solution to Exercise\s{ch}\.{n}\b", text)
            assert re.search(rf"End of the solution to Exercise\s{ch}\.{n}\b", text)
        # Citations in the book's author-year form, links to other chapters and to the glossary.
        assert re.search(r"Guo et al\. \[2017\]", text) and "[Fan et al., 2018]" in text
        links = page.evaluate("() => [...document.querySelectorAll('.jp-NotebookPanel .jp-MarkdownCell .jp-InputArea a')]"
                              ".map(a => [a.innerText, a.getAttribute('href')])")
        assert any(t == "Properties" and "formula.ipynb" in h for t, h in links), "no link to chapter 1"
        assert any(t == "temperature" and "glossary.ipynb" in h for t, h in links), "no glossary link"
        assert any(re.fullmatch(rf"Exercise\s{ch}\.1", t) for t, _ in links), "no reference to an exercise"
        # Math typeset by KaTeX, with no error; display equations unnumbered, as in the book.
        assert page.locator(".jp-NotebookPanel .jp-MarkdownCell .katex").count() > 100
        assert page.locator(".jp-NotebookPanel .katex-error").count() == 0
        assert not re.search(r"^\(\d+\)$", text, re.M), "a numbered equation"

        # The slider: move it with the keyboard and the chart redraws.
        slider = page.locator(".jp-NotebookPanel .widget-slider").first
        slider.scroll_into_view_if_needed()
        readout = slider.locator(".widget-readout")
        chart = page.locator(".jp-NotebookPanel .widget-output img").first
        chart.wait_for()
        before_value, before_chart = readout.inner_text(), chart.get_attribute("src")
        page.screenshot(path=str(screenshot_dir / "jupyterlab-temperature-slider.png"))
        slider.locator(".noUi-handle").focus()
        for _ in range(10):
            page.keyboard.press("ArrowRight")
        # Each step redraws the chart in the kernel: wait until the kernel is idle and the chart settled.
        settled, last, deadline = False, None, time.monotonic() + 60
        while not settled and time.monotonic() < deadline:
            time.sleep(0.5)
            status, src = page.evaluate(
                "() => [window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status,"
                " document.querySelector('.jp-NotebookPanel .widget-output img')?.getAttribute('src')]"
            )
            settled, last = status == "idle" and src is not None and src == last, src
        assert settled and last != before_chart, "the chart was not redrawn after the slider moved"
        after_value = readout.inner_text()
        assert float(after_value) > float(before_value), (before_value, after_value)
        page.screenshot(path=str(screenshot_dir / "jupyterlab-temperature-slider-moved.png"))
        assert outside == [], f"requests outside the local server: {outside[:3]}"
        assert errors == [], errors[:3]
    finally:
        context.close()


def test_student_notebook_in_jupyterlab_renders_its_myst_and_runs(browser, lab, screenshot_dir):
    source = BOOK / "formula.ipynb"
    exercises = len(re.findall(r"\{exercise\}", source.read_text(encoding="utf-8")))
    ch = lab_notebooks.chapter_numbers()["formula"]
    context, page, outside, errors = _open(browser, lab, "student/formula.ipynb")
    try:
        _run_all(page)  # the check cells fail until a student solves the exercise: tagged raises-exception
        text = _markdown_text(page)
        _check_rendered(text, source)
        assert "The formula" in text[:100] and "Student edition." in text
        for n in range(1, exercises + 1):
            assert re.search(rf"Exercise\s{ch}\.{n}\s\(", text), f"Exercise {ch}.{n} not rendered"
        assert "Solution to" not in text and text.count("Your solution") + text.count("Your answer") >= exercises
        page.locator(".jp-NotebookPanel .jp-MarkdownCell", has_text=f"Exercise {ch}.1").first.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / "jupyterlab-student-formula.png"))
        assert outside == [], f"requests outside the local server: {outside[:3]}"
        assert errors == [], errors[:3]
    finally:
        context.close()
