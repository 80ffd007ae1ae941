// Checks that the places a run writes to are usable before the run starts: the output directory
// must be new or empty and creatable, the log file's directory must exist and be writable.

import Foundation

/// Checks output paths; creates nothing.
public enum OutputLocation {
    /// Checks an output directory path and returns it absolute.
    ///
    /// - Throws: ``ConfigurationError`` when it exists and is not an empty directory, or when it
    ///   cannot be created (its nearest existing parent is not a writable directory).
    public static func checkDirectory(_ path: String) throws(ConfigurationError) -> String {
        guard !path.isEmpty else {
            throw ConfigurationError("--output is empty; name a new or empty directory")
        }
        let absolute = absolutePath(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ConfigurationError(
                    "--output \(path) is a file; name a new or empty directory"
                )
            }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? []
            guard entries.isEmpty else {
                throw ConfigurationError(
                    "--output \(path) exists and is not empty; name a new directory or empty it"
                )
            }
            guard access(absolute, W_OK) == 0 else {
                throw ConfigurationError(
                    "--output \(path) is not writable; choose another directory"
                )
            }
            return absolute
        }
        try checkCreatable(absolute, flag: "--output", shown: path)
        return absolute
    }

    /// Checks a log file path and returns it absolute.
    ///
    /// - Throws: ``ConfigurationError`` when it is a directory or its directory is not writable.
    public static func checkLogFile(_ path: String) throws(ConfigurationError) -> String {
        guard !path.isEmpty else {
            throw ConfigurationError("--log is empty; name a file")
        }
        let absolute = absolutePath(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw ConfigurationError("--log \(path) is a directory; name a file")
            }
            guard access(absolute, W_OK) == 0 else {
                throw ConfigurationError("--log \(path) is not writable; choose another file")
            }
            return absolute
        }
        let parent = (absolute as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw ConfigurationError("--log \(path): directory \(parent) does not exist; create it")
        }
        guard access(parent, W_OK) == 0 else {
            throw ConfigurationError("--log \(path): directory \(parent) is not writable")
        }
        return absolute
    }

    /// `path` made absolute against the working directory.
    static func absolutePath(_ path: String) -> String {
        let absolute =
            path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (absolute as NSString).standardizingPath
    }

    /// The nearest existing ancestor must be a writable directory (parents are created).
    private static func checkCreatable(
        _ absolute: String,
        flag: String,
        shown: String
    ) throws(ConfigurationError) {
        var ancestor = (absolute as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        // Each step removes one path component, so the loop ends at "/".
        while !FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory) {
            let parent = (ancestor as NSString).deletingLastPathComponent
            guard parent != ancestor else { break }
            ancestor = parent
        }
        guard isDirectory.boolValue else {
            throw ConfigurationError(
                "\(flag) \(shown) cannot be created: \(ancestor) is a file; choose another path"
            )
        }
        guard access(ancestor, W_OK) == 0 else {
            throw ConfigurationError(
                "\(flag) \(shown) cannot be created: \(ancestor) is not writable; choose another path"
            )
        }
    }
}
