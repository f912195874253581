"""Code that fits the page: no code or output block of a chapter scrolls sideways.

Each chapter page is opened in headless Chromium at a 1280 x 800 window, the size of a
common laptop screen, once its fonts are loaded and MathJax is done. Folded cells (the
`hide-input` tag) and solutions are opened first, since a reader opens them too. A block
scrolls sideways when its content is wider than its box: `scrollWidth > clientWidth` of
the <pre> or of any element between it and its cell. The test fails listing every such
block (page, block, first line).

The notebooks' code is formatted by ruff for 79 columns (`make lint`) and their printed
lines are at most 79 characters (tests/test_outputs_fit_the_page.py), so the page must
hold 79 columns in both kinds of block: `test_79_columns_fit_and_more_do_not` checks it
with blocks made for the purpose, on each chapter page, in the book's own boxes.
"""

from __future__ import annotations

import pytest

from conftest import HTML, SETTLE_FONTS_AND_MATH, chapter_pages, open_offline

WIDTH = 79  # the line length of pyproject.toml's [tool.ruff]
WINDOW_HEIGHT = 800


# Wait as the page test does (fonts, then MathJax), open every fold, then describe each block.
# `kind` is "input" (a code cell), "output" (what a cell printed) or "code" (a code block in
# the prose). A block is hidden when it has no box even with every fold open.
SETTLE_AND_OPEN = (
    "async () => {"
    + SETTLE_FONTS_AND_MATH
    + """  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await document.fonts.ready;
}
"""
)

MEASURE = """
(root) => {
  const kindOf = pre => pre.closest('.cell_input') ? 'input' : pre.closest('.cell_output') ? 'output' : 'code';
  // The <pre> and every element around it up to its cell (or its code block in the prose).
  const boxes = pre => {
    const stop = pre.closest('.cell_input, .cell_output') || pre.closest('div[class*="highlight-"]') || pre;
    const chain = [];
    for (let e = pre; e; e = e.parentElement) { chain.push(e); if (e === stop) break; }
    return chain;
  };
  return [...(root || document.querySelector('main') || document.body).querySelectorAll('pre')].map(pre => {
    const chain = boxes(pre);
    const lines = pre.textContent.replace(/\\n$/, '').split('\\n');
    return {
      kind: kindOf(pre),
      hidden: pre.getClientRects().length === 0 || pre.clientWidth === 0,
      scrolls: chain.some(e => e.scrollWidth > e.clientWidth),
      overflow: Math.max(...chain.map(e => e.scrollWidth - e.clientWidth)),
      firstLine: lines.find(l => l.trim()) || '',
      columns: Math.max(...lines.map(l => l.length)),
    };
  });
}
"""


def describe(path: str, blocks: list[dict]) -> list[str]:
    """One line per block that scrolls: where it is, how wide, how it starts."""
    seen = {"input": 0, "output": 0, "code": 0}
    found = []
    for block in blocks:
        seen[block["kind"]] += 1
        if block["scrolls"]:
            found.append(f"{path} {block['kind']} #{seen[block['kind']]} ({block['columns']} columns, "
                         f"{block['overflow']} px too wide): {block['firstLine'].strip()[:70]}")
    return found


@pytest.mark.parametrize("path", chapter_pages())
def test_no_code_block_scrolls_sideways(path, browser, server_url):
    context, page, _, _ = open_offline(browser, server_url, path, height=WINDOW_HEIGHT)
    try:
        page.evaluate(SETTLE_AND_OPEN)
        blocks = page.evaluate(MEASURE, None)
    finally:
        context.close()
    hidden = [b["firstLine"][:70] for b in blocks if b["hidden"]]
    assert hidden == [], f"{path}: blocks still hidden with every fold open, so not measured: {hidden}"
    found = describe(path, blocks)
    counts = {kind: sum(1 for b in blocks if b["kind"] == kind and b["scrolls"]) for kind in ("input", "output", "code")}
    assert found == [], (f"{path}: {len(found)} of {len(blocks)} blocks scroll sideways at 1280 px "
                         f"({counts}):\n" + "\n".join(found))


