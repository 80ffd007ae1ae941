// swift-tools-version: 6.2

// ChromeTrace: see docs/ for what this package is for. It builds and tests alone:
//   swift test --package-path Packages/ChromeTrace

import PackageDescription

let package = Package(
    name: "ChromeTrace",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ChromeTrace", targets: ["ChromeTrace"])
    ],
    targets: [
        .target(name: "ChromeTrace"),
        .testTarget(name: "ChromeTraceTests", dependencies: ["ChromeTrace"]),
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
