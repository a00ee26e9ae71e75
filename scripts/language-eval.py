#!/usr/bin/env python3
"""Precision and recall of Loupe's language detection on labelled text:

  scripts/language-eval.py [--cache DIR] [--loupe PATH]

1. The multilingual benchmark corpus (built by ../shared/bench/make-corpus.sh into --cache, as
   `make bench` does), labelled by its folders: man-en → en, man-fr → fr, man-es and fortunes-es
   → es, debian-reference/*.LANG.txt → LANG.
2. Debian's manual pages in German, Italian, Brazilian Portuguese, Dutch, Polish, Swedish and
   Romanian (installed with apt-get when missing, rendered with man), labelled `other`: none of
   them should be given en, fr or es.

Each set is indexed with the release `loupe`, and each document's detected language is read back
from the index's document table (docs/FORMAT.md §4.5). Prints precision and recall per language
and how many other-language pages stayed `other`.
"""
import argparse, glob, gzip, os, shutil, struct, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LOUPE_SHARED_BENCH", os.path.join(os.path.dirname(ROOT), "shared", "bench"))
OTHER = {"de": "manpages-de", "it": "manpages-it", "pt_BR": "manpages-pt-br", "nl": "manpages-nl",
         "pl": "manpages-pl", "sv": "manpages-sv", "ro": "manpages-ro"}
NAMES = {1: "en", 2: "fr", 3: "es", 4: "other"}

def varint(b, i):
    value, shift = 0, 0
    while True:
        byte = b[i]; i += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, i
        shift += 7

def records(index):
    """(path, language) of every document, from the index's one .docs file."""
    (docs,) = glob.glob(os.path.join(index, "*.docs"))
    body = open(docs, "rb").read()[16:-16]
    count, _, _, records_at, _, _ = struct.unpack("<6Q", body[-48:])
    i, out = records_at, []
    for _ in range(count):
        n, i = varint(body, i); path = body[i:i + n].decode(); i += n
        n, i = varint(body, i); i += n            # title
        language = body[i]; i += 1 + 16            # language, content hash, mtime
        for _ in range(4): _, i = varint(body, i)  # size, text length, block, offset
        out.append((path, NAMES.get(language, "?")))
    return out

def truth(path):
    top = path.split("/")[0]
    if top == "debian-reference":
        for code in ("en", "fr", "es"):
            if path.endswith("." + code + ".txt"):
                return code
        return None
    return {"man-en": "en", "man-fr": "fr", "man-es": "es", "fortunes-es": "es"}.get(top)

def other_pages(work, per_language=150):
    missing = [pkg for code, pkg in OTHER.items() if not glob.glob(f"/usr/share/man/{code}/man*/*.gz")]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq"] + missing, check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(work, "other")
    for code in OTHER:
        folder = os.path.join(out, code)
        os.makedirs(folder, exist_ok=True)
        for n, page in enumerate(sorted(glob.glob(f"/usr/share/man/{code}/man*/*.gz"))[:per_language]):
            text = subprocess.run(["man", "-l", page], capture_output=True, env=dict(os.environ, MANWIDTH="100")).stdout
            text = subprocess.run(["col", "-b"], input=text, capture_output=True).stdout
            with open(os.path.join(folder, f"{n}.txt"), "wb") as f:
                f.write(text)
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/loupe-bench"))
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build", "release", "loupe"))
    a = ap.parse_args()
    corpus = os.path.join(a.cache, "multilingual")
    if not os.path.isdir(corpus):
        subprocess.run(["bash", os.path.join(SHARED, "make-corpus.sh"), "multilingual", corpus], check=True)
    work = tempfile.mkdtemp(prefix="loupe-langeval-")
    try:
        pairs = []
        for source, label in ((corpus, truth), (other_pages(work), lambda p: "other")):
            index = os.path.join(work, "index-" + os.path.basename(source))
            subprocess.run([a.loupe, "index", source, "--index", index, "-q"], check=True)
            pairs += [(label(p), g) for p, g in records(index) if label(p)]
        for code in ("en", "fr", "es"):
            tp = sum(t == code and g == code for t, g in pairs)
            fp = sum(t != code and g == code for t, g in pairs)
            fn = sum(t == code and g != code for t, g in pairs)
            print(f"{code}: precision {tp / max(1, tp + fp):.3f} ({tp}/{tp + fp})  recall {tp / max(1, tp + fn):.3f} ({tp}/{tp + fn})")
        others = [g for t, g in pairs if t == "other"]
        print(f"other-language pages kept other: {others.count('other')}/{len(others)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
