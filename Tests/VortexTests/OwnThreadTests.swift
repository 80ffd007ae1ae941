// The `.ownThread` trait does what the blocking suites rely on: a test, synchronous or not,
// runs on a thread of its own (not one of the cooperative pool's), and so do the child tasks
// it starts.

import Foundation
import Testing

@Suite(.ownThread) struct OwnThreadTests {
    @Test func anAsynchronousTestAndItsChildTasksRunOnTheTestsThread() async {
        #expect(currentThreadName() == ThreadExecutor.threadName)
        async let child = currentThreadName()
        #expect(await child == ThreadExecutor.threadName)
    }

    @Test func aSynchronousTestRunsOnTheTestsThread() {
        #expect(currentThreadName() == ThreadExecutor.threadName)
    }
}

@Suite struct WithoutOwnThreadTests {
    @Test func aTestWithoutTheTraitRunsOnThePool() {
        #expect(currentThreadName() != ThreadExecutor.threadName)
    }
}

/// The kernel's name of the thread the caller runs on.
private func currentThreadName() -> String {
    let name = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
    return name?.trimmingCharacters(in: .newlines) ?? ""
}
