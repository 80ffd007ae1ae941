// swift-tools-version: 6.2

// Benchmarks: one ordo-one/benchmark target per module, each measuring the module against a
// baseline taken in the same run (raw syscalls, socat/HAProxy, tc, JSONEncoder, Erlang/OTP …).
// Run one:  swift package --package-path Benchmarks benchmark --target ProcessControlBenchmarks
// Figures and how to reproduce them: docs/benchmarks.md.

import Foundation
import PackageDescription

/// Each benchmark target measures the local package of the same name (minus "Benchmarks").
let benchmarkedPackages = [
    "ProcessControl", "Supervision", "FaultProxy", "Netem", "ChromeTrace", "Workload",
    "Linearizability",
]

/// Extra dependencies of a benchmark target beyond its own package and Benchmark.
let extraDependencies: [String: [Target.Dependency]] = [
    "FaultProxy": [.product(name: "NIOPosix", package: "swift-nio")]
]

let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: benchmarkedPackages.map { .package(path: "../Packages/\($0)") } + [
        .package(
            url: "https://github.com/ordo-one/benchmark.git",
            from: "1.29.0",
            traits: ["MallocInterposer"]
        ),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(path: ".."),
    ],
    targets: benchmarkedPackages.map { name in
        .executableTarget(
            name: "\(name)Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: name, package: name),
            ] + (extraDependencies[name] ?? []),
            path: "Benchmarks/\(name)Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    }
)

// Foundation's Process waits differently on the main thread; ordo-one/benchmark runs closures
// elsewhere, so that baseline is a program of its own.
package.targets.append(
    .executableTarget(
        name: "ProcessWaitBaseline",
        dependencies: [.product(name: "ProcessControl", package: "ProcessControl")],
        path: "Benchmarks/ProcessWaitBaseline"
    )
)

/// The root package (the harness) is known by its folder's name, whatever the clone is called.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().lastPathComponent

// The partition benchmark measures the harness (VortexHarness's stand-in cluster and backends),
// not a local package. Its C part puts each benchmark process in a network namespace of its own
// before any thread starts (root only), where the stand-in replicas get their hosts.
package.targets += [
    .target(
        name: "COwnNetworkNamespace",
        path: "Benchmarks/COwnNetworkNamespace"
    ),
    .executableTarget(
        name: "PartitionBenchmarks",
        dependencies: [
            "COwnNetworkNamespace",
            .product(name: "Benchmark", package: "benchmark"),
            .product(name: "VortexHarness", package: rootPackage),
        ],
        path: "Benchmarks/PartitionBenchmarks",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
]
