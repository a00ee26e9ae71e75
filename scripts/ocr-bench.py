#!/usr/bin/env python3
"""OCR: Loupe's indexing of scans (`loupe index --ocr`, through its helper loupe-ocr) against the
`tesseract` command on the same pages, and how many of the words on the pages a search finds.

  scripts/ocr-bench.py [--loupe PATH] [--pages 24] [--work DIR] [--runs 3] [--lang fra+spa+eng] [--noisy] [--json]

The pages are drawn by scripts/ocr-fixtures.py --pages N: A4 at 300 dpi, PNG, a full page of 12 pt
paragraphs each (about 450 words), cycling French, Spanish and English, with every word known
(truth.json); with --noisy, as if printed and scanned (grey, skewed, blurred, specks). Tesseract's languages are --lang (all pages are read with all of them, as Loupe
does). Every time is the median of --runs whole-process runs, in pages per second:

  tesseract, a page at a time   `tesseract PAGE OUT -l LANGS` for each page, one after the other
                                (OMP_THREAD_LIMIT=1, as loupe-ocr runs it);
  tesseract, N at a time        the same runs, N at once (xargs -P N, N = cores);
  loupe index --ocr, cold       `loupe index DIR --ocr --index IDX --full` into a fresh IDX each
                                run (no OCR cache): walking, OCR, analysis, inversion, commit;
  loupe index --ocr, warm       the same again on the last IDX: the text comes from its OCR cache.
Then, per language, the words of at least 4 letters drawn on that language's pages (distinct,
case-insensitive; at most --max-words a language, evenly sampled), each searched with
`loupe search WORD --format paths`: a word counts as found when every page holding it is among
the results, a word-page pair when that page is. For reference, the share of those words that
are in the `tesseract` command's own text of the page (accents, case and elisions folded).

--tesseract-only times the tesseract command alone (no loupe needed). --helper PATH runs Loupe
with that loupe-ocr (LOUPE_OCR_HELPER) instead of the one beside the loupe executable.
"""
import argparse, json, os, re, shutil, statistics, subprocess, sys, tempfile, time, unicodedata
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "scripts", "ocr-fixtures.py")
NAMES = {"fra": "French", "spa": "Spanish", "eng": "English"}
ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=[aeiouyh])")


def timed(fn):
    start = time.monotonic()
    fn()
    return time.monotonic() - start


def letters(word):
    return sum(c.isalpha() for c in word)


def fold(word):
    """A word as Loupe compares it, near enough: case and accents folded, apostrophes made ASCII,
    a French elision dropped (l’armée → armee), other apostrophes dropped."""
    w = word.replace("’", "'").replace("‘", "'").casefold()
    w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return ELISION.sub("", w).replace("'", "")


