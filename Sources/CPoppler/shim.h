// poppler's C++ interface (Debian libpoppler-cpp-dev). Only the C++ helper `loupe-pdf` includes
// it; this module exists so that SwiftPM finds poppler through pkg-config (poppler-cpp).
#include <poppler-document.h>
