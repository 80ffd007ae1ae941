// swift-tools-version: 6.2

// The root package: the `vortex` CLI, the harness library, the etcd driver, and a test target
// per local package so that one `swift test` here runs every test of the repository.
// Each package under Packages/ also builds and tests alone:
//   swift test --package-path Packages/<Name>

import PackageDescription

/// Local packages under Packages/. The folder name is the package name.
let localPackages = [
    "ProcessControl", "Supervision", "FaultProxy", "Netem", "ChromeTrace", "Workload",
    "Linearizability",
]

let package = Package(
    name: "vortex",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vortex", targets: ["vortex"]),
        .executable(name: "vortex-driver-etcd", targets: ["vortex-driver-etcd"]),
        .executable(
            name: "vortex-driver-etcd-register",
            targets: ["vortex-driver-etcd-register"]
        ),
        .library(name: "VortexHarness", targets: ["VortexHarness"]),
    ],
    dependencies: localPackages.map { .package(path: "Packages/\($0)") } + [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "VortexHarness",
            dependencies: localPackages.map { .product(name: $0, package: $0) } + [
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "vortex",
            dependencies: [
                "VortexHarness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ProcessControl", package: "ProcessControl"),
                .product(name: "FaultProxy", package: "FaultProxy"),
                .product(name: "Netem", package: "Netem"),
                .product(name: "Linearizability", package: "Linearizability"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The etcd driver's logic (TigerBeetle's create rules, key space, etcd client, store),
        // a library so it is unit-tested without etcd; the executable is only the process.
        .target(
            name: "EtcdLedgerDriver",
            dependencies: [
                .product(name: "Workload", package: "Workload"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "vortex-driver-etcd",
            dependencies: [
                "EtcdLedgerDriver",
                .product(name: "Workload", package: "Workload"),
            ]
        ),
        // The register driver for etcd (docs/workload.md, "The register protocol"): the
        // register calls of the same etcd client, one JSON line per request.
        .executableTarget(
            name: "vortex-driver-etcd-register",
            dependencies: ["EtcdLedgerDriver"]
        ),
        .testTarget(
            name: "EtcdLedgerDriverTests",
            dependencies: [
                "EtcdLedgerDriver",
                .product(name: "Workload", package: "Workload"),
            ]
        ),
        .testTarget(
            name: "VortexTests",
            dependencies: [
                "VortexHarness",
                .product(name: "ProcessControl", package: "ProcessControl"),
                .product(name: "Workload", package: "Workload"),
                .product(name: "FaultProxy", package: "FaultProxy"),
                .product(name: "Netem", package: "Netem"),
                .product(name: "Linearizability", package: "Linearizability"),
            ],
            exclude: ["Fixtures"]
        ),
    ]
)

/// What a mirrored test target needs beyond its own package (keep in step with the package's
/// own manifest).
let mirroredTestDependencies: [String: [Target.Dependency]] = [
    "ProcessControl": [.product(name: "process-control-fixture", package: "ProcessControl")],
    "ChromeTrace": [.product(name: "chrome-trace-fixture", package: "ChromeTrace")],
    "FaultProxy": [.product(name: "NIOPosix", package: "swift-nio")],
    "Supervision": [.product(name: "ProcessControl", package: "ProcessControl")],
]

/// Folders of a package's tests that hold fixtures rather than Swift sources.
let testFixtureFolders: [String: [String]] = [
    "Workload": ["Fixtures"]
]

// Mirror each local package's tests into the root package, so `swift test` runs them all.
for name in localPackages {
    package.targets.append(
        .testTarget(
            name: "\(name)Tests",
            dependencies: [.product(name: name, package: name)]
                + (mirroredTestDependencies[name] ?? []),
            path: "Packages/\(name)/Tests/\(name)Tests",
            exclude: testFixtureFolders[name] ?? []
        )
    )
}

// Same settings in every manifest of the repository: warnings are errors in our code.
for target in package.targets where target.type != .plugin && target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .treatAllWarnings(as: .error),
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
