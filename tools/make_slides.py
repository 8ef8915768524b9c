"""Build one reveal.js deck per chapter notebook of _toc.yml, offline, into _build/slides (`make slides`).

Usage: python tools/make_slides.py [--out _build/slides] [NOTEBOOK.ipynb ...]

Each deck is nbconvert's SlidesExporter output (the stored outputs, so nothing is
re-executed; figures are embedded as base64) with the template in
tools/slides_template, which loads reveal.js, require.js, jQuery and MathJax 3
from ``vendor/`` next to the decks (the Makefile copies them there
from node_modules, pinned by package-lock.json). Slides come from the cells'
``metadata.slideshow.slide_type`` (nbconvert's convention); a notebook with no
slide marks at all gets tools/mark_slides.py's rule in memory, so every chapter
has a usable deck before it is marked by hand. Cells tagged ``slides-hide-input``
show their output without their code.

MyST syntax that nbconvert's Markdown does not know is turned into plain Markdown
first: exercise and admonition directives into boxed paragraphs, ``{cite:p}`` into
(Author year) from book/references.bib, ``{doc}``/``{ref}`` roles into their text,
``(label)=`` targets dropped, links to other chapters into their text.

The script fails if a deck would load anything from another host (a script,
stylesheet, image, frame or CSS ``url()``); links the reader may click are allowed.
Writes ``<chapter>.html`` per chapter and ``index.html`` listing them.
"""
from __future__ import annotations

import argparse
import html
import pathlib
import re
import sys
import time

import nbformat
import yaml
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import mark_slides  # noqa: E402

VENDOR = "vendor"
HIDE_INPUT_TAG = mark_slides.SLIDES_HIDE_INPUT
# Anything the browser would fetch by itself: src/href of loading tags, CSS url() and @import, ES imports.
EXTERNAL_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    r"""|url\(\s*["']?((?:https?:)?//[^"')\s]+)"""
    r"""|@import\s+["']((?:https?:)?//[^"']+)"""
    r"""|\bimport\b[^;'"]*\bfrom\s*["']((?:https?:)?//[^"']+)""", re.I)

ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error", "seealso"}
_FENCE_OPEN = re.compile(r"^(\s*)(`{3,}|:{3,})\{([\w-]+)\}[ \t]*(.*)$")
_ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
_TARGET = re.compile(r"^\s*\([\w.:-]+\)=\s*$\n?", re.M)
_EQ_LABEL = re.compile(r"(\$\$)[ \t]*\([\w.:-]+\)")
_CHAPTER_LINK = re.compile(r"\[([^\]]+)\]\((?![a-z]+:|#)[^)\s]+\.(?:md|ipynb)(?:#[^)]*)?\)")


# ---------------------------------------------------------------- MyST -> Markdown
def load_citations(bib: pathlib.Path) -> dict[str, tuple[str, str]]:
    """key -> (authors as cited, year), from a BibTeX file; empty if it cannot be read."""
    try:
        from pybtex.database import parse_file
        data = parse_file(str(bib))
    except Exception as exc:  # a missing or broken .bib only costs the nicer citations
        print(f"warning: citations shown as keys ({bib}: {exc})")
        return {}

    def clean(s: str) -> str:
        return re.sub(r"\\[`'^\"~=.uvHckrb]\s*|[{}]", "", s)

    cites = {}
    for key, entry in data.entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [clean(" ".join(p.prelast_names + p.last_names)) for p in people]
        who = (last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2
               else f"{last[0]} et al." if last else key)
        cites[key] = (who, clean(entry.fields.get("year", "")))
    return cites


def _role(name: str, content: str, cites: dict) -> str:
    if name.startswith("cite"):
        keys = [k.strip() for k in content.split(",") if k.strip()]
        found = [cites.get(k, (k, "")) for k in keys]
        if name in ("cite:t", "cite:ts"):
            return "; ".join(f"{who} ({year})" if year else who for who, year in found)
        return "(" + "; ".join(f"{who} {year}".strip() for who, year in found) + ")"
    m = re.match(r"^(.*?)\s*<([^>]+)>$", content, re.S)
    if name in ("eq", "numref") and not m:
        return f"({content})"
    return m.group(1) if m else content


