#!/usr/bin/env python3
"""Loupe against its peers on the same corpora and queries, in one run: `make bench`.

  scripts/bench.py [--cache DIR] [--corpora multilingual,large] [--rounds 3] [--runs 3] [--no-peers] [--no-scaling] [--no-updates] [--no-pdf] [--no-ocr] [--no-serve] [--no-passages] [--cold]

1. Builds the benchmark corpora with ../shared/bench/make-corpus.sh (cached in --cache,
   default ~/.cache/loupe-bench), and a query file for the large corpus with make-queries.py.
2. Indexes each corpus with the release `loupe` (whole process: wall time and peak RSS from
   /usr/bin/time -v), measures the index size, and times the queries in-process with
   `loupe bench --json` (top 10, after a warm-up round): the search of the parsed query, as
   peers.py times Tantivy (whose queries are parsed before its clock starts), and on a row of its
   own end to end, the query's analysis included.
3. Runs ../shared/bench/peers.py (Tantivy, SQLite FTS5) on the same corpus and queries, and on
   the multilingual corpus scripts/operator-bench.py (operator queries, Loupe and Tantivy).
   Steps 2 and 3 are each run --runs times (default 3, Loupe and peers in turn) and every figure
   is the median of its runs, the same for every engine: one run of a 0.3 s job on a shared
   2-core machine can be off by 20% either way. Peak RSS is the largest of Loupe's runs.
4. Prints one table per corpus (MB/s, index size / corpus size, p50/p95/p99 µs, Loupe's ratio to
   each peer), the incremental re-indexing rows (scripts/update-bench.py, against Recoll), the
   passage rows (scripts/passage-bench.py: the whole answer, top 10 with their snippets, against
   the same with 3 passages each, in 20 documents of 20 MB that scripts/long-corpus.py makes from
   the multilingual corpus's paragraphs, cached in --cache/long; --no-passages skips them), the PDF
   extraction rows (scripts/pdf-bench.py: MB/s of PDF, Loupe against pdftotext on Debian's
   manuals; --no-pdf skips them), the OCR rows (scripts/ocr-bench.py: pages/s of `loupe index
   --ocr` against the tesseract command on 24 drawn pages, and the words search finds; --no-ocr
   skips them), `loupe serve` under wrk at 1, 8 and 64 connections on the
   multilingual corpus (scripts/serve-bench.py; --no-serve skips it), then indexing time and p50 at 25/50/100% of the large corpus.
Peers are timed with the corpus already in memory; Loupe's figure is the whole `loupe index`
process including reading the files. Just before each timed `loupe index` the corpus's files are
read once, so that they come from the page cache as the peers' come from memory: on the
benchmark machines the kernel pages out file pages unused for a few seconds (DAMON reclaim), and
a run after the peers' long query rounds would otherwise be timed partly on disk reads (up to
+40%). `--cold` drops the page cache instead (root only) to time a first build.
"""
import argparse, json, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LOUPE_SHARED_BENCH", os.path.join(os.path.dirname(ROOT), "shared", "bench"))
LOUPE = os.path.join(ROOT, ".build", "release", "loupe")

def run(cmd, **kw):
    p = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed (exit {p.returncode}):\n{p.stderr.strip()}")
    return p

def corpus_bytes(path):
    """UTF-8 text bytes, counted as peers.py counts them (undecodable files skipped)."""
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    total += len(f.read().encode())
            except (UnicodeDecodeError, OSError):
                pass
    return total

def dir_size(path):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, fs in os.walk(path) for n in fs)

def ensure_corpus(kind, cache):
    out = os.path.join(cache, kind)
    if not os.path.isdir(out) or not os.listdir(out):
        print(f"building the {kind} corpus in {out} (once; needs apt-get)…", file=sys.stderr)
        subprocess.run(["bash", os.path.join(SHARED, "make-corpus.sh"), kind, out], check=True)
    return out

def warm_page_cache(corpus):
    """Reads every file of the corpus once (the peers read it into memory before timing)."""
    for dirpath, _, files in os.walk(corpus):
        for name in files:
            try:
                with open(os.path.join(dirpath, name), "rb") as f:
                    while f.read(1 << 20):
                        pass
            except OSError:
                pass

def drop_page_cache():
    subprocess.run(["sync"], check=True)
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")

