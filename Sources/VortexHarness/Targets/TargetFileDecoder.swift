// Turns the value tree of a target file into a TargetDefinition, field by field, with one-line
// errors that name the file and the field. Unknown keys are errors so that a misspelt field is
// never silently ignored.

/// Decodes the fields of one target file.
struct TargetFileDecoder {
    let path: String

    private static let topKeys: Set<String> = [
        "name", "description", "ports", "proxied-ports", "corruptible-ports", "startup-grace",
        "max-events-per-request", "cluster", "replica", "driver",
    ]
    private static let replicaKeys: Set<String> = ["prepare", "start"]
    private static let driverKeys: Set<String> = [
        "command", "addresses-port", "workloads", "commands",
    ]

    func decode(_ fields: [String: TargetFileValue]) throws(ConfigurationError) -> TargetDefinition
    {
        try checkKeys(fields, allowed: Self.topKeys, section: nil)
        let name = try string(fields, "name")
        let summary = try optionalString(fields, "description") ?? "target file \(path)"
        let ports = try stringList(fields, "ports")
        let proxiedPorts = try stringList(fields, "proxied-ports")
        let corruptiblePorts =
            fields["corruptible-ports"] == nil ? nil : try stringList(fields, "corruptible-ports")
        let startupGrace = try optionalString(fields, "startup-grace").map {
            (text) throws(ConfigurationError) -> Duration in
            try DurationSyntax.parse(text, name: "\(path): startup-grace")
        }
        let maxEvents = try optionalInteger(fields, "max-events-per-request")
        let cluster = try optionalInteger(fields, "cluster")
        if let cluster, cluster < 0 {
            throw error("cluster must be 0 or positive, found \(cluster)")
        }
        let replica = try table(fields, "replica")
        try checkKeys(replica, allowed: Self.replicaKeys, section: "replica")
        let driverFields = try table(fields, "driver")
        try checkKeys(driverFields, allowed: Self.driverKeys, section: "driver")
        // Ports are checked by TargetDefinition; the commands need the list to know the names.
        let start = try command(replica, "start", section: "replica", ports: ports)
        let prepare = try optionalCommand(replica, "prepare", section: "replica", ports: ports)
        let driverCommand = try optionalCommand(
            driverFields,
            "command",
            section: "driver",
            ports: ports
        )
        let addressesPort = try string(driverFields, "addresses-port", section: "driver")
        let workloads = try driverWorkloads(driverFields)
        let workloadCommands = try driverCommands(driverFields, ports: ports)
        do {
            return try TargetDefinition(
                name: name,
                summary: summary,
                ports: ports,
                proxiedPorts: proxiedPorts,
                corruptiblePorts: corruptiblePorts,
                prepare: prepare,
                start: start,
                startupGrace: startupGrace ?? .seconds(5),
                driver: DriverDefinition(
                    command: driverCommand,
                    addressesPort: addressesPort,
                    workloads: workloads,
                    workloadCommands: workloadCommands
                ),
                maxEventsPerRequest: maxEvents ?? TargetDefinition.maxEventsPerRequestLimit,
                cluster: UInt64(cluster ?? 0)
            )
        } catch {
            throw ConfigurationError("target file \(path): \(error.message)")
        }
    }

    /// `driver.workloads`: the workloads the driver speaks (default: the ledger).
    private func driverWorkloads(
        _ fields: [String: TargetFileValue]
    ) throws(ConfigurationError) -> [WorkloadKind] {
        guard fields["workloads"] != nil else { return [.ledger] }
        var workloads: [WorkloadKind] = []
        for name in try stringList(fields, "workloads", section: "driver") {
            guard let workload = WorkloadKind(rawValue: name) else {
                throw error(
                    "driver.workloads names '\(name)', which is not a workload "
                        + "(\(WorkloadKind.names))"
                )
            }
            workloads.append(workload)
        }
        return workloads
    }

