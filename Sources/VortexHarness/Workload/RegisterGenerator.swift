// The register workload's operations, per client, as a pure function of the run's workload seed
// and the client's index (docs/workload.md, "The register workload"). Keys come in epochs: epoch
// e has `keysPerEpoch` fresh keys, and each client runs `operationsPerClientPerEpoch` operations
// on random keys of its epoch before moving to the next, so every key sees a bounded number of
// operations (at most clients × operationsPerClientPerEpoch) and retires once every client has
// left its epoch. Reads 50 %, writes 25 %, cas 25 %, values from a small range so that a cas
// often finds the value it expects. The same seed gives every client the same operations,
// whatever the timing of the run.

import Linearizability
import Workload

/// The shape of the register workload: how many keys, how many operations each, which values.
struct RegisterWorkloadShape: Sendable, Hashable {
    /// Keys active at once in an epoch.
    var keysPerEpoch = 3
    /// Operations each client runs in one epoch.
    var operationsPerClientPerEpoch = 24
    /// Values are drawn from `0..<valueCount`.
    var valueCount = 5
    /// How many epochs a client may run ahead of the slowest client.
    var epochLead = 2
    /// How many retired epochs may wait for the checker before clients wait for it.
    var checkBacklogEpochs = 8

    /// The most operations one key can see with `clients` clients.
    func operationsPerKeyMax(clients: Int) -> Int {
        clients * operationsPerClientPerEpoch
    }
}

/// One operation a client is to run.
struct RegisterCall: Sendable, Hashable {
    /// The epoch the operation belongs to.
    var epoch: Int
    /// The register.
    var key: Int
    /// What to do with it.
    var call: OperationCall
}

/// The operations of one client, in order.
struct RegisterGenerator: Sendable {
    let shape: RegisterWorkloadShape
    private var random: SeededRandom
    /// Operations generated so far.
    private(set) var generatedCount = 0

    /// The generator of client `client` of a run whose workload seed is `workloadSeed`.
    init(workloadSeed: UInt64, client: Int, shape: RegisterWorkloadShape) {
        precondition(client >= 0, "clients are numbered from 0")
        precondition(shape.keysPerEpoch > 0, "an epoch has keys")
        precondition(shape.operationsPerClientPerEpoch > 0, "a client runs operations per epoch")
        precondition(shape.valueCount >= 2, "a cas needs two different values")
        self.shape = shape
        // Each client draws from its own stream (splitmix64 spreads neighbouring seeds apart).
        random = SeededRandom(seed: workloadSeed ^ (UInt64(client) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The next operation.
    mutating func next() -> RegisterCall {
        let epoch = generatedCount / shape.operationsPerClientPerEpoch
        generatedCount += 1
        let key = epoch * shape.keysPerEpoch + random.index(below: shape.keysPerEpoch)
        let values = UInt64(shape.valueCount)
        let call: OperationCall
        switch random.uniform(below: 4) {
        case 0, 1:
            call = .read
        case 2:
            call = .write(Int(random.uniform(below: values)))
        default:
            let from = random.uniform(below: values)
            let to = (from + 1 + random.uniform(below: values - 1)) % values
            call = .cas(from: Int(from), to: Int(to))
        }
        return RegisterCall(epoch: epoch, key: key, call: call)
    }
}

extension OperationCall {
    /// The function of the call, as history.jsonl and the trace name it.
    var function: RegisterFunction {
        switch self {
        case .read: .read
        case .write: .write
        case .cas: .cas
        }
    }
}
