"""Sphinx extension: make the titles of sphinx-exercise's exercises translatable.

``{exercise} Max pooling with indices`` becomes an ``exercise_subtitle`` node that sphinx-exercise builds without a
source file or a raw source, so Sphinx's gettext builder skipped it and the Chinese edition showed every exercise
title (and every solution title that repeats it) in English. A transform that runs before Sphinx's own ``Locale``
transform (priority 20) gives each such title its document as source and its Markdown as raw source, so the title
is replaced by its translation like any paragraph. sphinx-exercise later rebuilds the title from the subtitle's
(translated) children, after which the gettext builder would no longer find the subtitle; for that builder only, a
copy of each subtitle is kept inside its exercise, so the title is extracted as a message. A solution's title
repeats its exercise's, from a copy sphinx-exercise registers before any translation; once a document is read
(translations applied), the registry gets a fresh copy.
"""
from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_exercise.nodes import exercise_subtitle, is_exercise_node


def _markdown(node: nodes.Node) -> str:
    """The MyST Markdown of a title's inline nodes (text, code, emphasis, strong, math)."""
    if isinstance(node, nodes.Text):
        return node.astext()
    inner = "".join(_markdown(child) for child in node.children)
    if isinstance(node, nodes.literal):
        return f"`{node.astext()}`"
    if isinstance(node, nodes.math):
        return f"${node.astext()}$"
    if isinstance(node, nodes.strong):
        return f"**{inner}**"
    if isinstance(node, nodes.emphasis):
        return f"*{inner}*"
    return inner


class TranslatableExerciseTitles(SphinxTransform):
    default_priority = 10  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs) -> None:
        for title in self.document.findall(exercise_subtitle):
            title.source = title.source or self.document["source"]
            title.line = title.line or 0
            title.rawsource = _markdown(title)


class KeepExerciseTitlesForGettext(SphinxPostTransform):
    default_priority = 10  # before sphinx-exercise's title post-transform (20) takes the subtitles apart
    builders = ("gettext",)

    def run(self, **kwargs) -> None:
        for title in list(self.document.findall(exercise_subtitle)):
            copy = exercise_subtitle(title.rawsource, "", *[child.deepcopy() for child in title.children])
            copy.source, copy.line, copy.uid = title.source, title.line, getattr(title, "uid", None)
            title.parent.parent.append(copy)  # inside the exercise node; the gettext output renders nothing


def _register_translated_exercises(app, doctree) -> None:
    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for exercise in doctree.findall(is_exercise_node):
        entry = registry.get(exercise.get("label"))
        if entry is not None and entry["docname"] == app.env.docname:
            entry["node"] = exercise.deepcopy()


def setup(app):
    app.add_transform(TranslatableExerciseTitles)
    app.add_post_transform(KeepExerciseTitlesForGettext)
    app.connect("doctree-read", _register_translated_exercises)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
