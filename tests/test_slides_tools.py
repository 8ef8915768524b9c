"""tools/mark_slides.py adds only slide metadata, by its documented rule, idempotently; tools/make_slides.py
turns the book's MyST syntax into Markdown that nbconvert renders, and refuses decks that load from other hosts."""
from __future__ import annotations

import copy
import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools"))
import make_slides  # noqa: E402
import mark_slides  # noqa: E402


def md(text, **meta):
    return {"cell_type": "markdown", "metadata": dict(meta), "source": text}


def code(text, outputs=(), **meta):
    return {"cell_type": "code", "metadata": dict(meta), "source": text, "execution_count": 1,
            "outputs": list(outputs)}


PNG = {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}, "metadata": {}}
TABLE = {"output_type": "execute_result", "execution_count": 1, "metadata": {},
         "data": {"text/html": "<table></table>", "text/plain": "   a"}}


def chapter():
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        md("# Title\n\nWhat this chapter answers."),
        code("import torch", [{"output_type": "stream", "name": "stdout", "text": "running on cpu\n"}]),
        md("(sec-one)=\n## 1. First section\n\nShort."),
        code("x = 1"),
        code("plot()", [PNG]),
        code("table()", [TABLE]),
        md("### A detail"),
        md(" ".join(["word"] * (mark_slides.LONG_WORDS + 1))),
        md("```{exercise} Build it\n:label: ex-a\n\nWrite $f$.\n```"),
        md("````{solution-start} ex-a\n:class: dropdown\n````"),
        code("answer()", [PNG]),
        md("```{solution-end}\n```"),
        md("Kept", slideshow={"slide_type": "fragment"}),
    ]}


def test_mark_follows_the_rule():
    nb = chapter()
    assert mark_slides.mark(nb) == len(nb["cells"]) - 1
    types = [c["metadata"].get("slideshow", {}).get("slide_type") for c in nb["cells"]]
    assert types == ["slide", "skip", "slide", "skip", "subslide", "-", "subslide", "notes", "subslide",
                     "skip", "skip", "skip", "fragment"]
    hidden = [mark_slides.SLIDES_HIDE_INPUT in c["metadata"].get("tags", []) for c in nb["cells"]]
    assert hidden == [c["cell_type"] == "code" for c in nb["cells"]]


def test_mark_adds_only_metadata_and_is_idempotent(tmp_path):
    nb = chapter()
    before = copy.deepcopy(nb)
    mark_slides.mark(nb)
    for a, b in zip(nb["cells"], before["cells"]):
        assert {k: v for k, v in a.items() if k != "metadata"} == {k: v for k, v in b.items() if k != "metadata"}
    path = tmp_path / "nb.ipynb"
    path.write_text(mark_slides.dumps(before), encoding="utf-8")
    mark_slides.main([str(path)])
    once = path.read_text(encoding="utf-8")
    assert json.loads(once) == nb
    mark_slides.main([str(path)])
    assert path.read_text(encoding="utf-8") == once


def test_myst_to_markdown():
    cites = {"keys1981cubic": ("Keys", "1981"), "a2020": ("A and B", "2020")}
    counter: dict = {}
    text = ("(label)=\n## Head\n\nSee {cite:p}`keys1981cubic,a2020` and {cite:t}`keys1981cubic`, "
            "{doc}`the overview <00_overview>`, {ref}`sec-x`, {eq}`eq-1`, [bibliography](bibliography.md), "
            "[torch](https://pytorch.org).\n\n```{exercise} Title\n:label: ex-1\n\nBody $x$.\n```\n\n"
            "```{admonition} Careful\nInside.\n```\n")
    out = make_slides.myst_to_markdown(text, cites, counter)
    assert "(label)=" not in out and "{" not in out.replace("{exercise}", "")
    assert "(Keys 1981; A and B 2020)" in out and "Keys (1981)" in out
    assert "the overview" in out and "(eq-1)" in out and "bibliography" in out and "(bibliography.md)" not in out
    assert "[torch](https://pytorch.org)" in out
    assert "**Exercise 1: Title**" in out and "Body $x$." in out and ":label:" not in out
    assert "**Careful**" in out and "Inside." in out


@pytest.mark.parametrize("page, found", [
    ('<script src="https://cdn.example/x.js"></script>', True),
    ('<link rel="stylesheet" href="//cdn.example/x.css">', True),
    ("<style>@import url(https://fonts.example/a.css);</style>", True),
    ("<script type=module>import m from 'https://cdn.example/m.mjs';</script>", True),
    ('<a href="https://pytorch.org">a link</a><img src="data:image/png;base64,AAAA//8=">', False),
    ('<script src="vendor/require.js"></script>', False),
])
def test_external_loads(page, found):
    assert bool(make_slides.external_loads(page)) is found
