#!/usr/bin/env python3
"""Incremental re-indexing: Loupe against Recoll's incremental `recollindex`, same corpus, one run.

  scripts/update-bench.py CORPUS [--loupe PATH] [--runs 3] [--rounds 3] [--share 10]
                          [--queries FILE] [--no-recoll] [--json]

CORPUS is a directory of UTF-8 .txt files; it is never modified: each run of each engine works
on its own copy (shutil.copytree into a temp dir, deleted at the end). Every time is the wall
time of the whole process (as scripts/bench.py times `loupe index`), the median of --runs runs.
For Loupe, each run:
  full              `loupe index COPY --index IDX --quiet` into a fresh index dir (the files
                    read once just before, so they come from the page cache, as in bench.py);
  no change         `loupe index` again: must print "Up to date";
  one file changed  one line ("Ajout de Loupe: zorglub N") appended to one file (a different
                    one each run), then `loupe index`: must report 0 added, 1 updated, 0
                    removed, and `loupe search zorglub --format paths` must list that file;
  share changed     a line appended to --share % of the files (random.Random(run) picks them),
                    then `loupe index`: must report that many updated; query latency p50/p99
                    of the updated index (`loupe bench --json`, --queries, top 10, --rounds);
  fresh             `loupe index --full` of the same changed copy into another index dir, and
                    its p50/p99: what the updated index's latency is compared with;
  optimize          `loupe optimize` of the updated index (timed), and its p50/p99.
For Recoll (recollcmd; skipped with a note under --no-recoll or without `recollindex`), each
run: a config dir as ../shared/bench/peers.py's run_recoll makes it (recoll.conf: topdirs,
defaultcharset = UTF-8, aspellLanguage = en; the rest Recoll's defaults), then the full
`recollindex -c CFG`, again with no change (idxstatus.txt must say docsdone = 0), and after
the same one-file change as Loupe's (docsdone = 1, and `recollq` must find the file).
Recoll's default run is incremental: it re-indexes the files whose size or mtime changed.
Prints a Markdown table (seconds, % of the same engine's full build, Recoll/Loupe) and a JSON
line; --json prints only the JSON object. Any unexpected output ends the script with a message.
"""
import argparse, json, os, random, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LOUPE_SHARED_BENCH", os.path.join(os.path.dirname(ROOT), "shared", "bench"))

def default_loupe():
    release = os.path.join(ROOT, ".build", "release", "loupe")
    return release if os.path.exists(release) else os.path.join(ROOT, ".build", "debug", "loupe")

def timed(cmd, what, log=None):
    """Runs cmd as a whole process; returns (wall seconds, stdout). Exits on a non-zero status."""
    t = time.perf_counter()
    if log:  # recollindex is verbose: its output goes to a log file
        with open(log, "w") as out:
            p = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, text=True)
    else:
        p = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if p.returncode:
        detail = f"log: {log}" if log else (p.stdout[-1500:] + p.stderr[-1500:]).strip()
        sys.exit(f"update-bench: {what} failed (exit {p.returncode}): {' '.join(cmd)}\n{detail}")
    return seconds, p.stdout

def fail(what, output):
    sys.exit(f"update-bench: {what}; its output was:\n{output.strip()[-2000:]}")

def list_files(corpus):
    """Relative paths of the corpus's .txt files, sorted (hidden files and dirs skipped, as Loupe does)."""
    out = []
    for d, dirs, names in os.walk(corpus):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        out += [os.path.relpath(os.path.join(d, n), corpus) for n in names if n.endswith(".txt") and not n.startswith(".")]
    return sorted(out)

def warm_page_cache(path):
    """Reads every file once (copied from bench.py: timed builds read from the page cache)."""
    for d, _, names in os.walk(path):
        for n in names:
            with open(os.path.join(d, n), "rb") as f:
                while f.read(1 << 20):
                    pass

def append_line(path, n):
    """Appends a line of new text and gives the file a new mtime (now, and later than before)."""
    old = os.stat(path).st_mtime_ns
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\nAjout de Loupe: zorglub {n}\n")
    t = max(time.time_ns(), old + 1_000_000_000)
    os.utime(path, ns=(t, t))

def counts(stdout):
    """(added, updated, removed) from `loupe index`'s summary line, or None."""
    m = re.search(r"([\d,]+) added, ([\d,]+) updated, ([\d,]+) removed", stdout)
    return tuple(int(x.replace(",", "")) for x in m.groups()) if m else None

