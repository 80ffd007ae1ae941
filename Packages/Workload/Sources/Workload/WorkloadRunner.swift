// The workload as the harness drives it: each step generates the next request from the seed and
// the model, sends it through the driver handle, reconciles the reply, and returns a progress
// record (command, events, monotonic start and end) for liveness checks and tracing. One request
// is in flight at a time (a closed loop, as the original); the request in flight is visible so
// the harness can also judge the age of an unfinished request.
//
// (Named `WorkloadRunner`, not `Workload`, so module-qualified names such as
// `Workload.Operation` stay usable next to Foundation's `Operation`.)

/// The outcome of one finished request.
public struct ProgressRecord: Sendable, Hashable {
    /// What the request was for.
    public let command: WorkloadCommand
    /// How it travelled.
    public let operation: Operation
    /// Events in the request.
    public let eventCount: Int
    /// Results in the reply.
    public let resultCount: Int
    /// When the request was generated.
    public let startMonotonic: ContinuousClock.Instant
    /// When its reply had been reconciled.
    public let endMonotonic: ContinuousClock.Instant

    /// How long the request took, generation to reconciliation.
    public var duration: Duration { endMonotonic - startMonotonic }
}

/// The request currently waiting for its reply.
public struct InFlightRequest: Sendable, Hashable {
    /// What the request is for.
    public let command: WorkloadCommand
    /// How it travels.
    public let operation: Operation
    /// Events in the request.
    public let eventCount: Int
    /// When it was generated.
    public let startMonotonic: ContinuousClock.Instant
}

/// Why the workload stopped.
public enum WorkloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The driver failed.
    case driver(DriverError)
    /// A reply disagreed with the model.
    case reconcile(ReconcileError)
    /// Every possible command weighs 0: the configuration allows no request.
    case noPossibleCommand

    /// The kind of failure, which the harness maps to an exit code.
    public var kind: WorkloadFailureKind {
        switch self {
        case .driver(let error): error.kind
        case .reconcile: .modelMismatch
        case .noPossibleCommand: .noPossibleCommand
        }
    }

    /// One line saying what happened.
    public var description: String {
        switch self {
        case .driver(let error): error.description
        case .reconcile(let error): error.description
        case .noPossibleCommand:
            "no workload command is possible: give create_accounts a weight above 0"
        }
    }
}

/// Drives a driver with generated requests and checks every reply.
public actor WorkloadRunner {
    /// The driver process.
    public nonisolated let driver: DriverHandle
    /// How long one request may wait for its reply.
    public nonisolated let requestTimeout: Duration
    private var generator: WorkloadGenerator
    /// The model every reply has been reconciled with.
    public private(set) var model: LedgerModel
    /// The request waiting for its reply, if any.
    public private(set) var inFlight: InFlightRequest?
    /// Finished requests per command.
    public private(set) var requestsFinished: [WorkloadCommand: Int] = [:]
    private var failure: WorkloadError?

    /// A workload for `seed` over `driver`.
    public init(
        seed: UInt64,
        configuration: WorkloadConfiguration = WorkloadConfiguration(),
        driver: DriverHandle,
        requestTimeout: Duration = .seconds(180)
    ) {
        precondition(requestTimeout > .zero, "requestTimeout must be positive")
        self.driver = driver
        self.requestTimeout = requestTimeout
        self.generator = WorkloadGenerator(seed: seed, configuration: configuration)
        self.model = LedgerModel(recentTransferCapacity: configuration.maximumEventsPerRequest)
    }

    /// Generates, sends and reconciles one request. After an error the workload is stopped:
    /// later calls throw the same error.
    public func step() async throws(WorkloadError) -> ProgressRecord {
        precondition(inFlight == nil, "one request at a time: step() while a step is running")
        if let failure { throw failure }
        let start = ContinuousClock.now
        guard let planned = generator.next(model: model) else {
            failure = .noPossibleCommand
            throw .noPossibleCommand
        }
        let request = planned.request
        inFlight = InFlightRequest(
            command: planned.command,
            operation: request.operation,
            eventCount: request.eventCount,
            startMonotonic: start
        )
        defer { inFlight = nil }
        let reply: DriverReply
        do {
            reply = try await driver.send(request, timeout: requestTimeout)
        } catch {
            failure = .driver(error)
            throw .driver(error)
        }
        do {
            try model.reconcile(request, reply, command: planned.command)
        } catch {
            failure = .reconcile(error)
            throw .reconcile(error)
        }
        requestsFinished[planned.command, default: 0] += 1
        return ProgressRecord(
            command: planned.command,
            operation: request.operation,
            eventCount: request.eventCount,
            resultCount: reply.resultCount,
            startMonotonic: start,
            endMonotonic: .now
        )
    }
}
