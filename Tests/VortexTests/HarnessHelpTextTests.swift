// The help texts as a user sees them at 80 columns: every line fits, and no sentence is broken
// so that one word sits alone on a line (the mark of a source line longer than the screen that
// the parser wrapped on its own).

import Foundation
import Testing

@Suite(.ownThread) struct HarnessHelpTextTests {
    static let helpCommands: [[String]] = [
        ["--help"], ["run", "--help"], ["proxy", "--help"], ["targets", "--help"],
        ["netem-check", "--help"], ["replay", "--help"], ["shrink", "--help"],
        ["sweep", "--help"], ["check", "--help"], ["partition-check", "--help"],
    ]

    @Test(arguments: helpCommands)
    func helpReadsCleanlyAtEightyColumns(arguments: [String]) throws {
        let outcome = try HarnessCLI.run(arguments, environment: ["COLUMNS": "80"])
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count > 3)
        var previous = ""
        for line in lines {
            #expect(line.count <= 80, "\(arguments): too long: \(line)")
            let text = line.trimmingCharacters(in: .whitespaces)
            let loneWord =
                !text.isEmpty && !text.contains(" ") && !text.hasPrefix("-")
                && !text.hasSuffix(".") && !text.hasSuffix(":")
            let midSentence =
                !previous.isEmpty && !previous.hasSuffix(".") && !previous.hasSuffix(":")
            #expect(
                !(loneWord && midSentence),
                "\(arguments): lone word '\(text)' after '\(previous)'"
            )
            previous = text
        }
    }

    @Test func runHelpShowsEachDefaultOnce() throws {
        let outcome = try HarnessCLI.run(["run", "--help"], environment: ["COLUMNS": "80"])
        let text = outcome.standardOutput.replacingOccurrences(of: "\n", with: " ")
        #expect(text.components(separatedBy: "180s").count == 2, "\(outcome.standardOutput)")
        #expect(text.contains("143 interrupted"))
    }
}
