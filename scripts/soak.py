#!/usr/bin/env python3
"""Loupe's soak test (`make soak`): real faults against the real binary, and the figures they give.

1. SIGKILL at random moments of full builds, incremental updates and merges (`loupe optimize`):
   after each, `loupe check` must pass on the index and `loupe search` must answer, with the
   documents of a committed generation (the previous one or the new one, nothing in between).
2. Injected write faults (`LOUPE_INJECT_FAULTS`, see Sources/LoupeStorage/FaultInjection.swift):
   EIO and ENOSPC part way through the index files, failing fsyncs, and short writes. A failing
   run must exit 2 with a message naming the file, and leave the previous index intact; a run with
   short writes must succeed and give the same index.
3. A real full disk: a small tmpfs (when this process may mount one: root), an index that fits,
   then a corpus that does not; the previous index stays intact.
4. Concurrency: `loupe search` processes run without pause while builds and updates commit; a
   second writer is refused (exit 2, "locked") while one runs; builds run while another thread
   edits, truncates, deletes and creates the files under them.
5. `loupe serve` under load while the index is rebuilt again and again: concurrent searches over
   loopback for --serve-seconds; errors (want 0), p50/p99 latency, and the server's RSS at start,
   middle and end (want flat).

Usage: python3 scripts/soak.py --loupe .build/release/loupe [--kills 50] [--serve-seconds 60] [--only serve]
(`--only serve` runs stage 5 alone, on a corpus and index made for it: a long serve soak.)
Exit status 0 when every check held; the figures are printed as a Markdown table.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORDS = {
    "en": "the soldiers left mali niger army city river drought school attack border village market water rain field".split(),
    "fr": "les soldats armée quitté école pays fleuve sécheresse village marché pluie frontière ville eau récolte".split(),
    "es": "los niños ejército frontera ataque río sequía pueblo mercado lluvia ciudad agua cosecha escuela".split(),
}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message, flush=True)


def run(loupe, *args, env=None, timeout=300):
    return subprocess.run([loupe, *args], capture_output=True, text=True, timeout=timeout, env=env)


def write_corpus(root, files, seed):
    rng = random.Random(seed)
    shutil.copytree(os.path.join(ROOT, "Corpus"), root, ignore=shutil.ignore_patterns("*.pdf"))
    for i in range(files):
        lang = ("en", "fr", "es")[i % 3]
        path = os.path.join(root, "gen", lang, f"d{i // 500}", f"doc{i}.txt")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        words = WORDS[lang]
        body = " ".join(rng.choice(words) for _ in range(rng.randint(50, 1500)))
        with open(path, "w") as f:
            f.write(f"Document {i}\n{body}.\n")


def documents(loupe, index):
    r = run(loupe, "stats", "--json", "--index", index)
    if r.returncode != 0:
        return None
    return json.loads(r.stdout)["documents"]


def verify(loupe, index, allowed, what):
    """The index checks out and searches, holding one of the `allowed` document counts."""
    r = run(loupe, "check", "--index", index)
    if r.returncode != 0:
        fail(f"{what}: loupe check failed: {r.stderr.strip()[:300]}")
        return None
    s = run(loupe, "search", "soldats", "-k", "3", "--index", index)
    if s.returncode not in (0, 1):
        fail(f"{what}: loupe search failed ({s.returncode}): {s.stderr.strip()[:300]}")
    n = documents(loupe, index)
    if allowed is not None and n not in allowed:
        fail(f"{what}: {n} documents, expected one of {sorted(allowed)}")
    return n


def timed(loupe, *args):
    start = time.monotonic()
    r = run(loupe, *args)
    return time.monotonic() - start, r


def kill_at_random(loupe, args, duration, rng):
    """Starts loupe with `args`, SIGKILLs it after a random share of `duration`; True if it was
    killed before it ended."""
    p = subprocess.Popen([loupe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0, duration * 0.9))
    killed = p.poll() is None
    if killed:
        p.send_signal(signal.SIGKILL)
    p.wait()
    return killed


def mutate_corpus(corpus, rng, count):
    """Edits, adds and removes `count` generated files."""
    gen = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(corpus, "gen")) for f in fs]
    for _ in range(count):
        action = rng.random()
        if action < 0.6 and gen:
            path = rng.choice(gen)
            with open(path, "a") as f:
                f.write(" " + " ".join(rng.choice(WORDS["fr"]) for _ in range(20)) + "\n")
        elif action < 0.8 and gen:
            path = gen.pop(rng.randrange(len(gen)))
            os.remove(path)
        else:
            path = os.path.join(corpus, "gen", "new", f"n{rng.randrange(10**9)}.txt")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write("Nouveau\n" + " ".join(rng.choice(WORDS["fr"]) for _ in range(200)) + "\n")
            gen.append(path)


def corpus_count(loupe, corpus, scratch):
    """The documents a complete build of `corpus` holds now."""
    index = os.path.join(scratch, "count-index")
    shutil.rmtree(index, ignore_errors=True)
    run(loupe, "index", corpus, "--index", index, "--quiet")
    n = documents(loupe, index)
    shutil.rmtree(index, ignore_errors=True)
    return n


def kills(loupe, work, n, rng, figures):
    corpus = os.path.join(work, "corpus")
    index = os.path.join(work, "index")
    write_corpus(corpus, 6000, seed=1)
    t, r = timed(loupe, "index", corpus, "--index", index, "--quiet")
    if r.returncode != 0:
        fail(f"first build failed: {r.stderr[:300]}")
        return
    full = documents(loupe, index)
    # The first build read the files from the disk: the kills are timed on a second, as they run.
    t, _ = timed(loupe, "index", corpus, "--index", index, "--full", "--quiet")
    figures.append(("full build of the soak corpus", f"{full} documents, {t:.2f} s"))

    # Full builds killed at random moments: the index holds the same documents either way.
    killed = runs = 0
    while killed < n and runs < 3 * n:
        killed += kill_at_random(loupe, ["index", corpus, "--index", index, "--full", "--quiet"], t, rng)
        verify(loupe, index, {full}, f"full build killed (round {runs})")
        runs += 1
    figures.append(("SIGKILL during full builds", f"{killed} killed mid-run (of {runs} runs), index intact after each"))

    # Incremental updates killed: the index holds the old or the new state.
    killed = 0
    before = full
    update_time = 0.3
    runs = 0
    while killed < n and runs < 3 * n:
        i = runs
        runs += 1
        mutate_corpus(corpus, rng, rng.randint(5, 60))
        after = corpus_count(loupe, corpus, work)
        k = kill_at_random(loupe, ["index", corpus, "--index", index, "--quiet"], update_time, rng)
        killed += k
        verify(loupe, index, {before, after}, f"update killed (round {i})")
        # Finish the update so the next round starts from a known state (and time it: the next
        # kill lands within that time).
        ut, r = timed(loupe, "index", corpus, "--index", index, "--quiet")
        if k:
            update_time = max(0.05, ut)
        if r.returncode != 0:
            fail(f"update after a kill failed: {r.stderr[:300]}")
        before = verify(loupe, index, {after}, f"update completed after a kill (round {i})") or after
    figures.append(("SIGKILL during incremental updates", f"{killed} killed mid-run (of {runs} runs), old or new state after each"))

    # Merges killed: several updates leave several segments; optimize is killed part way.
    killed = runs = 0
    merge_time = None
    while killed < n and runs < 3 * n:
        i = runs
        runs += 1
        for _ in range(3):
            mutate_corpus(corpus, rng, 10)
            run(loupe, "index", corpus, "--index", index, "--quiet")
        count = documents(loupe, index)
        if merge_time is None:
            runs -= 1
            # The first merge runs to its end: its time bounds the kills of the next ones.
            merge_time, _ = timed(loupe, "optimize", "--index", index)
            verify(loupe, index, {count}, "optimize")
            continue
        killed += kill_at_random(loupe, ["optimize", "--index", index], merge_time, rng)
        verify(loupe, index, {count}, f"optimize killed (round {i})")
    figures.append(("SIGKILL during merges (`loupe optimize`)", f"{killed} killed mid-run (of {runs} runs), index intact after each"))


def injected_faults(loupe, work, figures):
    corpus = os.path.join(work, "corpus")
    index = os.path.join(work, "index")
    count = verify(loupe, index, None, "before faults")
    faults = ["eio-after:0", "eio-after:100000", "eio-after:3000000", "enospc-after:50000", "enospc-after:2000000", "fsync-eio"]
    for fault in faults:
        env = dict(os.environ, LOUPE_INJECT_FAULTS=fault)
        r = run(loupe, "index", corpus, "--index", index, "--full", "--quiet", env=env)
        if r.returncode != 2:
            fail(f"{fault}: exit {r.returncode}, expected 2")
        elif "error" not in r.stderr.lower():
            fail(f"{fault}: no error message: {r.stderr[:200]}")
        verify(loupe, index, {count}, f"after {fault}")
    env = dict(os.environ, LOUPE_INJECT_FAULTS="short")
    r = run(loupe, "index", corpus, "--index", index, "--full", "--quiet", env=env)
    if r.returncode != 0:
        fail(f"short writes: exit {r.returncode}: {r.stderr[:200]}")
    verify(loupe, index, {count}, "after short writes")
    figures.append(("injected write faults", f"{len(faults)} failing runs (EIO, ENOSPC, fsync) each exit 2 with the file named, "
                    "index intact; short writes: same index"))


def full_disk(loupe, work, figures):
    if os.geteuid() != 0:
        figures.append(("full disk (tmpfs)", "not run: needs root to mount a tmpfs"))
        return
    mount = os.path.join(work, "small-disk")
    os.makedirs(mount)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount]).returncode != 0:
        figures.append(("full disk (tmpfs)", "not run: mount failed"))
        return
    try:
        small = os.path.join(ROOT, "Corpus")
        index = os.path.join(mount, "index")
        r = run(loupe, "index", small, "--index", index, "--quiet")
        if r.returncode != 0:
            fail(f"full disk: the small index does not fit: {r.stderr[:200]}")
            return
        count = verify(loupe, index, None, "small index on tmpfs")
        big = os.path.join(work, "corpus")
        r = run(loupe, "index", big, "--index", index, "--quiet")
        if r.returncode != 2 or "No space left" not in r.stderr:
            fail(f"full disk: exit {r.returncode}, stderr {r.stderr[:200]}")
        verify(loupe, index, {count}, "after the disk filled")
        figures.append(("full disk (6 MB tmpfs)", f"exit 2, `{r.stderr.strip().splitlines()[-1][:90]}`; previous index intact"))
    finally:
        subprocess.run(["umount", mount])


def concurrent_readers(loupe, work, rng, figures):
    corpus = os.path.join(work, "corpus")
    index = os.path.join(work, "index")
    stop = threading.Event()
    errors = []
    searches = [0]

    def reader():
        while not stop.is_set():
            r = run(loupe, "search", rng.choice(["soldats", "army niger", "\"los niños\"", "sécheresse OR drought"]), "-k", "5", "--index", index)
            searches[0] += 1
            if r.returncode not in (0, 1):
                errors.append(r.stderr.strip()[:200])

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    refused = 0
    for i in range(10):
        mutate_corpus(corpus, rng, 30)
        writer = subprocess.Popen([loupe, "index", corpus, "--index", index, "--full", "--quiet"], stderr=subprocess.PIPE, text=True)
        time.sleep(0.05)
        second = run(loupe, "index", corpus, "--index", index, "--quiet")
        if writer.poll() is None:
            if second.returncode == 2 and "being written by another loupe process" in second.stderr:
                refused += 1
            elif second.returncode != 0:
                fail(f"second writer: exit {second.returncode}: {second.stderr[:200]}")
        writer.wait()
        run(loupe, "index", corpus, "--index", index, "--quiet")
    stop.set()
    for t in threads:
        t.join()
    for e in errors:
        fail(f"search during commits: {e}")
    figures.append(("searches during commits", f"{searches[0]} `loupe search` processes beside 20 commits: {len(errors)} errors; "
                    f"a second writer refused {refused} times, never corrupting"))


def changing_files(loupe, work, rng, figures):
    """Builds while another thread rewrites, truncates, deletes and creates files under them: each
    run exits 0 (a file that vanished or changed mid-read is a warning, or read as it was), and the
    index verifies."""
    corpus = os.path.join(work, "corpus")
    index = os.path.join(work, "index")
    stop = threading.Event()
    churn = [0]

    def churner():
        local = random.Random(rng.random())
        while not stop.is_set():
            mutate_corpus(corpus, local, 5)
            churn[0] += 5
            gen = os.path.join(corpus, "gen", "en", "d0")
            for name in os.listdir(gen)[:3]:
                try:
                    with open(os.path.join(gen, name), "r+") as f:
                        f.truncate(local.randint(0, 200))
                except OSError:
                    pass

    thread = threading.Thread(target=churner)
    thread.start()
    warned = 0
    runs = 20
    for i in range(runs):
        r = run(loupe, "index", corpus, "--index", index, "--quiet", *(["--full"] if i % 2 else []))
        warned += r.stderr.count("warning")
        if r.returncode != 0:
            fail(f"index while files change (run {i}): exit {r.returncode}: {r.stderr[-300:]}")
        verify(loupe, index, None, f"index while files change (run {i})")
    stop.set()
    thread.join()
    figures.append(("files changing while read", f"{runs} builds and updates beside {churn[0]} file edits, truncations, "
                    f"deletions and creations: all exit 0, {warned} warnings, index verifies after each"))


def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def serve_load(loupe, work, seconds, rng, figures):
    corpus = os.path.join(work, "corpus")
    index = os.path.join(work, "index")
    server = subprocess.Popen([loupe, "serve", "--index", index, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not found:
        server.kill()
        fail(f"serve did not start: {line!r} {server.stderr.read()[:300]}")
        return
    port = int(found.group(1))
    stop = threading.Event()
    latencies, errors = [], []
    queries = ["soldats", "army niger", "\"los niños\"", "sécheresse OR drought", "fleuve~1", "vill*", "mali -niger", "título"]

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            q = urllib.parse.quote(rng.choice(queries))
            start = time.monotonic()
            try:
                conn.request("GET", f"/search?q={q}&k=10")
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors.append(f"HTTP {r.status}")
            except Exception as e:  # a dropped connection counts as an error
                errors.append(repr(e))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies.append(time.monotonic() - start)
        conn.close()

    time.sleep(0.5)
    start_rss = rss(server.pid)
    clients = [threading.Thread(target=client) for _ in range(8)]
    for c in clients:
        c.start()
    rebuilds = 0
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        mutate_corpus(corpus, rng, 20)
        args = ["index", corpus, "--index", index, "--quiet"] + (["--full"] if rebuilds % 3 == 0 else [])
        r = run(loupe, *args)
        if r.returncode != 0:
            fail(f"rebuild under load failed: {r.stderr[:200]}")
        rebuilds += 1
        samples.append(rss(server.pid))
    stop.set()
    for c in clients:
        c.join()
    end_rss = rss(server.pid)
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=10)
    for e in set(errors):
        fail(f"serve under load: {e} ({errors.count(e)} times)")
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
    p99 = latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0
    middle = samples[len(samples) // 2] if samples else 0
    figures.append(("`loupe serve` under load, index rebuilt meanwhile",
                    f"{seconds} s, 8 connections, {len(latencies)} searches, {len(errors)} errors, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                    f"{rebuilds} commits; RSS {start_rss} → {middle} → {end_rss} MiB (start, middle, end)"))
    if end_rss > max(start_rss, middle) * 1.5 + 20:
        fail(f"serve RSS grew from {start_rss} to {end_rss} MiB")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build/release/loupe"))
    ap.add_argument("--kills", type=int, default=50, help="SIGKILLs per kind (full build, update, merge)")
    ap.add_argument("--serve-seconds", type=int, default=60)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--work", help="scratch directory (default: a temporary one, removed after)")
    ap.add_argument("--only", choices=["serve"], help="run one stage alone")
    args = ap.parse_args()
    loupe = os.path.abspath(args.loupe)
    rng = random.Random(args.seed)
    work = args.work or tempfile.mkdtemp(prefix="loupe-soak-")
    os.makedirs(work, exist_ok=True)
    figures = []
    started = time.monotonic()
    stages = [lambda: kills(loupe, work, args.kills, rng, figures), lambda: injected_faults(loupe, work, figures),
              lambda: full_disk(loupe, work, figures), lambda: concurrent_readers(loupe, work, rng, figures),
              lambda: changing_files(loupe, work, rng, figures),
              lambda: serve_load(loupe, work, args.serve_seconds, rng, figures)]
    if args.only == "serve":
        def prepare():
            write_corpus(os.path.join(work, "corpus"), 6000, seed=1)
            r = run(loupe, "index", os.path.join(work, "corpus"), "--index", os.path.join(work, "index"), "--quiet")
            if r.returncode != 0:
                fail(f"first build failed: {r.stderr[:300]}")
        stages = [prepare, stages[-1]]
    try:
        for stage in stages:
            stage()
            print(f"[{time.monotonic() - started:.0f} s] {figures[-1][0]}: {figures[-1][1]}" if figures else "", flush=True)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("| soak | result |")
    print("| --- | --- |")
    for what, result in figures:
        print(f"| {what} | {result} |")
    print(f"\n{len(failures)} failures in {time.monotonic() - started:.0f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
