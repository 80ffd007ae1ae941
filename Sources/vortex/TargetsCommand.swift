// `vortex targets`: lists the built-in targets, and checks a target file when given one, so users
// can validate a file without starting a run.

import ArgumentParser
import VortexHarness

/// `vortex targets`: lists built-in targets or checks a target file.
struct TargetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: "List the built-in targets, or check a target file."
    )

    @Argument(help: "A .toml or .yaml target file to check instead of listing the built-ins.")
    var file: String?

    func run() throws {
        if let file {
            let target: TargetDefinition
            do {
                target = try TargetFile.load(path: file, fromTargetFlag: false)
            } catch {
                throw ValidationError(error.message)
            }
            print(TargetListing.describe(target))
            return
        }
        for name in BuiltinTargets.names {
            if let target = BuiltinTargets.target(named: name) {
                print(TargetListing.describe(target))
            }
        }
    }
}
