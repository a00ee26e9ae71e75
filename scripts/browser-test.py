#!/usr/bin/env python3
"""Drives `loupe serve`'s search page in a real headless Chromium: `make test-browser`.

  scripts/browser-test.py [--loupe PATH] [--screenshots DIR]

Indexes Corpus/ (plus one page whose title is an HTML injection attempt) into a temporary
index, starts `loupe serve --port 0` on it, and starts Debian's chromedriver with headless
Chromium (both installed with apt-get when missing). It talks to chromedriver over the W3C
WebDriver HTTP protocol with Python's standard library only, and checks, as a person would use
the page:
  - typing a query shows results as you type: a count with the time, titles, snippets whose
    matches are marked, and `?q=` in the address;
  - the language filter has counts, and choosing French leaves only French hits;
  - ↓ and Enter open the selected document with its matches marked and the first scrolled to;
    the back button returns to the results; a linked URL (`?q=…&doc=…`) opens the same view;
  - a title like `<img src=x onerror=…>` shows as text: no element is made of it, no script runs;
  - with `prefers-color-scheme: dark` the page turns dark.
Saves screenshots (light results, dark results, a document) into --screenshots (default
.build/browser-test/; the README's are made with --screenshots docs).
Exits 1 with a message on the first failed check.
"""
import argparse, base64, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    sys.exit(f"browser-test: FAILED: {message}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium") or "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900",
                     "--lang=en-US", "--no-first-run", "--disable-extensions"]}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"{}" if method == "POST" else None)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            fail(f"WebDriver {method} {path}: {e.read().decode(errors='replace')[:500]}")

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        value = self.s("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(value.values()))

    def type(self, css, text):
        self.s("POST", f"/element/{self.find(css)}/value", {"text": text})

    def keys(self, *keys):
        actions = [{"type": "keyDown", "value": k} for k in keys] + [{"type": "keyUp", "value": k} for k in reversed(keys)]
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})

    def wait(self, script, what, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = self.js(script)
            if value:
                return value
            time.sleep(0.05)
        fail(f"timed out waiting for {what}")

    def cdp(self, cmd, params):
        return self.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def quit(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        except SystemExit:
            pass


def ensure_browser():
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return
    print("browser-test: installing chromium and chromium-driver (apt-get)", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver"],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build", "debug", "loupe"))
    ap.add_argument("--screenshots", default=os.path.join(ROOT, ".build", "browser-test"))
    a = ap.parse_args()
    if not os.access(a.loupe, os.X_OK):
        sys.exit(f"browser-test: {a.loupe} is missing (swift build)")
    ensure_browser()
    os.makedirs(a.screenshots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="loupe-browser-")
    server = driver_process = driver = None
    try:
        corpus = os.path.join(work, "corpus")
        shutil.copytree(os.path.join(ROOT, "Corpus"), corpus)
        with open(os.path.join(corpus, "en", "zz-evil-title.html"), "w") as f:
            f.write("<html><head><title>&lt;img src=x onerror=\"window.__pwned=1\"&gt; Sahel notes</title></head>"
                    "<body><p>Notes on the Sahel: Mali, Niger and Burkina Faso, and an evil title.</p></body></html>")
        index = os.path.join(work, "index")
        subprocess.run([a.loupe, "index", corpus, "--index", index, "--quiet"], check=True)
        server = subprocess.Popen([a.loupe, "serve", "--index", index, "--port", "0"], stdout=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        if "http://127.0.0.1:" not in line:
            fail(f"loupe serve said: {line!r}")
        base = line.split("http://", 1)[1].split("/", 1)[0]
        port = free_port()
        driver_process = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        driver = WebDriver(port)
        url = f"http://{base}/"

        # Results as you type, matches marked, the query in the address.
        driver.go(url)
        driver.type("#q", "armee")
        driver.wait("return document.querySelectorAll('#results li').length > 0", "results as you type")
        status = driver.js("return document.getElementById('status').textContent")
        if "document" not in status or " ms" not in status:
            fail(f"status line: {status!r}")
        marks = driver.js("return Array.from(document.querySelectorAll('#results mark')).map(m => m.textContent)")
        if not marks or not all(m.lower().replace("é", "e").startswith("arm") for m in marks):
            fail(f"marked words for armee: {marks}")
        if "q=armee" not in driver.js("return location.search"):
            fail("the query is not in the address")

        # The language filter, with counts.
        driver.wait("return document.querySelector('#filters button[data-lang=\"fr\"]')", "the French filter")
        label = driver.js("return document.querySelector('#filters button[data-lang=\"fr\"]').textContent")
        if not any(c.isdigit() for c in label):
            fail(f"the French filter has no count: {label!r}")
        driver.js("document.querySelector('#filters button[data-lang=\"fr\"]').click()")
        driver.wait("return location.search.includes('lang=fr') && document.querySelectorAll('#results li').length > 0 && "
                    "Array.from(document.querySelectorAll('#results .meta')).every(m => m.textContent.includes('Français'))",
                    "only French results")
        driver.js("document.querySelector('#filters button[data-lang=\"\"]').click()")
        driver.wait("return !location.search.includes('lang=')", "the filter cleared")

        # Escaping: an injected title is text.
        driver.js("const q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))")
        driver.type("#q", "evil title")
        driver.wait("return Array.from(document.querySelectorAll('#results .title')).some(t => t.textContent.includes('<img'))",
                    "the injected title shown as text")
        if driver.js("return document.querySelectorAll('#results img').length") != 0 or driver.js("return window.__pwned === 1"):
            fail("a title became markup")

        # A fuller query for the screenshots, then the keyboard: ↓ Enter opens a document.
        driver.js("const q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))")
        driver.type("#q", "fleuve Niger sécheresse")
        driver.wait("return document.querySelectorAll('#results li').length >= 3 && document.querySelectorAll('#filters button').length > 1",
                    "results for the screenshot")
        time.sleep(0.3)
        driver.screenshot(os.path.join(a.screenshots, "serve-page.png"))
        driver.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
        background = driver.js("return getComputedStyle(document.body).backgroundColor")
        rgb = [int(x) for x in background.strip("rgba() ").split(",")[:3]]
        if sum(rgb) > 200:
            fail(f"dark mode did not darken the page: {background}")
        driver.screenshot(os.path.join(a.screenshots, "serve-page-dark.png"))
        driver.cdp("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
        driver.find("#q")
        driver.keys("\ue015")  # ArrowDown
        driver.wait("return document.querySelector('#results li.selected')", "a selected result")
        driver.keys("\ue007")  # Enter
        driver.wait("return document.getElementById('doc').classList.contains('open')", "the document view")
        doc_marks = driver.js("return document.querySelectorAll('#doc mark').length")
        if not doc_marks or not driver.js("return document.querySelector('#doc mark.current') !== null"):
            fail("the document view marks no match")
        if "doc=" not in driver.js("return location.search"):
            fail("the document is not in the address")
        linked = driver.js("return location.href")
        driver.screenshot(os.path.join(a.screenshots, "serve-document.png"))
        driver.s("POST", "/back")
        driver.wait("return !document.getElementById('doc').classList.contains('open') && "
                    "document.querySelectorAll('#results li').length > 0", "the results after Back")
        # A linked URL opens the same document view.
        driver.go(linked)
        driver.wait("return document.getElementById('doc').classList.contains('open') && document.querySelectorAll('#doc mark').length > 0",
                    "the linked document")
        print(f"browser-test: all checks passed (Chromium, {doc_marks} matches marked in the opened document); "
              f"screenshots in {os.path.relpath(a.screenshots, ROOT)}/")
    finally:
        if driver:
            driver.quit()
        for p in (driver_process, server):
            if p:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
