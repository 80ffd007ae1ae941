// swift-tools-version: 6.2

// FaultProxy: a userspace TCP proxy on SwiftNIO whose faults (delay, corruption, bandwidth,
// clog, down, reset) change at run time without dropping connections. It is the `--faults proxy`
// backend of vortex and the engine of `vortex proxy`. Guide: docs/fault-proxy.md.
// It builds and tests alone:
//   swift test --package-path Packages/FaultProxy
// Comparative benchmark (direct loopback, FaultProxy, socat, HAProxy): Benchmarks/proxy-benchmark

import PackageDescription

let package = Package(
    name: "FaultProxy",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "FaultProxy", targets: ["FaultProxy"]),
        .executable(name: "fault-proxy-benchmark", targets: ["fault-proxy-benchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2")
    ],
    targets: [
        .target(
            name: "FaultProxy",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "fault-proxy-benchmark",
            dependencies: [
                "FaultProxy",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "FaultProxyTests",
            dependencies: [
                "FaultProxy",
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
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
