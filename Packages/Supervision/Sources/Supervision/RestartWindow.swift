// Restart intensity as a sliding window: at most `intensity` restarts within `period`. Restart
// instants only grow, so expired ones are dropped from the front by moving an index (amortized
// O(1) per restart), never by rescanning the whole history as OTP's list does. The storage is
// bounded: it never holds more than `intensity + 1` live instants plus a compacted prefix.

struct RestartWindow {
    let intensity: Int
    let period: Duration
    private var instants: [Duration] = []
    private var head = 0

    init(intensity: Int, period: Duration) {
        precondition(intensity >= 0, "intensity must not be negative")
        precondition(period > .zero, "period must be positive")
        self.intensity = intensity
        self.period = period
    }

    /// Restarts counted in the window ending at the last recorded instant.
    var count: Int { instants.count - head }

    /// Records a restart at `now`; false when that makes more than `intensity` in the window.
    mutating func record(at now: Duration) -> Bool {
        precondition(instants.last.map { $0 <= now } ?? true, "restart instants went backwards")
        instants.append(now)
        while head < instants.count, now - instants[head] >= period {
            head += 1
        }
        if head > 64 && head * 2 > instants.count {
            instants.removeFirst(head)
            head = 0
        }
        // Bounded: a permitted restart leaves at most `intensity` instants in the window; a
        // refused one ends the supervisor.
        return count <= intensity
    }
}
