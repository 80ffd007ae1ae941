// Shared pieces of the harness tests: a scratch directory that removes itself, and a run
// environment whose PATH and vortex directory point at real files the test controls.

import Foundation
import VortexHarness

/// A temporary directory for one test, removed by `remove()`.
struct HarnessScratch {
    let path: String

    init() throws {
        path =
            FileManager.default.temporaryDirectory.path + "/vortex-harness-test-"
            + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let file = "\(path)/\(name)"
        let parent = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file)
        }
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// An environment whose vortex directory holds an executable `vortex-driver-etcd` script and
    /// whose PATH is the system's (where Debian's etcd lives).
    func environment(seed: UInt64 = 7) throws -> RunEnvironment {
        try write("bin/vortex-driver-etcd", "#!/bin/sh\nexit 0\n", executable: true)
        return RunEnvironment(
            searchPath: "\(path)/bin:/usr/local/bin:/usr/bin:/bin",
            vortexDirectory: "\(path)/bin",
            temporaryDirectory: path,
            randomSeed: { seed }
        )
    }
}
