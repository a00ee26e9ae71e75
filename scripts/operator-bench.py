#!/usr/bin/env python3
"""Operator queries, Loupe against Tantivy on the same corpus: the `operators` rows of `make bench`.

  scripts/operator-bench.py CORPUS_DIR LOUPE_INDEX [--queries N] [--rounds R] [--out FILE] [--seed S]

Makes N queries (default 200) from the corpus's own words — `a AND b` and `a AND NOT b` over two
words of one document, `(a OR b) AND c`, a two-word phrase taken from a document, `"a b"~3`,
a five-letter prefix `abcde*` and a fuzzy word `word~1` — in equal shares, written to --out for
Loupe (`loupe bench` on LOUPE_INDEX, its `search` figures: the parsed query's evaluation).
Tantivy indexes the corpus as ../shared/bench/peers.py does and runs the same queries: the boolean
ones and phrases through its query parser (`Index.parse_query`; `a AND NOT b` written `a -b`,
since its parser takes that NOT for a word and matched nothing), the prefix as a `RegexQuery`
(`abcde.*`) and the fuzzy word as a `FuzzyTermQuery` (distance 1, transpositions 1), which its
parser does not offer. With --per-form, how many queries of each form Tantivy finds anything for. Latency per query in-process, after one warm-up round, as peers.py.
Prints one JSON object: {"queries", "loupe": {p50,p95,p99}, "tantivy": {…}} in microseconds.
Words are ASCII letters only (Tantivy's default tokenizer does not fold accents).
"""
import argparse, collections, json, os, random, re, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOUPE = os.path.join(ROOT, ".build", "release", "loupe")
WORD = re.compile(r"[a-z]{4,}")
FORMS = ["and", "andnot", "orand", "phrase", "near", "prefix", "fuzzy"]


def read_corpus(root):
    docs = []
    for dirpath, _, files in os.walk(root):
        for name in sorted(files):
            try:
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    docs.append((os.path.relpath(os.path.join(dirpath, name), root), f.read()))
            except (UnicodeDecodeError, OSError):
                pass
    return docs


def make_queries(docs, n, seed):
    rng = random.Random(seed)
    df = collections.Counter()
    tokens = []
    for _, text in docs:
        words = WORD.findall(text.lower())
        tokens.append(words)
        df.update(set(words))
    common = [w for w, c in df.items() if 5 <= c <= len(docs) // 4]
    common.sort()
    queries = []
    forms = FORMS
    while len(queries) < n:
        form = forms[len(queries) % len(forms)]
        words = tokens[rng.randrange(len(tokens))]
        mine = sorted(set(w for w in words if w in set(common)))
        if len(mine) < 3 or len(words) < 3:
            continue
        a, b, c = rng.sample(mine, 3)
        if form == "and":
            q = f"{a} AND {b}"
        elif form == "andnot":
            q = f"{a} AND NOT {rng.choice(common)}"
        elif form == "orand":
            q = f"({a} OR {rng.choice(common)}) AND {b}"
        elif form in ("phrase", "near"):
            i = rng.randrange(len(words) - 1)
            q = f"\"{words[i]} {words[i + 1]}\"" + ("~3" if form == "near" else "")
        elif form == "prefix":
            w = rng.choice([w for w in mine if len(w) >= 7] or mine)
            q = w[:5] + "*"
        else:
            w = rng.choice([w for w in mine if len(w) >= 6] or mine)
            q = w + "~1"
        queries.append(q)
    return queries


def percentiles(lat):
    lat = sorted(lat)
    def p(x):
        return lat[min(len(lat) - 1, int(x * len(lat)))] * 1e6
    return {"p50": p(0.50), "p95": p(0.95), "p99": p(0.99)}


def run_tantivy(docs, queries, rounds, work):
    import tantivy
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("path", stored=True)
    sb.add_text_field("body", stored=True)
    schema = sb.build()
    index = tantivy.Index(schema, path=work)
    writer = index.writer(heap_size=256_000_000, num_threads=os.cpu_count() or 1)
    for rel, text in docs:
        writer.add_document(tantivy.Document(path=rel, body=text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    parsed = []
    for q in queries:
        if q.endswith("*"):
            parsed.append(tantivy.Query.regex_query(schema, "body", re.escape(q[:-1]) + ".*"))
        elif q.endswith("~1") and not q.startswith("\""):
            parsed.append(tantivy.Query.fuzzy_term_query(schema, "body", q[:-2], distance=1, transposition_cost_one=True))
        elif " AND NOT " in q:
            # Tantivy's parser reads NOT as a word here (`a AND NOT b` matched nothing, checked by
            # the counts below); its exclusion is `-b`.
            a, b = q.split(" AND NOT ")
            parsed.append(index.parse_query(f"{a} -{b}", ["body"]))
        else:
            parsed.append(index.parse_query(q, ["body"]))
    # How many queries of each form match something: the same forms must do real work in both.
    matched = collections.Counter(FORMS[i % len(FORMS)] for i, pq in enumerate(parsed) if searcher.search(pq, 1, count=True).count > 0)
    lat = []
    per_form = collections.defaultdict(list)
    for r in range(rounds + 1):
        for i, pq in enumerate(parsed):
            t = time.perf_counter()
            searcher.search(pq, 10).hits
            if r:
                lat.append(time.perf_counter() - t)
                per_form[FORMS[i % len(FORMS)]].append(lat[-1])
    return percentiles(lat), {f: percentiles(v)["p50"] for f, v in per_form.items()}, matched


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("index")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", default=None)
    ap.add_argument("--per-form", action="store_true", help="also p50 per form of query")
    a = ap.parse_args()
    docs = read_corpus(a.corpus)
    queries = make_queries(docs, a.queries, a.seed)
    out = a.out or os.path.join(tempfile.mkdtemp(prefix="loupe-ops-"), "queries-operators.txt")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(queries) + "\n")
    def loupe_bench(path):
        p = subprocess.run([LOUPE, "bench", "--index", a.index, "--queries", path, "-k", "10", "--rounds", str(a.rounds), "--json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"operator-bench: loupe bench failed:\n{p.stderr}")
        return json.loads(p.stdout)
    d = loupe_bench(out)
    loupe = {"p50": d["p50_us"], "p95": d["p95_us"], "p99": d["p99_us"]}
    # By form, from the same mixed run (as Tantivy's): each form's samples, wherever they fell.
    loupe_forms = {}
    if a.per_form:
        by_form = collections.defaultdict(list)
        for i, samples in enumerate(d["per_query_us"]):
            by_form[FORMS[i % len(FORMS)]].extend(s * 1e-6 for s in samples)
        loupe_forms = {f: percentiles(v)["p50"] for f, v in by_form.items()}
    with tempfile.TemporaryDirectory(prefix="loupe-ops-tantivy-") as work:
        tantivy, tantivy_forms, tantivy_matched = run_tantivy(docs, queries, a.rounds, work)
    result = {"queries": len(queries), "file": out, "loupe": loupe, "tantivy": tantivy}
    if a.per_form:
        result["p50_by_form"] = {f: {"loupe": loupe_forms[f], "tantivy": tantivy_forms.get(f), "tantivy_matching_queries": tantivy_matched[f]} for f in FORMS}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