def myst_to_markdown(text: str, cites: dict, counter: dict) -> str:
    """Plain Markdown for nbconvert from a MyST markdown cell (directives, roles, targets)."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent, fence, name, arg = m.groups()
        j, body = i + 1, []
        while j < len(lines) and not re.match(rf"^\s*{re.escape(fence[0])}{{{len(fence)},}}\s*$", lines[j]):
            body.append(lines[j])
            j += 1
        i = j + 1
        while body and re.match(r"^\s*:[\w-]+:", body[0]):  # directive options
            body.pop(0)
        inner = myst_to_markdown("\n".join(body), cites, counter).strip()
        if name == "exercise":
            counter["exercise"] = counter.get("exercise", 0) + 1
            title = f"Exercise {counter['exercise']}" + (f": {arg.strip()}" if arg.strip() else "")
            out += ["", '<div class="slides-exercise">', "", f"**{title}**", "", inner, "", "</div>", ""]
        elif name == "solution-start":
            out += ["", "**Solution**", ""]
        elif name == "solution-end":
            pass
        elif name in ("math",):
            out += ["", "$$", inner, "$$", ""]
        elif name == "admonition" or name in ADMONITIONS:
            title = arg.strip() if name == "admonition" else name.capitalize()
            out += ["", '<div class="slides-exercise">', "", f"**{title}**", "", inner, "", "</div>", ""]
        else:
            out += ["", inner, ""]
    md = "\n".join(out)
    md = _TARGET.sub("", md)
    md = _EQ_LABEL.sub(r"\1", md)
    md = _ROLE.sub(lambda r: _role(r.group(1), r.group(2), cites), md)
    md = _CHAPTER_LINK.sub(r"\1", md)
    return md


# ---------------------------------------------------------------- notebooks -> decks
def chapters_from_toc(toc_path: pathlib.Path) -> list[pathlib.Path]:
    toc = yaml.safe_load(toc_path.read_text())
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def prepare(nb, cites: dict) -> tuple[str, str]:
    """Make a notebook ready for the exporter, in memory; return (how its slides were chosen, its title)."""
    marked = any("slide_type" in (c.metadata.get("slideshow") or {}) for c in nb.cells)
    if not marked:
        mark_slides.mark(nb)
    counter: dict = {}
    title = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if not title:
                h = re.search(r"^#\s+(.+)$", cell.source, re.M)
                title = re.sub(r"[`*]", "", h.group(1)).strip() if h else ""
            cell.source = myst_to_markdown(cell.source, cites, counter)
    return ("marks in the notebook" if marked else "no marks: tools/mark_slides.py's rule"), title


def exporter() -> SlidesExporter:
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT_TAG}
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    return SlidesExporter(
        config=c,
        extra_template_basedirs=[str(ROOT / "tools")],
        template_name="slides_template",
        reveal_url_prefix=f"{VENDOR}/reveal.js",
        reveal_theme="white",
        reveal_transition="none",
        reveal_number="c/t",
        reveal_width="1280",
        reveal_height="720",
        reveal_scroll=True,
        mathjax_url=f"{VENDOR}/mathjax/es5/tex-chtml.js",
        require_js_url=f"{VENDOR}/require.js",
        jquery_url=f"{VENDOR}/jquery.min.js",
    )


def external_loads(page: str) -> list[str]:
    return sorted({next(g for g in m.groups() if g) for m in EXTERNAL_LOAD.finditer(page)})


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}: slides</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
li {{ margin: 0.4rem 0; }}
.meta {{ color: #555; font-size: 0.9em; }}
</style>
</head>
<body>
<main>
<h1>{title}: slides</h1>
<p>One reveal.js deck per chapter, built from the chapter notebooks. Arrow keys move between slides
(down for a slide's details), <kbd>s</kbd> opens the speaker notes, <kbd>f</kbd> full screen,
<kbd>Esc</kbd> an overview. Everything is served from this folder; nothing is loaded from another host.</p>
<ol>
{items}
</ol>
</main>
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: the chapters of _toc.yml")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "_build" / "slides")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or chapters_from_toc(ROOT / "_toc.yml")
    book_title = (yaml.safe_load((ROOT / "_config.yml").read_text()) or {}).get("title", "Slides")
    cites = load_citations(ROOT / "book" / "references.bib")
    args.out.mkdir(parents=True, exist_ok=True)
    if not (args.out / VENDOR / "reveal.js" / "dist" / "reveal.js").exists():
        print(f"warning: {args.out / VENDOR} has no reveal.js: run `make slides`, which copies the assets")
    exp = exporter()
    items, failures = [], 0
    for path in notebooks:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        how, title = prepare(nb, cites)
        body, _ = exp.from_notebook_node(nb, resources={"metadata": {"name": title or path.stem}})
        external = external_loads(body)
        if external:
            failures += 1
            print(f"FAIL {path.name}: the deck would load from other hosts: {', '.join(external[:5])}")
            continue
        target = args.out / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        types = [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
        shown = [t for t in types if t not in ("skip", "notes")]
        slides = types.count("slide") + (bool(shown) and shown[0] != "slide")
        print(f"ok   {target.relative_to(args.out.parent) if args.out.parent in target.parents else target}: "
              f"{slides} slides, {types.count('subslide')} subslides ({how}), {len(body) // 1024} KiB, {time.perf_counter() - start:.1f} s")
        items.append(f'<li><a href="{target.name}">{html.escape(title or path.stem)}</a> '
                     f'<span class="meta">({path.name})</span></li>')
    (args.out / "index.html").write_text(
        INDEX.format(title=html.escape(book_title), items="\n".join(items)), encoding="utf-8")
    print(f"{len(items)} decks in {args.out}, index.html lists them" + (f"; {failures} failed" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
