# Whole-process Tantivy indexing of a directory, as ../shared/bench/peers.py does it (read every
# UTF-8 file, add it with its path, commit), for timing against `loupe index` as a user runs both:
#   /usr/bin/time -v python3 scripts/tantivy-index.py CORPUS_DIR OUT_DIR
import os, sys, shutil, tantivy
root, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
sb = tantivy.SchemaBuilder(); sb.add_text_field("path", stored=True); sb.add_text_field("body", stored=True)
index = tantivy.Index(sb.build(), path=out)
writer = index.writer(heap_size=256_000_000, num_threads=os.cpu_count() or 1)
for dirpath, _, files in os.walk(root):
    for name in sorted(files):
        path = os.path.join(dirpath, name)
        try:
            with open(path, encoding="utf-8") as f: text = f.read()
        except (UnicodeDecodeError, OSError): continue
        writer.add_document(tantivy.Document(path=os.path.relpath(path, root), body=text))
writer.commit(); writer.wait_merging_threads()
