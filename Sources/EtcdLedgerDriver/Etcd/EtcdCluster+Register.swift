// The three calls a key-value register needs, on the same etcd client the ledger uses (one
// member at a time, fail-over on any error): a linearizable read (a read-only transaction, which
// etcd serves through the leader's read index, so a member cut off from the majority times out
// rather than answer from stale state), a write, and a compare-and-set as one transaction
// comparing the value. Used by vortex-driver-etcd-register.

public import Foundation

extension EtcdCluster {
    /// The value of `key`, or nil when the key does not exist (a linearizable read).
    public func read(key: Data) async throws(EtcdFailure) -> Data? {
        let response = try await run(EtcdTransaction(success: [.get(key)]))
        return response.readResults.first?.first?.value
    }

    /// Sets `key` to `value`.
    public func write(key: Data, value: Data) async throws(EtcdFailure) {
        _ = try await run(EtcdTransaction(success: [.put(key, value)]))
    }

    /// Sets `key` to `to` if it holds `from`; returns whether it did (never for a key that does
    /// not exist).
    public func compareAndSet(key: Data, from: Data, to: Data) async throws(EtcdFailure) -> Bool {
        let transaction = EtcdTransaction(
            compare: [EtcdCompare(key: key, expectation: .value(from))],
            success: [.put(key, to)]
        )
        return try await run(transaction).succeeded
    }
}
