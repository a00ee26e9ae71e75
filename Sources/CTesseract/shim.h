// Tesseract's C interface and leptonica, its image library (Debian libtesseract-dev,
// libleptonica-dev). Only the C++ helper `loupe-ocr` includes them; this module exists so that
// SwiftPM finds both through pkg-config (tesseract, which requires lept) and links them.
// Leptonica's library is liblept (its pkg-config name is lept; Debian also installs a
// libleptonica.so link, but lept is what pkg-config --libs gives).
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>
