// The `.ownThread` trait: each test of a suite that blocks a thread (Foundation's
// `Process.waitUntilExit()`, blocking pipe reads, `Thread.sleep`) runs on a thread of its own.
// Swift's cooperative pool has one thread per core: on a 2-core machine two such tests blocked
// for a minute stall every other test of the run, and tests with a time limit then fail for
// no fault of their own. The trait keeps the test in its task (so its issues are still its
// own) and only moves where the task's jobs run.

import Foundation
import Testing

/// Runs each test it is applied to (or each test of a suite) on a thread of its own.
struct OwnThreadTrait: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        // A suite's scope would hold all its tests on one thread; each test gets its own.
        test.isSuite ? nil : self
    }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let executor = ThreadExecutor()
        defer { executor.finish() }
        try await withTaskExecutorPreference(executor) { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// Each test runs on a thread of its own, so blocking it stalls nothing else.
    static var ownThread: Self { Self() }
}

/// A task executor with one thread of its own. Jobs enqueued after `finish()` (a task that
/// outlived the test) go to the global executor, so none is ever lost.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finishing = false
    private var finished = false

    /// The name its thread carries (as the kernel sees it: at most 15 bytes).
    static let threadName = "own-thread"

    init() {
        Thread { [self] in
            // The kernel's name of this thread (what `/proc/thread-self/comm` reads back).
            try? Self.threadName.write(
                toFile: "/proc/thread-self/comm",
                atomically: false,
                encoding: .utf8
            )
            self.serve()
        }.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        if finished {
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once its queue is empty.
    func finish() {
        condition.lock()
        finishing = true
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        // Bounded by the test: the thread ends when `finish()` was called and no job is left.
        while let job = nextJob() {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    private func nextJob() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !finishing { condition.wait() }
        if jobs.isEmpty {
            finished = true
            return nil
        }
        return jobs.removeFirst()
    }
}
