// The checker against the labelled Jepsen etcd histories (../shared/histories): every verdict
// must match the label, and every violation must come with a minimal set that is itself not
// linearizable.

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
            let history = try HistoryParser.load(path: folder + "/" + file, format: .jepsen)
            let check = checker.check(history)
            #expect(
                check.verdict == (linearizable ? .linearizable : .notLinearizable),
                "\(file): labelled \(linearizable ? "linearizable" : "not linearizable"), checked \(check.verdict.rawValue)"
            )
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
}
