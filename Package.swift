// swift-tools-version:6.0
import PackageDescription

// Release builds drop the runtime exclusivity checks in the hot loops (their cost showed up in
// profiles of indexing); debug builds and the tests keep them.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Loupe",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "loupe", targets: ["loupe"]),
        .executable(name: "loupe-eval", targets: ["LoupeEval"]),
        .library(name: "LoupeSearch", targets: ["LoupeSearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
        // Small C kernels: hardware CRC32C.
        .target(name: "CSupport"),
        .target(name: "LoupeAnalysis", dependencies: ["CICU"], swiftSettings: fast),
        .target(name: "LoupeIndex", dependencies: ["LoupeAnalysis", "CZstd", "CSupport"], swiftSettings: fast),
        .target(name: "LoupeSearch", dependencies: ["LoupeIndex", "LoupeAnalysis"], swiftSettings: fast),
        .executableTarget(
            name: "loupe",
            dependencies: [
                "LoupeSearch", "LoupeIndex", "LoupeAnalysis",
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
        .testTarget(name: "LoupeIndexTests", dependencies: ["LoupeIndex", "LoupeTestSupport"]),
        .testTarget(name: "LoupeSearchTests", dependencies: ["LoupeSearch", "LoupeTestSupport"]),
        .testTarget(name: "LoupeCLITests", dependencies: ["loupe", "LoupeTestSupport"]),
    ]
)