def loupe_index(corpus, index, cold=False):
    shutil.rmtree(index, ignore_errors=True)
    if cold:
        drop_page_cache()
    else:
        warm_page_cache(corpus)
    p = subprocess.run(["/usr/bin/time", "-v", LOUPE, "index", corpus, "--index", index, "--quiet"],
                       text=True, capture_output=True)
    if p.returncode:
        sys.exit(f"loupe index failed:\n{p.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1)
    parts = [float(x) for x in wall.split(":")]
    seconds = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, rss_kb * 1024

def loupe_update(corpus, index):
    """A second `loupe index` of an unchanged corpus: the stat walk that finds nothing to do."""
    t = time.perf_counter()
    p = subprocess.run([LOUPE, "index", corpus, "--index", index], text=True, capture_output=True)
    seconds = time.perf_counter() - t
    if p.returncode or not p.stdout.startswith("Up to date"):
        sys.exit(f"loupe index (no change) did not find the index up to date:\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    return seconds

def loupe_bench(index, queries, rounds):
    p = run([LOUPE, "bench", "--index", index, "--queries", queries, "-k", "10", "--rounds", str(rounds), "--json"])
    return json.loads(p.stdout)

def peers(corpus, queries, rounds, engines):
    p = run([sys.executable, os.path.join(SHARED, "peers.py"), corpus, queries, "--engines", engines, "--rounds", str(rounds)])
    rows = {}
    for line in p.stdout.splitlines():
        f = line.split()
        if len(f) == 7 and f[0] in ("tantivy", "fts5", "xapian", "recoll"):
            rows[f[0]] = dict(seconds=float(f[1]), mbps=float(f[2]), ratio=float(f[3]), p50=float(f[4]), p95=float(f[5]), p99=float(f[6]))
    return rows, p.stdout

def operators(corpus, index, a):
    """The operator queries' rows: scripts/operator-bench.py, --runs times, medians."""
    runs = []
    for _ in range(a.runs):
        p = run([sys.executable, os.path.join(ROOT, "scripts", "operator-bench.py"), corpus, index, "--rounds", str(a.rounds), "--per-form"])
        runs.append(json.loads(p.stdout))
    med = lambda xs: statistics.median(xs)
    L = {k: med([r["loupe"][k] for r in runs]) for k in ("p50", "p95", "p99")}
    T = {k: med([r["tantivy"][k] for r in runs]) for k in ("p50", "p95", "p99")}
    print(f"\n## operators: {runs[0]['queries']} queries on the multilingual corpus (AND, AND NOT, (OR) AND, phrase, \"…\"~3, prefix*, word~1; "
          f"scripts/operator-bench.py); medians of {a.runs} runs")
    print("| engine | p50 µs | p95 µs | p99 µs |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| loupe | {L['p50']:.0f} | {L['p95']:.0f} | {L['p99']:.0f} |")
    print(f"| tantivy | {T['p50']:.0f} | {T['p95']:.0f} | {T['p99']:.0f} |")
    print(f"| ratio vs tantivy (>1: Loupe better) | {T['p50'] / L['p50']:.2f} | {T['p95'] / L['p95']:.2f} | {T['p99'] / L['p99']:.2f} |")
    forms = runs[0]["p50_by_form"].keys()
    print("\np50 µs by form: " + ", ".join(
        f"{f} {med([r['p50_by_form'][f]['loupe'] for r in runs]):.0f}/{med([r['p50_by_form'][f]['tantivy'] for r in runs]):.0f}" for f in forms)
          + " (Loupe/Tantivy)")

def updates(corpus, a):
    """Incremental re-indexing rows (scripts/update-bench.py): no change, one file, 10% of the
    files, the query latency after them, `optimize`; Recoll's incremental run beside (installed
    here when missing: `make bench` compares with it)."""
    if not shutil.which("recollindex") and not a.no_peers:
        subprocess.run(["bash", "-c", "command -v apt-get >/dev/null && { apt-get install -y -qq recollcmd >/dev/null 2>&1 || "
                        "{ apt-get update -qq && apt-get install -y -qq recollcmd >/dev/null; }; }"], check=False)
    cmd = [sys.executable, os.path.join(ROOT, "scripts", "update-bench.py"), corpus, "--loupe", LOUPE,
           "--runs", str(a.runs), "--rounds", str(a.rounds)]
    if a.no_peers:
        cmd.append("--no-recoll")
    p = run(cmd)
    table = [l for l in p.stdout.splitlines() if not l.startswith("{")]
    print("\n## updates: " + "\n".join(table).lstrip("# ").rstrip())

def passages(a, work):
    """The passage rows (scripts/passage-bench.py): 20 documents of 20 MB made by
    scripts/long-corpus.py from the multilingual corpus (cached in --cache/long), indexed once (the
    first run's `loupe index`, whole process), then the same queries' whole answers timed --runs
    times, snippets only and with 3 passages per hit; medians."""
    source = ensure_corpus("multilingual", a.cache)
    long_corpus = os.path.join(a.cache, "long")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "long-corpus.py"), source, long_corpus], check=True)
    index = os.path.join(work, "index-long")
    if a.cold:
        drop_page_cache()
    else:
        warm_page_cache(long_corpus)
    runs = []
    for _ in range(a.runs):
        p = run([sys.executable, os.path.join(ROOT, "scripts", "passage-bench.py"), long_corpus, "--index", index,
                 "--rounds", str(a.rounds), "--passages", "3", "--loupe", LOUPE])
        runs.append(json.loads(p.stdout))
    shutil.rmtree(index, ignore_errors=True)
    first, med = runs[0], lambda xs: statistics.median(xs)
    Q = {k: med([r["search"][k] for r in runs]) for k in ("p50", "p95", "p99")}
    S = {k: med([r["snippets"][k] for r in runs]) for k in ("p50", "p95", "p99")}
    P = {k: med([r["passages"][k] for r in runs]) for k in ("p50", "p95", "p99")}
    print(f"\n## passages: {first['documents']} documents, {first['bytes'] / 1e6:.0f} MB (the multilingual corpus's paragraphs shuffled into "
          f"long books, scripts/long-corpus.py), indexed in {first['index_s']:.1f} s; {first['queries']} queries, top 10, "
          f"whole answers (scripts/passage-bench.py); medians of {a.runs} runs")
    print("| answer | p50 µs | p95 µs | p99 µs |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| top 10, the search alone (no text read) | {Q['p50']:.0f} | {Q['p95']:.0f} | {Q['p99']:.0f} |")
    print(f"| top 10 with snippets | {S['p50']:.0f} | {S['p95']:.0f} | {S['p99']:.0f} |")
    print(f"| top 10 with 3 passages each | {P['p50']:.0f} | {P['p95']:.0f} | {P['p99']:.0f} |")
    print(f"| ratio (passages / snippets) | {P['p50'] / S['p50']:.2f} | {P['p95'] / S['p95']:.2f} | {P['p99'] / S['p99']:.2f} |")

