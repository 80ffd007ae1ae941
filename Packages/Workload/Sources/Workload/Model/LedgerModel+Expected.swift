// The reply a correct ledger gives to a request, computed from the model: what reconciliation
// accepts. Benchmarks use it to feed reconciliation realistic replies, tests to start from a
// correct reply and inject one mismatch at a time.

extension LedgerModel {
    /// The reply a correct, exactly-once ledger gives to `request` in the model's current state.
    /// Created objects get the timestamps following `lastCreatedTimestamp`; a looked-up object
    /// whose timestamp the model never learned (sparse creates) is returned with timestamp 0.
    public func expectedReply(for request: DriverRequest) -> DriverReply {
        var scratch = self
        var nextTimestamp = lastCreatedTimestamp
        switch request.events {
        case .accounts(let accounts):
            let statuses = accounts.map { account in
                let status = scratch.applyAccount(account, timestamp: nextTimestamp + 1)
                if status == .created { nextTimestamp += 1 }
                return (status.rawValue, status == .created ? nextTimestamp : 0)
            }
            return Self.createReply(statuses, sparse: request.operation == .createAccountsSparse)
        case .transfers(let transfers):
            let statuses = transfers.map { transfer in
                let status = scratch.applyTransfer(transfer, timestamp: nextTimestamp + 1)
                if status == .created { nextTimestamp += 1 }
                return (status.rawValue, status == .created ? nextTimestamp : 0)
            }
            return Self.createReply(statuses, sparse: request.operation == .createTransfersSparse)
        case .ids(let ids) where request.operation == .lookupAccounts:
            return DriverReply(.accounts(ids.compactMap { account(id: $0) }))
        case .ids(let ids):
            return DriverReply(
                .transfers(ids.compactMap { recentTransfers.entry(id: $0)?.transfer })
            )
        }
    }

    private static func createReply(
        _ statuses: [(status: UInt32, timestamp: UInt64)],
        sparse: Bool
    ) -> DriverReply {
        let created = CreateAccountStatus.created.rawValue
        if sparse {
            let failures = statuses.enumerated().compactMap { index, result in
                result.status == created
                    ? nil : ErrorResult(index: UInt32(index), status: result.status)
            }
            return DriverReply(.errorResults(failures))
        }
        return DriverReply(
            .createResults(
                statuses.map { CreateResult(timestamp: $0.timestamp, status: $0.status) }
            )
        )
    }
}
