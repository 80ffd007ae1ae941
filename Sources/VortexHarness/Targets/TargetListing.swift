// The text `vortex targets` prints for a target: its name and summary, then its ports, start-up
// grace and commands, so a user can see exactly what vortex would run.

import Foundation

/// Renders target definitions for people.
public enum TargetListing {
    /// A few lines describing `target`; commands show their placeholders.
    public static func describe(_ target: TargetDefinition) -> String {
        var lines = ["\(target.name): \(target.summary)"]
        lines.append(
            "  ports: \(target.ports.joined(separator: ", ")) (proxied: "
                + "\(target.proxiedPorts.joined(separator: ", ")); corruptible: "
                + "\(target.corruptiblePorts.isEmpty ? "none" : target.corruptiblePorts.joined(separator: ", ")))"
        )
        lines.append(
            "  startup-grace: \(DurationSyntax.format(target.startupGrace)), "
                + "max-events-per-request: \(target.maxEventsPerRequest)"
        )
        if let prepare = target.prepare {
            lines.append("  prepare: \(render(prepare))")
        }
        lines.append("  start: \(render(target.start))")
        for workload in target.driver.workloads {
            let driver =
                target.driver.command(for: workload).map(render) ?? "(--driver-command required)"
            lines.append(
                "  driver (\(workload)): \(driver) <cluster> <advertised "
                    + "\(target.driver.addressesPort) ports>"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// A command with its placeholders written back in braces.
    static func render(_ command: CommandTemplate) -> String {
        command.arguments.map { argument in
            argument.map { segment in
                switch segment {
                case .literal(let text):
                    text.replacingOccurrences(of: "{", with: "{{")
                        .replacingOccurrences(of: "}", with: "}}")
                case .placeholder(let placeholder): "\(placeholder)"
                }
            }.joined()
        }.joined(separator: " ")
    }
}
