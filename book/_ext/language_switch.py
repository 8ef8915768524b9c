"""Sphinx extension: link every page to the same page in the book's other edition.

The English edition is built into ``_build/html`` and the Chinese one into ``_build/html/zh`` (see
``tools/translations.py build``), with the same page names. Each page gets a link at the top of its article
and an ``<link rel="alternate" hreflang>`` in its head, both relative, so the pair works offline and from any
folder the site is copied to.
"""
from __future__ import annotations

from html import escape

# language -> (folder of the other edition relative to this edition's root, its language tag, link text)
OTHER = {
    "en": ("zh/", "zh-CN", "中文版"),
    "zh_CN": ("../", "en", "English edition"),
}


def _link(app, pagename, templatename, context, doctree):
    if doctree is None or app.builder.format != "html":  # search, genindex: no counterpart page to name
        return
    folder, tag, text = OTHER.get(app.config.language or "en", OTHER["en"])
    up = "../" * pagename.count("/")
    href = escape(f"{up}{folder}{pagename}.html")
    context["metatags"] = context.get("metatags", "") + f'\n<link rel="alternate" hreflang="{tag}" href="{href}">'
    switch = (f'<p class="language-switch"><a href="{href}" hreflang="{tag}" lang="{tag}">{text}</a></p>\n')
    context["body"] = switch + context.get("body", "")


def setup(app):
    app.connect("html-page-context", _link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
