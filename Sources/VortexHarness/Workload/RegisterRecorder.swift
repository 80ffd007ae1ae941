// The register workload's shared record: every invocation and completion goes through here,
// under one lock, so history.jsonl is in time order and each operation is kept with its key
// until the key is checked. It also paces the clients by epoch (RegisterGenerator): a client may
// start an epoch only when no client is more than `epochLead` epochs behind and the checker is
// at most `checkBacklogEpochs` behind, so the keys and operations held here stay bounded. An
// epoch every client has left is retired: its keys' operations are all complete and go to the
// checker, in epoch order.

import Linearizability
import Synchronization

/// An epoch whose operations are all complete, with its keys' operations.
struct RetiredEpoch: Sendable {
    /// The epoch.
    var epoch: Int
    /// Each key of the epoch that saw operations, ascending, with them in invocation order
    /// (`operations[i].id == i`).
    var keys: [(key: Int, operations: [RegisterOperation])]
}

/// An operation invoked and not yet completed.
struct RegisterInvocation: Sendable {
    /// The register.
    var key: Int
    /// Its index among the key's operations.
    var index: Int
    /// The client process that invoked it.
    var process: Int
    /// What it asked for.
    var call: OperationCall
    /// When it was invoked.
    var start: ContinuousClock.Instant
}

/// Counts of completed operations.
struct RegisterOutcomeCounts: Sendable, Hashable {
    /// Operations that completed `ok`.
    var ok = 0
    /// Operations that completed `fail`.
    var fail = 0
    /// Operations whose outcome is unknown (`info`, a timeout, or the end of the run).
    var info = 0
    /// Drivers replaced after a timeout.
    var driverRestarts = 0
}

/// The history of a register run, its pacing and its hand-over to the checker.
final class RegisterRecorder: Sendable {
    private struct State {
        let file: RegisterHistoryFile
        var operationsByKey: [Int: [RegisterOperation]] = [:]
        /// The epoch each client is in.
        var clientEpochs: [Int]
        /// Epochs `0..<retiredEpochs` went to the checker.
        var retiredEpochs = 0
        var counts = RegisterOutcomeCounts()
        var finished = false
    }

    let shape: RegisterWorkloadShape
    private let clock: RunClock
    private let checker: RegisterCheckQueue
    private let state: Mutex<State>

    /// A recorder writing `path` on `clock`, for `clients` clients; retired epochs go to
    /// `checker`.
    init(
        path: String,
        clock: RunClock,
        clients: Int,
        shape: RegisterWorkloadShape,
        checker: RegisterCheckQueue
    ) throws {
        precondition(clients > 0, "a register run has clients")
        self.shape = shape
        self.clock = clock
        self.checker = checker
        state = Mutex(
            State(
                file: try RegisterHistoryFile(path: path),
                clientEpochs: Array(repeating: 0, count: clients)
            )
        )
    }

    /// Whether `client` may start `epoch` now (it is never held back from its current epoch).
    func mayEnter(client: Int, epoch: Int) -> Bool {
        let checkedEpochs = checker.checkedEpochs
        return state.withLock { state in
            guard epoch > state.clientEpochs[client] else { return true }
            let slowest = state.clientEpochs.min() ?? epoch
            return slowest >= epoch - shape.epochLead
                && checkedEpochs >= epoch - shape.epochLead - shape.checkBacklogEpochs
        }
    }

    /// Records that `client` starts `epoch` (its operations of earlier epochs are complete) and
    /// hands every epoch this retires to the checker.
    func enter(client: Int, epoch: Int) {
        state.withLock { state in
            precondition(epoch >= state.clientEpochs[client], "a client's epochs only grow")
            state.clientEpochs[client] = epoch
            let slowest = state.clientEpochs.min() ?? 0
            while state.retiredEpochs < slowest {
                retire(state.retiredEpochs, &state)
                state.retiredEpochs += 1
            }
        }
    }

