// swift-tools-version: 6.2

// Long-running reliability tools of vortex that do not belong in `swift test`: the proxy soak
// (hundreds of connections through a FaultProxy whose faults change every second, checked byte
// for byte, with the proxy's descriptors and memory sampled). scripts/reliability builds and runs
// them; docs/reliability.md records their figures. sleep-retention reproduces, alone, the memory
// a cancelled Task.sleep keeps until its deadline (the cause of the long run's growth).
//   swift run --package-path Reliability -c release proxy-soak --seconds 600 --connections 200

import PackageDescription

let package = Package(
    name: "Reliability",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "proxy-soak", targets: ["proxy-soak"]),
        .executable(name: "sleep-retention", targets: ["sleep-retention"]),
    ],
    dependencies: [
        .package(path: "../Packages/FaultProxy"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "proxy-soak",
            dependencies: [
                .product(name: "FaultProxy", package: "FaultProxy"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "sleep-retention"),
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
