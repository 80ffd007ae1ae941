// swift-tools-version: 6.2

// ChromeTrace: a streaming writer of Chrome Trace Event JSON that Perfetto and chrome://tracing
// open, used by the harness to put process lifecycle, faults and requests on one timeline.
// See docs/trace.md. It builds and tests alone:
//   swift test --package-path Packages/ChromeTrace

import PackageDescription

let package = Package(
    name: "ChromeTrace",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ChromeTrace", targets: ["ChromeTrace"]),
        // Writes a trace and then waits to be killed; the tests SIGKILL it to prove that an
        // interrupted trace still loads.
        .executable(name: "chrome-trace-fixture", targets: ["chrome-trace-fixture"]),
    ],
    targets: [
        .target(name: "ChromeTrace"),
        .executableTarget(name: "chrome-trace-fixture", dependencies: ["ChromeTrace"]),
        .testTarget(
            name: "ChromeTraceTests",
            dependencies: ["ChromeTrace", "chrome-trace-fixture"]
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
