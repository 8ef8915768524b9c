"""Open every reveal.js deck that `make slides` built in headless Chromium, offline, and step through it.

Usage: python tests/slides_check.py [_build/slides]

The decks are served on 127.0.0.1; every request to any other host is blocked
and counted as a failure. A deck fails on: a failed or blocked request, an HTTP
error, a console error or uncaught exception (while loading or while stepping
through every slide), reveal.js not starting, no slide, an image that did not
load, an equation MathJax could not typeset (left as raw TeX, or a TeX error),
or a missing title. index.html must link every deck. Screenshots of the first
slide and of the first slide with a figure go to ``<slides>/../slides-screenshots``.
Prints one line per deck and a closing ``N passed, M failed`` line; exits 1 on
any failure.
"""
from __future__ import annotations

import pathlib
import re
import sys


sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from browser_check import offline_browser, open_page  # noqa: E402

# Wait for reveal.js and MathJax, then report what a reader would see.
DECK_REPORT = r"""async () => {
  for (let i = 0; i < 1200 && !(window.Reveal && Reveal.isReady && Reveal.isReady()); i++) {
    await new Promise(r => setTimeout(r, 100));
  }
  const ready = !!(window.Reveal && Reveal.isReady && Reveal.isReady());
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const slides = document.querySelector('.reveal .slides');
  // Text outside code and outputs that still holds a TeX command or a $ delimiter: math MathJax did not typeset.
  const raw = [];
  const walker = document.createTreeWalker(slides || document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: n => n.parentElement.closest('pre, code, script, style, mjx-container, .jp-OutputArea')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  while (walker.nextNode()) {
    const t = walker.currentNode.textContent;
    if (/\\[A-Za-z]+|\\[()\[\]]|\$[^\s$]/.test(t)) raw.push(t.trim().slice(0, 60));
  }
  const images = [...document.querySelectorAll('.reveal img')];
  return {ready, title: document.title, total: ready ? Reveal.getTotalSlides() : 0,
          horizontal: ready ? Reveal.getHorizontalSlides().length : 0,
          maths: document.querySelectorAll('mjx-container').length,
          // a TeX error, or an undefined macro (which MathJax shows in red)
          errors: [...document.querySelectorAll('mjx-merror, mjx-assistive-mml mtext[mathcolor="red"]')]
                  .map(e => (e.closest('mjx-container') || e).textContent.slice(0, 60)),
          raw, images: images.length,
          broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.getAttribute('src') || '').slice(0, 40)),
          noAlt: images.filter(i => !(i.alt || '').trim()).length,
          notes: document.querySelectorAll('aside.notes').length};
}"""

# Step through every slide and fragment; return the index of the first slide with a figure (or -1).
WALK = """async () => {
  Reveal.slide(0, 0, -1);
  let steps = 0, figure = -1;
  while (steps < 2000) {
    await new Promise(r => setTimeout(r, 20));
    const cur = Reveal.getCurrentSlide();
    if (figure < 0 && cur && cur.querySelector('img')) figure = steps;
    if (Reveal.isLastSlide() && !Reveal.availableFragments().next) break;
    Reveal.next();
    steps++;
  }
  return {steps, figure};
}"""


def check_deck(context, base: str, rel: str, shots: pathlib.Path) -> list[str]:
    problems: list[str] = []
    page = open_page(context, f"{base}/{rel}", problems)
    report = page.evaluate(DECK_REPORT)
    if not report["ready"]:
        problems.append("reveal.js did not start")
    if report["total"] < 1:
        problems.append("the deck has no slide")
    if not (report["title"] or "").strip():
        problems.append("the deck has no title")
    problems += [f"raw TeX not typeset: {t!r}" for t in report["raw"]]
    problems += [f"TeX error: {t!r}" for t in report["errors"]]
    problems += [f"image did not load: {src}" for src in report["broken"]]
    stem = rel.removesuffix(".html")
    page.screenshot(path=str(shots / f"{stem}__first.png"))
    walk = {"steps": 0, "figure": -1}
    if report["ready"]:
        walk = page.evaluate(WALK)
        if walk["figure"] >= 0:
            page.evaluate(f"async () => {{ Reveal.slide(0, 0, -1); for (let i = 0; i < {walk['figure']}; i++) "
                          "Reveal.next(); await new Promise(r => setTimeout(r, 300)); }")
            page.screenshot(path=str(shots / f"{stem}__figure.png"))
    page.close()
    print(f"{'FAIL' if problems else 'ok  '} {rel}: title {report['title'][:50]!r}, {report['horizontal']} slides, "
          f"{report['total']} with subslides, {walk['steps']} steps, {report['maths']} equations, "
          f"{report['images']} images ({report['noAlt']} without alt), {report['notes']} speaker notes")
    for p in problems:
        print(f"       - {p}")
    return problems


def main(root: str = "_build/slides") -> int:
    site = pathlib.Path(root).resolve()
    decks = sorted(p.name for p in site.glob("*.html") if p.name != "index.html")
    if not decks or not (site / "index.html").exists():
        print(f"no decks or no index.html under {site}: run `make slides` first")
        return 1
    linked = set(re.findall(r'href="([^"/]+\.html)"', (site / "index.html").read_text(encoding="utf-8")))
    unlisted = [d for d in decks if d not in linked]
    for deck in unlisted:
        print(f"FAIL index.html does not link {deck}")
    shots = site.parent / "slides-screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    failed = 0
    with offline_browser(site, 1280, 720) as (context, base, blocked):
        errors: list[str] = []
        open_page(context, f"{base}/index.html", errors).close()
        print(f"{'FAIL' if errors else 'ok  '} index.html: links {len(linked)} decks")
        for e in errors:
            print(f"       - {e}")
        failed += bool(errors)
        for rel in decks:
            failed += bool(check_deck(context, base, rel, shots))
    print(f"screenshots in {shots}")
    failed += len(unlisted)
    print(f"{len(decks) + 1 - failed} passed, {failed} failed")
    return 1 if failed or blocked else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