    /// Records the invocation of `call` by `process`.
    func invoke(process: Int, _ call: RegisterCall) -> RegisterInvocation {
        state.withLock { state in
            precondition(!state.finished, "invoke after the history was finished")
            let start = ContinuousClock.now
            let timeUs = clock.microseconds(at: start)
            let value: EventValue? =
                switch call.call {
                case .read: nil
                case .write(let value): .integer(value)
                case .cas(let from, let to): .pair(from: from, to: to)
                }
            let line = state.file.append(
                HistoryEvent(
                    process: process,
                    type: .invoke,
                    function: call.call.function,
                    key: call.key,
                    value: value,
                    timeUs: timeUs
                )
            )
            let index = state.operationsByKey[call.key, default: []].count
            state.operationsByKey[call.key, default: []].append(
                RegisterOperation(
                    id: index,
                    process: process,
                    key: call.key,
                    call: call.call,
                    outcome: .unknown,
                    observed: nil,
                    invokeTimeUs: timeUs,
                    completeTimeUs: nil,
                    invokeLine: line
                )
            )
            return RegisterInvocation(
                key: call.key,
                index: index,
                process: process,
                call: call.call,
                start: start
            )
        }
    }

    /// Records how `invocation` completed; returns when.
    @discardableResult
    func complete(
        _ invocation: RegisterInvocation,
        _ type: EventType,
        value: RegisterValue? = nil,
        error: String? = nil
    ) -> ContinuousClock.Instant {
        precondition(type != .invoke, "a completion is ok, fail or info")
        precondition(value == nil || (type == .ok && invocation.call == .read), "only ok reads see")
        return state.withLock { state in
            let end = ContinuousClock.now
            let timeUs = clock.microseconds(at: end)
            let eventValue: EventValue? =
                switch value {
                case nil: nil
                case .absent?: .absent
                case .integer(let integer)?: .integer(integer)
                }
            state.file.append(
                HistoryEvent(
                    process: invocation.process,
                    type: type,
                    function: invocation.call.function,
                    key: invocation.key,
                    value: eventValue,
                    timeUs: timeUs,
                    error: error
                )
            )
            guard var operations = state.operationsByKey.removeValue(forKey: invocation.key)
            else {
                preconditionFailure("a completion of a key that was retired before it completed")
            }
            var operation = operations[invocation.index]
            precondition(operation.outcome == .unknown, "an operation completes once")
            operation.error = error
            switch type {
            case .ok:
                operation.outcome = .ok
                operation.observed = value
                operation.completeTimeUs = timeUs
                state.counts.ok += 1
            case .fail:
                operation.outcome = .failed
                operation.completeTimeUs = timeUs
                state.counts.fail += 1
            case .info, .invoke:
                state.counts.info += 1
            }
            operations[invocation.index] = operation
            state.operationsByKey[invocation.key] = operations
            return end
        }
    }

    /// Ends the history (every client has stopped, every operation completed) and hands every
    /// epoch not yet retired to the checker.
    func finish() {
        state.withLock { state in
            guard !state.finished else { return }
            state.finished = true
            let lastEpoch = state.operationsByKey.keys.map { $0 / shape.keysPerEpoch }.max() ?? -1
            while state.retiredEpochs <= lastEpoch {
                retire(state.retiredEpochs, &state)
                state.retiredEpochs += 1
            }
        }
    }

    /// Records that a client's driver was replaced after a timeout.
    func driverReplaced() {
        state.withLock { $0.counts.driverRestarts += 1 }
    }

    /// Operations completed so far, by outcome.
    var counts: RegisterOutcomeCounts { state.withLock { $0.counts } }

    /// Lines written to history.jsonl.
    var lineCount: Int { state.withLock { $0.file.lineCount } }

    /// Takes epoch `epoch`'s operations out of `state` and queues them for the checker (under
    /// the lock, so epochs reach the checker in order).
    private func retire(_ epoch: Int, _ state: inout State) {
        var keys: [(key: Int, operations: [RegisterOperation])] = []
        for key in epoch * shape.keysPerEpoch..<(epoch + 1) * shape.keysPerEpoch {
            if let operations = state.operationsByKey.removeValue(forKey: key) {
                keys.append((key, operations))
            }
        }
        checker.submit(RetiredEpoch(epoch: epoch, keys: keys))
    }
}
