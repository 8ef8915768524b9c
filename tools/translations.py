"""The Chinese edition's message catalogues: extract, update, check.

The book's prose is translated through Sphinx's gettext machinery: the English pages are the source, every
paragraph, heading and list item becomes one message, and ``locale/zh_CN/LC_MESSAGES/book/<page>.po`` holds
the translations. Code, outputs and figures are not messages; both editions show the same computed ones.

    python tools/translations.py update   # re-extract the English messages and merge them into the .po files
    python tools/translations.py check    # list untranslated, fuzzy or markup-damaged messages; exit 1 if any
    python tools/translations.py build    # the Chinese edition into _build/html/zh (after the English build)
    python tools/translations.py dump book/04_pooling > msgs.txt     # numbered English messages of one page
    python tools/translations.py apply book/04_pooling zh.txt        # set translations from "=== N" blocks

``update`` runs the gettext builder with notebook execution off (messages come from Markdown, not outputs),
then ``sphinx-intl update``, which keeps existing translations and marks those whose English changed as
fuzzy. ``check`` fails on any message without a current translation and on a translation that lost or
changed a piece of markup that must stay as it is: inline code, math, a cross-reference's target, a URL.
"""
from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
LOCALE = ROOT / "locale"
CATALOGUES = LOCALE / LANGUAGE / "LC_MESSAGES"

# Pieces of MyST markup a translation must keep exactly (as a multiset, in any order).
_ROLE = re.compile(r"\{[\w:.-]+\}`([^`]*)`")
_CODE = re.compile(r"(?<![}`])`([^`]+)`")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.S)
# A translated heading is parsed on its own, so "2. 输出尺寸" would become a list and be discarded.
_LIST_START = re.compile(r"^\d+[.)] ")
_URL = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")


def _role_target(content: str) -> str:
    """The part of a role that must not change: `text <target>` keeps its target, a bare role all of it."""
    m = re.search(r"<([^<>]+)>\s*$", content)
    return m.group(1) if m else content


def markup(text: str) -> collections.Counter:
    """The inline code, math, reference targets and URLs of one message."""
    pieces = [("role", _role_target(c)) for c in _ROLE.findall(text)]
    rest = _ROLE.sub("", text)
    pieces += [("code", c) for c in _CODE.findall(rest)]
    pieces += [("math", m) for m in _MATH.findall(_CODE.sub("", rest))]
    pieces += [("url", a or b) for a, b in _URL.findall(rest)]
    return collections.Counter(pieces)


def _jupyter_book(out: Path, config: dict, *args: str) -> None:
    """Build the book with ``config`` (a variant of _config.yml) into ``out``/_build."""
    out.mkdir(parents=True, exist_ok=True)
    # Local extension folders are found relative to the configuration file, which now lives in `out`.
    exts = config["sphinx"]["local_extensions"]
    config["sphinx"]["local_extensions"] = {name: str(ROOT / path) for name, path in exts.items()}
    (out / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "build", str(ROOT), "--config", str(out / "_config.yml"),
                    "--path-output", str(out), *args], check=True, cwd=ROOT)


def extract(out: Path) -> Path:
    """Run Sphinx's gettext builder on the book (without executing notebooks); return the folder of .pot files."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    _jupyter_book(out, config, "--builder", "custom", "--custom-builder", "gettext", "-q")
    return out / "_build" / "gettext"


def _translated_toc(out: Path) -> Path:
    """A copy of _toc.yml with its part captions translated.

    The captions are messages of the root page's catalogue, but the sidebar is drawn from the table of contents
    itself, before any translation applies, so the Chinese edition gets its own copy.
    """
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    root = _load(CATALOGUES / f"{toc['root']}.po")
    translated = {m.id: m.string for m in root if m.id and m.string and not m.fuzzy}
    for part in toc.get("parts", []):
        part["caption"] = translated.get(part["caption"], part["caption"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    return out / "_toc.yml"


def build(site: Path = ROOT / "_build" / "html") -> Path:
    """Build the Chinese edition into ``site``/zh, reusing the English build's execution cache.

    The notebooks' outputs come from the same cache as the English edition's (keyed on their code), so
    nothing runs twice and the two editions show the same numbers.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["title"] = "深度学习中的重采样"
    config["execute"]["cache"] = str(ROOT / config["execute"]["cache"])
    config["sphinx"]["config"]["language"] = "zh_CN"
    out = ROOT / "_build" / "zh"
    _jupyter_book(out, config, "-W", "-n", "--keep-going", "--toc", str(_translated_toc(out)))
    target = site / "zh"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(out / "_build" / "html", target)
    return target


