// The background linearizability check of a register run: retired epochs are checked key by
// key (LinearizabilityChecker.check(key:operations:)) on a serial dispatch queue of their own,
// so the CPU-bound search never occupies a thread of Swift's cooperative pool, where the tick
// loop and the clients run. Each key's check is bounded (CheckLimits: states and a deadline);
// each result goes to `onResult` on the queue. The recorder reads `checkedEpochs` to hold
// clients back when the checker falls behind.

import Dispatch
import Linearizability
import Synchronization

/// What the checker has found so far.
struct RegisterCheckCounts: Sendable, Hashable {
    /// Keys checked (whatever the verdict).
    var checked = 0
    /// Keys whose check reached its limits.
    var undecided = 0
    /// Keys that are not linearizable.
    var notLinearizable = 0
}

/// Checks retired epochs in the background, in order.
final class RegisterCheckQueue: Sendable {
    /// Most configurations one key's search may store (about 50 MB).
    static let exploredStatesMax = 1_000_000
    /// How long one key's check may take.
    static let keyCheckTimeLimit = Duration.seconds(5)

    private let queue = DispatchQueue(label: "vortex.register-check", qos: .utility)
    private let checkedEpochCount = Atomic<Int>(0)
    private let counts = Mutex(RegisterCheckCounts())
    /// A deadline for every check still to come (set when the run ends), or nil.
    private let finalDeadline = Mutex<ContinuousClock.Instant?>(nil)
    private let onResult: @Sendable (KeyCheck, [RegisterOperation]) -> Void

    /// A queue reporting each key's check to `onResult` (called on the queue, one at a time).
    init(onResult: @escaping @Sendable (KeyCheck, [RegisterOperation]) -> Void) {
        self.onResult = onResult
    }

    /// Epochs `0..<checkedEpochs` are checked.
    var checkedEpochs: Int { checkedEpochCount.load(ordering: .acquiring) }

    /// What the checks found so far.
    var results: RegisterCheckCounts { counts.withLock { $0 } }

    /// Queues `epoch`'s keys; epochs must come in order.
    func submit(_ epoch: RetiredEpoch) {
        queue.async { [self] in
            for (key, operations) in epoch.keys {
                check(key: key, operations: operations)
            }
            checkedEpochCount.store(epoch.epoch + 1, ordering: .releasing)
        }
    }

    /// Waits until every queued check is done; checks still queued at `deadline` stop there
    /// (their keys are undecided).
    func drain(deadline: ContinuousClock.Instant) async {
        finalDeadline.withLock { $0 = deadline }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { continuation.resume() }
        }
    }

    private func check(key: Int, operations: [RegisterOperation]) {
        var deadline = ContinuousClock.now.advanced(by: Self.keyCheckTimeLimit)
        if let final = finalDeadline.withLock({ $0 }) { deadline = min(deadline, final) }
        let checker = LinearizabilityChecker(
            limits: CheckLimits(maximumExploredStates: Self.exploredStatesMax, deadline: deadline)
        )
        let result = checker.check(key: key, operations: operations)
        counts.withLock { counts in
            counts.checked += 1
            switch result.verdict {
            case .linearizable: break
            case .unknown: counts.undecided += 1
            case .notLinearizable: counts.notLinearizable += 1
            }
        }
        onResult(result, operations)
    }
}
