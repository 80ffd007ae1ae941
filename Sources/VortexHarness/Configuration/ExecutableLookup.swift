// Finds the executables a run needs before anything starts (the replica binary, the driver, the
// TigerBeetle binary), so that "etcd is not installed" is a one-line configuration error and not
// a replica that fails to start in the middle of a run.

import Foundation

/// Resolves command names to executable files the way `execvp` would.
public enum ExecutableLookup {
    /// Where a name was looked for and what was found.
    public enum Result: Sendable, Hashable {
        /// An executable regular file at this absolute or relative path.
        case found(String)
        /// Nothing of that name exists.
        case missing
        /// A file exists but is not executable (or is a directory).
        case notExecutable(String)
    }

    /// Resolves `name`: a name containing `/` is used as a path, anything else is searched in
    /// the directories of `searchPath` (a `PATH`-style list).
    public static func resolve(_ name: String, searchPath: String) -> Result {
        if name.contains("/") {
            return check(name)
        }
        var firstNonExecutable: String?
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            switch check(candidate) {
            case .found(let path): return .found(path)
            case .notExecutable(let path): firstNonExecutable = firstNonExecutable ?? path
            case .missing: continue
            }
        }
        return firstNonExecutable.map { .notExecutable($0) } ?? .missing
    }

    private static func check(_ path: String) -> Result {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .missing
        }
        guard !isDirectory.boolValue, access(path, X_OK) == 0 else {
            return .notExecutable(path)
        }
        return .found(path)
    }

    /// Resolves `name` or throws a one-line error that says how to fix it.
    ///
    /// - Parameters:
    ///   - name: the command name or path.
    ///   - searchPath: a `PATH`-style list.
    ///   - purpose: what the executable is for (`the etcd replicas`), for the message.
    ///   - hint: how to get it (`install etcd-server: apt-get install etcd-server`).
    public static func require(
        _ name: String,
        searchPath: String,
        purpose: String,
        hint: String
    ) throws(ConfigurationError) -> String {
        switch resolve(name, searchPath: searchPath) {
        case .found(let path): return path
        case .missing:
            let location = name.contains("/") ? "" : " in PATH"
            throw ConfigurationError("\(name) (for \(purpose)) not found\(location); \(hint)")
        case .notExecutable(let path):
            throw ConfigurationError(
                "\(path) (for \(purpose)) is not an executable file; chmod +x it or \(hint)"
            )
        }
    }
}