def one_file(files, run, runs):
    """A different file each run, spread over the sorted list (deterministic)."""
    return files[(2 * run + 1) * len(files) // (2 * runs)]

def loupe_run(a, work, files, run):
    L = a.loupe
    copy, idx, fresh = (os.path.join(work, f"{x}-{run}") for x in ("loupe-copy", "loupe-idx", "loupe-fresh"))
    shutil.copytree(a.corpus, copy)
    r = {}
    bench = lambda index: json.loads(timed([L, "bench", "--index", index, "--queries", a.queries, "-k", "10",
                                            "--rounds", str(a.rounds), "--json"], "loupe bench")[1])
    warm_page_cache(copy)
    r["full_s"], _ = timed([L, "index", copy, "--index", idx, "--quiet"], "loupe index (full)")
    r["no_change_s"], out = timed([L, "index", copy, "--index", idx], "loupe index (no change)")
    if not out.startswith("Up to date"):
        fail("loupe index with nothing changed did not say 'Up to date'", out)
    target = one_file(files, run, a.runs)
    append_line(os.path.join(copy, target), run)
    r["one_file_s"], out = timed([L, "index", copy, "--index", idx], "loupe index (one file changed)")
    if counts(out) != (0, 1, 0):
        fail(f"loupe index after changing {target} did not report 0 added, 1 updated, 0 removed", out)
    _, out = timed([L, "search", "zorglub", "--index", idx, "--format", "paths"], "loupe search zorglub")
    if os.path.realpath(os.path.join(copy, target)) not in {os.path.realpath(p) for p in out.splitlines()}:
        fail(f"loupe search zorglub did not find the changed file {target}", out)
    changed = random.Random(run).sample(files, max(1, round(len(files) * a.share / 100)))
    for rel in changed:
        append_line(os.path.join(copy, rel), run)
    r["share_changed_s"], out = timed([L, "index", copy, "--index", idx], f"loupe index ({a.share}% changed)")
    if counts(out) != (0, len(changed), 0):
        fail(f"loupe index after changing {len(changed)} files did not report 0 added, {len(changed)} updated, 0 removed", out)
    q = {"updated": bench(idx)}
    warm_page_cache(copy)
    r["fresh_full_s"], _ = timed([L, "index", copy, "--index", fresh, "--full", "--quiet"], "loupe index --full (fresh)")
    q["fresh"] = bench(fresh)
    r["optimize_s"], _ = timed([L, "optimize", "--index", idx], "loupe optimize")
    q["optimized"] = bench(idx)
    for kind, b in q.items():
        r[f"p50_{kind}_us"], r[f"p99_{kind}_us"] = b["p50_us"], b["p99_us"]
    for x in (copy, idx, fresh):
        shutil.rmtree(x)
    return r, len(changed)

def recoll_status(cfg):
    """idxstatus.txt's fields (docsdone, dbtotdocs, ...) as a dict."""
    with open(os.path.join(cfg, "idxstatus.txt"), encoding="utf-8") as f:
        return dict(l.split(" = ", 1) for l in f.read().splitlines() if " = " in l)

def recoll_run(a, work, files, run):
    copy, cfg = os.path.join(work, f"recoll-copy-{run}"), os.path.join(work, f"recoll-cfg-{run}")
    shutil.copytree(a.corpus, copy)
    os.makedirs(cfg)
    with open(os.path.join(cfg, "recoll.conf"), "w", encoding="utf-8") as f:  # as peers.py's run_recoll
        f.write('topdirs = "%s"\ndefaultcharset = UTF-8\naspellLanguage = en\n' % os.path.abspath(copy))
    log, cmd, r = os.path.join(work, "recollindex.log"), ["recollindex", "-c", cfg], {}
    warm_page_cache(copy)
    r["full_s"], _ = timed(cmd, "recollindex (full)", log)
    st = recoll_status(cfg)
    if int(st.get("dbtotdocs", 0)) < len(files) or st.get("fileerrors") != "0":
        fail(f"recollindex indexed {st.get('dbtotdocs')} docs (files + dirs) of {len(files)} files", open(log).read())
    r["no_change_s"], _ = timed(cmd, "recollindex (no change)", log)
    if recoll_status(cfg).get("docsdone") != "0":
        fail(f"recollindex with nothing changed re-indexed {recoll_status(cfg).get('docsdone')} docs", open(log).read())
    target = one_file(files, run, a.runs)
    append_line(os.path.join(copy, target), run)
    r["one_file_s"], _ = timed(cmd, "recollindex (one file changed)", log)
    if recoll_status(cfg).get("docsdone") != "1":
        fail(f"recollindex after changing {target} re-indexed {recoll_status(cfg).get('docsdone')} docs, not 1", open(log).read())
    _, out = timed(["recollq", "-c", cfg, "-b", "zorglub"], "recollq zorglub")
    if "file://" + os.path.abspath(os.path.join(copy, target)) not in out.splitlines():
        fail(f"recollq zorglub did not find the changed file {target}", out)
    shutil.rmtree(copy)
    shutil.rmtree(cfg)
    return r

def recoll_version():
    p = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "recollcmd"], capture_output=True, text=True)
    return p.stdout.strip() or "?"

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--loupe", default=default_loupe(), help="the loupe binary (default: .build/release, else .build/debug)")
    ap.add_argument("--runs", type=int, default=3, help="runs of every scenario; figures are their medians")
    ap.add_argument("--rounds", type=int, default=3, help="`loupe bench` rounds")
    ap.add_argument("--share", type=float, default=10, help="percent of the files changed at once (default 10)")
    ap.add_argument("--queries", default=os.path.join(SHARED, "queries-multilingual.txt"))
    ap.add_argument("--no-recoll", action="store_true")
    ap.add_argument("--json", action="store_true", help="print only one JSON object")
    a = ap.parse_args()
    a.corpus, a.loupe = os.path.abspath(a.corpus), os.path.abspath(a.loupe)
    a.share = int(a.share) if a.share == int(a.share) else a.share  # 10, not 10.0, in the JSON
    for path, what in ((a.corpus, "corpus"), (a.loupe, "loupe binary"), (a.queries, "query file")):
        if not os.path.exists(path):
            sys.exit(f"update-bench: no {what} at {path}")
    files = list_files(a.corpus)
    if len(files) < 2 * a.runs:
        sys.exit(f"update-bench: {a.corpus} holds {len(files)} .txt files; too few")
    notes = []
    recoll = not a.no_recoll and shutil.which("recollindex") is not None
    if a.no_recoll:
        notes.append("Recoll skipped (--no-recoll)")
    elif not recoll:
        notes.append("Recoll skipped: no `recollindex` on PATH (apt-get install recollcmd)")
    work = tempfile.mkdtemp(prefix="loupe-update-bench-")
    loupe_runs, recoll_runs = [], []
    try:
        for run in range(a.runs):  # Loupe and Recoll in turn, as bench.py runs Loupe and its peers
            print(f"run {run + 1}/{a.runs}: loupe…", file=sys.stderr, flush=True)
            r, n_changed = loupe_run(a, work, files, run)
            loupe_runs.append(r)
            if recoll:
                print(f"run {run + 1}/{a.runs}: recoll…", file=sys.stderr, flush=True)
                recoll_runs.append(recoll_run(a, work, files, run))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = lambda runs: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    L, R = median(loupe_runs), (median(recoll_runs) if recoll_runs else None)
    result = {"loupe": L, "recoll": R, "files": len(files), "share": a.share, "share_files": n_changed,
              "runs": a.runs, "loupe_binary": a.loupe, "recoll_version": recoll_version() if recoll else None}
    if "/debug/" in a.loupe:
        notes.append(f"{a.loupe} is a DEBUG build: its times are not Loupe's")
    if notes:
        result["notes"] = notes
    if a.json:
        print(json.dumps(result))
        return
    mb = sum(os.path.getsize(os.path.join(a.corpus, f)) for f in files) / 1e6
    print(f"# Incremental re-indexing, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores: {len(files):,} files, "
          f"{mb:.1f} MB; whole-process wall times, median of {a.runs} run(s)"
          + (f"; Recoll {result['recoll_version']}" if R else ""))
    print("| step | loupe s | % of full | p50 µs | p99 µs | p50 / fresh | recoll s | % of full | recoll / loupe |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    def row(name, key, q=None):
        cells = [name, f"{L[key]:.3f}", f"{L[key] / L['full_s'] * 100:.1f}%"]
        cells += [f"{L[f'p50_{q}_us']:.0f}", f"{L[f'p99_{q}_us']:.0f}", f"{L[f'p50_{q}_us'] / L['p50_fresh_us']:.2f}"] if q else ["", "", ""]
        if R and key in R:
            cells += [f"{R[key]:.3f}", f"{R[key] / R['full_s'] * 100:.1f}%", f"{R[key] / L[key]:.2f}"]
        else:
            cells += ["", "", ""]
        print("| " + " | ".join(cells) + " |")
    row("full build", "full_s")
    row("no change", "no_change_s")
    row("one file changed", "one_file_s")
    row(f"{a.share:g}% changed ({n_changed:,} files), updated index", "share_changed_s", "updated")
    row("fresh `--full` index of the changed files", "fresh_full_s", "fresh")
    row("optimize of the updated index", "optimize_s", "optimized")
    for n in notes:
        print(f"\nnote: {n}")
    print()
    print(json.dumps(result))

if __name__ == "__main__":
    main()