# Blocks made for the purpose, each beside one of the page's own cells: a code cell and an output,
# both in the text column and in an admonition (an exercise or a solution, whose box is
# narrower). Where the page has no such cell, a bare one goes where it would be.
SYNTHETIC = """
(width) => {
  const bare = (kind) => {
    const cell = document.createElement('div');
    cell.className = 'cell docutils container';
    const lexer = kind === 'input' ? 'highlight-ipython3' : 'output stream highlight-myst-ansi';
    cell.innerHTML = `<div class="cell_${kind} docutils container"><div class="${lexer} notranslate">` +
                     `<div class="highlight"><pre></pre></div></div></div>`;
    return cell;
  };
  const make = (kind, place) => {
    const inBox = pre => !!pre.closest('.admonition');
    const cell = [...document.querySelectorAll(`main .cell > .cell_${kind} pre, main .cell > details > .cell_${kind} pre`)]
      .filter(pre => inBox(pre) === (place === 'admonition')).map(pre => pre.closest('.cell'))[0];
    let copy;
    if (cell) {
      copy = cell.cloneNode(true);
      copy.querySelectorAll(kind === 'input' ? '.cell_output' : '.cell_input, details').forEach(e => e.remove());
      copy.removeAttribute('id');
      cell.after(copy);
    } else {
      const box = place === 'admonition' ? document.querySelector('main .admonition > .admonition-title') : null;
      if (place === 'admonition' && !box) return null;  // no admonition on this page
      copy = bare(kind);
      if (box) box.after(copy); else (document.querySelector('main section') || document.querySelector('main')).append(copy);
    }
    copy.querySelectorAll(`.cell_${kind} pre`).forEach((pre, i) => { if (i) pre.closest('div[class*="highlight-"]').remove(); });
    copy.dataset.synthetic = `${kind} in the ${place}`;
    return copy;
  };
  // A line of n characters, as code or a printed line would start, with wide letters.
  const line = n => ('print(f"WWW mmm {x!r:>8} = ' + 'W'.repeat(n)).slice(0, n);
  const results = {};
  for (const kind of ['input', 'output']) for (const place of ['text column', 'admonition']) {
    const copy = make(kind, place);
    if (!copy) continue;
    const pre = copy.querySelector('pre');
    const fits = n => { pre.textContent = 'x = 1\\n' + line(n) + '\\n'; return pre.scrollWidth <= pre.clientWidth; };
    let capacity = 0;
    while (capacity < 300 && fits(capacity + 1)) capacity++;
    const style = getComputedStyle(pre);
    pre.textContent = 'x = 1\\n' + line(width) + '\\n';
    results[copy.dataset.synthetic] = {kind, capacity, fontSize: parseFloat(style.fontSize), boxWidth: pre.clientWidth,
      rootFontSize: parseFloat(getComputedStyle(document.documentElement).fontSize), font: style.fontFamily};
  }
  return results;
}
"""


@pytest.mark.parametrize("path", chapter_pages())
def test_79_columns_fit_and_more_do_not(path, browser, server_url):
    """A block of 79 columns fits, code and output, in the text column and in an admonition;
    the measure sees a longer one scroll."""
    context, page, _, _ = open_offline(browser, server_url, path, height=WINDOW_HEIGHT)
    try:
        page.evaluate(SETTLE_AND_OPEN)
        made = page.evaluate(SYNTHETIC, WIDTH)
        measure = lambda name: page.evaluate(MEASURE, page.query_selector(f'[data-synthetic="{name}"]'))  # noqa: E731
        fitting = {name: measure(name) for name in made}
        page.evaluate("""(n) => { document.querySelectorAll('[data-synthetic] pre').forEach(pre => {
                           pre.textContent = 'W'.repeat(n) + '\\n'; }); }""", 2 * WIDTH)
        longer = {name: measure(name) for name in made}
    finally:
        context.close()
    assert {"input in the text column", "output in the text column"} <= made.keys(), made
    for name, report in made.items():
        report = f"{path}, {name}: {report}"
        assert [b["kind"] for b in fitting[name]] == [made[name]["kind"]], report
        assert not fitting[name][0]["scrolls"], f"{WIDTH} columns scroll sideways: {report}"
        assert made[name]["capacity"] >= WIDTH, report
        # Readable: the code is not shrunk below 0.8rem to make it fit.
        assert made[name]["fontSize"] >= 0.8 * made[name]["rootFontSize"] - 0.01, report
        # The measure sees a block scroll: twice as many columns do.
        assert longer[name][0]["scrolls"], f"{2 * WIDTH} columns do not scroll, the measure is blind: {report}"
