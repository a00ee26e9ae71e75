#!/usr/bin/env python3
"""Generate the Snowball stemmer test vocabularies used by SnowballStemmerTests.

For each language (English/Porter2, French, Spanish) this writes
Tests/LoupeAnalysisTests/Resources/snowball-<lang>.tsv, one line per word:

    word<TAB>stem as produced by the reference Snowball implementation

The reference is the PyPI package `snowballstemmer` (pip install
snowballstemmer==3.1.1), generated from the official Snowball algorithm sources. The words come from the
Debian word lists (packages wamerican, wfrench, wspanish):

    /usr/share/dict/american-english  /usr/share/dict/french  /usr/share/dict/spanish

Every word is NFC-normalised and lowercased (the stemmers receive lowercased
input). A fixed-seed random sample of each list is taken, then a few groups of
extra words are added so that the interesting code paths are always covered:
hand-picked words, the English exceptional forms, English apostrophe forms,
French elisions and diaeresis words, and accent-folded variants of French and
Spanish words (our pipeline may fold accents before stemming). The output is
sorted by code point so the files are reproducible.

Usage: python3 scripts/make-stemmer-vocab.py [--out DIR] [--check]
  --check   regenerate in memory and fail if the files on disk differ.
"""

import argparse
import os
import random
import sys
import unicodedata

try:
    import snowballstemmer
except ImportError:  # pragma: no cover - setup hint only
    sys.exit("snowballstemmer is required: pip install snowballstemmer")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Tests", "LoupeAnalysisTests", "Resources")

# The stems depend on the Snowball release the package was generated from; the
# committed files were made with this one.
REFERENCE_VERSION = "3.1.1"

SAMPLE_SIZE = 13000  # random words per language, before extras
SEED = 20240611

# Words that must always be present (also used as hand-picked test cases).
HAND_PICKED = {
    "english": [
        "troops", "mercenaries", "running", "happily", "generously",
        "communication", "arsenal", "universities", "emergency", "organization",
        "pasted", "pasting", "later", "lateral", "generate", "general",
        "caresses", "ponies", "ties", "cries", "gas", "this", "kiwis", "ied",
        "agreed", "feed", "bleed", "hoping", "hopping", "filing", "failing",
        "dying", "lying", "tying", "vying", "eying", "inning", "innings",
        "outing", "outings", "canning", "herring", "earring", "evening",
        "proceed", "proceeding", "exceed", "exceedingly", "succeed",
        "skis", "skies", "sky", "idly", "gently", "ugly", "early", "only",
        "singly", "news", "howe", "atlas", "cosmos", "bias", "andes",
        "biology", "biologist", "analogies", "fully", "hopefully",
        "carelessly", "yes", "yelling", "saying", "sayings", "toy", "toys",
        "cry", "by", "say", "enjoy", "yoyo", "yyy", "ayyy",
        "a", "an", "at", "be", "xxx", "rhythm", "nationalization",
    ],
    "french": [
        "soldats", "écoles", "terroristes", "armée", "armées", "continuellement",
        "heureusement", "amoureusement", "nationaux", "travaux", "cheveux",
        "genoux", "jaloux", "châteaux", "finissant", "finissaient", "mangeaient",
        "mauvais", "malais", "déplaise", "paris", "colis", "tapis", "niais",
        "nierais", "noël", "naïf", "naïve", "haïr", "haïssait", "canoë",
        "ouïe", "aiguë", "ambiguë", "inquiétude", "quelque", "yeux", "payer",
        "joyeux", "fruits", "évidemment", "constamment", "logiquement",
        "possibilité", "activité", "créatrice", "prononciation", "biologie",
        "dissolution", "conférence", "emploierai", "première", "dernier",
        "aujourd'hui", "a", "à", "y", "été", "zut",
    ],
    "spanish": [
        "niños", "ataques", "canción", "canciones", "rápidamente",
        "felizmente", "posibilidad", "actividades", "nacionalidad",
        "cantándole", "diciéndoselo", "comérselo", "haciéndolos", "ponerla",
        "construyendo", "huyendo", "oyendo", "arguyendo", "pagué", "averigüe",
        "distinguen", "persiguen", "siguiese", "guerra", "lingüística",
        "biología", "producción", "organización", "organizacion", "corriendo",
        "comeríamos", "habláramos", "iglesia", "ya", "yo", "a", "él",
        "aburridamente", "abundancia", "cristianismo", "arqueológicas",
    ],
}

