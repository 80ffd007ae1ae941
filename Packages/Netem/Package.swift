// swift-tools-version: 6.2

// Netem: the `--faults netem` backend. It shapes traffic with Linux qdiscs (netem, HTB, TBF, u32
// filters) configured over netlink through libnl-3 / libnl-route-3, inside a chosen network
// namespace. It builds and tests alone:
//   swift test --package-path Packages/Netem
// Tests that need sch_netem run under user-mode-linux: scripts/netem-test.

import PackageDescription

let package = Package(
    name: "Netem",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Netem", targets: ["Netem"]),
        .executable(name: "netem-bench", targets: ["netem-bench"]),
    ],
    targets: [
        // libnl headers and libraries, found through pkg-config.
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-route-3-dev", "pkg-config"])]
        ),
        // What Swift cannot do through the importer: build a netem request with attributes libnl
        // 3.7 does not know (rate, Gilbert-Elliott, 64-bit delays) and open a socket inside
        // another network namespace from a short-lived thread.
        .target(name: "CNetemShim", dependencies: ["CNetlink"]),
        .target(name: "Netem", dependencies: ["CNetlink", "CNetemShim"]),
        // Times the API against `tc` for the same change; run under user-mode-linux by
        // Benchmarks/netem-benchmark.
        .executableTarget(name: "netem-bench", dependencies: ["Netem"]),
        .testTarget(name: "NetemTests", dependencies: ["Netem"]),
    ]
)

for target in package.targets where target.type != .plugin && target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .treatAllWarnings(as: .error),
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
