// Command lines of a target with placeholders (`{replica}`, `{port.peer}`, `{members.peer}` …),
// parsed once when the target is loaded so that an unknown placeholder or port name is a clear
// configuration error before anything starts, and expanded per replica from the cluster layout.

import Foundation

/// One placeholder a target command may use. See docs/targets.md for the full table.
public enum Placeholder: Sendable, Hashable, CustomStringConvertible {
    /// `{replica}`: the replica index, 0-based.
    case replica
    /// `{replica-count}`: the number of replicas.
    case replicaCount
    /// `{member}`: the replica's member name, `r<index>`.
    case member
    /// `{data}`: the replica's own data directory (created empty before the first start).
    case data
    /// `{output}`: the run's output directory.
    case output
    /// `{cluster}`: the cluster id (0, as in the original).
    case cluster
    /// `{vortex-dir}`: the directory holding the running `vortex` executable.
    case vortexDirectory
    /// `{tigerbeetle}`: the path given with `--tigerbeetle-executable`.
    case tigerbeetle
    /// `{host}`: this replica's own address (127.1.0.(i+1)), where it listens.
    case host
    /// `{port.NAME}`: the port this replica listens on for NAME.
    case port(String)
    /// `{advertised-port.NAME}`: the port others use to reach this replica's NAME port.
    case advertisedPort(String)
    /// `{advertised-address.NAME}`: `host:port` others use to reach this replica's NAME port.
    case advertisedAddress(String)
    /// `{addresses.NAME}`: `host:port` of every replica's NAME port as seen by this replica: its
    /// own listening port at its own index, the advertised ports of the others.
    case addresses(String)
    /// `{advertised-addresses.NAME}`: `host:port` of every replica's advertised NAME port.
    case advertisedAddresses(String)
    /// `{members.NAME}`: `r0=http://host:port,…` of every replica's advertised NAME port (the
    /// form of etcd's `--initial-cluster`).
    case members(String)

    /// The placeholder as written in a command, with braces.
    public var description: String {
        switch self {
        case .replica: "{replica}"
        case .replicaCount: "{replica-count}"
        case .member: "{member}"
        case .data: "{data}"
        case .output: "{output}"
        case .cluster: "{cluster}"
        case .vortexDirectory: "{vortex-dir}"
        case .tigerbeetle: "{tigerbeetle}"
        case .host: "{host}"
        case .port(let name): "{port.\(name)}"
        case .advertisedPort(let name): "{advertised-port.\(name)}"
        case .advertisedAddress(let name): "{advertised-address.\(name)}"
        case .addresses(let name): "{addresses.\(name)}"
        case .advertisedAddresses(let name): "{advertised-addresses.\(name)}"
        case .members(let name): "{members.\(name)}"
        }
    }

    /// Whether the placeholder refers to one replica (so it has no meaning in the driver command).
    public var isPerReplica: Bool {
        switch self {
        case .replica, .member, .data, .host, .port, .advertisedPort, .advertisedAddress,
            .addresses:
            true
        default: false
        }
    }

    /// The names a target command may use, for error messages.
    static let namesForHelp =
        "replica, replica-count, member, data, output, cluster, vortex-dir, tigerbeetle, host, "
        + "port.NAME, advertised-port.NAME, advertised-address.NAME, addresses.NAME, "
        + "advertised-addresses.NAME, members.NAME"

    static func parse(
        _ name: Substring,
        ports: [String]
    ) -> Placeholder? {
        switch name {
        case "replica": return .replica
        case "replica-count": return .replicaCount
        case "member": return .member
        case "data": return .data
        case "output": return .output
        case "cluster": return .cluster
        case "vortex-dir": return .vortexDirectory
        case "tigerbeetle": return .tigerbeetle
        case "host": return .host
        default: break
        }
        guard let dot = name.firstIndex(of: ".") else { return nil }
        let kind = name[..<dot]
        let port = String(name[name.index(after: dot)...])
        guard ports.contains(port) else { return nil }
        switch kind {
        case "port": return .port(port)
        case "advertised-port": return .advertisedPort(port)
        case "advertised-address": return .advertisedAddress(port)
        case "addresses": return .addresses(port)
        case "advertised-addresses": return .advertisedAddresses(port)
        case "members": return .members(port)
        default: return nil
        }
    }
}

/// One piece of a command argument: literal text or a placeholder.
public enum TemplateSegment: Sendable, Hashable {
    /// Text copied as it is.
    case literal(String)
    /// A value filled in per run and replica.
    case placeholder(Placeholder)
}

