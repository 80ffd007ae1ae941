// Generated driver misbehaviour for the hostile-driver test: each trial is a request, the exact
// bytes a driver writes back, and what the driver does afterwards (stay alive, exit, close its
// stdout). The driver is `/bin/sh -c '<behaviour>' <reply file>`, so a trial costs one small
// process and the bytes really cross a pipe.

import Workload

/// What one hostile trial does and which exit codes the harness may end with.
struct HostileTrial {
    enum Kind: String, CaseIterable {
        /// A correct reply from a driver that stays alive: the run goes on (0).
        case valid
        /// A correct reply, then the driver exits 3: a driver that exited early (10), or one
        /// caught ending with the wrong status (11).
        case validThenExit
        /// A prefix of a correct reply, then exit: too short (16), or nothing at all (10).
        case truncated
        /// A result count larger than the request allows: unreadable (16).
        case countTooLarge
        /// The right count, too few result bytes, then exit: too short (16).
        case payloadShort
        /// A correct reply followed by stray bytes: caught before the next request (16).
        case payloadLong
        /// Random bytes, then exit: unreadable (16), early exit (10) or model mismatch (13).
        case randomBytes
        /// Well framed, wrong statuses: the model rejects it (13).
        case wrongStatuses
        /// Nothing written, stdout closed, driver alive: unreadable (16).
        case closedStdout
        /// Nothing written, driver exits at once: exited early (10).
        case exitsImmediately
        /// Nothing written, driver alive: the deadline passes (16).
        case silent
        /// The reply dribbles out slower than the deadline: (16).
        case trickle
    }

    let kind: Kind
    let request: DriverRequest
    let reply: [UInt8]
    /// The shell snippet run as the driver; `$0` is the reply file.
    let behaviour: String
    let timeout: Duration
    let allowedCodes: Set<Int32>

    /// Kinds that wait for a deadline or a grace period; they run a few times only.
    static let slowKinds: [Kind] = [.silent, .trickle, .closedStdout]
}

/// Makes trials from a seed.
struct HostileReplyGenerator {
    private var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    mutating func trial(_ kind: HostileTrial.Kind) -> HostileTrial {
        let lookup =
            random.chance(1, in: 3) && kind != .wrongStatuses && kind != .valid
            && kind != .validThenExit && kind != .payloadLong
        let count = Int(random.uniform(in: 1...8))
        let request: DriverRequest
        let resultSize: Int
        if lookup {
            request = .lookupAccounts((0..<count).map { _ in random.nonZeroID() })
            resultSize = Account.byteCount
        } else {
            request = .createAccounts(
                (0..<count).map { _ in Account(id: random.nonZeroID(), ledger: 1, code: 1) }
            )
            resultSize = CreateResult.byteCount
        }
        let valid = validReply(for: request)
        // A driver answers after it has read the request: bytes before that are stray output.
        let readRequest = "head -c \(request.byteCount) >/dev/null; "
        let stay = readRequest + "cat \"$0\"; exec sleep 60"
        let exit = readRequest + "cat \"$0\"; exit 3"
        let fast = Duration.seconds(10)
        switch kind {
        case .valid:
            return make(kind, request, valid, stay, fast, [0])
        case .validThenExit:
            // SIGTERM may also reach the driver first (0); or its stdout is seen closed (16).
            return make(kind, request, valid, exit, fast, [0, 10, 11, 16])
        case .truncated:
            let length = random.index(below: valid.count)
            return make(
                kind,
                request,
                Array(valid.prefix(length)),
                exit,
                fast,
                length == 0 ? [10] : [16]
            )
        case .countTooLarge:
            let claimed = UInt32(count) + 1 + UInt32(random.uniform(in: 0...UInt64(UInt32.max - 9)))
            let payload = randomBytes(random.index(below: 64))
            return make(kind, request, littleEndian(claimed) + payload, stay, fast, [16])
        case .payloadShort:
            // Claims 1…count results and sends at least one byte fewer than they need.
            let claimed = 1 + random.index(below: count)
            let short = randomBytes(random.index(below: claimed * resultSize))
            return make(kind, request, littleEndian(UInt32(claimed)) + short, exit, fast, [16])
        case .payloadLong:
            return make(
                kind,
                request,
                valid + randomBytes(1 + random.index(below: 64)),
                stay,
                fast,
                [16]
            )
        case .randomBytes:
            return make(
                kind,
                request,
                randomBytes(random.index(below: 300)),
                exit,
                fast,
                [10, 13, 16]
            )
        case .wrongStatuses:
            var bytes = littleEndian(UInt32(count))
            for index in 0..<count {
                let status = UInt32(random.uniform(in: 1...70))
                CreateResult(timestamp: UInt64(index + 1), status: status).encode(into: &bytes)
            }
            return make(kind, request, bytes, stay, fast, [13])
        case .closedStdout:
            return make(kind, request, [], readRequest + "exec >&-; exec sleep 60", fast, [16])
        case .exitsImmediately:
            return make(kind, request, [], "exit 0", fast, [10])
        case .silent:
            return make(kind, request, [], "exec sleep 60", .milliseconds(300), [16])
        case .trickle:
            let script = readRequest + "head -c 2 \"$0\"; sleep 1; cat \"$0\"; exec sleep 60"
            return make(kind, request, valid, script, .milliseconds(300), [16])
        }
    }

    private func make(
        _ kind: HostileTrial.Kind,
        _ request: DriverRequest,
        _ reply: [UInt8],
        _ behaviour: String,
        _ timeout: Duration,
        _ allowed: Set<Int32>
    ) -> HostileTrial {
        HostileTrial(
            kind: kind,
            request: request,
            reply: reply,
            behaviour: behaviour,
            timeout: timeout,
            allowedCodes: allowed
        )
    }

    private func validReply(for request: DriverRequest) -> [UInt8] {
        switch request.events {
        case .accounts(let accounts):
            let results = accounts.indices.map {
                CreateResult(
                    timestamp: UInt64($0 + 1),
                    status: CreateAccountStatus.created.rawValue
                )
            }
            return DriverReply(.createResults(results)).encode()
        default:
            return DriverReply(.accounts([])).encode()
        }
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
