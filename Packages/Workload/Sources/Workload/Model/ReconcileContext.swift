// The command and operation a reconciliation runs for, and the error constructors and checks
// every part of it shares, so each mismatch names the same things.

/// The request being reconciled.
struct Context {
    let command: WorkloadCommand
    let operation: Operation

    func error(
        _ kind: ReconcileError.Kind,
        _ eventIndex: Int?,
        _ subject: String,
        _ expected: String,
        _ actual: String
    ) -> ReconcileError {
        ReconcileError(
            kind,
            command: command,
            operation: operation,
            eventIndex: eventIndex,
            subject: subject,
            expected: expected,
            actual: actual
        )
    }

    func requireCount(_ resultCount: Int, _ eventCount: Int) throws(ReconcileError) {
        guard resultCount == eventCount else {
            throw error(.wrongResultCount, nil, "result count", "\(eventCount)", "\(resultCount)")
        }
    }

    /// Compares the failures a sparse reply lists with the statuses the model predicts for
    /// every event (`created` ones must not be listed).
    func compareSparse(
        _ predicted: [UInt32],
        _ failures: [ErrorResult],
        name: (UInt32) -> String
    ) throws(ReconcileError) {
        let created = CreateAccountStatus.created.rawValue
        var reported: [Int: UInt32] = [:]
        for failure in failures { reported[Int(failure.index)] = failure.status }
        for (index, expected) in predicted.enumerated() {
            let actual = reported[index] ?? created
            guard actual == expected else {
                throw error(
                    .wrongStatus,
                    index,
                    "status",
                    name(expected),
                    name(actual)
                )
            }
        }
    }
}
