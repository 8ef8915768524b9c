"""Mark a chapter's cells for `make slides`: add reveal.js slide metadata where a cell has none.

Usage: python tools/mark_slides.py [--dry-run] NOTEBOOK.ipynb [...]

`make slides` (tools/make_slides.py) builds one reveal.js deck per chapter with
nbconvert's SlidesExporter, which reads each cell's ``metadata.slideshow.slide_type``
(``slide``, ``subslide``, ``fragment``, ``skip``, ``notes`` or ``-``: continue the
current slide). This script gives every cell that has no slide type one, by a
simple rule, in order of precedence:

1. cells from a ``{solution-start}`` cell through its ``{solution-end}`` cell: ``skip``
   (solutions stay out of the deck);
2. a markdown cell opening with a ``#`` or ``##`` heading (after any ``(label)=``
   target line): ``slide``; with a ``###`` or deeper heading: ``subslide``;
3. a markdown cell holding an ``{exercise}``: ``subslide`` (one exercise per slide);
4. any other markdown cell of more than ``LONG_WORDS`` words: ``notes`` (speaker
   notes, press ``s`` in the deck); a shorter one: ``-``;
5. the first code cell (the chapter's imports and set-up) and a code cell with no
   output: ``skip``; a code cell with a figure (an image, or an HTML
   animation): ``subslide``; with other output (a table, printed text): ``-``.

Every code cell the rule marks also gets the tag ``slides-hide-input``
(``SLIDES_HIDE_INPUT``): the deck shows its output but not its code. Remove the tag from a cell to show its code on the slide; the book ignores it.

Cells that already have a slide type are left alone, so hand-made choices survive
and a second run changes nothing. Only cell metadata is written: sources, outputs
and execution counts stay byte for byte as they were; a notebook whose cells all
have a slide type is not rewritten.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import re
import sys

LONG_WORDS = 100
SLIDES_HIDE_INPUT = "slides-hide-input"
_TARGET = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
_HEADING = re.compile(r"^(#{1,6})\s")
_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{([\w-]+)\}", re.M)
_FIGURE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _heading_level(text: str) -> int:
    """Level of the heading that opens a markdown cell (0 if it opens with something else)."""
    for line in text.splitlines():
        if not line.strip() or _TARGET.match(line):
            continue
        m = _HEADING.match(line)
        return len(m.group(1)) if m else 0
    return 0


def _has_figure(cell: dict) -> bool:
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if any(m in data for m in _FIGURE_MIMES):
            return True
        html = data.get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        if "<img" in html or "<video" in html or "<svg" in html:
            return True
    return False


def plan(cells: list[dict]) -> list[tuple[str | None, bool]]:
    """For each cell, the (slide_type, hide_input) the rule gives it; slide_type None where the cell has one."""
    result = []
    in_solution = False
    first_code = next((i for i, c in enumerate(cells) if c["cell_type"] == "code"), None)
    for index, cell in enumerate(cells):
        text = _source(cell)
        directives = _DIRECTIVE.findall(text) if cell["cell_type"] == "markdown" else []
        starts_solution = "solution-start" in directives
        ends_solution = "solution-end" in directives
        in_solution = in_solution or starts_solution
        has_type = "slide_type" in (cell.get("metadata", {}).get("slideshow") or {})
        slide_type, hide = None, False
        if not has_type:
            hide = cell["cell_type"] == "code"
            if in_solution:
                slide_type = "skip"
            elif cell["cell_type"] == "markdown":
                level = _heading_level(text)
                if level in (1, 2):
                    slide_type = "slide"
                elif level >= 3 or "exercise" in directives:
                    slide_type = "subslide"
                elif len(text.split()) > LONG_WORDS:
                    slide_type = "notes"
                else:
                    slide_type = "-"
            elif cell["cell_type"] == "code":
                if index == first_code or not cell.get("outputs"):
                    slide_type = "skip"
                elif _has_figure(cell):
                    slide_type = "subslide"
                else:
                    slide_type = "-"
            else:  # raw cells are not shown by the HTML exporters anyway
                slide_type = "skip"
        if ends_solution:
            in_solution = False
        result.append((slide_type, hide))
    return result


def mark(nb: dict) -> int:
    """Add slide metadata to the cells of a notebook (a dict as json.load gives it); return how many changed."""
    changed = 0
    for cell, (slide_type, hide) in zip(nb["cells"], plan(nb["cells"])):
        if slide_type is None:
            continue
        meta = cell.setdefault("metadata", {})
        meta.setdefault("slideshow", {})["slide_type"] = slide_type
        if hide:
            tags = meta.setdefault("tags", [])
            if SLIDES_HIDE_INPUT not in tags:
                tags.append(SLIDES_HIDE_INPUT)
        changed += 1
    return changed


def dumps(nb: dict) -> str:
    """The notebook as Jupyter writes it (nbformat's layout: one-space indent, UTF-8, final newline)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        raw = path.read_text(encoding="utf-8")
        nb = json.loads(raw)
        if args.dry_run:
            for i, (cell, (slide_type, hide)) in enumerate(zip(nb["cells"], plan(nb["cells"]))):
                shown = slide_type or f"(kept: {cell['metadata']['slideshow']['slide_type']})"
                first = next((ln for ln in _source(cell).splitlines() if ln.strip()), "")[:70]
                print(f"{path.name} [{i:3d}] {cell['cell_type']:8s} {shown:10s} {'no code ' if hide else '':8s}{first}")
            continue
        before_outputs = [c.get("outputs") for c in nb["cells"]]
        changed = mark(nb)
        assert [c.get("outputs") for c in nb["cells"]] == before_outputs  # metadata only
        if changed:
            path.write_text(dumps(nb), encoding="utf-8")
        print(f"{path}: {changed} of {len(nb['cells'])} cells marked" + ("" if changed else " (nothing to do)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
