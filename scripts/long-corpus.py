#!/usr/bin/env python3
"""A corpus of a few very long documents, for the passage benchmark (scripts/passage-bench.py).

  scripts/long-corpus.py SOURCE_DIR OUT_DIR [--docs 20] [--mb 20] [--seed 7] [--share 0.25]

Writes OUT_DIR/book-01.txt … book-NN.txt: --docs UTF-8 text documents of at least --mb × 1,000,000
bytes each, made from the text files under SOURCE_DIR (for `make bench`, the multilingual
benchmark corpus: man pages in English, French and Spanish, Spanish fortunes and the Debian
Reference). Files are read as UTF-8; undecodable ones and hidden ones are skipped. Each file is
cut into paragraphs at blank lines, and each document is a long "book" of those paragraphs in a
seeded shuffled order, so that every document mixes the languages: a `# Book N` title line, then a
`## Part K` heading line every ~200 KB, paragraphs separated by blank lines.

A source of ~20 MB of text cannot fill 20 documents of 20 MB without repeating itself, and if every
document held every paragraph, every word would be in every document. So each document draws from
its own seeded sample of --share of the paragraphs (default a quarter), shuffled again on each
pass through it: a word of one paragraph is in about --share × --docs documents, a common word in
all of them, and a document repeats its paragraphs as a book repeats its names, far apart.

Everything follows from the source and the options: the same arguments give the same bytes. OUT_DIR
is a cache: a stamp file, OUT_DIR/.long-corpus.json (hidden, so `loupe index` skips it), records
the options, the source's file count, size and newest modification time, and each book's size;
when they match, nothing is written. Each book is written to a hidden temporary file and renamed
into place, and the stamp last, so an interrupted run leaves no half-written book behind a valid
stamp. What it did goes to stderr.
"""
import argparse, json, os, random, re, sys, time

STAMP = ".long-corpus.json"
VERSION = 1
PART_BYTES = 200_000
PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")


def say(msg):
    print(f"long-corpus: {msg}", file=sys.stderr, flush=True)


def source_files(root):
    """The source's files, in a fixed order (sorted paths), hidden ones skipped."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                out.append(os.path.join(dirpath, name))
    return out


def fingerprint(files):
    """Cheap identity of the source: file count, total size and newest mtime (stat only)."""
    size, newest = 0, 0
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue
        size += st.st_size
        newest = max(newest, st.st_mtime_ns)
    return {"files": len(files), "bytes": size, "newest_mtime_ns": newest}


def paragraphs(files):
    """Every paragraph of every decodable file, as UTF-8 bytes, in file order."""
    out, skipped = [], 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            skipped += 1
            continue
        text = text.replace("\r\n", "\n").replace("\x00", "")
        for para in PARAGRAPH.split(text):
            para = "\n".join(line.rstrip() for line in para.strip("\n").split("\n"))
            if para.strip() and any(c.isalpha() for c in para):
                out.append(para.encode())
    return out, skipped


def book(number, pool, target, rng):
    """Book `number`: its title, then paragraphs of `pool` in shuffled passes until `target` bytes,
    a `## Part K` line every PART_BYTES."""
    chunks = [f"# Book {number}\n\n## Part 1\n\n".encode()]
    size, part, since_heading = len(chunks[0]), 1, 0
    order = list(range(len(pool)))
    while size < target:
        rng.shuffle(order)
        for i in order:
            if since_heading >= PART_BYTES:
                part += 1
                heading = f"## Part {part}\n\n".encode()
                chunks.append(heading)
                size += len(heading)
                since_heading = 0
            para = pool[i] + b"\n\n"
            chunks.append(para)
            size += len(para)
            since_heading += len(para)
            if size >= target:
                break
    return b"".join(chunks)


def write_atomically(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=20, help="number of documents (default 20)")
    ap.add_argument("--mb", type=float, default=20, help="least size of each, in MB of 1,000,000 bytes (default 20)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--share", type=float, default=0.25, help="share of the paragraphs each document draws from (default 0.25)")
    a = ap.parse_args()
    if a.docs < 1 or a.mb <= 0 or not 0 < a.share <= 1:
        sys.exit("long-corpus: --docs must be at least 1, --mb more than 0 and --share in (0, 1]")
    source, out = os.path.realpath(a.source), os.path.realpath(a.out)
    if not os.path.isdir(source):
        sys.exit(f"long-corpus: {a.source} is not a directory")
    if out == source or out.startswith(source + os.sep) or source.startswith(out + os.sep):
        sys.exit("long-corpus: SOURCE_DIR and OUT_DIR must not contain each other")
    target = int(a.mb * 1_000_000)
    names = [f"book-{i:02d}.txt" for i in range(1, a.docs + 1)]
    files = source_files(source)
    wanted = {"version": VERSION, "docs": a.docs, "bytes_per_doc": target, "seed": a.seed, "share": a.share,
              "source": source, "source_stat": fingerprint(files)}

    stamp_path = os.path.join(out, STAMP)
    try:
        with open(stamp_path) as f:
            stamp = json.load(f)
    except (OSError, ValueError):
        stamp = None
    if stamp and {k: stamp.get(k) for k in wanted} == wanted and all(
            os.path.isfile(os.path.join(out, n)) and os.path.getsize(os.path.join(out, n)) == stamp.get("sizes", {}).get(n)
            for n in names):
        total = sum(stamp["sizes"].values())
        say(f"{a.out} is up to date: {a.docs} documents, {total / 1e6:.1f} MB (seed {a.seed}); nothing written")
        return

    start = time.monotonic()
    os.makedirs(out, exist_ok=True)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)  # invalid from here until every book is written
    paras, skipped = paragraphs(files)
    if not paras:
        sys.exit(f"long-corpus: no text paragraphs in {a.source}")
    source_bytes = sum(len(p) for p in paras)
    say(f"{len(paras):,} paragraphs ({source_bytes / 1e6:.1f} MB) from {len(files) - skipped:,} files of {a.source}"
        + (f" ({skipped} undecodable, skipped)" if skipped else "")
        + f"; writing {a.docs} documents of {target / 1e6:g} MB into {a.out}")
    # Books of an earlier run with more documents would otherwise stay in the corpus.
    for name in os.listdir(out):
        if re.fullmatch(r"book-\d+\.txt", name) and name not in names:
            os.remove(os.path.join(out, name))
    sizes = {}
    per_doc = max(1, round(a.share * len(paras)))
    for number, name in enumerate(names, start=1):
        rng = random.Random(a.seed * 1_000_003 + number)
        pool = [paras[i] for i in sorted(rng.sample(range(len(paras)), per_doc))]
        data = book(number, pool, target, rng)
        write_atomically(os.path.join(out, name), data)
        sizes[name] = len(data)
    write_atomically(stamp_path, (json.dumps(dict(wanted, sizes=sizes), indent=1) + "\n").encode())
    say(f"wrote {a.docs} documents, {sum(sizes.values()) / 1e6:.1f} MB, in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    main()
