// swift-tools-version: 6.2

// Workload: see docs/ for what this package is for. It builds and tests alone:
//   swift test --package-path Packages/Workload

import PackageDescription

let package = Package(
    name: "Workload",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Workload", targets: ["Workload"])
    ],
    targets: [
        .target(name: "Workload"),
        .testTarget(name: "WorkloadTests", dependencies: ["Workload"]),
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
