#!/usr/bin/env python3
"""Passages in long documents: what a whole answer costs beside the ranked list with snippets,
the `passages` rows of `make bench`.

  scripts/passage-bench.py LONG_CORPUS_DIR [--index DIR] [--rounds 3] [--passages 3] [--queries 30] [--seed 7] [--out FILE] [--loupe PATH]

LONG_CORPUS_DIR is a corpus of a few very long documents, as scripts/long-corpus.py makes it (for
`make bench`, 20 documents of 20 MB in ~/.cache/loupe-bench/long).
1. Indexes it with `loupe index LONG_CORPUS_DIR --index DIR --quiet` into a fresh temporary
   directory (removed at the end), timing the whole process (wall clock: "index_s"). With --index
   DIR, an index already in DIR (one with a `manifest` file) is used as it is ("index_s": null);
   otherwise the index is built into DIR and kept.
2. Makes --queries queries (default 30) from the corpus's own words: ASCII-letter words of 5 letters
   or more (words with other letters skipped whole, not cut), found in at least 2 documents and at
   most 3/4 of them (15 of 20), so that a query matches several documents but not all; one-word
   and two-word queries in turn, the two words of a query taken from one document so that it
   matches both. The same corpus and --seed give the same queries. They go to --out (default a
   file in a temporary directory).
3. Times them with `loupe bench --index DIR --queries FILE -k 10 --rounds R --json` twice over,
   with `--passages 0` (each query's whole answer: the search and each hit's snippet) and with
   `--passages P` (the same and P passages per hit); each after bench's warm-up round.
Also times the search alone (`loupe bench` without --passages: no text read), for scale.
Prints one JSON object: {"documents", "bytes", "index_s", "queries", "k", "passages_per_hit",
"rounds", "search": {p50, p95, p99}, "snippets": {p50, p95, p99}, "passages": {p50, p95, p99}, "ratio_p50", "ratio_p95",
"ratio_p99"} (latencies in µs, ratios passages / snippets), and a line for people on stderr.
"""
import argparse, collections, json, os, random, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORD = re.compile(rb"[A-Za-z\x80-\xff]{5,}")
K = 10


def corpus_files(root):
    """The files `loupe index` reads, near enough: every file not hidden, in a fixed order."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out += [os.path.join(dirpath, n) for n in sorted(files) if not n.startswith(".")]
    return out


def document_words(files):
    """Each document's distinct words: runs of 5+ letters that are ASCII only, lowercased."""
    words = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read().lower()
        words.append({w.decode() for w in set(WORD.findall(data)) if w.isascii()})
    return words


def make_queries(words, n, seed):
    docs = len(words)
    df = collections.Counter(w for ws in words for w in ws)
    low, high = 2, max(2, docs * 3 // 4)
    usable = [sorted(w for w in ws if low <= df[w] <= high) for ws in words]
    if not any(usable):
        sys.exit(f"passage-bench: no word is in between {low} and {high} of the {docs} documents")
    rng = random.Random(seed)
    queries, seen = [], set()
    for _ in range(n * 100):
        if len(queries) == n:
            break
        mine = usable[rng.randrange(docs)]
        if len(mine) < 2:
            continue
        q = rng.choice(mine) if len(queries) % 2 == 0 else " ".join(rng.sample(mine, 2))
        if q not in seen:
            seen.add(q)
            queries.append(q)
    return queries


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--index", default=None, help="index directory: used if it holds an index (a `manifest`), else built there and kept")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--passages", type=int, default=3, help="passages per hit in the second run (default 3)")
    ap.add_argument("--queries", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=None, help="query file to write (default: in a temporary directory, removed)")
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build", "release", "loupe"))
    a = ap.parse_args()
    files = corpus_files(a.corpus)
    if not files:
        sys.exit(f"passage-bench: no documents in {a.corpus}")
    work = tempfile.mkdtemp(prefix="loupe-passages-")
    try:
        index = a.index or os.path.join(work, "index")
        index_s = None
        if a.index and os.path.isfile(os.path.join(a.index, "manifest")):
            print(f"passage-bench: using the index in {a.index}", file=sys.stderr)
        else:
            start = time.perf_counter()
            p = subprocess.run([a.loupe, "index", a.corpus, "--index", index, "--quiet"], capture_output=True, text=True)
            index_s = time.perf_counter() - start
            if p.returncode:
                sys.exit(f"passage-bench: loupe index failed (exit {p.returncode}):\n{p.stderr[-3000:]}")

        queries = make_queries(document_words(files), a.queries, a.seed)
        out = a.out or os.path.join(work, "queries-passages.txt")
        with open(out, "w", encoding="utf-8") as f:
            f.write("\n".join(queries) + "\n")

        def bench(passages):
            extra = [] if passages is None else ["--passages", str(passages)]
            p = subprocess.run([a.loupe, "bench", "--index", index, "--queries", out, "-k", str(K), "--rounds", str(a.rounds),
                                "--json"] + extra, capture_output=True, text=True)
            if p.returncode:
                sys.exit(f"passage-bench: loupe bench --passages {passages} failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
            d = json.loads(p.stdout)
            return {"p50": d["p50_us"], "p95": d["p95_us"], "p99": d["p99_us"]}

        search = bench(None)
        snippets = bench(0)
        passages = bench(a.passages)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    size = sum(os.path.getsize(f) for f in files)
    ratio = {q: passages[q] / snippets[q] if snippets[q] else None for q in ("p50", "p95", "p99")}
    result = {"documents": len(files), "bytes": size, "index_s": index_s, "queries": len(queries), "k": K,
              "passages_per_hit": a.passages, "rounds": a.rounds, "search": search, "snippets": snippets, "passages": passages,
              "ratio_p50": ratio["p50"], "ratio_p95": ratio["p95"], "ratio_p99": ratio["p99"]}
    if a.out:
        result["query_file"] = a.out
    print(json.dumps(result))
    built = f"indexed in {index_s:.1f} s" if index_s is not None else "index reused"
    r = f"×{ratio['p50']:.2f}" if ratio["p50"] else "n/a"
    print(f"passage-bench: {len(files)} documents, {size / 1e6:.1f} MB, {built}; {len(queries)} queries, top {K}: "
          f"snippets p50 {snippets['p50']:.0f} µs, with {a.passages} passages p50 {passages['p50']:.0f} µs ({r})", file=sys.stderr)


if __name__ == "__main__":
    main()
