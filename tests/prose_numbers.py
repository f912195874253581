"""The numbers a chapter's prose states, and the numbers its outputs print.

The book promises that every number in its prose comes from code that runs in
the book. `tests/test_prose_numbers.py` holds it to that: a decimal (0.364), a
percentage (45 %), a number with a thousands separator (59,874) or in
scientific notation (2.4e-7, 2.4 × 10^{-7}) written in a chapter's Markdown
must appear among the numbers that the chapter's outputs print, rounded as the
prose rounds it. Integers without a separator are not checked: they are counts,
indices, class numbers and parameters far more often than results.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# What is not prose: inline code, MyST labels, roles' targets, links'
# addresses, HTML tags.
_NOT_PROSE = [
    re.compile(
        r"``[^`]*``|`[^`\n]*`"
    ),  # inline code (after the roles' text is kept)
    re.compile(r"^\([\w-]+\)=\s*$", re.M),  # (label)=
    re.compile(r"\]\([^)]*\)"),  # ](address)
    re.compile(r"https?://\S+"),
    re.compile(r"<[^>\n]+>"),  # HTML tags and {ref} targets <label>
    re.compile(
        r"^:[\w-]+:.*$", re.M
    ),  # directive options (:label:, :width: 80%)
]
# Directives whose body is prose: exercises, solutions, admonitions.
# Fences of code stay out.
_CODE_FENCE = re.compile(
    r"^(`{3,}|~{3,})\s*(\{code-cell\}|\{code\}|\{code-block\}"
    r"|python|ipython|text|bash|console|shell|yaml|toml|json|$)"
)
_ROLE = re.compile(r"\{(?:ref|term|doc|numref|eq)\}`([^`<]*)(?:<[^>]*>)?`")
_CITE = re.compile(r"\{cite(?::\w+)?\}`[^`]*`")
# LaTeX spellings of numbers: 59{,}874, 2.4 \times 10^{-7}, 45\,\%, \%.
_LATEX = [
    (re.compile(r"\{,\}"), ","),
    (re.compile(r"\\[,;!: ]"), " "),
    (re.compile(r"\\%"), "%"),
    (
        re.compile(r"(\d)\s*(?:\\times|×|\\cdot|·)\s*10\^\{?([−-]?\d+)\}?"),
        r"\1e\2",
    ),
    (re.compile(r"−"), "-"),
]

_NUMBER = re.compile(
    r"(?<![\w.])"  # not the tail of a word, a version or a longer number
    r"(?P<num>"
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 59,874 or 1,234.5
    r"|\d+\.\d+(?:e[+-]?\d+)?"  # 0.364, 2.4e-7
    r"|\d+e[+-]?\d+"  # 1e-7
    r"|\.\d+"  # .5
    r"|\d+"  # plain integers: only checked when followed by %
    r")"
    r"(?P<pct>\s*%)?"
    r"(?![\w.]?\d)",  # not the head of a version such as 3.11.7
    re.I,
)


@dataclass(frozen=True)
class ProseNumber:
    text: str  # as written, e.g. "45 %" or "59,874"
    value: Decimal  # as written (45 for 45 %); exact, so 1.8e308 is no inf
    decimals: (
        int | None
    )  # digits after the point; None for scientific notation
    significant: int  # significant digits written
    percent: bool
    context: str


def _clean_markdown(source: str) -> str:
    """A Markdown cell's prose: directive bodies kept, code dropped."""
    text = _CITE.sub(" ", source)
    text = _ROLE.sub(lambda m: m.group(1), text)
    out, fences = [], []  # fences: the open fences, (marker, is_code)
    for line in text.splitlines():
        fence = re.match(r"^\s*(`{3,}|~{3,})(.*)$", line)
        if fence:
            marker, info = fence.group(1), fence.group(2).strip()
            if fences and not info and marker == fences[-1][0]:
                fences.pop()  # closes the innermost open fence
            elif not (fences and fences[-1][1]):
                is_code = _CODE_FENCE.match(marker + info) is not None
                fences.append((marker, is_code))
            continue
        if fences and fences[-1][1]:
            continue  # inside a code block
        out.append(line)
    text = "\n".join(out)
    for pattern in _NOT_PROSE:
        text = pattern.sub(" ", text)
    for pattern, repl in _LATEX:
        text = pattern.sub(repl, text)
    return text


