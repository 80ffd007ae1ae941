// Where the labelled Jepsen histories are: $VORTEX_HISTORIES_DIR, or ../shared/histories beside
// the repository (found by walking up from this file to the folder holding Package.swift and
// Packages/). Users of the repository have no ../shared, so absence is a skip with a reason,
// except under CI (env CI set), where it fails.

import Foundation

enum SharedHistories {
    /// True under CI (the environment variable CI is set), where the folder must exist.
    static var underCI: Bool {
        ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// The folder, or nil with the reason it was not found.
    static func folder() -> (path: String?, reason: String) {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["VORTEX_HISTORIES_DIR"], !configured.isEmpty {
            let exists = FileManager.default.fileExists(atPath: configured + "/README.md")
            return (
                exists ? configured : nil, "VORTEX_HISTORIES_DIR=\(configured) has no README.md"
            )
        }
        guard let root = repositoryRoot() else {
            return (nil, "no repository root above \(#filePath)")
        }
        let candidate = URL(fileURLWithPath: root).deletingLastPathComponent()
            .appendingPathComponent("shared/histories").path
        let exists = FileManager.default.fileExists(atPath: candidate + "/README.md")
        return (exists ? candidate : nil, "\(candidate) does not exist (set VORTEX_HISTORIES_DIR)")
    }

    /// The repository root: the nearest folder above this file with Package.swift and Packages/.
    static func repositoryRoot() -> String? {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<12 {
            let manifest = url.appendingPathComponent("Package.swift").path
            let packages = url.appendingPathComponent("Packages").path
            if FileManager.default.fileExists(atPath: manifest)
                && FileManager.default.fileExists(atPath: packages)
            {
                return url.path
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// The README's table: file name → linearizable.
    static func labels(in folder: String) throws -> [String: Bool] {
        let readme = try String(contentsOfFile: folder + "/README.md", encoding: .utf8)
        var labels: [String: Bool] = [:]
        for line in readme.split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, cells[0].hasSuffix(".log") else { continue }
            switch cells[1] {
            case "yes": labels[cells[0]] = true
            case "no": labels[cells[0]] = false
            default: continue
            }
        }
        return labels
    }
}
