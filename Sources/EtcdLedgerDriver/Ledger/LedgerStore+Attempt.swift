// One attempt to apply a create request, in two flavours.
//
// Full: read the head, the request key, every account and every transfer id the batch touches;
// compute; commit guarded by the head's mod_revision and the request key's absence.
//
// Fast (first attempt only): take the head revision, last timestamp and accounts from the
// driver's own last commit when they cover the batch (else read head, request key and accounts,
// not the transfers); assume the batch's transfer ids are new and let the commit check it with
// `create_revision(transfer/<id>) == 0` for each. The head compare proves nothing changed since
// that commit, so a stale cache or an existing id costs one failed compare, then a full attempt,
// never a wrong answer. In the workload's steady state a request is one round trip.

import Foundation
import Workload

/// What the driver's last commit left in etcd: valid while the head's mod_revision is still
/// `headRevision` (the next commit compares it).
struct LedgerCache: Sendable {
    /// The most accounts remembered; past it the cache is dropped.
    static let accountCountMax = 65_536
    /// The head's mod_revision after the commit.
    var headRevision: Int64
    /// The head's timestamp after the commit.
    var lastTimestamp: UInt64
    /// Accounts read or written (nil: known not to exist at `headRevision`).
    var accounts: [UInt128: Account?]
}

/// The request an attempt applies.
struct CreateAttempt: Sendable {
    /// The request's own key.
    var requestKey: Data
    /// The number of events.
    var count: Int
    /// Every account id the events name.
    var accountIDs: Set<UInt128>
    /// Every transfer id the events carry (empty for create_accounts).
    var transferIDs: Set<UInt128>
    /// True for the first attempt (the only one allowed the fast path).
    var isFirst: Bool
}

/// A consistent view of the objects a batch touches.
private struct AttemptBase {
    /// The head's timestamp and the transfers read; its accounts come from `accounts`.
    var snapshot = LedgerSnapshot()
    /// The head's mod_revision (nil: no head yet, an empty ledger).
    var headRevision: Int64?
    /// The accounts looked at, nil for those known not to exist.
    var accounts: [UInt128: Account?] = [:]
}

extension LedgerStore {
    /// Applies the request once, or finds it applied; throws `.retryable` when the ledger
    /// changed under it.
    func attemptCreate(
        _ attempt: CreateAttempt,
        compute: (LedgerSnapshot, UInt64) -> LedgerOutcome
    ) async throws(EtcdFailure) -> [CreateResult] {
        if attempt.isFirst {
            let base: AttemptBase
            if let cached = baseFromCache(attempt.accountIDs) {
                base = cached
            } else {
                switch try await readBase(attempt, includingTransfers: false) {
                case .stored(let results): return results
                case .base(let read): base = read
                }
            }
            let newTransfers = Array(attempt.transferIDs)
            if let results = try await commit(attempt, base, newTransfers, compute) {
                return results
            }
        }
        cache = nil
        switch try await readBase(attempt, includingTransfers: true) {
        case .stored(let results):
            return results
        case .base(let base):
            if let results = try await commit(attempt, base, [], compute) { return results }
        }
        throw .retryable("the ledger changed between the read and the commit")
    }

    private enum ReadOutcome {
        case stored([CreateResult])
        case base(AttemptBase)
    }

    private func baseFromCache(_ accountIDs: Set<UInt128>) -> AttemptBase? {
        guard let cache, accountIDs.allSatisfy({ cache.accounts.keys.contains($0) }) else {
            return nil
        }
        var base = AttemptBase(headRevision: cache.headRevision)
        base.snapshot.lastTimestamp = cache.lastTimestamp
        for id in accountIDs {
            base.accounts[id] = cache.accounts[id] ?? nil
        }
        return base
    }

