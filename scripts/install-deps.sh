#!/usr/bin/env bash
# Installs the Debian packages Loupe builds against when they are missing: the system ICU
# (libicu-dev, found through pkg-config icu-uc/icu-i18n), zstd (libzstd-dev), zlib (zlib1g-dev) and
# libxml2 (libxml2-dev), the last two for the ZIP-and-XML formats (DOCX, ODT, EPUB), and poppler's
# C++ interface (libpoppler-cpp-dev) for the PDF helper loupe-pdf; Tesseract (libtesseract-dev)
# and its French, Spanish and English data for the OCR helper loupe-ocr (`loupe index --ocr`).
# With --test, also what the tests use to make scans (python3-pil, fonts-dejavu-core).
set -euo pipefail
missing=()
pkg-config --exists icu-uc icu-i18n 2>/dev/null || missing+=(libicu-dev)
pkg-config --exists libzstd 2>/dev/null || missing+=(libzstd-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
pkg-config --exists poppler-cpp 2>/dev/null || missing+=(libpoppler-cpp-dev)
pkg-config --exists tesseract lept 2>/dev/null || missing+=(libtesseract-dev)
for lang in fra spa eng; do
    ls /usr/share/tesseract-ocr/*/tessdata/$lang.traineddata >/dev/null 2>&1 || missing+=(tesseract-ocr-$lang)
done
if [ "${1:-}" = "--test" ]; then
    /usr/bin/python3 -c "import PIL" 2>/dev/null || missing+=(python3-pil)
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
fi
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} (apt-get)" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null