# English words with apostrophes (the reference strips a leading apostrophe,
# then the endings ', 's and 's'; an inner apostrophe is treated as a consonant).
ENGLISH_APOSTROPHES = [
    "o'brien", "o'brien's", "dog's", "dogs'", "dogs's", "'tis", "'twas",
    "it's", "its'", "can't", "won't", "you're", "we've", "y'all", "o'clock",
    "rock'n'roll", "ma'am", "'s", "'", "''", "'''", "''s", "'s'", "'sky",
    "'yes", "'yelling", "'ere", "james'", "jones's", "children's",
    "ladies'", "boss's", "class's", "cat'", "nor'easter", "ne'er",
]

# French elisions applied to some sampled words (the reference removes one
# leading c' d' j' l' m' n' s' t' or qu').
FRENCH_ELISIONS = ["l'", "d'", "j'", "qu'", "n'", "s'", "c'", "m'", "t'"]
FRENCH_ELISION_EXTRAS = ["l'", "d'", "qu'", "l'a", "qu'a", "aujourd'hui", "presqu'île"]


def fold_accents(word):
    """Strip combining marks: 'écoles' -> 'ecoles', 'niños' -> 'ninos'."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def load_words(path):
    words = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word = unicodedata.normalize("NFC", line.strip()).lower()
            word = unicodedata.normalize("NFC", word)
            if not word or any(c.isspace() for c in word):
                continue
            words.add(word)
    return sorted(words)


def build(language, dict_path):
    rng = random.Random(f"{SEED}-{language}")
    base = load_words(dict_path)
    chosen = set(rng.sample(base, SAMPLE_SIZE))
    chosen.update(HAND_PICKED[language])

    if language == "english":
        chosen.update(ENGLISH_APOSTROPHES)
        # A few more possessives and words containing y from the list itself.
        possessives = [w for w in base if w.endswith("'s")]
        chosen.update(rng.sample(possessives, 300))
        with_y = [w for w in base if "y" in w and "'" not in w]
        chosen.update(rng.sample(with_y, 300))
    else:
        accented = [w for w in base if fold_accents(w) != w]
        for word in rng.sample(accented, 700):
            chosen.add(word)
            chosen.add(fold_accents(word))
        for word in HAND_PICKED[language]:
            chosen.add(fold_accents(word))

    if language == "french":
        diaeresis = [w for w in base if "ë" in w or "ï" in w]
        chosen.update(rng.sample(diaeresis, 200))
        plain = [w for w in base if "'" not in w and "-" not in w]
        for word in rng.sample(plain, 200):
            chosen.add(rng.choice(FRENCH_ELISIONS) + word)
        chosen.update(FRENCH_ELISION_EXTRAS)

    if language == "spanish":
        with_u_umlaut = [w for w in base if "ü" in w]
        chosen.update(rng.sample(with_u_umlaut, min(100, len(with_u_umlaut))))

    stemmer = snowballstemmer.stemmer(language)
    lines = []
    for word in sorted(chosen):
        assert "\t" not in word and "\n" not in word
        lines.append(f"{word}\t{stemmer.stemWord(word)}\n")
    return "".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    jobs = [
        ("english", "en", "/usr/share/dict/american-english"),
        ("french", "fr", "/usr/share/dict/french"),
        ("spanish", "es", "/usr/share/dict/spanish"),
    ]
    failed = False
    os.makedirs(args.out, exist_ok=True)
    for language, code, dict_path in jobs:
        text = build(language, dict_path)
        path = os.path.join(args.out, f"snowball-{code}.tsv")
        count = text.count("\n")
        if args.check:
            with open(path, encoding="utf-8") as handle:
                same = handle.read() == text
            print(f"{path}: {count} words, {'up to date' if same else 'DIFFERS'}")
            failed |= not same
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            print(f"{path}: {count} words, {len(text.encode('utf-8'))} bytes")
    try:
        from importlib.metadata import version
        installed = version("snowballstemmer")
    except Exception:  # pragma: no cover - informational only
        installed = "unknown"
    print(f"reference: snowballstemmer {installed}")
    if installed != REFERENCE_VERSION:
        print(f"warning: the committed files were made with snowballstemmer "
              f"{REFERENCE_VERSION}; install it with "
              f"pip install snowballstemmer=={REFERENCE_VERSION}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