/// A command line (argv) whose arguments may contain placeholders. `{{` and `}}` stand for
/// literal braces.
public struct CommandTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The arguments, each a sequence of segments; the first one names the executable.
    public let arguments: [[TemplateSegment]]

    /// Every placeholder the command uses, in order of appearance.
    public var placeholders: [Placeholder] {
        arguments.flatMap { argument in
            argument.compactMap { segment in
                if case .placeholder(let placeholder) = segment { return placeholder }
                return nil
            }
        }
    }

    /// Parses a command.
    ///
    /// - Parameters:
    ///   - arguments: argv as written, the executable first.
    ///   - ports: the port names the target declares (for `{port.NAME}` and friends).
    ///   - field: where the command comes from, for error messages (`replica.start`).
    /// - Throws: ``ConfigurationError`` for an empty command, an unknown placeholder or port
    ///   name, or an unbalanced brace.
    public init(
        _ arguments: [String],
        ports: [String],
        field: String
    ) throws(ConfigurationError) {
        guard let first = arguments.first, !first.isEmpty else {
            throw ConfigurationError("\(field) is an empty command; give the executable first")
        }
        var parsed: [[TemplateSegment]] = []
        for argument in arguments {
            parsed.append(try Self.parseArgument(argument, ports: ports, field: field))
        }
        self.arguments = parsed
    }

    /// Splits `text` on runs of spaces (no quoting, as the original's `--driver-command`) and
    /// parses the pieces.
    public init(splitting text: String, ports: [String], field: String) throws(ConfigurationError) {
        try self.init(text.split(separator: " ").map(String.init), ports: ports, field: field)
    }

    private static func parseArgument(
        _ argument: String,
        ports: [String],
        field: String
    ) throws(ConfigurationError) -> [TemplateSegment] {
        var segments: [TemplateSegment] = []
        var literal = ""
        var index = argument.startIndex
        while index < argument.endIndex {
            let character = argument[index]
            let next = argument.index(after: index)
            let nextCharacter = next < argument.endIndex ? argument[next] : nil
            if character == "{" && nextCharacter == "{" || character == "}" && nextCharacter == "}"
            {
                literal.append(character)
                index = argument.index(after: next)
                continue
            }
            if character == "}" {
                throw ConfigurationError(
                    "\(field) has an unmatched '}' in '\(argument)'; write '}}' for a literal brace"
                )
            }
            guard character == "{" else {
                literal.append(character)
                index = next
                continue
            }
            guard let close = argument[next...].firstIndex(of: "}") else {
                throw ConfigurationError(
                    "\(field) has an unclosed '{' in '\(argument)'; write '{{' for a literal brace"
                )
            }
            let name = argument[next..<close]
            guard let placeholder = Placeholder.parse(name, ports: ports) else {
                throw ConfigurationError(
                    "\(field) uses unknown placeholder {\(name)}; known: "
                        + "\(Placeholder.namesForHelp) (NAME one of the target's ports: "
                        + "\(ports.joined(separator: ", ")))"
                )
            }
            if !literal.isEmpty {
                segments.append(.literal(literal))
                literal = ""
            }
            segments.append(.placeholder(placeholder))
            index = argument.index(after: close)
        }
        if !literal.isEmpty || segments.isEmpty {
            segments.append(.literal(literal))
        }
        return segments
    }

    /// Expands the command with `value` giving the text of each placeholder.
    public func expand(_ value: (Placeholder) -> String) -> [String] {
        arguments.map { argument in
            argument.map { segment in
                switch segment {
                case .literal(let text): text
                case .placeholder(let placeholder): value(placeholder)
                }
            }.joined()
        }
    }

    /// The command as written: arguments joined by spaces, placeholders in braces.
    public var description: String {
        arguments.map { argument in
            argument.map { segment in
                switch segment {
                case .literal(let text):
                    text.replacingOccurrences(of: "{", with: "{{")
                        .replacingOccurrences(of: "}", with: "}}")
                case .placeholder(let placeholder): placeholder.description
                }
            }.joined()
        }.joined(separator: " ")
    }

    /// Checks that the command names no single replica (a driver serves the whole cluster).
    ///
    /// - Throws: ``ConfigurationError`` naming `field` and the first per-replica placeholder.
    public func requireClusterWide(field: String) throws(ConfigurationError) {
        guard let placeholder = placeholders.first(where: \.isPerReplica) else { return }
        throw ConfigurationError(
            "\(field) uses \(placeholder), which names one replica; the driver serves the whole "
                + "cluster (use {advertised-addresses.NAME})"
        )
    }
}
