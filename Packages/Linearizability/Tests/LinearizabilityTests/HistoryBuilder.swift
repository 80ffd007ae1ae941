// A compact way to write hand-made histories in tests: one call per operation, with its process,
// times and outcome, building the same History the parsers would.

import Linearizability

struct HistoryBuilder {
    private(set) var operations: [RegisterOperation] = []

    /// Adds an operation; `complete` nil means no completion (unknown outcome).
    @discardableResult
    mutating func add(
        _ process: Int,
        _ call: OperationCall,
        _ invoke: Int64,
        _ complete: Int64?,
        outcome: OperationOutcome = .ok,
        read: RegisterValue? = nil,
        key: Int = 0
    ) -> Int {
        let id = operations.count
        operations.append(
            RegisterOperation(
                id: id,
                process: process,
                key: key,
                call: call,
                outcome: complete == nil ? .unknown : outcome,
                observed: read,
                invokeTimeUs: invoke,
                completeTimeUs: complete
            )
        )
        return id
    }

    /// An ok read that returned `value` (nil: absent).
    @discardableResult
    mutating func read(
        _ process: Int,
        _ invoke: Int64,
        _ complete: Int64,
        _ value: Int?,
        key: Int = 0
    ) -> Int {
        add(
            process,
            .read,
            invoke,
            complete,
            read: value.map(RegisterValue.integer) ?? .absent,
            key: key
        )
    }

    var history: History { History(operations: operations, source: "test") }
}
