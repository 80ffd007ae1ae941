// What a running child knows about itself: its path, which start this is (0 for the first,
// then one more per restart), and a way to say "I am ready". The supervisor starts the next
// child only after this one is ready, and a failure before readiness is never restarted.

import Synchronization

/// Handed to each start of a child.
public final class ChildContext: Sendable {
    /// The child's place in the tree, e.g. `root/cluster/replica-1`.
    public let path: ChildPath
    /// 0 for the first start, then one more for every restart of this child.
    public let restartCount: Int

    private let onReady: @Sendable () -> Void
    private let reported = Atomic<Bool>(false)

    init(path: ChildPath, restartCount: Int, onReady: @escaping @Sendable () -> Void) {
        self.path = path
        self.restartCount = restartCount
        self.onReady = onReady
    }

    /// Tells the supervisor this child is ready (for `.explicit` readiness or a process
    /// readiness check). Later calls do nothing.
    public func reportReady() {
        let (exchanged, _) = reported.compareExchange(
            expected: false,
            desired: true,
            ordering: .acquiringAndReleasing
        )
        if exchanged { onReady() }
    }

    /// Marks the child ready without telling the supervisor (which already knows).
    func markReadyWithoutReport() {
        reported.store(true, ordering: .releasing)
    }

    /// True once `reportReady()` has been called.
    public var isReady: Bool { reported.load(ordering: .acquiring) }
}
