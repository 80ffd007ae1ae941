// Applies driver requests to the ledger in etcd, each atomically and exactly once.
//
// A create request gets a unique key (a random id of this driver process and a sequence
// number). One attempt: read the head, the request key and every object the batch touches in
// linearizable read transactions; if the request key exists, the request was applied by an
// earlier attempt whose answer was lost, so answer from the stored results. Otherwise compute
// the results with TigerBeetle's rules and commit everything in ONE transaction guarded by
// `mod_revision(head) == read revision` (nothing changed since the read: every write rewrites
// the head) and `create_revision(request key) == 0` (not applied yet); the transaction stores
// the results under the request key. A commit whose outcome is unknown (timeout, dead member)
// is retried from the read on the next member, which then finds either the stored results or
// an unchanged ledger. A failed compare reads the request key back in the same transaction.
// The previous request's key is deleted by the next commit, so etcd holds one stored reply.
// The first attempt of a request takes a faster path (LedgerStore+Attempt.swift): accounts come
// from what the driver's own last commit wrote, and transfer ids are checked by the commit
// itself; a failed compare falls back to reading everything.
//
// The store needs etcd but not a process: it logs through the closure it is given.

import Foundation
public import Workload

/// The ledger in etcd, as seen by one driver process.
public actor LedgerStore {
    let cluster: EtcdCluster
    let keys: LedgerKeys
    private let driverID: UInt64
    let limits: DriverLimits
    /// Where the store's one-line messages go (retries, fail-overs, compactions).
    let log: @Sendable (String) -> Void
    private var sequence: UInt64 = 0
    /// The key of the last request answered; the next commit deletes it.
    var previousRequestKey: Data?
    /// What this driver's last commit left in etcd (nil: unknown, read it).
    var cache: LedgerCache?
    /// The store revision of this driver's last commit (0: none yet).
    var lastCommitRevision: Int64 = 0
    private var commitsSinceCompaction = 0

    /// A store for the ledger under `keys`, reached through `cluster`; `driverID` makes this
    /// process's request keys its own; `log` receives one line per retry or compaction.
    public init(
        cluster: EtcdCluster,
        keys: LedgerKeys,
        driverID: UInt64,
        limits: DriverLimits,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.cluster = cluster
        self.keys = keys
        self.driverID = driverID
        self.limits = limits
        self.log = log
    }

    /// Answers one driver request.
    public func handle(_ request: DriverRequest) async throws(DriverFailure) -> DriverReply {
        switch request.events {
        case .accounts(let accounts):
            do {
                try TigerBeetleRules.checkSupported(accounts: accounts)
            } catch {
                throw .unsupported(error.description)
            }
            let results = try await applyCreate(
                request.operation,
                count: accounts.count,
                accountIDs: Set(accounts.map(\.id)),
                transferIDs: []
            ) { snapshot, base in
                TigerBeetleRules.createAccounts(accounts, snapshot: snapshot, baseTimestamp: base)
            }
            return CreateReply.reply(results, for: request.operation)
        case .transfers(let transfers):
            do {
                try TigerBeetleRules.checkSupported(transfers: transfers)
            } catch {
                throw .unsupported(error.description)
            }
            let accountIDs = Set(transfers.flatMap { [$0.debitAccountID, $0.creditAccountID] })
            let results = try await applyCreate(
                request.operation,
                count: transfers.count,
                accountIDs: accountIDs,
                transferIDs: Set(transfers.map(\.id))
            ) { snapshot, base in
                TigerBeetleRules.createTransfers(transfers, snapshot: snapshot, baseTimestamp: base)
            }
            return CreateReply.reply(results, for: request.operation)
        case .ids(let ids):
            return try await lookup(request.operation, ids: ids)
        }
    }

    private func lookup(
        _ operation: Workload.Operation,
        ids: [UInt128]
    ) async throws(DriverFailure)
        -> DriverReply
    {
        let isAccounts = operation == .lookupAccounts
        let unique = Array(Set(ids))
        let keyOf = { (id: UInt128) in isAccounts ? self.keys.account(id) : self.keys.transfer(id) }
        let found = try await withRetries("\(operation) of \(ids.count) ids") {
            () async throws(EtcdFailure) in try await self.read(unique.map(keyOf))
        }
        if isAccounts {
            let accounts = ids.compactMap { id -> Account? in
                guard let value = found[keyOf(id)]?.value else { return nil }
                return LedgerValues.account(from: value)
            }
            return DriverReply(.accounts(accounts))
        }
        let transfers = ids.compactMap { id -> Transfer? in
            guard let value = found[keyOf(id)]?.value,
                case .created(let transfer) = LedgerValues.transfer(from: value)
            else { return nil }
            return transfer
        }
        return DriverReply(.transfers(transfers))
    }

    private func applyCreate(
        _ operation: Workload.Operation,
        count: Int,
        accountIDs: Set<UInt128>,
        transferIDs: Set<UInt128>,
        compute: @escaping @Sendable (LedgerSnapshot, UInt64) -> LedgerOutcome
    ) async throws(DriverFailure) -> [CreateResult] {
        sequence += 1
        let requestKey = keys.request(driverID: driverID, sequence: sequence)
        let label = "\(operation) #\(sequence) of \(count) events"
        var isFirstAttempt = true
        let results = try await withRetries(label) { () async throws(EtcdFailure) in
            defer { isFirstAttempt = false }
            return try await self.attemptCreate(
                CreateAttempt(
                    requestKey: requestKey,
                    count: count,
                    accountIDs: accountIDs,
                    transferIDs: transferIDs,
                    isFirst: isFirstAttempt
                ),
                compute: compute
            )
        }
        previousRequestKey = requestKey
        commitsSinceCompaction += 1
        if commitsSinceCompaction >= limits.requestsPerCompaction && lastCommitRevision > 0 {
            commitsSinceCompaction = 0
            do {
                try await cluster.compact(revision: lastCommitRevision)
                log("compacted etcd's history to revision \(lastCommitRevision)")
            } catch {
                log("compacting etcd's history to \(lastCommitRevision) failed: \(error)")
            }
        }
        return results
    }

    /// Reads `keys` in linearizable read-only transactions of at most `maxTxnOps` reads each.
    func read(_ keys: [Data]) async throws(EtcdFailure) -> [Data: EtcdKeyValue] {
        var found: [Data: EtcdKeyValue] = [:]
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + limits.maxTxnOps)
            var transaction = EtcdTransaction()
            transaction.success = keys[start..<end].map { .get($0) }
            let response = try await cluster.run(transaction)
            guard response.readResults.count == end - start else {
                throw await cluster.failOver(
                    "etcd answered \(response.readResults.count) of \(end - start) reads"
                )
            }
            for keyValues in response.readResults {
                for keyValue in keyValues { found[keyValue.key] = keyValue }
            }
            start = end
        }
        return found
    }

    /// Runs `attempt` until it succeeds, a fatal failure, or the request deadline; logs every
    /// failed attempt and backs off (50 ms doubling to 1 s) between attempts.
    private func withRetries<Result>(
        _ label: String,
        _ attempt: () async throws(EtcdFailure) -> Result
    ) async throws(DriverFailure) -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now + limits.requestDeadline
        var backoff = Duration.milliseconds(50)
        for attemptNumber in 1... {
            let message: String
            do {
                return try await attempt()
            } catch {
                switch error {
                case .fatal(let fatal): throw .etcd(fatal)
                case .retryable(let retryable): message = retryable
                }
            }
            do {
                log("\(label): attempt \(attemptNumber) failed: \(message)")
                if clock.now + backoff > deadline {
                    throw .etcd(
                        "\(label) did not complete within \(limits.requestDeadline) "
                            + "(\(attemptNumber) attempts); last error: \(message)"
                    )
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(1))
            }
        }
        preconditionFailure("unreachable: the attempt loop only ends by returning or throwing")
    }

    /// The results a request key holds; throws when they do not fit the request.
    static func storedResults(_ value: Data, count: Int) throws(EtcdFailure) -> [CreateResult] {
        guard let results = LedgerValues.results(from: value, count: count) else {
            throw .fatal("a stored reply holds \(value.count) bytes, not \(count) results")
        }
        return results
    }

    static func wallClockNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