    /// `driver.commands`: a table of workload name to the command of its driver.
    private func driverCommands(
        _ fields: [String: TargetFileValue],
        ports: [String]
    ) throws(ConfigurationError) -> [WorkloadKind: CommandTemplate] {
        guard fields["commands"] != nil else { return [:] }
        let commands = try table(fields, "commands", section: "driver")
        try checkKeys(
            commands,
            allowed: Set(WorkloadKind.allCases.map(\.rawValue)),
            section: "driver.commands"
        )
        var result: [WorkloadKind: CommandTemplate] = [:]
        for workload in WorkloadKind.allCases where commands[workload.rawValue] != nil {
            result[workload] = try command(
                commands,
                workload.rawValue,
                section: "driver.commands",
                ports: ports
            )
        }
        return result
    }

    private func error(_ text: String) -> ConfigurationError {
        ConfigurationError("target file \(path): \(text); see docs/targets.md")
    }

    private func qualified(_ key: String, _ section: String?) -> String {
        section.map { "\($0).\(key)" } ?? key
    }

    private func checkKeys(
        _ fields: [String: TargetFileValue],
        allowed: Set<String>,
        section: String?
    ) throws(ConfigurationError) {
        for key in fields.keys.sorted() where !allowed.contains(key) {
            throw error(
                "unknown field '\(qualified(key, section))' (known: "
                    + "\(allowed.sorted().joined(separator: ", ")))"
            )
        }
    }

    private func string(
        _ fields: [String: TargetFileValue],
        _ key: String,
        section: String? = nil
    ) throws(ConfigurationError) -> String {
        guard let value = try optionalString(fields, key, section: section) else {
            throw error("missing field '\(qualified(key, section))'")
        }
        return value
    }

    private func optionalString(
        _ fields: [String: TargetFileValue],
        _ key: String,
        section: String? = nil
    ) throws(ConfigurationError) -> String? {
        guard let value = fields[key] else { return nil }
        guard case .string(let text) = value else {
            throw error("'\(qualified(key, section))' must be a string, found \(value.typeName)")
        }
        guard !text.isEmpty else {
            throw error("'\(qualified(key, section))' is empty")
        }
        return text
    }

    private func optionalInteger(
        _ fields: [String: TargetFileValue],
        _ key: String
    ) throws(ConfigurationError) -> Int? {
        guard let value = fields[key] else { return nil }
        guard case .integer(let number) = value else {
            throw error("'\(key)' must be an integer, found \(value.typeName)")
        }
        return number
    }

    private func stringList(
        _ fields: [String: TargetFileValue],
        _ key: String,
        section: String? = nil
    ) throws(ConfigurationError) -> [String] {
        guard let value = fields[key] else {
            throw error("missing field '\(qualified(key, section))'")
        }
        guard case .array(let items) = value else {
            throw error(
                "'\(qualified(key, section))' must be a list of strings, found \(value.typeName)"
            )
        }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw error(
                    "'\(qualified(key, section))' must be a list of strings, found \(item.typeName) in it"
                )
            }
            strings.append(text)
        }
        return strings
    }

    private func table(
        _ fields: [String: TargetFileValue],
        _ key: String,
        section: String? = nil
    ) throws(ConfigurationError) -> [String: TargetFileValue] {
        let name = qualified(key, section)
        guard let value = fields[key] else { throw error("missing section '\(name)'") }
        guard case .table(let table) = value else {
            throw error("'\(name)' must be a table of fields, found \(value.typeName)")
        }
        return table
    }

    private func optionalCommand(
        _ fields: [String: TargetFileValue],
        _ key: String,
        section: String,
        ports: [String]
    ) throws(ConfigurationError) -> CommandTemplate? {
        guard fields[key] != nil else { return nil }
        return try command(fields, key, section: section, ports: ports)
    }

    /// A command is a list of arguments, or one string split on spaces.
    private func command(
        _ fields: [String: TargetFileValue],
        _ key: String,
        section: String,
        ports: [String]
    ) throws(ConfigurationError) -> CommandTemplate {
        let field = qualified(key, section)
        guard let value = fields[key] else { throw error("missing field '\(field)'") }
        let arguments: [String]
        switch value {
        case .string(let text): arguments = text.split(separator: " ").map(String.init)
        case .array: arguments = try stringList(fields, key, section: section)
        default:
            throw error(
                "'\(field)' must be a command (a string or a list), found \(value.typeName)"
            )
        }
        do {
            return try CommandTemplate(arguments, ports: ports, field: field)
        } catch {
            throw ConfigurationError("target file \(path): \(error.message)")
        }
    }
}
