// The checker against the labelled Jepsen etcd histories (../shared/histories): every verdict
// must match the label, and every violation must come with a minimal set that is itself not
// linearizable. Each log is also rewritten as Jepsen's history.edn, whose verdict must be the same.

import Foundation
import Linearizability
import Testing

@Suite struct SharedHistoryTests {
    /// Runs when the folder is there, and under CI (where its absence is a failure); otherwise
    /// Swift Testing reports the test as skipped, with the reason.
    @Test(
        .enabled(
            if: SharedHistories.folder().path != nil || SharedHistories.underCI,
            Comment(
                rawValue:
                    "skipped: labelled histories not found: \(SharedHistories.folder().reason)"
            )
        )
    )
    func checkerAgreesWithEveryLabelledHistory() throws {
        guard let folder = SharedHistories.folder().path else {
            Issue.record("labelled histories missing under CI: \(SharedHistories.folder().reason)")
            return
        }
        let labels = try SharedHistories.labels(in: folder)
        #expect(labels.count >= 70, "README table of \(folder) has \(labels.count) rows")
        let checker = LinearizabilityChecker()
        for (file, linearizable) in labels.sorted(by: { $0.key < $1.key }) {
            let path = folder + "/" + file
            let history = try HistoryParser.load(path: path, format: nil)
            let check = checker.check(history)
            let expected: Verdict = linearizable ? .linearizable : .notLinearizable
            #expect(
                check.verdict == expected,
                "\(file): labelled \(expected.rawValue), checked \(check.verdict.rawValue)"
            )
            let edn = Self.edn(ofJepsenLog: try String(contentsOfFile: path, encoding: .utf8))
            #expect(HistoryFormat.detect(in: edn) == .edn)
            let ednHistory = try HistoryParser.parse(edn, format: .edn, source: file + ".edn")
            #expect(ednHistory.operations.count == history.operations.count, "\(file) as EDN")
            #expect(checker.check(ednHistory).verdict == expected, "\(file) as EDN")
            for keyCheck in check.violations {
                let violation = try #require(keyCheck.violation)
                #expect(!violation.minimal.isEmpty)
                let subset = history.operations.filter { violation.minimal.contains($0.id) }
                #expect(
                    checker.verdict(of: subset) == .notLinearizable,
                    "\(file): minimal set orders"
                )
            }
        }
    }

    /// The operations of a Jepsen log as history.edn lines: the log's fields are EDN already.
    static func edn(ofJepsenLog log: String) -> String {
        log.split(separator: "\n").compactMap { line -> String? in
            guard let marker = line.firstRange(of: "jepsen.util - ") else { return nil }
            let fields = line[marker.upperBound...].split(separator: "\t").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count >= 3 else { return nil }
            let value = fields.count > 3 ? fields[3] : "nil"
            return "{:process \(fields[0]), :type \(fields[1]), :f \(fields[2]), :value \(value)}"
        }.joined(separator: "\n")
    }
}
