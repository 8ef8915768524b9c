"""The stored state of the chapters: strict nbval can only check what was executed and stored.

nbval compares only cells that have an execution count, so a notebook stored
unexecuted would pass vacuously; these tests make sure that cannot happen.
"""
from __future__ import annotations

import json
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return files


def code_cells(path: pathlib.Path) -> list[dict]:
    nb = json.loads(path.read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_toc(path):
    entries = {str(pathlib.PurePosixPath(f).with_suffix("")) for f in toc_files()}
    rel = path.relative_to(ROOT).with_suffix("").as_posix()
    assert rel in entries, f"{rel} is not listed in _toc.yml"


def test_toc_entries_exist():
    for entry in toc_files():
        candidates = [ROOT / entry] + [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.is_file() for c in candidates), f"_toc.yml lists {entry}, which does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_stored_executed_top_to_bottom(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts, f"{path.name} has no code cells"
    assert None not in counts, f"{path.name}: {counts.count(None)} code cells were never executed"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1, 2, 3, ...; re-run it top to bottom "
        "in a fresh kernel (make notebooks)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_stored_errors(path):
    errors = [o for c in code_cells(path) for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{path.name} stores {len(errors)} error output(s): {errors[0].get('ename')}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_a_title(path):
    nb = json.loads(path.read_text())
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# "), (
        f"{path.name} must open with a markdown cell holding its '# Title'")


def _cells(path: pathlib.Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path):
    missing = []
    for i, cell in enumerate(_cells(path)):
        if cell["cell_type"] != "code":
            continue
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
            if not alt.strip():
                missing.append(i)
    assert not missing, f"{path.name}: figure cells {missing} have no alt text (metadata mystnb.image.alt)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_use_sphinx_exercise_with_gated_solutions(path):
    cells = _cells(path)
    text = ["".join(c["source"]) for c in cells]
    exercises = [t for t in text if "{exercise}" in t]
    starts = [t for t in text if "{solution-start}" in t]
    ends = [t for t in text if "{solution-end}" in t]
    assert len(exercises) >= 3, f"{path.name}: {len(exercises)} exercises, expected at least three"
    assert len(starts) == len(ends) == len(exercises), (
        f"{path.name}: {len(exercises)} exercises, {len(starts)} solution-start, {len(ends)} solution-end")
    assert all(":class: dropdown" in t for t in starts), f"{path.name}: every solution must be a closed dropdown"
    hidden_input = [i for i, c in enumerate(cells) if "hide-input" in c.get("metadata", {}).get("tags", [])]
    assert not hidden_input, f"{path.name}: cells {hidden_input} use hide-input, which leaves their output visible"
    assert not any("Solution to exercise" in t for t in text), f"{path.name}: an old admonition solution is left"
    assert any("resample_lib.helpers.exercises" in t for t in text), f"{path.name}: no build-it-yourself exercise checker"
