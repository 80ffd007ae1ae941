// swift-tools-version: 6.2

// FaultProxy: see docs/ for what this package is for. It builds and tests alone:
//   swift test --package-path Packages/FaultProxy

import PackageDescription

let package = Package(
    name: "FaultProxy",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FaultProxy", targets: ["FaultProxy"])
    ],
    targets: [
        .target(name: "FaultProxy"),
        .testTarget(name: "FaultProxyTests", dependencies: ["FaultProxy"]),
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
