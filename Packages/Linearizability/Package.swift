// swift-tools-version: 6.2

// Linearizability: the history model of a key-value register workload, its parsers (vortex
// history.jsonl, Jepsen register logs), a Wing & Gong / Lowe checker run per key, the minimal
// explanation of a violation and its HTML rendering (docs/linearizability.md). It depends on
// nothing else in the repository and builds and tests alone:
//   swift test --package-path Packages/Linearizability

import PackageDescription

let package = Package(
    name: "Linearizability",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Linearizability", targets: ["Linearizability"])
    ],
    targets: [
        .target(name: "Linearizability"),
        .testTarget(
            name: "LinearizabilityTests",
            dependencies: ["Linearizability"]
        ),
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
