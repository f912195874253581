"""Fixtures for the browser test: the built book served on localhost, and Debian's Chromium.

The test reads the HTML that `make book` wrote to `_build/html`. It never builds the book
itself and never downloads a browser: it drives the Chromium of the operating system
(`/usr/bin/chromium` from Debian's `chromium` package, or the path in `$CHROMIUM`).
"""

from __future__ import annotations

import functools
import http.server
import os
import pathlib
import shutil
import threading

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# `BOOK_HTML` tests another build (for example the one without solutions); `BOOK_SCREENSHOTS` says
# where its screenshots go.
HTML = pathlib.Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
SLIDES = pathlib.Path(os.environ.get("BOOK_SLIDES", ROOT / "_build" / "slides")).resolve()
SCREENSHOTS = pathlib.Path(os.environ.get("BOOK_SCREENSHOTS", ROOT / "_build" / "screenshots")).resolve()
# The edition without solutions (`make book SOLUTIONS=hidden`); `BOOK_HIDDEN_HTML` tests another build of it.
HIDDEN_HTML = pathlib.Path(
    os.environ.get("BOOK_HIDDEN_HTML", ROOT / "_build" / "hidden-solutions" / "_build" / "html")
).resolve()

# Flags that keep headless Chromium from phoning home (update checks, sync, field trials):
# with them, every request a page makes is one the page itself asked for.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def book_pages() -> list[str]:
    """Every HTML page of the built book, as a path relative to `_build/html`."""
    if not (HTML / "index.html").exists():
        raise pytest.UsageError(f"no built book at {HTML}: run `make book` first")
    return sorted(str(p.relative_to(HTML)) for p in HTML.rglob("*.html") if "_static" not in p.parts)


def chapter_pages() -> list[str]:
    """The pages of the book's chapters and pages (`book/*.html`)."""
    if not (HTML / "index.html").exists():
        raise pytest.UsageError(f"no built book at {HTML}: run `make book` first")
    return sorted(str(p.relative_to(HTML)) for p in (HTML / "book").glob("*.html"))


# The start of every script that measures a page: wait for the fonts, then for MathJax to
# typeset (the body of an `async () => {...}` function; tests append what they do next).
SETTLE_FONTS_AND_MATH = """
  await document.fonts.ready;
  if (document.querySelector('.math') && window.MathJax) {
    for (let i = 0; i < 200 && !(MathJax.startup && MathJax.startup.promise); i++)
      await new Promise(r => setTimeout(r, 50));
    await MathJax.startup.promise;
  }
"""


def slide_decks() -> list[str]:
    """Every slide deck `make slides` wrote, as a file name in `_build/slides`."""
    decks = sorted(p.name for p in SLIDES.glob("*.slides.html"))
    if not decks:
        raise pytest.UsageError(f"no slide decks in {SLIDES}: run `make slides` first")
    return decks


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output to the test results
        pass


def _serve(directory: pathlib.Path):
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def server_url():
    """The built book served over HTTP on 127.0.0.1 at a free port."""
    yield from _serve(HTML)


@pytest.fixture(scope="session")
def hidden_url():
    """The edition without solutions served over HTTP on 127.0.0.1 at a free port."""
    if not (HIDDEN_HTML / "index.html").exists():
        raise pytest.UsageError(f"no edition without solutions at {HIDDEN_HTML}: run `make book SOLUTIONS=hidden` first")
    yield from _serve(HIDDEN_HTML)


@pytest.fixture(scope="session")
def slides_url():
    """The slide decks served over HTTP on 127.0.0.1 at a free port."""
    yield from _serve(SLIDES)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not pathlib.Path(executable).exists():
        raise pytest.UsageError("Chromium not found: install Debian's package (`apt-get install chromium`) "
                                "or set $CHROMIUM; `make test-browser` does this for you")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def open_offline(browser, server_url, path, height=900, mode=None):
    """Open one page with every request to another host blocked; return page, outside requests, errors.

    `mode` "light" or "dark" opens the page in that colour mode of the theme, as a reader who picked
    it with the theme's switch (stored in localStorage) and whose system prefers it; None leaves
    the theme's default ("auto", the system's preference, light in headless Chromium).
    """
    context = browser.new_context(
        viewport={"width": 1280, "height": height}, service_workers="block", color_scheme=mode or "light"
    )
    if mode is not None:
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
    outside, errors = [], []

    def only_local(route):
        url = route.request.url
        if url.startswith(server_url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(f"{server_url}/{path}", wait_until="load")
    return context, page, outside, errors
