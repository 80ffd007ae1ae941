// swift-tools-version: 6.2

// ProcessControl: spawn, signal, suspend, reap and namespace OS processes from Swift without
// Foundation's Process. It depends on nothing else in this repository, so other projects can
// depend on it by path or URL. It builds and tests alone:
//   swift test --package-path Packages/ProcessControl
//
// Platform: Linux only, kernel 5.4 or later (pidfd_open, pidfd_send_signal, clone's
// CLONE_PIDFD, waitid's P_PIDFD), with /proc mounted. SwiftPM cannot declare "Linux only", so no
// `platforms` are listed; Sources/ProcessControl/Platform.swift stops a build anywhere else.

import PackageDescription

let package = Package(
    name: "ProcessControl",
    products: [
        .library(name: "ProcessControl", targets: ["ProcessControl"]),
        // A program the tests run as a separate process (death signal, namespaces).
        .executable(name: "process-control-fixture", targets: ["process-control-fixture"]),
        // An example for users: a parallel command runner (time limits, Ctrl-C, prefixed output).
        .executable(name: "parallel-run", targets: ["parallel-run"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-system.git", from: "1.6.0")
    ],
    targets: [
        // Everything that runs between clone and exec lives in C: async-signal-safe only.
        .target(name: "CProcessControl"),
        .target(
            name: "ProcessControl",
            dependencies: [
                "CProcessControl",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .executableTarget(name: "process-control-fixture", dependencies: ["ProcessControl"]),
        .executableTarget(name: "parallel-run", dependencies: ["ProcessControl"]),
        .testTarget(
            name: "ProcessControlTests",
            dependencies: ["ProcessControl", "process-control-fixture"]
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