def text_words(text):
    return {fold(w) for w in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", text)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build", "release", "loupe"))
    ap.add_argument("--helper", help="the loupe-ocr to use (default: the one beside --loupe)")
    ap.add_argument("--pages", type=int, default=24, help="pages to draw (at least 20)")
    ap.add_argument("--work", help="work directory, kept (default: a temporary one, removed)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lang", default="fra+spa+eng", help="Tesseract languages")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="tesseract runs at once for the parallel row")
    ap.add_argument("--max-words", type=int, default=160, help="words searched per language at most")
    ap.add_argument("--noisy", action="store_true", help="pages as if printed and scanned (ocr-fixtures.py --noisy)")
    ap.add_argument("--tesseract-only", action="store_true", help="time the tesseract command only")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not shutil.which("tesseract"):
        sys.exit("ocr-bench: the tesseract command is missing (apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-spa)")
    env = dict(os.environ)
    if not a.tesseract_only:
        if not os.access(a.loupe, os.X_OK):
            sys.exit(f"ocr-bench: {a.loupe} is missing (make build)")
        if a.helper:
            if not os.access(a.helper, os.X_OK):
                sys.exit(f"ocr-bench: {a.helper} is missing")
            env["LOUPE_OCR_HELPER"] = os.path.abspath(a.helper)
        elif not os.access(os.path.join(os.path.dirname(a.loupe), "loupe-ocr"), os.X_OK):
            sys.exit(f"ocr-bench: loupe-ocr is not beside {a.loupe} (make build, or --helper PATH)")
        usage = subprocess.run([a.loupe, "index", "--help"], capture_output=True, text=True).stdout
        if "--ocr" not in usage:
            sys.exit(f"ocr-bench: {a.loupe} has no --ocr (an older build?)")

    work = os.path.abspath(a.work) if a.work else tempfile.mkdtemp(prefix="loupe-ocr-bench-")
    os.makedirs(work, exist_ok=True)
    try:
        pages = os.path.join(work, "pages")
        shutil.rmtree(pages, ignore_errors=True)
        subprocess.run([sys.executable, FIXTURES, "--pages", str(a.pages), "--out", pages] + (["--noisy"] if a.noisy else []), check=True)
        # truth.json stays out of the indexed directory.
        os.replace(os.path.join(pages, "truth.json"), os.path.join(work, "truth.json"))
        with open(os.path.join(work, "truth.json"), encoding="utf-8") as f:
            truth = json.load(f)
        files = sorted(truth)
        count = len(files)
        cli_out = os.path.join(work, "tesseract")
        os.makedirs(cli_out, exist_ok=True)
        tess_env = dict(os.environ, OMP_THREAD_LIMIT="1")

        def tesseract_each():
            for name in files:
                subprocess.run(["tesseract", os.path.join(pages, name), os.path.join(cli_out, name), "-l", a.lang],
                               env=tess_env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def tesseract_parallel():
            subprocess.run(["sh", "-c", f"printf '%s\\n' {' '.join(files)} | xargs -P {a.jobs} -I{{}} "
                            f"tesseract {{}} '{cli_out}/par-{{}}' -l '{a.lang}' >/dev/null 2>&1"],
                           cwd=pages, env=tess_env, check=True)

        index = os.path.join(work, "index")
        loupe_index = [a.loupe, "index", pages, "--ocr", "--ocr-lang", a.lang, "--index", index, "--full", "--quiet"]

        def loupe_cold():
            shutil.rmtree(index, ignore_errors=True)
            subprocess.run(loupe_index, env=env, check=True, stdout=subprocess.DEVNULL)

        def loupe_warm():
            subprocess.run(loupe_index, env=env, check=True, stdout=subprocess.DEVNULL)

        for name in files:
            open(os.path.join(pages, name), "rb").read()
        rows = {}
        steps = [("tesseract, a page at a time", tesseract_each), (f"tesseract, {a.jobs} at a time", tesseract_parallel)]
        if not a.tesseract_only:
            steps += [(f"loupe index --ocr, cold (fresh index, {os.cpu_count()} workers)", loupe_cold),
                      ("loupe index --ocr, warm (OCR cache)", loupe_warm)]
        for name, fn in steps:
            print(f"ocr-bench: {name} …", file=sys.stderr)
            seconds = statistics.median(timed(fn) for _ in range(a.runs))
            rows[name] = dict(seconds=seconds, pages_per_second=count / seconds)

        # The words each language's pages hold, and where.
        languages = [lang for lang in NAMES if any(truth[f]["language"] == lang for f in files)]
        holders = {}                       # folded word -> pages holding it
        shown = {}                         # (language, folded word) -> the word as drawn there first
        for name in files:
            for w in truth[name]["words"]:
                if letters(w) >= 4:
                    holders.setdefault(fold(w), set()).add(name)
                    shown.setdefault((truth[name]["language"], fold(w)), w)
        chosen = {}
        for lang in languages:
            own = sorted({fold(w) for f in files if truth[f]["language"] == lang for w in truth[f]["words"] if letters(w) >= 4})
            chosen[lang] = own if len(own) <= a.max_words else [own[i * len(own) // a.max_words] for i in range(a.max_words)]
        cli_text = {name: text_words(open(os.path.join(cli_out, name + ".txt"), encoding="utf-8").read()) for name in files}

        def search(key):
            word = shown[key]
            out = subprocess.run([a.loupe, "search", "--index", index, "-k", str(count + 10), "--format", "paths",
                                  "--", word], env=env, capture_output=True, text=True)
            if out.returncode not in (0, 1):
                sys.exit(f"ocr-bench: loupe search {word} failed: {out.stderr.strip()}")
            return key[1], {os.path.basename(p) for p in out.stdout.splitlines() if p}

        found = {}
        if not a.tesseract_only:
            # One search per folded word (the same in two languages is searched once).
            every = sorted({(lang, w) for lang in languages for w in chosen[lang]}, key=lambda k: (k[1], k[0]))
            every = [k for i, k in enumerate(every) if i == 0 or every[i - 1][1] != k[1]]
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                found = dict(pool.map(search, every))
        accuracy = {}
        for lang in languages:
            own_pages = {f for f in files if truth[f]["language"] == lang}
            words = chosen[lang]
            pairs = [(w, f) for w in words for f in sorted(holders[w] & own_pages)]
            r = dict(pages=len(own_pages), words=len(words), pairs=len(pairs),
                     tesseract_text=sum(w in cli_text[f] for w, f in pairs) / max(1, len(pairs)))
            if not a.tesseract_only:
                r["words_found"] = sum((holders[w] & own_pages) <= found[w] for w in words) / max(1, len(words))
                r["pairs_found"] = sum(f in found[w] for w, f in pairs) / max(1, len(pairs))
                r["missed"] = sorted({shown[(lang, w)] for w, f in pairs if f not in found[w]})[:20]
            accuracy[lang] = r

        result = dict(pages=count, languages=a.lang, runs=a.runs, rows=rows, accuracy=accuracy)
        if a.json:
            print(json.dumps(result, ensure_ascii=False))
            return
        per = ", ".join(f"{accuracy[l]['pages']} {NAMES[l]}" for l in languages)
        print(f"## OCR: {count} pages ({per}; A4 PNG at 300 dpi, 12 pt{', noisy' if a.noisy else ''}), "
              f"tesseract -l {a.lang}; medians of {a.runs} runs")
        print("| what | s | pages/s |")
        print("| --- | ---: | ---: |")
        for name, r in rows.items():
            print(f"| {name} | {r['seconds']:.2f} | {r['pages_per_second']:.2f} |")
        names = list(rows)
        if not a.tesseract_only:
            print(f"| ratio loupe cold / tesseract {a.jobs} at a time (>1: Loupe faster) | | "
                  f"{rows[names[2]]['pages_per_second'] / rows[names[1]]['pages_per_second']:.2f} |")
        print()
        if a.tesseract_only:
            print("| language | pages | words (≥ 4 letters) | word·page pairs | in tesseract's text |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for lang, r in accuracy.items():
                print(f"| {NAMES[lang]} | {r['pages']} | {r['words']} | {r['pairs']} | {100 * r['tesseract_text']:.1f}% |")
        else:
            print("| language | pages | words (≥ 4 letters) | found by loupe search | word·page pairs | found | in tesseract's text |")
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for lang, r in accuracy.items():
                print(f"| {NAMES[lang]} | {r['pages']} | {r['words']} | {100 * r['words_found']:.1f}% | {r['pairs']} | "
                      f"{100 * r['pairs_found']:.1f}% | {100 * r['tesseract_text']:.1f}% |")
            for lang, r in accuracy.items():
                if r["missed"]:
                    print(f"\n{NAMES[lang]}, not found (first {len(r['missed'])}): {', '.join(r['missed'])}")
        print(json.dumps(result, ensure_ascii=False))
    finally:
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
