"""Open every page of the built book in headless Chromium, offline, and report what a reader would hit.

Usage: python tests/browser_check.py [_build/html]

The site is served on 127.0.0.1; every request to any other host is blocked
and counted as a failure. A page fails on: a failed or blocked request, an HTTP
error, a console error or uncaught exception, an image that did not load, an
equation left as raw TeX (a ``.math`` element MathJax did not typeset), a
missing title, a content image without a real alt text or with fewer than 1.8
times the pixels of its displayed width (blurred on a high-density screen), an
exercise solution whose text or output shows before the reader opens it (or
that does not open on a click), or a page wider than a 390 px phone screen. Both editions are checked: the
English one at the root and the Chinese one under ``zh/``. There a page also fails when its ``<html lang>`` is
wrong, when its link to the same page in the other edition does not load, or when it shows Chinese without the
self-hosted Noto Sans SC having loaded (a machine without CJK fonts would draw boxes); and the Chinese search
must find a word that only the body text of a chapter holds.
A screenshot of each page is saved under ``_build/screenshots``.
Prints one line per page and a closing ``N passed, M failed`` line; exits 1 on
any failure.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import pathlib
import sys
import threading
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

# JavaScript run in the page once it has settled: raw TeX, broken images, title.
PAGE_REPORT = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const maths = [...document.querySelectorAll('.math')];
  const raw = maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.trim().slice(0, 60));
  const images = [...document.images];
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  const content = [...document.querySelectorAll('main img, article img')].filter(i => i.clientWidth > 0);
  const blurry = content.filter(i => !/\.svg($|\?)/.test(i.currentSrc) && i.naturalWidth < 1.8 * i.clientWidth)
    .map(i => `${(i.getAttribute('src') || '').slice(0, 50)}: ${i.naturalWidth}px drawn at ${i.clientWidth}px`);
  const noAlt = content.filter(i => !(i.alt || '').trim() || /\.(png|jpe?g|gif|svg)$/i.test(i.alt.trim()))
    .map(i => (i.getAttribute('src') || '').slice(0, 60));
  const shown = [];
  for (const sol of document.querySelectorAll('.solution')) {
    for (const child of sol.children) {
      if (child.classList.contains('admonition-title') || child.tagName === 'BUTTON') continue;
      if (child.checkVisibility() && child.getBoundingClientRect().height > 0) {
        shown.push((sol.id || sol.className) + ': ' + child.textContent.trim().slice(0, 50));
      }
    }
  }
  await document.fonts.ready;
  const cjk = /[\u4e00-\u9fff]/.test(document.querySelector('main, article, body').innerText);
  const noto = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Noto Sans SC');
  const switchLink = document.querySelector('p.language-switch a');
  let switchOk = null;
  if (switchLink) { try { switchOk = (await fetch(switchLink.href)).ok; } catch (e) { switchOk = false; } }
  const captions = [...document.querySelectorAll('.bd-sidebar-primary p.caption')].map(c => c.textContent.trim());
  return {captions, title: document.title, maths: maths.length, raw, images: images.length, broken, blurry, noAlt, shown,
          solutions: document.querySelectorAll('.solution').length,
          animations: document.querySelectorAll('.animation').length,
          lang: document.documentElement.lang, cjk, notoLoaded: noto.filter(f => f.status === 'loaded').length,
          switchHref: switchLink ? switchLink.getAttribute('href') : null, switchOk};
}"""

# A word of the Chinese edition's body text that no page title holds ("zone plate"), searched for on zh/search.html.
ZH_SEARCH_WORD = "波带片"

# Click the first solution's toggle and check that its content then shows (the gate opens, it is not empty).
OPEN_FIRST_SOLUTION = """async () => {
  const sol = document.querySelector('.solution');
  if (!sol) return true;
  const button = sol.querySelector('button.toggle-button, .admonition-title');
  button.click();
  await new Promise(r => setTimeout(r, 600));
  return [...sol.children].some(c => !c.classList.contains('admonition-title') && c.tagName !== 'BUTTON'
                                     && c.checkVisibility() && c.getBoundingClientRect().height > 0);
}"""

PHONE_WIDTH = 390


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: pathlib.Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def block_other_hosts(context, base: str) -> list[str]:
    """Let ``context``'s requests to ``base``'s host through; abort every other one and list it in the result."""
    host = urlparse(base).netloc
    blocked: list[str] = []

    def route(r):
        if urlparse(r.request.url).netloc == host:
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    return blocked


@contextlib.contextmanager
def offline_browser(site: pathlib.Path, width: int, height: int):
    """Serve ``site`` on 127.0.0.1 and open headless Chromium with every other host blocked.

    Yields ``(context, base_url, blocked)``; on exit closes both and prints each blocked request.
    """
    server, base = serve(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": width, "height": height})
            blocked = block_other_hosts(context, base)
            yield context, base, blocked
            browser.close()
    finally:
        server.shutdown()
    for url in sorted(set(blocked)):
        print(f"blocked request to another host: {url}")


def open_page(context, url: str, problems: list[str]):
    """A new page at ``url``, once the network is idle; console errors, uncaught exceptions, failed requests and
    HTTP errors are appended to ``problems`` as they happen."""
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text[:200]}"))
    page.on("pageerror", lambda e: problems.append(f"uncaught exception: {str(e)[:200]}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url[:120]} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url[:120]}"))
    page.goto(url, wait_until="networkidle")
    return page


