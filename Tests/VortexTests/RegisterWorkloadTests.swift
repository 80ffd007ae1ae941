// Tests of the register workload's parts without a cluster: the seeded generator (the same
// operations per client for a seed, keys in bounded epochs, the operation mix), the protocol's
// request lines and reply checks, and the recorder: history.jsonl read back by the
// Linearizability package's own parser, pacing by epoch, and retired keys reaching the checker.

import Foundation
import Linearizability
import Synchronization
import Testing

@testable import VortexHarness

@Suite struct RegisterGeneratorTests {
    static func operations(seed: UInt64, client: Int, count: Int) -> [RegisterCall] {
        var generator = RegisterGenerator(
            workloadSeed: seed,
            client: client,
            shape: RegisterWorkloadShape()
        )
        return (0..<count).map { _ in generator.next() }
    }

    @Test func sameSeedGivesEachClientTheSameOperations() {
        for client in 0..<5 {
            let first = Self.operations(seed: 42, client: client, count: 1_000)
            #expect(first == Self.operations(seed: 42, client: client, count: 1_000))
            #expect(first != Self.operations(seed: 43, client: client, count: 1_000))
        }
        #expect(
            Self.operations(seed: 42, client: 0, count: 100)
                != Self.operations(seed: 42, client: 1, count: 100)
        )
    }

    @Test func keysComeInEpochsAndEachSeesABoundedNumberOfOperations() {
        let shape = RegisterWorkloadShape()
        let clients = 5
        let epochs = 40
        var perKey: [Int: Int] = [:]
        for client in 0..<clients {
            let calls = Self.operations(
                seed: 7,
                client: client,
                count: epochs * shape.operationsPerClientPerEpoch
            )
            for (index, call) in calls.enumerated() {
                #expect(call.epoch == index / shape.operationsPerClientPerEpoch)
                #expect(call.key / shape.keysPerEpoch == call.epoch, "key \(call.key) in its epoch")
                perKey[call.key, default: 0] += 1
            }
        }
        #expect(perKey.values.allSatisfy { $0 <= shape.operationsPerKeyMax(clients: clients) })
        // Every key of every epoch is used: a fresh key takes each retired one's place.
        #expect(Set(perKey.keys) == Set(0..<(epochs * shape.keysPerEpoch)))
    }

    @Test func halfReadsAQuarterWritesAQuarterCasOverASmallRange() {
        let calls = Self.operations(seed: 11, client: 2, count: 20_000)
        var reads = 0
        var writes = 0
        var cases = 0
        for call in calls {
            switch call.call {
            case .read:
                reads += 1
            case .write(let value):
                writes += 1
                #expect((0..<5).contains(value))
            case .cas(let from, let to):
                cases += 1
                #expect((0..<5).contains(from) && (0..<5).contains(to) && from != to)
            }
        }
        #expect((9_500...10_500).contains(reads), "\(reads) reads")
        #expect((4_600...5_400).contains(writes), "\(writes) writes")
        #expect((4_600...5_400).contains(cases), "\(cases) cas")
    }
}

