#!/usr/bin/env python3
"""PDF extraction: Loupe's reader (the helper loupe-pdf, over poppler) against poppler's own
`pdftotext`, on the same real PDFs, in one run.

  scripts/pdf-bench.py [--cache DIR] [--loupe PATH] [--runs 3] [--json]

The PDFs are real typeset manuals from Debian packages (fetched once with `apt-get download` into
--cache, default ~/.cache/loupe-bench/pdf): the Debian Reference in six languages (about 1.3 MB
and 250+ pages each) and "A Brief History of Debian" in ten. `pdftotext` comes from poppler-utils
(installed with apt-get when missing). Every figure is the median of --runs whole-process runs,
in MB of PDF per second:

  pdftotext, a file at a time   `pdftotext FILE OUT` for each file, one after the other;
  loupe-pdf, a file at a time   `loupe-pdf < FILE > OUT` for each file: the same work as Loupe's
                                extractor does per PDF (every page, reading order, the title);
  pdftotext, all cores          the same per-file runs, one per core at a time (xargs -P);
  loupe index, all cores        `loupe index DIR` of the PDFs into a fresh index: extraction,
                                language detection, analysis, inversion and the commit.
The outputs are compared: loupe-pdf's text must hold as many words as pdftotext's (±2%).
"""
import argparse, glob, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ["debian-reference-en", "debian-reference-fr", "debian-reference-es", "debian-reference-de",
            "debian-reference-it", "debian-reference-pt", "debian-history"]

def fetch(cache):
    pdfs = sorted(glob.glob(os.path.join(cache, "pdf", "*.pdf")))
    if pdfs:
        return pdfs
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    os.makedirs(os.path.join(cache, "pdf"), exist_ok=True)
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=debs, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for deb in glob.glob(os.path.join(debs, "*.deb")):
        tree = os.path.join(debs, "x")
        subprocess.run(["dpkg-deb", "-x", deb, tree], check=True)
    for pdf in glob.glob(os.path.join(debs, "x", "**", "*.pdf"), recursive=True):
        shutil.copy(pdf, os.path.join(cache, "pdf", os.path.basename(pdf)))
    shutil.rmtree(debs, ignore_errors=True)
    return sorted(glob.glob(os.path.join(cache, "pdf", "*.pdf")))

def timed(fn):
    start = time.monotonic()
    fn()
    return time.monotonic() - start

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/loupe-bench"))
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build", "release", "loupe"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    helper = os.path.join(os.path.dirname(a.loupe), "loupe-pdf")
    for path in (a.loupe, helper):
        if not os.access(path, os.X_OK):
            sys.exit(f"pdf-bench: {path} is missing (make build)")
    if not shutil.which("pdftotext"):
        subprocess.run(["bash", "-c", "apt-get install -y -qq poppler-utils >/dev/null 2>&1 || "
                        "{ apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; }"], check=False)
        if not shutil.which("pdftotext"):
            sys.exit("pdf-bench: pdftotext (poppler-utils) is missing and could not be installed")
    pdfs = fetch(a.cache)
    if not pdfs:
        sys.exit("pdf-bench: no PDFs (apt-get download failed?)")
    mb = sum(os.path.getsize(p) for p in pdfs) / 1e6
    work = tempfile.mkdtemp(prefix="loupe-pdf-bench-")
    cores = os.cpu_count() or 1
    try:
        corpus = os.path.join(work, "pdfs")
        os.makedirs(corpus)
        for p in pdfs:
            os.link(p, os.path.join(corpus, os.path.basename(p))) if os.stat(p).st_dev == os.stat(work).st_dev else shutil.copy(p, corpus)
        for p in pdfs:
            open(p, "rb").read()
        out = os.path.join(work, "out.txt")

        def pdftotext_each():
            for p in pdfs:
                subprocess.run(["pdftotext", "-q", p, out], check=True)

        def helper_each():
            for p in pdfs:
                with open(p, "rb") as f, open(out, "wb") as o:
                    subprocess.run([helper], stdin=f, stdout=o, check=True)

        def pdftotext_parallel():
            subprocess.run(["sh", "-c", f"ls {corpus}/*.pdf | xargs -P {cores} -I{{}} pdftotext -q {{}} {work}/par-$$-$RANDOM.txt"], check=True)

        def loupe_index():
            index = os.path.join(work, "index")
            shutil.rmtree(index, ignore_errors=True)
            subprocess.run([a.loupe, "index", corpus, "--index", index, "--quiet"], check=True, stdout=subprocess.DEVNULL)

        # Same text: word counts of both extractions of every file.
        for p in pdfs:
            ref = subprocess.run(["pdftotext", "-q", p, "-"], capture_output=True, check=True).stdout
            with open(p, "rb") as f:
                got = subprocess.run([helper], stdin=f, capture_output=True, check=True).stdout
            got = got.split(b"\n\n", 1)[1]
            r, g = len(ref.split()), len(got.split())
            if abs(r - g) > 0.02 * r + 5:
                sys.exit(f"pdf-bench: {os.path.basename(p)}: loupe-pdf gave {g} words, pdftotext {r}")
        rows = {}
        for name, fn in [("pdftotext, a file at a time", pdftotext_each), ("loupe-pdf, a file at a time", helper_each),
                         (f"pdftotext, {cores} at a time", pdftotext_parallel), (f"loupe index, {cores} workers", loupe_index)]:
            seconds = statistics.median(timed(fn) for _ in range(a.runs))
            rows[name] = dict(seconds=seconds, mbps=mb / seconds)
        result = dict(files=len(pdfs), mb=mb, rows=rows)
        if a.json:
            print(json.dumps(result))
            return
        print(f"## PDF extraction: {len(pdfs)} PDFs, {mb:.1f} MB (Debian manuals, 6 + 10 languages); medians of {a.runs} runs")
        print("| what | s | MB/s of PDF |")
        print("| --- | ---: | ---: |")
        for name, r in rows.items():
            print(f"| {name} | {r['seconds']:.2f} | {r['mbps']:.1f} |")
        names = list(rows)
        print(f"| ratio loupe-pdf / pdftotext, a file at a time (>1: Loupe faster) | | {rows[names[1]]['mbps'] / rows[names[0]]['mbps']:.2f} |")
        print(f"| ratio loupe index / pdftotext, all cores (>1: Loupe faster) | | {rows[names[3]]['mbps'] / rows[names[2]]['mbps']:.2f} |")
        print(json.dumps(result))
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
