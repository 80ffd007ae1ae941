// The values of a run's placeholders: from the cluster layout (ports, addresses), the output
// directory (per-replica data directories) and the flags (`{tigerbeetle}`). Expands target
// commands into the argv vortex spawns for each replica and for the driver.

/// Fills in the placeholders of target commands for one run.
public struct PlaceholderValues: Sendable {
    /// Ports and addresses of the run.
    public let layout: ClusterLayout
    /// The run's output directory.
    public let outputDirectory: String
    /// The directory of the `vortex` executable.
    public let vortexDirectory: String
    /// `--tigerbeetle-executable`, when given.
    public let tigerbeetleExecutable: String?
    /// The cluster id.
    public let cluster: UInt64

    /// Creates the values of a run.
    public init(
        layout: ClusterLayout,
        outputDirectory: String,
        vortexDirectory: String,
        tigerbeetleExecutable: String?,
        cluster: UInt64
    ) {
        self.layout = layout
        self.outputDirectory = outputDirectory
        self.vortexDirectory = vortexDirectory
        self.tigerbeetleExecutable = tigerbeetleExecutable
        self.cluster = cluster
    }

    /// The values of a validated configuration.
    public init(_ configuration: RunConfiguration) {
        self.init(
            layout: configuration.layout,
            outputDirectory: configuration.outputDirectory,
            vortexDirectory: configuration.vortexDirectory,
            tigerbeetleExecutable: configuration.tigerbeetleExecutable,
            cluster: configuration.target.cluster
        )
    }

    /// The data directory of a replica: `<output>/replica-<i>.data`.
    public func dataDirectory(replica: Int) -> String {
        "\(outputDirectory)/replica-\(replica).data"
    }

    /// The text of `placeholder` for `replica` (nil for the driver).
    public func value(_ placeholder: Placeholder, replica: Int?) -> String {
        switch placeholder {
        case .replicaCount: return "\(layout.replicaCount)"
        case .output: return outputDirectory
        case .cluster: return "\(cluster)"
        case .vortexDirectory: return vortexDirectory
        case .tigerbeetle:
            guard let tigerbeetleExecutable else {
                preconditionFailure(
                    "validation requires --tigerbeetle-executable for {tigerbeetle}"
                )
            }
            return tigerbeetleExecutable
        case .advertisedAddresses(let name): return layout.advertisedAddresses(name)
        case .members(let name): return layout.members(name)
        default: break
        }
        guard let replica else {
            preconditionFailure("validation rejects per-replica placeholders in driver commands")
        }
        switch placeholder {
        case .replica: return "\(replica)"
        case .member: return ClusterLayout.memberName(replica: replica)
        case .host: return layout.host(replica: replica)
        case .data: return dataDirectory(replica: replica)
        case .port(let name): return "\(layout.realPort(name, replica: replica))"
        case .advertisedPort(let name): return "\(layout.advertisedPort(name, replica: replica))"
        case .advertisedAddress(let name): return layout.advertisedAddress(name, replica: replica)
        case .addresses(let name): return layout.addresses(name, seenBy: replica)
        default: preconditionFailure("\(placeholder) is handled above")
        }
    }

    /// The argv of a replica command.
    public func replicaCommand(_ template: CommandTemplate, replica: Int) -> [String] {
        precondition(replica >= 0 && replica < layout.replicaCount, "replica index in range")
        return template.expand { value($0, replica: replica) }
    }

    /// The argv of the driver: the command, then `<cluster> <addresses>` as the original.
    public func driverCommand(_ template: CommandTemplate, addressesPort: String) -> [String] {
        precondition(layout.portNames.contains(addressesPort), "driver port is declared")
        return template.expand { value($0, replica: nil) }
            + ["\(cluster)", layout.driverAddresses(addressesPort)]
    }
}
