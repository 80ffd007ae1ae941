// A thread that lives as long as the process, for spawning children with a death signal.
// PR_SET_PDEATHSIG fires when the thread that created the child exits, not the process; a
// Dispatch or cooperative-pool thread may exit when idle and would take such children with it.

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class SpawnThread: @unchecked Sendable {
    static let shared = SpawnThread()

    /// Serializes callers: one job at a time crosses to the thread.
    private let callers = Mutex<Void>(())
    private let jobReady: UnsafeMutablePointer<sem_t>
    private let jobDone: UnsafeMutablePointer<sem_t>
    /// Written by the caller before `jobReady`, read by the thread after it (the semaphores
    /// order the accesses).
    nonisolated(unsafe) private var job: (@Sendable () -> Void)?

    private init() {
        jobReady = .allocate(capacity: 1)
        jobDone = .allocate(capacity: 1)
        sem_init(jobReady, 0, 0)
        sem_init(jobDone, 0, 0)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&thread, nil, spawnThreadMain, context)
        precondition(result == 0, "cannot start the spawn thread: errno \(result)")
        pthread_detach(thread)
    }

    /// Runs `body` on the spawn thread and returns its result; the caller blocks meanwhile.
    func run(_ body: @escaping @Sendable () -> Void) {
        callers.withLock { _ in
            job = body
            sem_post(jobReady)
            while sem_wait(jobDone) != 0 {}
            job = nil
        }
    }

    fileprivate func serve() -> Never {
        while true {
            while sem_wait(jobReady) != 0 {}
            job?()
            sem_post(jobDone)
        }
    }
}

private func spawnThreadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    let thread = Unmanaged<SpawnThread>.fromOpaque(context).takeUnretainedValue()
    thread.serve()
}
