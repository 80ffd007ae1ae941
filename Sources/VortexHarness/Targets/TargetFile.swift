// Target files: the same fields as a built-in target, written in TOML (`.toml`) or YAML
// (`.yaml`/`.yml`), so users can point vortex at their own system without writing Swift. Both
// formats are read into one small value tree and decoded by one decoder, so both give the same
// one-line errors for a missing field, a wrong type or an unknown key (a typo is never ignored).

import Foundation
import TOMLKit
import Yams

/// A parsed target file before its fields are checked.
indirect enum TargetFileValue {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case float(Double)
    case array([TargetFileValue])
    case table([String: TargetFileValue])
    case other(String)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .float: "a number"
        case .array: "a list"
        case .table: "a table"
        case .other(let name): name
        }
    }
}

/// Reads target files.
public enum TargetFile {
    /// File name endings accepted as target files.
    public static let extensions = ["toml", "yaml", "yml"]

    /// Reads and checks the target file at `path`.
    ///
    /// - Parameter fromTargetFlag: whether the path came from `--target` (whose error lines
    ///   also point at the built-in targets) rather than from `vortex targets FILE`.
    /// - Throws: ``ConfigurationError`` naming the file and what is wrong with it.
    public static func load(
        path: String,
        fromTargetFlag: Bool = true
    ) throws(ConfigurationError) -> TargetDefinition {
        let fileExtension = (path as NSString).pathExtension.lowercased()
        guard extensions.contains(fileExtension) else {
            throw ConfigurationError(
                fromTargetFlag
                    ? "--target '\(path)' is not etcd, tigerbeetle or a target file ending in "
                        + ".toml, .yaml or .yml; run 'vortex targets' for the built-ins"
                    : "'\(path)' is not a target file: its name must end in .toml, .yaml or .yml"
            )
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError(
                "target file \(path) does not exist; check the path"
                    + (fromTargetFlag ? " or use --target etcd" : "")
            )
        }
        guard !isDirectory.boolValue else {
            throw ConfigurationError(
                "target file \(path) is a directory; name a .toml or .yaml file"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("target file \(path) cannot be read; check its permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("target file \(path) is not UTF-8 text; save it as UTF-8")
        }
        return try parse(text, format: fileExtension, path: path)
    }

    /// Parses target-file text: `format` is `toml`, or `yaml`/`yml`.
    ///
    /// - Throws: ``ConfigurationError`` naming `path` and what is wrong with the text.
    public static func parse(
        _ text: String,
        format: String,
        path: String
    ) throws(ConfigurationError)
        -> TargetDefinition
    {
        let root =
            format == "toml" ? try parseTOML(text, path: path) : try parseYAML(text, path: path)
        guard case .table(let fields) = root else {
            throw ConfigurationError(
                "target file \(path) must hold a table of fields at the top, found \(root.typeName)"
            )
        }
        return try TargetFileDecoder(path: path).decode(fields)
    }

    private static func parseTOML(
        _ text: String,
        path: String
    ) throws(ConfigurationError)
        -> TargetFileValue
    {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                "target file \(path) is not valid TOML (line \(error.source.begin.line), column "
                    + "\(error.source.begin.column)): \(error.description)"
            )
        } catch {
            throw ConfigurationError("target file \(path) is not valid TOML: \(error)")
        }
        return convert(table.tomlValue)
    }

    private static func convert(_ value: TOMLValue) -> TargetFileValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return value.int.map { .integer($0) } ?? .other("an integer")
        case .bool: return value.bool.map { .boolean($0) } ?? .other("a boolean")
        case .double: return value.double.map { .float($0) } ?? .other("a number")
        case .array:
            return .array(value.array.map { $0.map { convert($0.tomlValue) } } ?? [])
        case .table:
            guard let table = value.table else { return .table([:]) }
            var fields: [String: TargetFileValue] = [:]
            for key in table.keys {
                if let field = table[key] { fields[key] = convert(field.tomlValue) }
            }
            return .table(fields)
        case .date, .time, .dateTime: return .other("a date or time")
        }
    }

    private static func parseYAML(
        _ text: String,
        path: String
    ) throws(ConfigurationError)
        -> TargetFileValue
    {
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            let firstLine = "\(error)".split(whereSeparator: \.isNewline).first ?? ""
            throw ConfigurationError("target file \(path) is not valid YAML: \(firstLine)")
        }
        guard let loaded else {
            throw ConfigurationError("target file \(path) is empty; see docs/targets.md")
        }
        return convert(yaml: loaded)
    }

    private static func convert(yaml value: Any) -> TargetFileValue {
        switch value {
        case let text as String: return .string(text)
        case let flag as Bool: return .boolean(flag)
        case let number as Int: return .integer(number)
        case let number as Double: return .float(number)
        case let list as [Any]: return .array(list.map { convert(yaml: $0) })
        case let mapping as [String: Any]:
            return .table(mapping.mapValues { convert(yaml: $0) })
        case let mapping as [AnyHashable: Any]:
            var fields: [String: TargetFileValue] = [:]
            for (key, field) in mapping { fields["\(key)"] = convert(yaml: field) }
            return .table(fields)
        default: return .other("an unsupported value")
        }
    }
}
