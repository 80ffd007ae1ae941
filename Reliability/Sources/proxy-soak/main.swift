// proxy-soak: hundreds of connections through one FaultProxy for minutes while its faults change
// every second; every byte that comes back is compared with what was sent. The proxy runs in a
// child process of its own (`proxy-soak serve`) so that its descriptors and resident memory are
// measured alone, at the start and the end of the soak. Usage:
//   proxy-soak [--seconds 600] [--connections 200] [--corruption-seconds 30] [--seed N]
//              [--report FILE]
//   proxy-soak serve --upstream PORT --seed N     (the proxy process; driven over stdin)
// Exit 0 when every byte matched outside the corruption phase, no connection failed and the
// proxy's descriptors and memory stayed flat; 1 otherwise; 2 for wrong arguments.

import Foundation

/// Arguments as `--name value` pairs after an optional mode word.
struct Arguments {
    let mode: String
    private let values: [String: String]

    init(_ words: [String]) throws(UsageError) {
        var rest = words
        mode = rest.first.map { $0.hasPrefix("--") ? "soak" : rest.removeFirst() } ?? "soak"
        var values: [String: String] = [:]
        while let name = rest.first {
            rest.removeFirst()
            guard name.hasPrefix("--"), let value = rest.first else {
                throw UsageError(
                    "'\(name)' needs the form --name value; see the header of main.swift"
                )
            }
            rest.removeFirst()
            values[String(name.dropFirst(2))] = value
        }
        self.values = values
    }

    func integer(_ name: String, default fallback: Int) throws(UsageError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value >= 0 else {
            throw UsageError("--\(name) '\(text)' is not a whole number")
        }
        return value
    }

    func string(_ name: String) -> String? { values[name] }
}

/// A wrong command line: one line on standard error, exit 2.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    switch arguments.mode {
    case "serve":
        try await ProxyServer.run(
            upstreamPort: arguments.integer("upstream", default: 0),
            seed: UInt64(arguments.integer("seed", default: 1))
        )
    case "soak":
        let settings = SoakSettings(
            seconds: try arguments.integer("seconds", default: 600),
            connections: try arguments.integer("connections", default: 200),
            corruptionSeconds: try arguments.integer("corruption-seconds", default: 30),
            seed: UInt64(try arguments.integer("seed", default: 9)),
            reportPath: arguments.string("report")
        )
        let passed = try await SoakRun(settings: settings).run()
        exit(passed ? 0 : 1)
    default:
        throw UsageError("unknown mode '\(arguments.mode)'; use serve or no mode")
    }
} catch let error as UsageError {
    FileHandle.standardError.write(Data("proxy-soak: \(error.message)\n".utf8))
    exit(2)
}
