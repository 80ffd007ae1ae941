// swift-tools-version: 6.2

// Netem: see docs/ for what this package is for. It builds and tests alone:
//   swift test --package-path Packages/Netem

import PackageDescription

let package = Package(
    name: "Netem",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Netem", targets: ["Netem"])
    ],
    targets: [
        .target(name: "Netem"),
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
