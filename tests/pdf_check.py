"""Check the PDFs that `make pdf` wrote: pages, bookmarks, figures, typeset math, solutions per edition.

Usage: python tests/pdf_check.py [_build/pdf]

For each edition (students; instructors, with solutions): the file opens with
pypdf and has more than MIN_PAGES pages; it has one bookmark per page of
_toc.yml; at least one page in MIN_FIGURE_SHARE carries an image; its text has no
raw TeX (``\\frac``, ``\\mathbf``, ``$$`` ...: MathJax did not typeset it). The
student edition has no "Solution to" heading; the instructor edition has one for
each exercise of the student edition, or more pages when there are none.
Prints one line per edition and a closing ``N passed, M failed`` line; exits 1 on
any failure.
"""
from __future__ import annotations

import pathlib
import re
import sys

import yaml
from pypdf import PdfReader

ROOT = pathlib.Path(__file__).resolve().parents[1]
NAME = "resampling-in-deep-learning"
MIN_PAGES = 100
MIN_FIGURE_SHARE = 0.2
RAW_TEX = re.compile(r"\\\(|\\\[|\\(?:frac|tfrac|mathbf|mathrm|lfloor|rfloor|sum|cdot|begin\{|left|right)\b|\$\$")


def expected_bookmarks() -> int:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return 1 + sum(len(part.get("chapters", [])) for part in toc.get("parts", []))


def has_image(page) -> bool:
    resources = page.get("/Resources") or {}
    xobjects = resources.get("/XObject") or {}
    return any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())


def check(path: pathlib.Path) -> tuple[list[str], dict]:
    problems: list[str] = []
    if not path.exists():
        return [f"{path} does not exist: run `make book` and `make pdf`"], {}
    reader = PdfReader(path)
    pages = len(reader.pages)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    figures = sum(has_image(page) for page in reader.pages)
    stats = {"pages": pages, "bookmarks": len(reader.outline), "figures": figures,
             "solutions": len(re.findall(r"Solution to", text)), "exercises": len(re.findall(r"Exercise \d", text))}
    if pages <= MIN_PAGES:
        problems.append(f"only {pages} pages (expected more than {MIN_PAGES})")
    if stats["bookmarks"] != expected_bookmarks():
        problems.append(f"{stats['bookmarks']} bookmarks, expected one per page of _toc.yml ({expected_bookmarks()})")
    if figures < MIN_FIGURE_SHARE * pages:
        problems.append(f"only {figures} of {pages} pages carry a figure")
    raw = sorted(set(RAW_TEX.findall(text)))
    if raw:
        problems.append(f"raw TeX in the text (MathJax did not typeset it): {raw[:8]}")
    return problems, stats


def main(root: str = "_build/pdf") -> int:
    out = pathlib.Path(root)
    results = {}
    failed = 0
    for edition, name in [("student", f"{NAME}.pdf"), ("instructor", f"{NAME}-solutions.pdf")]:
        problems, stats = check(out / name)
        results[edition] = stats
        if edition == "student" and stats.get("solutions"):
            problems.append(f"{stats['solutions']} solutions in the student edition")
        if edition == "instructor" and stats and results["student"]:
            student = results["student"]
            if student["exercises"] and stats["solutions"] < 1:
                problems.append("no solution in the instructor edition")
            if stats["pages"] < student["pages"]:
                problems.append("fewer pages than the student edition")
        failed += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {name}: " + ", ".join(f"{v} {k}" for k, v in stats.items()))
        for p in problems:
            print(f"       - {p}")
    print(f"{2 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
