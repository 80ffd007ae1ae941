// The one background thread of ProcessControl: an epoll loop that reaps children when their
// pidfd becomes readable (no polling, no thread per child) and wakes tasks waiting for a pipe to
// become readable or writable. It also reaps orphans handed to a subreaper or namespace init.

internal import CProcessControl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

final class Reactor: @unchecked Sendable {
    static let shared = Reactor()

    private enum Registration {
        case child(ChildRecord)
        case io(descriptor: Int32, continuation: CheckedContinuation<Bool, Never>)
    }

    private struct State {
        var registrations: [UInt64: Registration] = [:]
        var childPids: Set<Int32> = []
        var reapsOrphans = false
        /// Spawns between clone and `watch`: their child is ours but not yet in `childPids`,
        /// so the orphan sweep must not run meanwhile.
        var spawnsInFlight = 0
    }

    private let epollDescriptor: Int32
    private let state = Mutex(State())
    /// How often orphans are looked for once orphan reaping is on.
    private static let orphanSweepPeriodMs: Int32 = 100
    /// At most this many orphans are reaped per sweep, so a fork bomb cannot starve the loop.
    private static let orphanSweepCountMax = 256

    private init() {
        // Writing to a pipe whose reader is gone must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        epollDescriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epollDescriptor >= 0, "epoll_create1 failed: errno \(errno)")
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&thread, nil, reactorThreadMain, context)
        precondition(result == 0, "cannot start the reactor thread: errno \(result)")
        pthread_detach(thread)
    }

    private static func childKey(_ pidfd: Int32) -> UInt64 { UInt64(UInt32(pidfd)) | (1 << 32) }
    private static func ioKey(_ descriptor: Int32) -> UInt64 {
        UInt64(UInt32(descriptor)) | (2 << 32)
    }

    /// Marks a spawn as under way; `watch` or `spawnFailed` ends it.
    func spawnStarting() {
        state.withLock { $0.spawnsInFlight += 1 }
    }

    /// Ends a spawn that produced no child.
    func spawnFailed() {
        state.withLock { state in
            precondition(state.spawnsInFlight > 0, "spawnFailed without spawnStarting")
            state.spawnsInFlight -= 1
        }
    }

    /// Starts watching a child; it is reaped once, when its pidfd reports the exit. Ends the
    /// spawn begun with `spawnStarting`.
    func watch(_ record: ChildRecord) {
        let key = Reactor.childKey(record.pidfd)
        state.withLock { state in
            precondition(state.spawnsInFlight > 0, "watch without spawnStarting")
            state.spawnsInFlight -= 1
            state.registrations[key] = .child(record)
            state.childPids.insert(record.pid)
        }
        let result = cpc_epoll_ctl(
            epollDescriptor,
            EPOLL_CTL_ADD,
            record.pidfd,
            UInt32(EPOLLIN.rawValue),
            key
        )
        precondition(result == 0, "epoll_ctl(ADD pidfd) failed: errno \(result)")
    }

    /// Waits until `descriptor` is readable (or writable). Returns false when cancelled.
    func waitUntilReady(_ descriptor: Int32, writable: Bool) async -> Bool {
        let key = Reactor.ioKey(descriptor)
        let events =
            (writable ? UInt32(EPOLLOUT.rawValue) : UInt32(EPOLLIN.rawValue))
            | UInt32(EPOLLONESHOT.rawValue) | UInt32(EPOLLRDHUP.rawValue)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let cancelledAlready = state.withLock { state -> Bool in
                    if Task.isCancelled { return true }
                    precondition(
                        state.registrations[key] == nil,
                        "two waits on descriptor \(descriptor)"
                    )
                    state.registrations[key] = .io(
                        descriptor: descriptor,
                        continuation: continuation
                    )
                    return false
                }
                if cancelledAlready {
                    continuation.resume(returning: false)
                    return
                }
                let result = cpc_epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, descriptor, events, key)
                if result != 0 {
                    // Not pollable (or closed): let the caller retry the system call and see.
                    if let registration = removeRegistration(key),
                        case .io(_, let waiter) = registration
                    {
                        waiter.resume(returning: true)
                    }
                }
            }
        } onCancel: {
            cancelWait(descriptor)
        }
    }

    /// Wakes a waiter on `descriptor` with "cancelled" (also used before closing it).
    func cancelWait(_ descriptor: Int32) {
        let key = Reactor.ioKey(descriptor)
        if let registration = removeRegistration(key), case .io(_, let continuation) = registration
        {
            _ = cpc_epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, descriptor, 0, 0)
            continuation.resume(returning: false)
        }
    }

    /// From now on, children handed to this process (as subreaper or namespace init) and not
    /// started by ProcessControl are reaped too.
    func reapOrphans() {
        state.withLock { $0.reapsOrphans = true }
    }

    private func removeRegistration(_ key: UInt64) -> Registration? {
        state.withLock { $0.registrations.removeValue(forKey: key) }
    }

    fileprivate func run() -> Never {
        var events = [cpc_epoll_event](repeating: cpc_epoll_event(), count: 64)
        while true {
            let timeout = state.withLock { $0.reapsOrphans } ? Reactor.orphanSweepPeriodMs : -1
            let count = events.withUnsafeMutableBufferPointer { buffer in
                cpc_epoll_wait(epollDescriptor, buffer.baseAddress, Int32(buffer.count), timeout)
            }
            if count < 0 {
                precondition(-count == EINTR, "epoll_wait failed: errno \(-count)")
                continue
            }
            for event in events.prefix(Int(count)) {
                handle(key: event.data)
            }
            if state.withLock({ $0.reapsOrphans }) {
                sweepOrphans()
            }
        }
    }

    private func handle(key: UInt64) {
        guard let registration = removeRegistrationIfIO(key) else { return }
        switch registration {
        case .io(let descriptor, let continuation):
            _ = cpc_epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, descriptor, 0, 0)
            continuation.resume(returning: true)
        case .child(let record):
            var pid: pid_t = 0
            var code: Int32 = 0
            var status: Int32 = 0
            let result = cpc_waitid_pidfd(record.pidfd, WEXITED | WNOHANG, &pid, &code, &status)
            if result != 0 || pid == 0 {
                return  // Not exited yet (spurious wake-up); stay registered.
            }
            _ = cpc_epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, record.pidfd, 0, 0)
            state.withLock { state in
                state.registrations.removeValue(forKey: key)
                state.childPids.remove(record.pid)
            }
            record.complete(Reactor.termination(code: code, status: status))
        }
    }

    /// I/O registrations are one-shot and removed here; child registrations stay until reaped.
    private func removeRegistrationIfIO(_ key: UInt64) -> Registration? {
        state.withLock { state in
            guard let registration = state.registrations[key] else { return nil }
            if case .io = registration {
                state.registrations.removeValue(forKey: key)
            }
            return registration
        }
    }

    private func sweepOrphans() {
        for _ in 0..<Reactor.orphanSweepCountMax {
            var pid: pid_t = 0
            var code: Int32 = 0
            var status: Int32 = 0
            let result = cpc_waitid_any(WEXITED | WNOHANG | WNOWAIT, &pid, &code, &status)
            if result != 0 || pid == 0 { return }
            let ours = state.withLock { $0.childPids.contains(pid) || $0.spawnsInFlight > 0 }
            if ours {
                return  // One of ours (or maybe): its pidfd reaps it on a later turn.
            }
            var discarded: Int32 = 0
            _ = waitpid(pid, &discarded, WNOHANG)
        }
    }

    static func termination(code: Int32, status: Int32) -> Termination {
        if code == cpc_cld_exited {
            return .exited(status)
        }
        return .signaled(Signal(rawValue: status), coreDumped: code == cpc_cld_dumped)
    }
}

private func reactorThreadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<Reactor>.fromOpaque(context).takeUnretainedValue().run()
}
