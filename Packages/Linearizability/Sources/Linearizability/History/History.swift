// A whole history: the events paired into operations, per process, with every inconsistency
// (a completion without its invocation, a second invocation while one is open, a completion
// that does not match) reported as a HistoryError naming the line. Operations still open at the
// end have an unknown outcome.

/// The operations of a history, in invocation order, over any number of independent keys.
public struct History: Sendable, Hashable {
    /// Every operation, failed and unknown ones included; `operations[i].id == i`.
    public private(set) var operations: [RegisterOperation]
    /// Where it was read from, for messages.
    public var source: String

    /// Pairs `events` (in recorded order) into operations.
    /// - Throws: HistoryError when an event does not fit, or when there are no operations.
    public init(events: [HistoryEvent], source: String) throws(HistoryError) {
        self.source = source
        var pairing = EventPairing(source: source)
        for event in events {
            try pairing.add(event)
        }
        operations = try pairing.finish()
    }

    /// A history made of operations built elsewhere (tests, simulations); ids are reassigned in
    /// order.
    public init(operations: [RegisterOperation], source: String) {
        self.source = source
        self.operations = operations.enumerated().map { index, operation in
            var renumbered = operation
            renumbered.id = index
            return renumbered
        }
    }

    /// The keys that occur, ascending.
    public var keys: [Int] {
        Array(Set(operations.map(\.key))).sorted()
    }

    /// The operations on `key`, in invocation order.
    public func operations(onKey key: Int) -> [RegisterOperation] {
        operations.filter { $0.key == key }
    }

    /// The client processes that occur, ascending.
    public var processes: [Int] {
        Array(Set(operations.map(\.process))).sorted()
    }
}

/// Pairs invocations with completions, one open operation per process at most.
private struct EventPairing {
    let source: String
    var operations: [RegisterOperation] = []
    /// Process → index in `operations` of its open operation.
    var open: [Int: Int] = [:]
    /// Index in `operations` → the line of its invocation, for messages.
    var invokeLines: [Int] = []

    init(source: String) {
        self.source = source
    }

    func error(_ line: Int, _ reason: String) -> HistoryError {
        HistoryError(source: source, line: line > 0 ? line : nil, reason: reason)
    }

    mutating func add(_ event: HistoryEvent) throws(HistoryError) {
        guard event.key >= 0 else { throw error(event.line, "key \(event.key) is negative") }
        if event.type == .invoke {
            try invoke(event)
        } else {
            try complete(event)
        }
    }

    mutating func invoke(_ event: HistoryEvent) throws(HistoryError) {
        if let index = open[event.process] {
            throw error(
                event.line,
                "process \(event.process) invokes again while its operation from line "
                    + "\(operations[index].invokeLine) has not completed"
            )
        }
        let call: OperationCall
        switch (event.function, event.value) {
        case (.read, nil), (.read, .absent?):
            call = .read
        case (.write, .integer(let value)?):
            call = .write(value)
        case (.cas, .pair(let from, let to)?):
            call = .cas(from: from, to: to)
        case (.read, _):
            throw error(event.line, "a read's invocation carries no value (null or none)")
        case (.write, _):
            throw error(event.line, "a write's invocation needs an integer value")
        case (.cas, _):
            throw error(event.line, "a cas invocation needs a value [from, to]")
        }
        open[event.process] = operations.count
        operations.append(
            RegisterOperation(
                id: operations.count,
                process: event.process,
                key: event.key,
                call: call,
                outcome: .unknown,
                observed: nil,
                invokeTimeUs: event.timeUs,
                completeTimeUs: nil,
                invokeLine: event.line
            )
        )
    }

    mutating func complete(_ event: HistoryEvent) throws(HistoryError) {
        guard let index = open.removeValue(forKey: event.process) else {
            throw error(
                event.line,
                "process \(event.process) completes an operation it never invoked"
            )
        }
        var operation = operations[index]
        let invokedFunction: RegisterFunction
        switch operation.call {
        case .read: invokedFunction = .read
        case .write: invokedFunction = .write
        case .cas: invokedFunction = .cas
        }
        guard event.function == invokedFunction, event.key == operation.key else {
            throw error(
                event.line,
                "completion \(event.function.rawValue) on key \(event.key) does not match the "
                    + "\(invokedFunction.rawValue) on key \(operation.key) invoked at line "
                    + "\(operation.invokeLine)"
            )
        }
        guard event.timeUs >= operation.invokeTimeUs else {
            throw error(event.line, "completes before its invocation (timeUs goes backwards)")
        }
        operation.error = event.error
        switch event.type {
        case .invoke:
            preconditionFailure("complete(_:) is only called for completions")
        case .fail:
            operation.outcome = .failed
            operation.completeTimeUs = event.timeUs
        case .info:
            operation.outcome = .unknown
        case .ok:
            operation.outcome = .ok
            operation.completeTimeUs = event.timeUs
            if invokedFunction == .read {
                switch event.value {
                case .absent?: operation.observed = .absent
                case .integer(let value)?: operation.observed = .integer(value)
                default:
                    throw error(
                        event.line,
                        "a read's ok completion needs the value read (an integer or null)"
                    )
                }
            }
        }
        operations[index] = operation
    }

    func finish() throws(HistoryError) -> [RegisterOperation] {
        guard !operations.isEmpty else {
            throw HistoryError(source: source, line: nil, reason: "no operations in the history")
        }
        return operations
    }
}
