// The `vortex` command line: a thin layer of swift-argument-parser over the harness and the
// modules. Each subcommand lives in its own file (`<Name>Command.swift`) and is listed here.

import ArgumentParser

@main
struct Vortex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vortex",
        abstract: "Fault-injection test harness for replicated systems.",
        discussion: """
            Starts a cluster of real replica processes, drives a model-checking workload against
            it, and injects process and network faults from a seeded schedule.
            """,
        version: VortexVersion.current,
        subcommands: []
    )
}

/// The version printed by `vortex --version`.
enum VortexVersion {
    static let current = "0.1.0"
}