def update() -> None:
    """Merge freshly extracted messages into the catalogues (new ones empty, changed ones fuzzy)."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = extract(Path(tmp))
        subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "-p", str(pot), "-d", str(LOCALE),
                        "-l", LANGUAGE, "-w", "0"], check=True, cwd=ROOT)
    for path in CATALOGUES.rglob("*.po"):
        _save(path, _load(path))


def _save(path: Path, cat) -> None:
    """Write a catalogue the one way this project does: unwrapped lines, no source locations.

    Babel flags a message as ``python-format`` when its English merely contains "95% interval" ("% i"); the
    book has no format strings, so the flag is dropped (it would make ``msgfmt -c`` demand a placeholder).
    """
    for m in cat:
        m.flags.discard("python-format")
    with path.open("wb") as f:
        write_po(f, cat, width=0, no_location=True, omit_header=False)


def _load(path: Path):
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def problems(catalogues: Path = CATALOGUES, templates: Path | None = None) -> list[str]:
    """Every message that is untranslated, fuzzy or has damaged markup, as 'page: problem: message' lines.

    With ``templates`` (a folder of freshly extracted .pot files), a message the English pages have but the
    catalogues lack counts as untranslated too, so an English edit without its translation is caught.
    """
    found = []
    pages = sorted(p.relative_to(catalogues).with_suffix("") for p in catalogues.rglob("*.po"))
    if templates is not None:
        wanted = sorted(p.relative_to(templates).with_suffix("") for p in templates.rglob("*.pot"))
        found += [f"{page}: no catalogue" for page in wanted if page not in pages]
    for page in pages:
        cat = _load(catalogues / page.with_suffix(".po"))
        translated = {m.id: m for m in cat if m.id}
        ids = list(translated)
        if templates is not None and (templates / page.with_suffix(".pot")).exists():
            ids = [m.id for m in _load(templates / page.with_suffix(".pot")) if m.id]
        for msgid in ids:
            short = msgid if len(msgid) < 70 else msgid[:67] + "..."
            m = translated.get(msgid)
            if m is None or not m.string:
                found.append(f"{page}: untranslated: {short}")
            elif m.fuzzy:
                found.append(f"{page}: fuzzy: {short}")
            elif _LIST_START.match(m.string):
                found.append(f"{page}: starts like a numbered list (write 'N\\.' in a heading): {short}")
            elif (m.id.startswith("\n"), m.id.endswith("\n")) != (m.string.startswith("\n"), m.string.endswith("\n")):
                found.append(f"{page}: leading or trailing newline differs from the English: {short}")
            elif markup(m.id) != markup(m.string):
                lost = markup(m.id) - markup(m.string)
                added = markup(m.string) - markup(m.id)
                found.append(f"{page}: markup changed (lost {sorted(lost)}, added {sorted(added)}): {short}")
    return found


def _messages(page: str):
    path = CATALOGUES / f"{page}.po"
    return path, _load(path)


def dump(page: str) -> str:
    """The page's messages, numbered from 1, each as an '=== N' block followed by the English."""
    _, cat = _messages(page)
    return "".join(f"=== {i}\n{m.id}\n\n" for i, m in enumerate((m for m in cat if m.id), 1))


def apply(page: str, text: str) -> int:
    """Set the translations given as '=== N' blocks (N as numbered by `dump`); return how many were set."""
    path, cat = _messages(page)
    messages = [m for m in cat if m.id]
    blocks = re.split(r"^=== (\d+)[ \t]*\n", text, flags=re.M)[1:]
    for number, body in zip(blocks[::2], blocks[1::2]):
        m = messages[int(number) - 1]
        # Keep the English's leading and trailing newlines (display math): gettext requires them to match.
        lead, trail = m.id[: len(m.id) - len(m.id.lstrip("\n"))], m.id[len(m.id.rstrip("\n")):]
        m.string = lead + body.strip() + trail
        m.flags.discard("fuzzy")
    _save(path, cat)
    return len(blocks) // 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["update", "check", "build", "dump", "apply"])
    parser.add_argument("page", nargs="?", help="one catalogue, e.g. book/04_pooling (check: all if omitted)")
    parser.add_argument("blocks", nargs="?", type=Path, help="apply: a file of '=== N' blocks")
    args = parser.parse_args()
    if args.command == "update":
        update()
        return 0
    if args.command == "build":
        start = time.perf_counter()
        target = build()
        print(f"Chinese edition in {target} ({time.perf_counter() - start:.0f} s)")
        return 0
    if args.command == "dump":
        sys.stdout.write(dump(args.page))
        return 0
    if args.command == "apply":
        print(f"{apply(args.page, args.blocks.read_text())} translations set in {args.page}")
        return 0
    found = problems()
    if args.page:
        found = [line for line in found if line.startswith(args.page + ":")]
    print("\n".join(found) if found else "every message translated, none fuzzy, markup intact")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
