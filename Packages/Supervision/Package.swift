// swift-tools-version: 6.2

// Supervision: an OTP-style supervision core for OS processes (through ProcessControl), async
// tasks and nested supervisors: ordered start, reverse-order shutdown, restart strategies and
// intensity, backoff, auto-shutdown, run-time control and a typed lifecycle event stream.
// See docs/supervision.md. It builds and tests alone:
//   swift test --package-path Packages/Supervision

import PackageDescription

let package = Package(
    name: "Supervision",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Supervision", targets: ["Supervision"])
    ],
    dependencies: [
        .package(path: "../ProcessControl")
    ],
    targets: [
        .target(
            name: "Supervision",
            dependencies: [.product(name: "ProcessControl", package: "ProcessControl")]
        ),
        // The runnable example of docs/supervision.md.
        .executableTarget(
            name: "supervision-example",
            dependencies: [
                "Supervision",
                .product(name: "ProcessControl", package: "ProcessControl"),
            ]
        ),
        .testTarget(
            name: "SupervisionTests",
            dependencies: [
                "Supervision",
                .product(name: "ProcessControl", package: "ProcessControl"),
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