    private func readBase(
        _ attempt: CreateAttempt,
        includingTransfers: Bool
    ) async throws(EtcdFailure) -> ReadOutcome {
        let accountKeys = attempt.accountIDs.map { ($0, keys.account($0)) }
        let transferKeys =
            includingTransfers ? attempt.transferIDs.map { ($0, keys.transfer($0)) } : []
        let found = try await read(
            [keys.head, attempt.requestKey] + accountKeys.map(\.1) + transferKeys.map(\.1)
        )
        if let stored = found[attempt.requestKey] {
            log(
                "request \(String(decoding: attempt.requestKey, as: UTF8.self)) was applied already"
            )
            return .stored(try Self.storedResults(stored.value, count: attempt.count))
        }
        var base = AttemptBase()
        if let head = found[keys.head] {
            guard let lastTimestamp = LedgerValues.lastTimestamp(fromHead: head.value) else {
                throw .fatal("the ledger head in etcd is not 8 bytes: the key space is corrupt")
            }
            base.snapshot.lastTimestamp = lastTimestamp
            base.headRevision = head.modRevision
        }
        for (id, key) in accountKeys {
            guard let value = found[key]?.value else {
                base.accounts[id] = .some(nil)
                continue
            }
            guard let account = LedgerValues.account(from: value) else {
                throw .fatal("account \(id) in etcd is not a 128-byte Account")
            }
            base.accounts[id] = account
        }
        for (id, key) in transferKeys {
            guard let value = found[key]?.value else { continue }
            guard let transfer = LedgerValues.transfer(from: value) else {
                throw .fatal("transfer \(id) in etcd is neither a Transfer nor a status")
            }
            base.snapshot.transfers[id] = transfer
        }
        return .base(base)
    }

    /// Commits the batch computed from `base`; the results, or nil when a compare failed and the
    /// request is not stored (the ledger moved, or one of `newTransfers` exists).
    private func commit(
        _ attempt: CreateAttempt,
        _ base: AttemptBase,
        _ newTransfers: [UInt128],
        _ compute: (LedgerSnapshot, UInt64) -> LedgerOutcome
    ) async throws(EtcdFailure) -> [CreateResult]? {
        var snapshot = base.snapshot
        snapshot.accounts = base.accounts.compactMapValues { $0 }
        let timestampBase = max(snapshot.lastTimestamp, Self.wallClockNanoseconds())
        let outcome = compute(snapshot, timestampBase)
        precondition(outcome.results.count == attempt.count, "one result per event")

        var transaction = EtcdTransaction()
        transaction.compare = [
            EtcdCompare(
                key: keys.head,
                expectation: base.headRevision.map { .modRevision($0) } ?? .createRevision(0)
            ),
            EtcdCompare(key: attempt.requestKey, expectation: .createRevision(0)),
        ]
        for id in newTransfers {
            transaction.compare.append(
                EtcdCompare(key: keys.transfer(id), expectation: .createRevision(0))
            )
        }
        for (id, account) in outcome.writtenAccounts {
            transaction.success.append(.put(keys.account(id), LedgerValues.account(account)))
        }
        for (id, stored) in outcome.writtenTransfers {
            transaction.success.append(.put(keys.transfer(id), LedgerValues.transfer(stored)))
        }
        transaction.success.append(.put(attempt.requestKey, LedgerValues.results(outcome.results)))
        transaction.success.append(
            .put(keys.head, LedgerValues.head(lastTimestamp: outcome.lastTimestamp))
        )
        if let previousRequestKey { transaction.success.append(.delete(previousRequestKey)) }
        transaction.failure = [.get(attempt.requestKey)]
        guard transaction.largestOperationCount <= limits.maxTxnOps else {
            throw .fatal(
                "this batch needs \(transaction.largestOperationCount) operations in one etcd "
                    + "transaction, above the limit of \(limits.maxTxnOps) "
                    + "(VORTEX_ETCD_MAX_TXN_OPS, etcd --max-txn-ops): send smaller batches"
            )
        }

        let response = try await cluster.run(transaction)
        if response.succeeded {
            lastCommitRevision = response.revision
            remember(base, outcome, headRevision: response.revision)
            return outcome.results
        }
        if let stored = response.readResults.first?.first {
            log("request was applied by an earlier attempt; answering from its results")
            return try Self.storedResults(stored.value, count: attempt.count)
        }
        return nil
    }

    /// Keeps what the commit at `headRevision` left: the accounts looked at and written.
    private func remember(_ base: AttemptBase, _ outcome: LedgerOutcome, headRevision: Int64) {
        var accounts: [UInt128: Account?] = [:]
        if let cache, cache.headRevision == base.headRevision { accounts = cache.accounts }
        accounts.merge(base.accounts) { $1 }
        for (id, account) in outcome.writtenAccounts { accounts[id] = account }
        guard accounts.count <= LedgerCache.accountCountMax else {
            cache = nil
            return
        }
        cache = LedgerCache(
            headRevision: headRevision,
            lastTimestamp: outcome.lastTimestamp,
            accounts: accounts
        )
    }
}
