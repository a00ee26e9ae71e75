// swift-tools-version:6.1
import PackageDescription

// Release builds drop the runtime exclusivity checks in the hot loops (their cost showed up in
// profiles of indexing); debug builds and the tests keep them.
// Cross-module optimization lets the layers' small hot functions (varints, bit unpacking, the
// growable buffers) inline and specialize across targets as they did inside one module.
let fast: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"], .when(configuration: .release))
]

let package = Package(
    name: "Loupe",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "loupe", targets: ["loupe"]),
        .executable(name: "loupe-eval", targets: ["LoupeEval"]),
        .executable(name: "loupe-pdf", targets: ["loupe-pdf"]),
        .executable(name: "loupe-ocr", targets: ["loupe-ocr"]),
        .library(name: "LoupeSearch", targets: ["LoupeSearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `loupe serve`'s HTTP server (SwiftNIO underneath); default traits off (no swift-configuration).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
    ],
    targets: [
        // System ICU (Debian libicu-dev), found through pkg-config.
        .systemLibrary(
            name: "CICUSystem",
            pkgConfig: "icu-uc icu-i18n",
            providers: [.apt(["libicu-dev"])]
        ),
        // Stable C names over ICU's version-suffixed symbols (u_foo_72), which Swift cannot import.
        .target(name: "CICU", dependencies: ["CICUSystem"]),
        // System zstd (Debian libzstd-dev) for the stored-text blocks.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        // System zlib (Debian zlib1g-dev) for the deflated members of ZIP containers (DOCX, ODT, EPUB).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // System libxml2 (Debian libxml2-dev): its streaming reader parses the XML inside them.
        .systemLibrary(
            name: "CXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // System poppler (Debian libpoppler-cpp-dev), for PDF text: linked only by the helper
        // `loupe-pdf`, which the PDF extractor runs once per file (time and memory bounded, and
        // `loupe` itself starts without loading poppler).
        .systemLibrary(
            name: "CPoppler",
            pkgConfig: "poppler-cpp",
            providers: [.apt(["libpoppler-cpp-dev"])]
        ),
        // What the two helpers share (argument parsing, resource limits, whole reads and writes).
        .target(name: "LoupeHelperSupport", dependencies: ["CPoppler"]),
        .executableTarget(name: "loupe-pdf", dependencies: ["CPoppler", "LoupeHelperSupport"]),
        // System Tesseract and Leptonica (Debian libtesseract-dev), for OCR: linked only by the
        // helper `loupe-ocr`, which `loupe index --ocr` runs per scan (poppler renders PDF pages).
        .systemLibrary(
            name: "CTesseract",
            pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev"])]
        ),
        .executableTarget(name: "loupe-ocr", dependencies: ["CPoppler", "CTesseract", "LoupeHelperSupport"], linkerSettings: [.linkedLibrary("lept")]),
        // Small C kernels: hardware CRC32C.
        .target(name: "CSupport"),
        .target(name: "LoupeAnalysis", dependencies: ["CICU"], swiftSettings: fast),
        // The index, in layers the compiler keeps apart (each imports only those above it here):
        // the bytes of every file kind (codecs, readers and writers of one segment file's body),
        // the files themselves (frame, mapping, directory, commit), the corpus's files (walk and
        // text extraction), readers of whole segments and indexes, and the build.
        .target(name: "LoupeFormat", dependencies: ["LoupeAnalysis", "CZstd", "CSupport"], swiftSettings: fast),
        .target(name: "LoupeStorage", dependencies: ["LoupeFormat", "CSupport"], swiftSettings: fast),
        .target(name: "LoupeIngest", dependencies: ["LoupeStorage", "LoupeFormat", "LoupeAnalysis", "CSupport", "CICU", "CZlib", "CXML2"], swiftSettings: fast),
        .target(name: "LoupeRead", dependencies: ["LoupeStorage", "LoupeFormat"], swiftSettings: fast),
        .target(name: "LoupeBuild",
                dependencies: ["LoupeRead", "LoupeIngest", "LoupeStorage", "LoupeFormat", "LoupeAnalysis", "CSupport"],
                swiftSettings: fast),
        // The index's public face: re-exports the layers above for the CLI and library users.
        .target(name: "LoupeIndex", dependencies: ["LoupeBuild", "LoupeRead", "LoupeIngest", "LoupeStorage", "LoupeFormat"]),
        .target(name: "LoupeSearch", dependencies: ["LoupeRead", "LoupeStorage", "LoupeFormat", "LoupeAnalysis"], swiftSettings: fast),
        // `loupe serve`: the HTTP API and the search page over one shared index reader.
        .target(name: "LoupeServe", dependencies: [
            "LoupeSearch", "LoupeIndex", "LoupeAnalysis",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(
            name: "loupe",
            dependencies: [
                "LoupeSearch", "LoupeIndex", "LoupeAnalysis", "LoupeServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "LoupeEval", dependencies: ["LoupeSearch", "LoupeIndex"]),
        // Helpers shared by the test targets (temporary directories, a seeded RNG, paths).
        .target(name: "LoupeTestSupport", path: "Tests/LoupeTestSupport"),
        .testTarget(
            name: "LoupeAnalysisTests",
            dependencies: ["LoupeAnalysis", "LoupeTestSupport"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "LoupeIndexTests",
            dependencies: ["LoupeIndex", "LoupeBuild", "LoupeRead", "LoupeIngest", "LoupeStorage", "LoupeFormat", "LoupeTestSupport"],
            exclude: ["Golden"]
        ),
        .testTarget(name: "LoupeSearchTests", dependencies: ["LoupeSearch", "LoupeIndex", "LoupeTestSupport"]),
        .testTarget(name: "LoupeServeTests", dependencies: ["LoupeServe", "LoupeSearch", "LoupeIndex", "LoupeTestSupport"]),
        .testTarget(name: "LoupeCLITests", dependencies: ["loupe", "LoupeTestSupport"]),
    ]
)
