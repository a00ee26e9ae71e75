# Entry points: make demo, make test, make eval, make bench.
SWIFT ?= swift
LOUPE := .build/release/loupe
INDEX ?= Index

.PHONY: demo test test-browser eval bench build deps clean man install fuzz soak test-asan test-tsan
PREFIX ?= /usr/local

# Installs the system libraries Loupe links (Debian: libicu-dev, libzstd-dev, zlib1g-dev,
# libxml2-dev, libpoppler-cpp-dev) when missing.
deps:
	@bash scripts/install-deps.sh

# The Swift runtime is linked in statically: start-up drops from about 10 to 3 ms of CPU (no
# dynamic loading and relocation of a dozen libraries), which shows on every command.
# loupe-pdf, the PDF reader loupe runs per PDF, and loupe-ocr, its OCR of scans, are built beside it.
build: deps
	$(SWIFT) build -c release --product loupe --static-swift-stdlib
	$(SWIFT) build -c release --product loupe-pdf
	$(SWIFT) build -c release --product loupe-ocr

demo: build
	$(LOUPE) index Corpus --index $(INDEX)
	@echo
	@echo '$$ loupe search "macron mali" -k 3'
	@$(LOUPE) search "macron mali" -k 3 --index $(INDEX)
	@echo
	@echo '$$ loupe search mexico -k 3'
	@$(LOUPE) search mexico -k 3 --index $(INDEX)
	@echo
	@echo '$$ loupe search armee -k 3'
	@$(LOUPE) search armee -k 3 --index $(INDEX)
	@echo
	@echo '$$ loupe search "crépissage djenné" -k 1   # an EPUB book'
	@$(LOUPE) search "crépissage djenné" -k 1 --index $(INDEX)
	@echo
	@echo '$$ loupe search "fundador Ian Murdock" -k 1   # a PDF: the hit says its page'
	@$(LOUPE) search "fundador Ian Murdock" -k 1 --index $(INDEX)
	@echo
	@echo '$$ loupe search "Wagner Kidal" --passages 3 -k 1   # a long report: every good passage, and where it is'
	@$(LOUPE) search "Wagner Kidal" --passages 3 -k 1 --index $(INDEX)
	@echo
	@echo '$$ loupe search "côte d’ivoire" --json -k 1'
	@$(LOUPE) search "côte d’ivoire" --json -k 1 --index $(INDEX)

test:
	@bash scripts/install-deps.sh --test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Seeded fuzzing at full size (FuzzTests, QueryLanguageTests.parserNeverCrashes): 10,000 damaged
# index files, 6,000 damaged documents, 100,000 random queries; `make test` runs a twentieth.
fuzz: deps
	$(SWIFT) build --build-tests
	LOUPE_FUZZ_SCALE=20 $(SWIFT) test --skip-build --filter 'FuzzTests|parserNeverCrashes'

# The test suite under AddressSanitizer and ThreadSanitizer, each in its own build directory.
test-asan:
	@bash scripts/install-deps.sh --test
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build/asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp $(SWIFT) test --skip-build --sanitize=address --scratch-path .build/asan

test-tsan:
	@bash scripts/install-deps.sh --test
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build/tsan
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build/tsan

# Real faults against the release binary (scripts/soak.py): SIGKILLs during builds, updates and
# merges (50 each), injected EIO/ENOSPC/short writes, a full tmpfs, searches during commits, and
# `loupe serve` under load while the index is rebuilt; prints the figures.
soak: build
	python3 scripts/soak.py --loupe $(LOUPE)

# The search page of `loupe serve` driven in headless Chromium (installed with apt-get when missing).
test-browser: deps
	$(SWIFT) build --product loupe
	python3 scripts/browser-test.py --loupe .build/debug/loupe

eval: build
	$(SWIFT) build --product loupe-eval -c release
	.build/release/loupe-eval Tests/Eval/queries.tsv Corpus

bench: build
	python3 scripts/bench.py

# Man pages (loupe(1) and one per command) from the commands' own help, by swift-argument-parser's
# generate-manual plugin, into .build/man.
man: build
	mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --multi-page --output-directory .build/man

# Installs loupe, loupe-pdf and loupe-ocr, the man pages and the bash, zsh and fish completions under
# $(DESTDIR)$(PREFIX) (default /usr/local).
install: build man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/release/loupe .build/release/loupe-pdf .build/release/loupe-ocr $(DESTDIR)$(PREFIX)/bin/
	install -m 644 .build/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	$(LOUPE) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/loupe
	$(LOUPE) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_loupe
	$(LOUPE) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/loupe.fish

clean:
	rm -rf .build
	find $(INDEX) -mindepth 1 ! -name README.md -delete 2>/dev/null || true
