#!/usr/bin/env bash
# Rebuilds the corpus's DOCX, ODT and EPUB documents from these Markdown sources with pandoc
# (Debian's pandoc 2.17: `apt-get install pandoc`). The files in Corpus/ are checked in, so the
# build and the tests never need pandoc; run this only after editing a source.
set -euo pipefail
cd "$(dirname "$0")"
corpus=../../Corpus
pandoc niger-fleuve-sahel.md -o "$corpus/fr/niger-fleuve-sahel.docx"
pandoc lago-chad.md -o "$corpus/es/lago-chad.odt"
pandoc djenne-great-mosque.md -o "$corpus/en/djenne-great-mosque.epub"
pandoc routes-sel.md -o "$corpus/fr/routes-sel.pptx"