@Suite struct RegisterProtocolTests {
    @Test func requestLinesAreTheDocumentedOnes() {
        #expect(RegisterProtocol.requestLine(key: 3, call: .read) == #"{"op":"read","key":3}"#)
        #expect(
            RegisterProtocol.requestLine(key: 3, call: .write(7))
                == #"{"op":"write","key":3,"value":7}"#
        )
        #expect(
            RegisterProtocol.requestLine(key: 3, call: .cas(from: 7, to: 9))
                == #"{"op":"cas","key":3,"from":7,"to":9}"#
        )
    }

    @Test func validRepliesParse() throws {
        #expect(
            try RegisterProtocol.parseReply(#"{"type":"ok","value":7}"#, for: .read)
                == RegisterReply(type: .ok, value: .integer(7), error: nil)
        )
        #expect(
            try RegisterProtocol.parseReply(#"{"type":"ok","value":null}"#, for: .read)
                == RegisterReply(type: .ok, value: .absent, error: nil)
        )
        #expect(
            try RegisterProtocol.parseReply(#" {"type": "ok"} "#, for: .write(1))
                == RegisterReply(type: .ok, value: nil, error: nil)
        )
        #expect(
            try RegisterProtocol.parseReply(
                #"{"type":"fail","error":"not 7"}"#,
                for: .cas(from: 7, to: 9)
            ) == RegisterReply(type: .fail, value: nil, error: "not 7")
        )
        #expect(
            try RegisterProtocol.parseReply(#"{"type":"info"}"#, for: .read).type == .info
        )
    }

    @Test(arguments: [
        (#"{"type":"ok"}"#, OperationCall.read, "needs \"value\""),
        (#"{"type":"ok","value":3}"#, .write(3), "carries no \"value\""),
        (#"{"type":"fail","value":3}"#, .read, "carries no \"value\""),
        (#"{"type":"ok","value":-1}"#, .read, "non-negative"),
        (#"{"type":"ok","value":1.5}"#, .read, "integer or null"),
        (#"{"type":"ok","value":"7"}"#, .read, "integer or null"),
        (#"{"type":"maybe"}"#, .read, "ok, fail or info"),
        (#"{"type":"ok","extra":1}"#, .write(1), "unknown field \"extra\""),
        (#"{"value":1}"#, .read, "\"type\""),
        ("ok", .read, "not a JSON object"),
        ("", .read, "not a JSON object"),
    ])
    func malformedRepliesAreRefusedWithTheReason(line: String, call: OperationCall, reason: String)
    {
        #expect {
            try RegisterProtocol.parseReply(line, for: call)
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}

@Suite struct RegisterRecorderTests {
    /// Collects what the checker reports.
    final class Reports: Sendable {
        let checks = Mutex<[KeyCheck]>([])
    }

    static func recorder(
        _ scratch: HarnessScratch,
        clients: Int,
        reports: Reports
    ) throws -> (RegisterRecorder, RegisterCheckQueue) {
        let checker = RegisterCheckQueue { check, _ in
            reports.checks.withLock { $0.append(check) }
        }
        let recorder = try RegisterRecorder(
            path: scratch.path + "/history.jsonl",
            clock: RunClock(),
            clients: clients,
            shape: RegisterWorkloadShape(),
            checker: checker
        )
        return (recorder, checker)
    }

    @Test func historyReadsBackThroughTheCheckersParser() async throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let reports = Reports()
        let (recorder, checker) = try Self.recorder(scratch, clients: 2, reports: reports)
        let write = recorder.invoke(process: 0, RegisterCall(epoch: 0, key: 0, call: .write(3)))
        let read = recorder.invoke(process: 1, RegisterCall(epoch: 0, key: 0, call: .read))
        recorder.complete(write, .ok)
        recorder.complete(read, .ok, value: .integer(3))
        let cas = recorder.invoke(
            process: 0,
            RegisterCall(epoch: 0, key: 0, call: .cas(from: 2, to: 4))
        )
        recorder.complete(cas, .fail, error: "not \"2\"\n")
        let lost = recorder.invoke(process: 1, RegisterCall(epoch: 0, key: 1, call: .write(1)))
        recorder.complete(lost, .info, error: "no reply")
        let absent = recorder.invoke(process: 3, RegisterCall(epoch: 0, key: 2, call: .read))
        recorder.complete(absent, .ok, value: .absent)
        recorder.finish()
        await checker.drain(deadline: .now + .seconds(10))

        let path = scratch.path + "/history.jsonl"
        let history = try HistoryParser.load(path: path, format: .vortex)
        let operations = history.operations
        #expect(operations.map(\.process) == [0, 1, 0, 1, 3])
        #expect(operations.map(\.key) == [0, 0, 0, 1, 2])
        #expect(
            operations.map(\.call) == [.write(3), .read, .cas(from: 2, to: 4), .write(1), .read]
        )
        #expect(operations.map(\.outcome) == [.ok, .ok, .failed, .unknown, .ok])
        #expect(operations.map(\.observed) == [nil, .integer(3), nil, nil, .absent])
        #expect(operations.map(\.invokeLine) == [1, 2, 5, 7, 9])
        #expect(operations[2].error == "not \"2\"\n")
        #expect(operations[3].completeTimeUs == nil)
        #expect(recorder.lineCount == 10)
        let times = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            .map { line in
                try #require(
                    (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?[
                        "timeUs"
                    ] as? Int
                )
            }
        #expect(times == times.sorted(), "lines are in time order")
        #expect(recorder.counts == RegisterOutcomeCounts(ok: 3, fail: 1, info: 1))
        // finish() retired the epoch: each of its three keys was checked, and is linearizable.
        let checks = reports.checks.withLock { $0 }
        #expect(checks.map(\.key) == [0, 1, 2])
        #expect(checks.allSatisfy { $0.verdict == .linearizable })
        #expect(
            checker.results == RegisterCheckCounts(checked: 3, undecided: 0, notLinearizable: 0)
        )
    }

    @Test func pacingHoldsClientsWithinTheLeadAndRetiresEpochsInOrder() async throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let reports = Reports()
        let (recorder, checker) = try Self.recorder(scratch, clients: 2, reports: reports)
        let lead = recorder.shape.epochLead
        #expect(recorder.mayEnter(client: 0, epoch: lead))
        #expect(!recorder.mayEnter(client: 0, epoch: lead + 1), "client 1 is still in epoch 0")
        for epoch in 0...lead {
            let call = RegisterCall(epoch: epoch, key: epoch * 3, call: .write(epoch))
            recorder.enter(client: 0, epoch: epoch)
            recorder.complete(recorder.invoke(process: 0, call), .ok)
        }
        await checker.drain(deadline: .now + .seconds(10))
        #expect(
            reports.checks.withLock { $0 }.isEmpty,
            "no epoch is retired while client 1 is in 0"
        )
        recorder.enter(client: 1, epoch: 2)
        await checker.drain(deadline: .now + .seconds(10))
        // Epochs 0 and 1 are retired (client 1 skipped them: only client 0's keys 0 and 3).
        #expect(reports.checks.withLock { $0 }.map(\.key) == [0, 3])
        #expect(checker.checkedEpochs == 2)
        #expect(recorder.mayEnter(client: 0, epoch: 2 + lead))
        #expect(!recorder.mayEnter(client: 0, epoch: 3 + lead))
        recorder.finish()
        await checker.drain(deadline: .now + .seconds(10))
        #expect(reports.checks.withLock { $0 }.map(\.key) == [0, 3, 6])
    }

    @Test func aStaleReadIsFoundWithTheSmallestSetThatCannotBeOrdered() async throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let reports = Reports()
        let (recorder, checker) = try Self.recorder(scratch, clients: 2, reports: reports)
        let first = recorder.invoke(process: 0, RegisterCall(epoch: 0, key: 1, call: .write(1)))
        recorder.complete(first, .ok)
        let second = recorder.invoke(process: 0, RegisterCall(epoch: 0, key: 1, call: .write(2)))
        recorder.complete(second, .ok)
        let stale = recorder.invoke(process: 1, RegisterCall(epoch: 0, key: 1, call: .read))
        recorder.complete(stale, .ok, value: .integer(1))
        recorder.finish()
        await checker.drain(deadline: .now + .seconds(10))
        let check = try #require(reports.checks.withLock { $0 }.first)
        #expect(check.verdict == .notLinearizable)
        let violations = RegisterViolations(pagePath: scratch.path + "/anomaly.html")
        // The key's operations as the run held them: their ids are their indices.
        let operations = try HistoryParser.load(
            path: scratch.path + "/history.jsonl",
            format: .vortex
        ).operations
        let line = violations.record(check, operations: operations)
        #expect(line.hasPrefix("register key 1 is not linearizable: these 3 operations"))
        #expect(line.contains("read → 1 by process 1"))
        #expect(violations.summaries.first?.operations.map(\.line) == [1, 3, 5])
        let page = try String(contentsOfFile: scratch.path + "/anomaly.html", encoding: .utf8)
        #expect(page.contains("key 1: not linearizable"))
    }
}

@Suite struct RegisterTargetTests {
    static let file = """
        name = "kv"
        ports = ["client"]
        proxied-ports = ["client"]

        [replica]
        start = ["/bin/sleep", "3600"]

        [driver]
        command = ["/bin/true", "ledger"]
        addresses-port = "client"
        workloads = ["ledger", "register"]

        [driver.commands]
        register = ["python3", "/opt/kv/register.py"]
        """

    @Test func targetFilesSayWhichWorkloadsTheirDriversSpeak() throws {
        let target = try TargetFile.parse(Self.file, format: "toml", path: "kv.toml")
        #expect(target.driver.workloads == [.ledger, .register])
        #expect(target.driver.command(for: .ledger)?.description == "/bin/true ledger")
        #expect(
            target.driver.command(for: .register)?.description == "python3 /opt/kv/register.py"
        )
        let yaml = """
            name: kv
            ports: [client]
            proxied-ports: [client]
            replica: {start: [/bin/sleep, "3600"]}
            driver: {command: [python3, /opt/kv/register.py], addresses-port: client, workloads: [register]}
            """
        let registerOnly = try TargetFile.parse(yaml, format: "yaml", path: "kv.yaml")
        #expect(registerOnly.driver.command(for: .ledger) == nil)
        #expect(
            registerOnly.driver.command(for: .register)?.description.hasPrefix("python3") == true
        )
        let etcd = try #require(BuiltinTargets.target(named: "etcd"))
        #expect(
            etcd.driver.command(for: .register)?.description
                == "{vortex-dir}/vortex-driver-etcd-register"
        )
        #expect(BuiltinTargets.tigerbeetle.driver.workloads == [.ledger])
        #expect(
            TargetListing.describe(etcd).contains(
                "driver (register): {vortex-dir}/vortex-driver-etcd-register"
            )
        )
    }

    @Test(arguments: [
        (
            "workloads = [\"ledger\", \"register\"]", "workloads = [\"kv\"]",
            "driver.workloads names 'kv'"
        ),
        (
            "workloads = [\"ledger\", \"register\"]", "workloads = [\"ledger\"]",
            "driver.commands.register is given but driver.workloads does not list register"
        ),
        ("register = [", "bogus = [", "unknown field 'driver.commands.bogus'"),
        ("workloads = [\"ledger\", \"register\"]", "workloads = []", "driver.workloads is empty"),
        (
            "workloads = [\"ledger\", \"register\"]", "workloads = [\"ledger\", \"ledger\"]",
            "lists a workload twice"
        ),
    ])
    func wrongDriverFieldsAreOneLine(original: String, replacement: String, fragment: String) {
        let text = Self.file.replacingOccurrences(of: original, with: replacement)
        #expect {
            try TargetFile.parse(text, format: "toml", path: "kv.toml")
        } throws: { error in
            let message = (error as? ConfigurationError)?.message ?? ""
            return message.contains(fragment) && message.contains("kv.toml")
                && !message.contains("\n")
        }
    }

    @Test func aWorkloadTheTargetDoesNotSpeakNeedsADriverCommand() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let path = try scratch.write(
            "kv.toml",
            Self.file.replacingOccurrences(of: "\"ledger\", \"register\"", with: "\"register\"")
                .replacingOccurrences(of: "command = [\"/bin/true\", \"ledger\"]\n", with: "")
                .replacingOccurrences(of: "python3", with: "/bin/true")
        )
        var options = RunOptions()
        options.target = path
        #expect {
            try RunConfiguration.validate(options, environment: try scratch.environment())
        } throws: { error in
            (error as? ConfigurationError)?.message.contains(
                "target kv has no ledger driver (it speaks register)"
            ) == true
        }
        options.workload = "register"
        options.clients = "7"
        let configuration = try RunConfiguration.validate(
            options,
            environment: try scratch.environment()
        )
        #expect(configuration.workload == .register)
        #expect(configuration.register == RegisterOptions(clients: 7, requestTimeout: .seconds(5)))
        #expect(configuration.driverCommand.description == "/bin/true /opt/kv/register.py")
        options.driverCommand = "/bin/true other"
        options.workload = "ledger"
        options.clients = nil
        #expect(
            try RunConfiguration.validate(options, environment: try scratch.environment())
                .workload == .ledger,
            "--driver-command brings a driver for any workload"
        )
    }
}
