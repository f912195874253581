"""The structure of the PDF edition (``make pdf``, Jupyter Book's LaTeX builder).

Sphinx's LaTeX builder inlines every page of ``_toc.yml`` into one document below the root
page, and by itself it would turn the welcome page's sections into chapters 1 to 6, drop the
part captions of ``_toc.yml`` and number the glossary and the references as chapters. For the
LaTeX builder only, and only on that assembled document, this extension rearranges it:

* the welcome page (the root of ``_toc.yml``) becomes one unnumbered chapter of front matter,
  its sections unnumbered sections;
* each numbered part of ``_toc.yml`` starts with a part page carrying the part's caption as it
  stands in the HTML ("Part I. Foundations"), and its chapters are numbered in ``_toc.yml``
  order, 1, 2, 3 ... across parts, as the HTML numbers them;
* a part with ``numbered: false`` (the back matter) gets no part page, and its chapters
  (glossary, references) are unnumbered; both kinds of part are listed in the contents.

Two repairs of what other extensions give the LaTeX writer:

* sphinx-exercise labels an exercise ``exercise:<label>`` in LaTeX only, so a ``{ref}`` to an
  exercise, which Sphinx points at ``<docname>:<label>`` as in the HTML, would be undefined:
  that label is added;
* a long table (more than LONG_TABLE_ROWS rows) would be set by ``tabulary``, which cannot
  break across pages and runs off the bottom of the page: it becomes a ``longtable`` with
  ragged-right columns as wide as what they hold needs, in a smaller font.

The LaTeX macros it calls (``\\bookfrontmatter``, ``\\bookpart``, ``\\bookunnumberedpart``)
are defined in ``softmaxbook.sty`` beside this file, which ``_config.yml`` copies into the
LaTeX build (``latex_additional_files``) and loads (``latex_elements.preamble``).
The HTML is not touched: nothing here runs for another builder.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.texescape import escape

logger = logging.getLogger(__name__)

LONG_TABLE_ROWS = 12
# Where a line of code in a table cell may break: at spaces, after . , ; ? ! / (Sphinx), after _
# (softmaxbook.sty), and, in tables only, after ( and inside CamelCase names (softmaxbook.sty).
_BREAK = re.compile(r"\s+|(?<=[._(,;/!?])|(?<=[a-z0-9])(?=[A-Z])")


def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex + "\n", format="latex")


def _own_toctree_wrappers(section: nodes.Element) -> list[nodes.compound]:
    """The toctree wrappers of the root page itself, not those of pages inlined below it."""
    found = []
    for node in section.findall(nodes.compound):
        if "toctree-wrapper" not in node["classes"]:
            continue
        parent = node.parent
        while parent is not None and not isinstance(parent, addnodes.start_of_file):
            parent = parent.parent
        if parent is None:
            found.append(node)
    return found


def _subtree_of(wrapper: nodes.compound, subtrees: list) -> object | None:
    docnames = {n["docname"] for n in wrapper.children if isinstance(n, addnodes.start_of_file)}
    for subtree in subtrees:
        if docnames & {str(f) for f in subtree.files()}:
            return subtree
    return None


def _docname_of(node: nodes.Node) -> str | None:
    while node is not None and not isinstance(node, addnodes.start_of_file):
        node = node.parent
    return node["docname"] if node is not None else None


def label_exercises(app: Sphinx, doctree: nodes.document) -> None:
    from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

    for node in list(doctree.findall(lambda n: isinstance(n, (exercise_node, exercise_enumerable_node)))):
        docname = node.get("docname") or _docname_of(node) or app.config.root_doc
        names = dict.fromkeys([*node["ids"], node.get("label", "")])
        labels = "".join(r"\label{\detokenize{%s:%s}}" % (docname, name) for name in names if name)
        if labels:
            node.parent.insert(node.parent.index(node), _raw(r"\phantomsection" + labels))


# The geometry the widths are computed for: softmaxbook.sty sets long tables in \footnotesize,
# where a character of code is about 4.2 pt wide, on an A4 line of 451 pt; each column loses
# 2 \tabcolsep (12 pt) of that.
LINE_PT, CHAR_PT, COLUMN_SEP_PT = 451.0, 4.24, 12.0


def _pieces(entry: nodes.Element) -> list[int]:
    """Lengths, in characters, of the pieces of a cell that cannot be broken."""
    lengths = []
    for text in entry.findall(nodes.Text):
        if any(isinstance(a, nodes.literal) for a in _ancestors(text)):
            lengths += [len(p) for p in _BREAK.split(str(text)) if p]
        elif any(isinstance(a, nodes.math) for a in _ancestors(text)):
            lengths.append(min(len(str(text)) // 2, 30))  # mark-up is longer than the formula
        else:
            lengths += [min(len(w), 8) for w in str(text).split()]  # words hyphenate
    return lengths or [1]


def _ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


def _column_widths(tgroup: nodes.tgroup) -> list[int]:
    """Per mille of the line for each column: each gets its longest unbreakable piece, and the
    rest of the line is shared in proportion to the columns' average cell length."""
    colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
    n = len(colspecs)
    capacity = (LINE_PT - n * COLUMN_SEP_PT) / CHAR_PT
    longest, total, rows = [1.0] * n, [0.0] * n, 0
    for row in tgroup.findall(nodes.row):
        rows += 1
        for i, entry in enumerate(row.children[:n]):
            longest[i] = max(longest[i], max(_pieces(entry)) + 1)
            total[i] += len(entry.astext())
    average = [t / max(rows, 1) for t in total]
    if sum(longest) >= capacity:
        chars = [capacity * m / sum(longest) for m in longest]
    else:
        extra = [max(a - m, 0.0) + 1.0 for a, m in zip(average, longest)]
        chars = [m + (capacity - sum(longest)) * e / sum(extra) for m, e in zip(longest, extra)]
    return [max(1, round(1000 * (c * CHAR_PT + COLUMN_SEP_PT) / LINE_PT)) for c in chars]


