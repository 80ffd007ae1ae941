// swift-tools-version: 6.2

// Workload: the driver protocol, the seeded generator, the ledger model that reconciles every
// reply, and the handle that runs a driver process (docs/workload.md). It builds and tests alone:
//   swift test --package-path Packages/Workload

import PackageDescription

let package = Package(
    name: "Workload",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Workload", targets: ["Workload"])
    ],
    dependencies: [
        .package(path: "../ProcessControl")
    ],
    targets: [
        .target(
            name: "Workload",
            dependencies: [.product(name: "ProcessControl", package: "ProcessControl")]
        ),
        .testTarget(
            name: "WorkloadTests",
            dependencies: ["Workload"],
            exclude: ["Fixtures"]
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