def check_page(context, base: str, rel: str, shots: pathlib.Path) -> list[str]:
    problems: list[str] = []
    page = open_page(context, f"{base}/{rel}", problems)
    report = page.evaluate(PAGE_REPORT)
    title = (report["title"] or "").strip()
    if not title or title.startswith("<no title>"):
        problems.append(f"page has no title ({title!r})")
    problems += [f"raw TeX not typeset: {t!r}" for t in report["raw"]]
    problems += [f"image did not load: {src}" for src in report["broken"]]
    problems += [f"image blurred on a high-density screen: {b}" for b in report["blurry"]]
    problems += [f"image without a real alt text: {src}" for src in report["noAlt"]]
    problems += [f"solution visible before a click: {s}" for s in report["shown"]]
    chinese = rel.startswith("zh/")
    if report["lang"] != ("zh-CN" if chinese else "en"):
        problems.append(f"<html lang={report['lang']!r}>, expected {'zh-CN' if chinese else 'en'!r}")
    if chinese:
        problems += [f"sidebar caption not translated: {c!r}" for c in report["captions"]
                     if not any("\u4e00" <= ch <= "\u9fff" for ch in c)]
    if report["cjk"] and not report["notoLoaded"]:
        problems.append("Chinese text shown, but no Noto Sans SC subset loaded")
    if rel.removeprefix("zh/") not in ("genindex.html", "search.html") and not report["switchOk"]:
        problems.append(f"link to the other edition missing or broken: {report['switchHref']!r}")
    if report["solutions"] and not page.evaluate(OPEN_FIRST_SOLUTION):
        problems.append("the first solution did not open on a click")
    shot = shots / (rel.replace("/", "__").removesuffix(".html") + ".png")
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    phone = context.new_page()
    phone.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    phone.goto(f"{base}/{rel}", wait_until="networkidle")
    wide = phone.evaluate("() => document.documentElement.scrollWidth")
    if wide > PHONE_WIDTH + 1:
        problems.append(f"page is {wide} px wide on a {PHONE_WIDTH} px phone screen (scrolls sideways)")
    phone.close()
    print(f"{'FAIL' if problems else 'ok  '} {rel}: title {title[:50]!r}, {report['maths']} equations, "
          f"{report['images']} images, {report['solutions']} solutions (hidden), {report['animations']} animations, "
          f"lang {report['lang']}, {report['notoLoaded']} CJK font subsets")
    for p in problems:
        print(f"       - {p}")
    return problems


def expected_pages() -> set[str]:
    """The pages the table of contents asks for, plus Sphinx's own index, genindex and search pages."""
    import yaml

    toc = yaml.safe_load((pathlib.Path(__file__).resolve().parents[1] / "_toc.yml").read_text())
    files = {toc["root"]}
    for part in toc.get("parts", []):
        files |= {c["file"] for c in part.get("chapters", [])}
    english = {f"{f}.html" for f in files} | {"index.html", "genindex.html", "search.html"}
    return english | {f"zh/{page}" for page in english}


def check_chinese_search(context, base: str) -> list[str]:
    """The Chinese edition's search (segmented by jieba) finds a word of the body text, not only titles."""
    page = context.new_page()
    page.goto(f"{base}/zh/search.html?q={ZH_SEARCH_WORD}", wait_until="networkidle")
    page.wait_for_function("() => document.querySelector('#search-results p.search-summary') !== null",
                           timeout=30000)
    hits = page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.textContent)")
    page.close()
    print(f"{'ok  ' if hits else 'FAIL'} zh/search.html?q={ZH_SEARCH_WORD}: {len(hits)} pages found {hits[:4]}")
    return [] if hits else [f"the Chinese search finds no page for {ZH_SEARCH_WORD!r}"]


def main(root: str = "_build/html") -> int:
    site = pathlib.Path(root).resolve()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if not {"_static", "_sources", "mathjax"} & set(p.relative_to(site).parts))
    if not pages:
        print(f"no HTML pages under {site}: run `make book` first")
        return 1
    # A page outside the table of contents means the source scan picked up files it should not
    # (for instance the Markdown files of a virtual environment inside the repository).
    unexpected, missing = sorted(set(pages) - expected_pages()), sorted(expected_pages() - set(pages))
    for page in unexpected:
        print(f"FAIL unexpected page (not in _toc.yml): {page}")
    for page in missing:
        print(f"FAIL missing page listed in _toc.yml: {page}")
    shots = site.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    failed = 0
    with offline_browser(site, 1280, 900) as (context, base, blocked):
        for rel in pages:
            failed += bool(check_page(context, base, rel, shots))
        if "zh/search.html" in pages:
            failed += bool(check_chinese_search(context, base))
    print(f"screenshots in {shots}")
    failed += len(unexpected) + len(missing)
    print(f"{len(pages) + len(missing) - failed} passed, {failed} failed")
    return 1 if failed or blocked else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
