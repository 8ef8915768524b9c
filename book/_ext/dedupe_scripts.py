"""Sphinx extension: drop duplicate <script> entries from every page.

sphinx-thebe 0.3.1 registers its inline configuration script once per
``env-before-read-docs`` event, and Jupyter Book's build fires that event more
than once, so pages declared ``const THEBE_JS_URL`` twice and the browser
raised "Identifier 'THEBE_JS_URL' has already been declared" on every page
(found by tests/browser_check.py). Keeping the first copy of each script fixes it.
"""
from __future__ import annotations


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        # the two copies differ only in filename None versus "" (both mean: an inline script)
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def setup(app):
    # Early: a later handler may return a template name, which stops the event (emit_firstresult).
    app.connect("html-page-context", _dedupe, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