def _parse(token: str) -> tuple[Decimal, int | None, int]:
    plain = token.replace(",", "")
    value = Decimal(plain)
    mantissa = re.split(r"e", plain, flags=re.I)[0]
    digits = mantissa.replace(".", "").lstrip("0") or "0"
    if re.search(r"e", plain, re.I):
        return value, None, len(digits)
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return value, decimals, len(digits)


def prose_numbers(markdown: str) -> list[ProseNumber]:
    """The checked numbers of one Markdown text, in order."""
    text = _clean_markdown(markdown)
    found = []
    for m in _NUMBER.finditer(text):
        token, pct = m.group("num"), bool(m.group("pct"))
        is_integer = re.fullmatch(r"\d+", token) is not None
        if is_integer and not pct:
            continue
        value, decimals, significant = _parse(token)
        start, end = max(0, m.start() - 40), min(len(text), m.end() + 40)
        context = " ".join(text[start:end].split())
        found.append(
            ProseNumber(
                m.group(0).strip(), value, decimals, significant, pct, context
            )
        )
    return found


_OUTPUT_NUMBER = re.compile(
    r"(?<![\w.])[-−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)(?:\s*%)?",
    re.I,
)


def output_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        elif out.get("output_type") == "error":
            parts.append(out.get("evalue", ""))
        for mime in ("text/plain", "text/markdown", "text/latex", "text/html"):
            data = out.get("data", {}).get(mime)
            if data:
                text = "".join(data)
                if mime == "text/html":
                    text = re.sub(r"<[^>]+>", " ", text)
                parts.append(text)
    return "\n".join(parts)


def output_numbers(texts: list[str]) -> list[tuple[float, bool]]:
    """Every number the outputs print, as (value, printed as a percentage)."""
    numbers = []
    for text in texts:
        for token in _OUTPUT_NUMBER.findall(text):
            pct = token.rstrip().endswith("%")
            plain = token.rstrip("% ").replace(",", "").replace("−", "-")
            try:
                numbers.append((abs(float(plain)), pct))
            except ValueError:
                continue
    return numbers


def _rounds_to(x: float, number: ProseNumber, scale: int = 1) -> bool:
    """Whether x (times scale), rounded as the prose rounds, is the number."""
    if x != x or x in (float("inf"), float("-inf")):
        return False
    x_exact = abs(Decimal(x)) * scale
    v = abs(number.value)
    if number.decimals is not None:
        half = Decimal(5) * Decimal(10) ** (-number.decimals - 1)
    elif v == 0 or x_exact == 0:
        return v == x_exact
    else:
        exponent = v.adjusted()  # floor(log10(v)), exact
        half = Decimal(5) * Decimal(10) ** (exponent - number.significant)
    return abs(x_exact - v) <= half * Decimal("1.000000001")


def is_printed(number: ProseNumber, printed: list[tuple[float, bool]]) -> bool:
    """Whether a printed number, rounded as the prose rounds, is the number.

    A percentage in the prose matches a printed percentage or a printed
    fraction (0.45 for 45 %).
    """
    for x, pct in printed:
        if _rounds_to(x, number):
            return True
        if number.percent and not pct and _rounds_to(x, number, scale=100):
            return True
    return False


def notebook_markdown_and_outputs(path: Path) -> tuple[list[str], list[str]]:
    nb = json.loads(path.read_text())
    markdown = [
        "".join(c["source"])
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    ]
    outputs = [output_text(c) for c in nb["cells"] if c["cell_type"] == "code"]
    return markdown, outputs


def read_allow_list(path: Path) -> dict[str, str]:
    """`number  # why` lines; the number exactly as the prose writes it."""
    allowed = {}
    if not path.exists():
        return allowed
    for line in path.read_text().splitlines():
        body, _, why = line.partition("#")
        if body.strip():
            allowed[body.strip()] = why.strip()
    return allowed