def long_tables(doctree: nodes.document) -> None:
    for table in list(doctree.findall(nodes.table)):
        tgroup = table.next_node(nodes.tgroup)
        if tgroup is None or sum(1 for _ in tgroup.findall(nodes.row)) <= LONG_TABLE_ROWS:
            continue
        # Ragged-right columns of the computed widths, as a `tabularcolumns` directive gives them.
        spec = "".join(r">{\raggedright\arraybackslash}\X{%d}{1000}" % w for w in _column_widths(tgroup))
        table["classes"].append("longtable")
        captioned = int(any(isinstance(child, nodes.title) for child in table.children))
        parent, index = table.parent, table.parent.index(table)
        parent.insert(index + 1, _raw(r"\end{booklongtable}"))
        parent.insert(index, addnodes.tabular_col_spec(spec=spec))
        parent.insert(index, _raw(r"\begin{booklongtable}{%d}" % captioned))


def restructure(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.name != "latex" or docname != app.config.root_doc:
        return
    if not any(doctree.findall(addnodes.start_of_file)):
        return  # not the assembled book
    site_map = getattr(app.env, "external_site_map", None)
    root_item = site_map[docname] if site_map is not None and docname in site_map else None
    subtrees = list(root_item.subtrees) if root_item is not None else []

    top = next((n for n in doctree.children if isinstance(n, nodes.section)), None)
    if top is None or not isinstance(top[0], nodes.title):
        logger.warning("book_latex: the root page has no title; PDF structure left as it is")
        return

    label_exercises(app, doctree)
    long_tables(doctree)

    wrappers = _own_toctree_wrappers(top)
    for wrapper in wrappers:
        wrapper.parent.remove(wrapper)

    # The LaTeX writer takes the first title of the document as the book's title and prints
    # nothing for it; the welcome page's own title is therefore repeated on a new section one
    # level down, which the writer prints as a chapter, with the welcome page inside it.
    title = top[0]
    welcome = nodes.section("", title.deepcopy(), *top.children[1:])
    welcome["ids"], top["ids"] = top["ids"], []
    welcome["names"], top["names"] = top["names"], []
    top.children = [title]
    top.extend([_raw(r"\bookfrontmatter"), welcome])

    for wrapper in wrappers:
        subtree = _subtree_of(wrapper, subtrees)
        caption = getattr(subtree, "caption", None) or ""
        numbered = bool(getattr(subtree, "numbered", True))
        latex_caption = escape(caption, app.config.latex_engine)
        if numbered:
            top.append(_raw(r"\bookpart{%s}" % latex_caption if caption else r"\booknumbered"))
        else:
            top.append(_raw(r"\bookunnumberedpart{%s}" % latex_caption if caption else r"\bookunnumbered"))
        top.extend(wrapper.children)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", restructure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
