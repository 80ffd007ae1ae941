// The reply to a create request, from one result per event: the dense operations (TigerBeetle
// ≥ 0.17) answer every result, the sparse ones (138, 139, older clients) only the failures with
// their event index. Pure, so the reply's shape is tested without etcd.

public import Workload

/// Builds create replies.
public enum CreateReply {
    /// Dense results as they are, or only the failures for the sparse operations.
    public static func reply(
        _ results: [CreateResult],
        for operation: Workload.Operation
    ) -> DriverReply {
        switch operation {
        case .createAccountsSparse, .createTransfersSparse:
            let created = CreateAccountStatus.created.rawValue
            let failures = results.enumerated().filter { $0.element.status != created }.map {
                ErrorResult(index: UInt32($0.offset), status: $0.element.status)
            }
            return DriverReply(.errorResults(failures))
        default:
            return DriverReply(.createResults(results))
        }
    }
}
