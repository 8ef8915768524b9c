"""The Chinese edition keeps step with the English: every message of every page has a current translation.

The English pages are re-extracted with Sphinx's gettext builder (notebooks are not executed), so a paragraph
edited in English without its translation fails here, by name, instead of silently showing English in the
Chinese edition. README.md says how to update the catalogues.
"""
import json
import re
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import translations  # noqa: E402


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """The English messages of every page, freshly extracted (one gettext build, notebooks not executed)."""
    return translations.extract(tmp_path_factory.mktemp("gettext"))


def test_every_message_of_every_page_is_translated(templates):
    assert sorted(p.name for p in templates.rglob("*.pot")), "the gettext builder extracted no page"
    problems = translations.problems(templates=templates)
    assert not problems, f"{len(problems)} messages need a translation:\n" + "\n".join(problems)


def test_exercise_titles_are_messages(templates):
    """sphinx-exercise's titles are extracted (book/_ext/exercise_titles_i18n.py), so they are translated too."""
    root = Path(__file__).resolve().parents[1]
    titles = set()
    for notebook in (root / "book").glob("*.ipynb"):
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                titles |= set(re.findall(r"^`{3,}\{exercise\}[ \t]+(.+?)[ \t]*$", "".join(cell["source"]), re.M))
    messages = {m.id for pot in templates.rglob("*.pot") for m in translations._load(pot) if m.id}
    assert len(titles) >= 30, f"found only {len(titles)} exercise titles in the chapters"
    missing = sorted(t for t in titles if t.replace("`", "") not in messages and t not in messages)
    assert not missing, f"exercise titles not extracted as messages: {missing}"


def _catalogue(folder: Path, page: str, messages: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    cat = Catalog(locale="zh_CN")
    for msgid, msgstr in messages.items():
        cat.add(msgid, msgstr, flags=("fuzzy",) if msgid in fuzzy else ())
    path = folder / f"{page}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, cat)


@pytest.mark.parametrize(
    "msgid, msgstr, problem",
    [
        pytest.param("Use `align_corners`.", "", "untranslated", id="empty"),
        pytest.param("Use `align_corners`.", "使用 `align_corners`。", "fuzzy", id="fuzzy"),
        pytest.param("Use `align_corners`.", "使用角点对齐。", "markup changed", id="lost-code"),
        pytest.param("Scale $s = n/m$.", "缩放 $s = m/n$。", "markup changed", id="changed-math"),
        pytest.param("See {ref}`exercise 4 <ex-4>`.", "见 {ref}`练习 4 <ex-5>`。", "markup changed", id="ref-target"),
        pytest.param("2. Output size", "2. 输出尺寸", "numbered list", id="heading-as-list"),
        pytest.param("\n$$x$$\n", "$$x$$", "newline", id="display-math-newlines"),
    ],
)
def test_a_damaged_translation_is_reported(tmp_path, msgid, msgstr, problem):
    _catalogue(tmp_path, "book/page", {msgid: msgstr}, fuzzy=(msgid,) if problem == "fuzzy" else ())
    found = translations.problems(tmp_path)
    assert len(found) == 1 and problem in found[0], found


@pytest.mark.parametrize(
    "msgid, msgstr",
    [
        pytest.param("See {ref}`exercise 4 <ex-4>`.", "见 {ref}`练习 4 <ex-4>`。", id="ref-text-translated"),
        pytest.param("2. Output size", "2\\. 输出尺寸", id="escaped-heading-number"),
        pytest.param("Read [the guide](https://x.org/a).", "阅读[指南](https://x.org/a)。", id="link-text"),
    ],
)
def test_a_good_translation_passes(tmp_path, msgid, msgstr):
    _catalogue(tmp_path, "book/page", {msgid: msgstr})
    assert translations.problems(tmp_path) == []


def test_an_english_message_missing_from_the_catalogue_counts(tmp_path):
    _catalogue(tmp_path / "po", "book/page", {"Old sentence.": "旧句子。"})
    _catalogue(tmp_path / "pot", "book/page", {"New sentence.": ""})
    (tmp_path / "pot" / "book" / "page.po").rename(tmp_path / "pot" / "book" / "page.pot")
    found = translations.problems(tmp_path / "po", templates=tmp_path / "pot")
    assert found == ["book/page: untranslated: New sentence."]


def test_apply_keeps_the_english_newlines_and_clears_fuzzy(tmp_path, monkeypatch):
    monkeypatch.setattr(translations, "CATALOGUES", tmp_path)
    _catalogue(tmp_path, "book/page", {"Title": "", "\n$$x$$\n": ""}, fuzzy=("Title",))
    (tmp_path / "blocks.txt").write_text("=== 1\n标题\n\n=== 2\n$$x$$\n")
    assert translations.apply("book/page", (tmp_path / "blocks.txt").read_text()) == 2
    assert translations.problems(tmp_path) == []
