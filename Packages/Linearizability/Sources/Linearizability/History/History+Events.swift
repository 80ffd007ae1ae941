// A history back to the events that record it, so that a simulated or filtered history can be
// written as history.jsonl (with HistoryEvent.jsonLine) and read again.

extension History {
    /// The history as events again, as the harness would have recorded them: sorted by time,
    /// completions before invocations at equal times (but an operation's own invocation before
    /// its completion). An unknown outcome gets an `info` completion when its process invokes
    /// again (at that invocation's time), and no completion otherwise.
    public var events: [HistoryEvent] {
        var nextInvokeTimeUs: [Int: Int64] = [:]  // per process, scanning backwards
        var records: [(event: HistoryEvent, rank: Int)] = []
        records.reserveCapacity(operations.count * 2)
        for operation in operations.reversed() {
            let invocation = invocationEvent(of: operation)
            records.append((invocation, 1))
            defer { nextInvokeTimeUs[operation.process] = operation.invokeTimeUs }
            var completion = invocation
            completion.value = nil
            completion.error = operation.error
            switch operation.outcome {
            case .unknown:
                guard let timeUs = nextInvokeTimeUs[operation.process] else { continue }
                completion.type = .info
                completion.timeUs = timeUs
            case .failed:
                completion.type = .fail
                completion.timeUs = operation.completeTimeUs ?? operation.invokeTimeUs
            case .ok:
                completion.type = .ok
                completion.timeUs = operation.completeTimeUs ?? operation.invokeTimeUs
                switch operation.observed {
                case nil: break
                case .absent?: completion.value = .absent
                case .integer(let value)?: completion.value = .integer(value)
                }
            }
            records.append((completion, completion.timeUs == invocation.timeUs ? 2 : 0))
        }
        return records.sorted {
            ($0.event.timeUs, $0.rank) < ($1.event.timeUs, $1.rank)
        }.map(\.event)
    }

    private func invocationEvent(of operation: RegisterOperation) -> HistoryEvent {
        let function: RegisterFunction
        let argument: EventValue?
        switch operation.call {
        case .read: (function, argument) = (.read, nil)
        case .write(let value): (function, argument) = (.write, .integer(value))
        case .cas(let from, let to): (function, argument) = (.cas, .pair(from: from, to: to))
        }
        return HistoryEvent(
            process: operation.process,
            type: .invoke,
            function: function,
            key: operation.key,
            value: argument,
            timeUs: operation.invokeTimeUs
        )
    }
}
