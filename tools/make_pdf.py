"""Print the built book to PDF with headless Chromium, offline (`make pdf`, after `make book`).

Usage: python tools/make_pdf.py [_build/html] [--out _build/pdf]

Serves the built HTML on 127.0.0.1 (every request to another host is blocked
and reported), opens each page of _toc.yml in order, waits for MathJax and the
images, and prints it with Chromium's print media (the theme's print styles plus
the rules in PRINT_CSS: no sidebars, navigation, header, footer or animation
controls). The pages are merged with pypdf, with one bookmark per page of the
table of contents. Two editions come out:

- ``resampling-in-deep-learning.pdf``, for students: exercise solutions are left
  out, as they are hidden on the site until a reader opens them;
- ``resampling-in-deep-learning-solutions.pdf``, for instructors: every solution
  opened, with its code and output.

Links between pages are unlinked (their text stays); links within a page and to
other sites stay. The footer carries the page's title and its page number within it.
Chromium embeds the fonts the machine has: the glossary's Chinese needs a CJK font
(.ci/run installs fonts-wqy-zenhei when none is there).
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time

import yaml
from playwright.sync_api import sync_playwright
from pypdf import PdfReader, PdfWriter

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser_check import ARGS, CHROMIUM, block_other_hosts, serve  # noqa: E402  (one offline browser set-up)

NAME = "resampling-in-deep-learning"
EDITIONS = {"student": f"{NAME}.pdf", "instructor": f"{NAME}-solutions.pdf"}

PRINT_CSS = """
@media print {
  .bd-header, .bd-header-article, .header-article, .bd-sidebar-primary, .bd-sidebar-secondary,
  .bd-footer, .bd-footer-article, .bd-footer-content, .prev-next-area, .footer, .search-button,
  .theme-switch-button, .primary-toggle, .secondary-toggle, .article-header-buttons,
  .headerlink, .toggle-button, .skip-link, #pst-back-to-top, .back-to-top, .onlyprint-hide,
  .anim-buttons, .anim-state, .animation input[type=range] { display: none !important; }
  html, body { background: white !important; }
  .bd-container, .bd-container__inner, .bd-main, .bd-content, .bd-article-container, .bd-page-width,
  .bd-article { max-width: 100% !important; width: 100% !important; margin: 0 !important; padding: 0 !important; }
  h1, h2, h3, h4 { break-after: avoid; }
  img, figure, .animation, .cell_input, mjx-container[display="true"] { break-inside: avoid; }
  pre { white-space: pre-wrap !important; word-break: break-word; }
  a { color: inherit; }
}
"""

# Settle the page for printing: eager images, MathJax done, links to other pages unlinked.
SETTLE = """async () => {
  for (const img of document.images) { img.loading = 'eager'; }
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  await Promise.all([...document.images].map(i => i.complete ? null :
        new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.href, location.href);
    if (url.origin === location.origin && url.pathname !== location.pathname) a.removeAttribute('href');
  }
  return {raw: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
          broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length,
          solutions: document.querySelectorAll('.solution').length};
}"""

# Student edition: drop the solutions. Instructor edition: open every one.
DROP_SOLUTIONS = "() => document.querySelectorAll('.solution').forEach(s => s.remove())"
OPEN_SOLUTIONS = """async () => {
  for (const sol of document.querySelectorAll('.solution')) {
    sol.classList.remove('toggle-hidden');
    for (const el of sol.querySelectorAll('.toggle-hidden')) el.classList.remove('toggle-hidden');
    for (const d of sol.querySelectorAll('details')) d.open = true;
    for (const child of sol.children) child.style.removeProperty('display');
  }
  await new Promise(r => setTimeout(r, 200));
}"""

SCALE = 0.9  # 16 px body text prints at about 10.8 pt
FOOTER = ('<div style="font-size: 8px; width: 100%; margin: 0 15mm; color: #555; display: flex; '
          'justify-content: space-between;"><span class="title"></span><span class="pageNumber"></span></div>')


def toc_pages(toc_path: pathlib.Path) -> list[str]:
    toc = yaml.safe_load(toc_path.read_text())
    return [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", nargs="?", type=pathlib.Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "_build" / "pdf")
    args = parser.parse_args(argv)
    site = args.html.resolve()
    pages = toc_pages(ROOT / "_toc.yml")
    missing = [p for p in pages if not (site / f"{p}.html").exists()]
    if missing:
        print(f"missing built pages {missing} under {site}: run `make book` first")
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    server, base = serve(site)

    writers = {edition: PdfWriter() for edition in EDITIONS}
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 1400})
        blocked = block_other_hosts(context, base)
        for i, rel in enumerate(pages):
            start = time.perf_counter()
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(f"{base}/{rel}.html", wait_until="networkidle", timeout=120_000)
            page.add_style_tag(content=PRINT_CSS)
            report = page.evaluate(SETTLE)
            title = page.title().split(" — ")[0].strip() or rel
            if report["raw"] or report["broken"]:
                problems.append(f"{rel}: {report['raw']} equations not typeset, {report['broken']} images not loaded")
            files = {}
            for edition in ("instructor", "student"):  # open the solutions and print, then drop them and print
                if report["solutions"] or edition == "student":
                    page.evaluate(OPEN_SOLUTIONS if edition == "instructor" else DROP_SOLUTIONS)
                    files[edition] = pathlib.Path(tmp) / f"{i:02d}-{edition}.pdf"
                    page.pdf(path=str(files[edition]), format="A4", print_background=True, scale=SCALE,
                             display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                             margin={"top": "15mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
            files.setdefault("instructor", files["student"])  # no solutions on this page: the same pages
            counts = []
            for edition in EDITIONS:
                writers[edition].append(str(files[edition]), outline_item=title)
                counts.append(len(PdfReader(files[edition]).pages))
            page.close()
            print(f"ok   {rel}: {title!r}, {counts} pages (student, instructor), "
                  f"{report['solutions']} solutions, {time.perf_counter() - start:.1f} s")
        browser.close()
    server.shutdown()
    for edition, name in EDITIONS.items():
        writers[edition].add_metadata({"/Title": "Resampling in Deep Learning"
                                       + (" (with solutions)" if edition == "instructor" else "")})
        writers[edition].page_mode = "/UseOutlines"
        with open(args.out / name, "wb") as f:
            writers[edition].write(f)
        print(f"wrote {args.out / name}: {len(writers[edition].pages)} pages")
    for url in sorted(set(blocked)):
        print(f"warning: blocked request to another host: {url}")
    for p in problems:
        print(f"FAIL {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
