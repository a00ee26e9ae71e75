#!/usr/bin/env python3
"""Generate the real-word stemming references used by AccentStemmingTests.

For each language this writes Tests/LoupeAnalysisTests/Resources/realwords-<lang>.tsv, one line
per word:

    word<TAB>reference stem, accent-folded

The words are taken from real text — the benchmark corpora that shared/bench/make-corpus.sh
builds from Debian packages (every installed manual page in English, French and Spanish, Spanish
fortunes, the Debian Reference in three languages) — lower-cased as written, accents on.
Only words of letters that the language's Debian word list
(wfrench, wspanish, wamerican) knows are kept — or, in French and Spanish, that hold an accented
letter — so command names and code do not count as words;
then a fixed-seed sample of SAMPLE_SIZE is taken. The reference stem is the PyPI package
`snowballstemmer` (3.1.1) applied to the word as written, then folded as Loupe folds: NFD, marks
dropped, and the letters Loupe expands (œ → oe, æ → ae, ø → o, ß → ss).

Usage: python3 scripts/make-real-words.py [--corpus DIR] [--out DIR]
"""

import argparse
import collections
import os
import random
import re
import sys
import unicodedata

import snowballstemmer

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLE_SIZE = 12000
SEED = 20261204
LANGUAGES = {
    # language: (snowball name, corpus parts (folder, file suffix or None), word list)
    "fr": ("french", [("multilingual/man-fr", None), ("large/man-fr", None), ("multilingual/debian-reference", ".fr.txt")], "/usr/share/dict/french"),
    "es": ("spanish", [("multilingual/man-es", None), ("large/man-es", None), ("multilingual/fortunes-es", None),
                       ("multilingual/debian-reference", ".es.txt")], "/usr/share/dict/spanish"),
    "en": ("english", [("multilingual/man-en", None), ("large/man-en", None), ("multilingual/debian-reference", ".en.txt")],
           "/usr/share/dict/american-english"),
}
LETTER_FOLDS = {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ħ": "h", "ı": "i", "ŧ": "t", "ß": "ss"}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def fold(word):
    word = "".join(LETTER_FOLDS.get(c, c) for c in word)
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def words_of(corpus, parts):
    counts = collections.Counter()
    for folder, suffix in parts:
        root = os.path.join(corpus, folder)
        for dirpath, _, files in os.walk(root):
            for name in sorted(files):
                if suffix and not name.endswith(suffix):
                    continue
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as f:
                    text = unicodedata.normalize("NFC", f.read())
                for w in WORD.findall(text):
                    # Compatibility characters (`³`, `º` of text decoded twice) are not letters a
                    # stemmer sees: NFKC, which Loupe applies first, turns them into digits.
                    if len(w) >= 2 and unicodedata.normalize("NFKC", w) == w:
                        counts[w.lower()] += 1
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=os.path.expanduser("~/.cache/loupe-bench"))
    parser.add_argument("--out", default=os.path.join(REPO, "Tests", "LoupeAnalysisTests", "Resources"))
    args = parser.parse_args()
    for lang, (algorithm, parts, wordlist) in LANGUAGES.items():
        with open(wordlist, encoding="utf-8") as f:
            known = {unicodedata.normalize("NFC", line.strip().lower()) for line in f}
        counts = words_of(args.corpus, parts)
        words = sorted(w for w, n in counts.items() if w in known or (lang != "en" and any(ord(c) > 127 for c in w)))
        if len(words) < 10000:
            sys.exit(f"{lang}: only {len(words)} real words")
        sample = sorted(random.Random(SEED).sample(words, min(SAMPLE_SIZE, len(words))))
        stemmer = snowballstemmer.stemmer(algorithm)
        path = os.path.join(args.out, f"realwords-{lang}.tsv")
        with open(path, "w", encoding="utf-8") as out:
            for w in sample:
                out.write(f"{w}\t{fold(stemmer.stemWord(w))}\n")
        print(f"{path}: {len(sample)} of {len(words)} words")


if __name__ == "__main__":
    main()
