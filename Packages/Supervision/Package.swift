// swift-tools-version: 6.2

// Supervision: see docs/ for what this package is for. It builds and tests alone:
//   swift test --package-path Packages/Supervision

import PackageDescription

let package = Package(
    name: "Supervision",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Supervision", targets: ["Supervision"])
    ],
    targets: [
        .target(name: "Supervision"),
        .testTarget(name: "SupervisionTests", dependencies: ["Supervision"]),
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
