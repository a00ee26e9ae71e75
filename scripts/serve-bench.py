#!/usr/bin/env python3
"""Load on `loupe serve` over loopback with wrk: requests/s and latency at 1, 8 and 64 connections.

  scripts/serve-bench.py [--corpus DIR] [--queries FILE] [--loupe PATH] [--seconds 10] [--json]

Indexes --corpus (default: the repository's Corpus/) into a temporary index with the release
`loupe`, starts `loupe serve --port 0` on it, and runs wrk (Debian's; installed with apt-get when
missing) for --seconds at each connection count, with as many wrk threads as cores (at most the
connections). Every request is `GET /search?q=…&k=10`, the queries taken in turn from --queries
(default ../shared/bench/queries-multilingual.txt when present, else a built-in list), so the
figures include HTTP parsing, the search, snippets and JSON. Prints a Markdown table (requests/s,
p50, p99 in ms, errors) and a JSON line.
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LOUPE_SHARED_BENCH", os.path.join(os.path.dirname(ROOT), "shared", "bench"))
BUILTIN = ["macron mali", "armée française", "mexico", "côte d’ivoire", "sahel*", "\"lake chad\"", "niger coup",
           "wagner", "elecciones venezuela", "sécheresse delta", "migrants darién", "franc cfa"]


def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) / 1000 if unit == "us" else float(value) * (1000 if unit == "s" else 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "Corpus"))
    ap.add_argument("--queries", default=os.path.join(SHARED, "queries-multilingual.txt"))
    ap.add_argument("--loupe", default=os.path.join(ROOT, ".build", "release", "loupe"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not os.access(a.loupe, os.X_OK):
        sys.exit(f"serve-bench: {a.loupe} is missing (make build)")
    if not shutil.which("wrk"):
        subprocess.run(["bash", "-c", "apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }"])
        if not shutil.which("wrk"):
            sys.exit("serve-bench: wrk is missing and could not be installed")
    queries = BUILTIN
    if os.path.exists(a.queries):
        queries = [l.strip() for l in open(a.queries, encoding="utf-8") if l.strip()][:500]
    work = tempfile.mkdtemp(prefix="loupe-serve-bench-")
    server = None
    try:
        index = os.path.join(work, "index")
        subprocess.run([a.loupe, "index", a.corpus, "--index", index, "--quiet"], check=True)
        server = subprocess.Popen([a.loupe, "serve", "--index", index, "--port", "0"], stdout=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        base = "http://" + line.split("http://", 1)[1].split("/", 1)[0]
        lua = os.path.join(work, "queries.lua")
        with open(lua, "w") as f:
            f.write("local paths = {\n")
            for q in queries:
                f.write("  %s,\n" % json.dumps("/search?k=10&q=" + urllib.parse.quote(q)))
            f.write("}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")
        rows = {}
        cores = os.cpu_count() or 1
        for connections in (1, 8, 64):
            out = subprocess.run(["wrk", "-t", str(min(cores, connections)), "-c", str(connections), "-d", f"{a.seconds}s", "--latency",
                                  "-s", lua, base], capture_output=True, text=True, check=True).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
            p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
            errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            errors += int(non2xx.group(1)) if non2xx else 0
            rows[connections] = dict(rps=rps, p50_ms=p50, p99_ms=p99, errors=errors)
        result = dict(documents_dir=os.path.relpath(a.corpus, ROOT) if a.corpus.startswith(ROOT) else a.corpus,
                      queries=len(queries), seconds=a.seconds, rows=rows)
        if a.json:
            print(json.dumps(result))
            return
        print(f"## loupe serve under load (wrk, loopback, {len(queries)} queries in turn, /search top 10 with snippets, {a.seconds} s each)")
        print("| connections | requests/s | p50 ms | p99 ms | errors |")
        print("| ---: | ---: | ---: | ---: | ---: |")
        for c, r in rows.items():
            print(f"| {c} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} |")
        print(json.dumps(result))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