def median_row(rows):
    """Each figure's median over several runs' rows."""
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/loupe-bench"))
    ap.add_argument("--corpora", default="multilingual,large")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3, help="index and query runs per engine; figures are their medians")
    ap.add_argument("--engines", default="tantivy,fts5")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-scaling", action="store_true")
    ap.add_argument("--no-operators", action="store_true", help="skip the operator queries' rows (multilingual corpus)")
    ap.add_argument("--no-updates", action="store_true", help="skip the incremental re-indexing rows (multilingual corpus)")
    ap.add_argument("--no-serve", action="store_true", help="skip the HTTP load rows (scripts/serve-bench.py, wrk on loopback)")
    ap.add_argument("--no-ocr", action="store_true", help="skip the OCR rows (scripts/ocr-bench.py, against the tesseract command)")
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF extraction rows (scripts/pdf-bench.py, against pdftotext)")
    ap.add_argument("--no-passages", action="store_true", help="skip the passage rows (scripts/passage-bench.py, 20 documents of 20 MB)")
    ap.add_argument("--cold", action="store_true", help="drop the page cache before each loupe index (root only): a first build's time")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(SHARED, "peers.py")):
        sys.exit(f"bench: the shared benchmark scripts are not in {SHARED} (they sit in ../shared/bench "
                 "beside the checkout; set LOUPE_SHARED_BENCH to their directory)")
    os.makedirs(a.cache, exist_ok=True)
    if not a.no_peers:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "tantivy"], check=True)
    work = tempfile.mkdtemp(prefix="loupe-bench-")
    print(f"# Loupe benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {os.uname().machine}")
    try:
        for kind in a.corpora.split(","):
            corpus = ensure_corpus(kind, a.cache)
            if kind == "multilingual":
                queries = os.path.join(SHARED, "queries-multilingual.txt")
            else:
                queries = os.path.join(a.cache, f"queries-{kind}.txt")
                if not os.path.exists(queries):
                    with open(queries, "w") as f:
                        subprocess.run([sys.executable, os.path.join(SHARED, "make-queries.py"), corpus, "200", "7"], stdout=f, check=True)
            mb = corpus_bytes(corpus) / 1e6
            index = os.path.join(work, "index-" + kind)
            runs, peer_runs, raw = [], [], ""
            for _ in range(a.runs):
                seconds, rss = loupe_index(corpus, index, a.cold)
                unchanged = loupe_update(corpus, index)
                size = dir_size(index)
                q = loupe_bench(index, queries, a.rounds)
                runs.append(dict(seconds=seconds, unchanged=unchanged, mbps=mb / seconds, ratio=size / (mb * 1e6), p50=q["p50_us"], p95=q["p95_us"], p99=q["p99_us"],
                                 rss=rss, e2e50=q["end_to_end_p50_us"], e2e95=q["end_to_end_p95_us"], e2e99=q["end_to_end_p99_us"]))
                if not a.no_peers:
                    peer_rows, raw = peers(corpus, queries, a.rounds, a.engines)
                    peer_runs.append(peer_rows)
            rows = {"loupe": median_row(runs)}
            rss = max(r["rss"] for r in runs)
            q = {"end_to_end_p50_us": rows["loupe"]["e2e50"], "end_to_end_p95_us": rows["loupe"]["e2e95"], "end_to_end_p99_us": rows["loupe"]["e2e99"]}
            for name in (peer_runs[0] if peer_runs else {}):
                rows[name] = median_row([r[name] for r in peer_runs if name in r])
            print(f"\n## {kind}: {mb:.1f} MB, {len(open(queries).read().split(chr(10))) - 1} queries, top 10; Loupe peak RSS {rss / 2**20:.0f} MiB; "
                  f"medians of {a.runs} runs")
            print(f"| engine | index s | MB/s | size/corpus | p50 µs | p95 µs | p99 µs |")
            print(f"| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for name, r in rows.items():
                print(f"| {name} | {r['seconds']:.2f} | {r['mbps']:.1f} | {r['ratio']:.3f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} |")
            L = rows["loupe"]
            print(f"| loupe, query analysis included | | | | {q['end_to_end_p50_us']:.0f} | {q['end_to_end_p95_us']:.0f} | {q['end_to_end_p99_us']:.0f} |")
            unchanged = statistics.median(r["unchanged"] for r in runs)
            print(f"| loupe, re-index with no change | {unchanged:.3f} | | | | | |")
            for name, r in rows.items():
                if name == "loupe":
                    continue
                # Every ratio reads "more is better for Loupe": throughput Loupe/peer, size and latency peer/Loupe.
                print(f"| ratio vs {name} (>1: Loupe better) | {r['seconds'] / L['seconds']:.2f} | {L['mbps'] / r['mbps']:.2f} | {r['ratio'] / L['ratio']:.2f} | "
                      f"{r['p50'] / L['p50']:.2f} | {r['p95'] / L['p95']:.2f} | {r['p99'] / L['p99']:.2f} |")
            print(f"\nA second `loupe index` of the unchanged corpus (a stat per file, nothing read): {unchanged:.3f} s, "
                  f"{unchanged / L['seconds'] * 100:.1f}% of the full build (whole process).")
            if raw:
                print(f"\npeers.py said (last of {a.runs} runs):\n" + "\n".join("    " + l for l in raw.strip().splitlines()))
            if kind == "multilingual" and not a.no_peers and not a.no_operators:
                operators(corpus, index, a)
            if kind == "multilingual" and not a.no_updates:
                updates(corpus, a)
        if not a.no_passages:
            passages(a, work)
        if not a.no_pdf:
            p = run([sys.executable, os.path.join(ROOT, "scripts", "pdf-bench.py"), "--cache", a.cache, "--loupe", LOUPE, "--runs", str(a.runs)])
            print("\n" + "\n".join(l for l in p.stdout.splitlines() if not l.startswith("{")))
        if not a.no_ocr:
            # Pillow, which draws the pages, is Debian's (python3-pil): the system interpreter.
            p = run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "ocr-bench.py"), "--loupe", LOUPE, "--pages", "24", "--runs", str(a.runs)])
            print("\n" + "\n".join(l for l in p.stdout.splitlines() if not l.startswith("{")))
        if not a.no_serve:
            p = run([sys.executable, os.path.join(ROOT, "scripts", "serve-bench.py"), "--loupe", LOUPE, "--queries",
                     os.path.join(SHARED, "queries-multilingual.txt"), "--corpus", ensure_corpus("multilingual", a.cache)])
            print("\n" + "\n".join(l for l in p.stdout.splitlines() if not l.startswith("{")))
        if not a.no_scaling and "large" in a.corpora.split(","):
            corpus = ensure_corpus("large", a.cache)
            files = sorted(os.path.relpath(os.path.join(d, n), corpus) for d, _, fs in os.walk(corpus) for n in fs)
            queries = os.path.join(a.cache, "queries-large.txt")
            print("\n## scaling on the large corpus (hard-linked subsets, first N% of files by path)")
            print("| share | MB | index s | MB/s | p50 µs | p99 µs |")
            print("| ---: | ---: | ---: | ---: | ---: | ---: |")
            for share in (25, 50, 100):
                sub = os.path.join(work, f"large-{share}")
                for rel in files[: len(files) * share // 100]:
                    dst = os.path.join(sub, rel)
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    os.link(os.path.join(corpus, rel), dst)
                mb = corpus_bytes(sub) / 1e6
                index = os.path.join(work, f"index-large-{share}")
                seconds, _ = loupe_index(sub, index, a.cold)
                q = loupe_bench(index, queries, a.rounds)
                print(f"| {share}% | {mb:.1f} | {seconds:.2f} | {mb / seconds:.1f} | {q['p50_us']:.0f} | {q['p99_us']:.0f} |")
                shutil.rmtree(sub, ignore_errors=True)
                shutil.rmtree(index, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
