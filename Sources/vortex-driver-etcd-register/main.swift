// vortex-driver-etcd-register: the register driver of the etcd target (docs/workload.md, "The
// register protocol"; docs/targets.md). One process is one client: `vortex-driver-etcd-register
// <cluster> <addresses>`, one JSON request per line on stdin, one JSON reply per line on stdout,
// logs on stderr, exit 0 at the end of stdin (SIGTERM keeps its default action).
//
// Register k is the etcd key `/vortex-register/<cluster>/<k>` holding the value in decimal.
// Reads are linearizable; a write is a put; a cas is one transaction comparing the value. One
// call per request on the current member, failing over to the next member after any error; an
// error leaves a write or cas `info` (it may have been applied) and a read `fail` (a read
// changes nothing). Each call is bounded by VORTEX_ETCD_CALL_TIMEOUT_MS (default 2000), so the
// driver answers before vortex's request timeout (5 s by default).
//
// Try it: etcd & ; echo '{"op":"write","key":1,"value":7}' | vortex-driver-etcd-register 0 2379

import EtcdLedgerDriver
import Foundation

#if canImport(Glibc)
import Glibc
#endif

signal(SIGPIPE, SIG_IGN)

func log(_ message: String) {
    FileHandle.standardError.write(Data("vortex-driver-etcd-register: \(message)\n".utf8))
}

let arguments = CommandLine.arguments
guard arguments.count == 3, UInt128(arguments[1]) != nil else {
    log(
        "usage: vortex-driver-etcd-register <cluster: decimal u128> <addresses: port or "
            + "host:port, comma-separated>"
    )
    exit(2)
}
let endpoints: [EtcdEndpoint]
do {
    endpoints = try EtcdEndpoint.parseList(arguments[2])
} catch {
    log(error.description)
    exit(2)
}
let timeoutText = ProcessInfo.processInfo.environment["VORTEX_ETCD_CALL_TIMEOUT_MS"] ?? "2000"
guard let callTimeoutMs = Int(timeoutText), callTimeoutMs > 0 else {
    log(
        "VORTEX_ETCD_CALL_TIMEOUT_MS must be a positive number of milliseconds, not '\(timeoutText)'"
    )
    exit(2)
}
let cluster = EtcdCluster(endpoints: endpoints, callTimeout: .milliseconds(callTimeoutMs))
let prefix = "/vortex-register/\(arguments[1])/"

func key(_ register: Int) -> Data { Data((prefix + String(register)).utf8) }
func bytes(_ value: Int) -> Data { Data(String(value).utf8) }

/// The reply line to `request`.
func execute(_ request: RegisterRequest) async -> String {
    do throws(EtcdFailure) {
        switch request {
        case .read(let register):
            guard let stored = try await cluster.read(key: key(register)) else {
                return RegisterReplyLine.ok(read: .some(nil))
            }
            guard let value = Int(String(decoding: stored, as: UTF8.self)) else {
                return RegisterReplyLine.failure("fail", error: "key \(register) holds no number")
            }
            return RegisterReplyLine.ok(read: value)
        case .write(let register, let value):
            try await cluster.write(key: key(register), value: bytes(value))
            return RegisterReplyLine.ok(read: nil)
        case .cas(let register, let from, let to):
            let applied = try await cluster.compareAndSet(
                key: key(register),
                from: bytes(from),
                to: bytes(to)
            )
            return applied
                ? RegisterReplyLine.ok(read: nil)
                : RegisterReplyLine.failure("fail", error: "the value was not \(from)")
        }
    } catch {
        log(error.description)
        if case .read = request {
            return RegisterReplyLine.failure("fail", error: error.description)
        }
        return RegisterReplyLine.failure("info", error: error.description)
    }
}

log("cluster \(arguments[1]), members \(endpoints.map(\.description).joined(separator: ","))")
var exitStatus: Int32 = 0
// Bounded by stdin: one request per line until it ends.
while let line = readLine() {
    guard let request = RegisterRequest(line: line) else {
        log("malformed request: \(line.prefix(200))")
        exitStatus = 1
        break
    }
    let reply = await execute(request)
    do {
        try FileHandle.standardOutput.write(contentsOf: Data((reply + "\n").utf8))
    } catch {
        log("writing a reply failed: \(error)")
        exitStatus = 1
        break
    }
}
await cluster.shutdown()
exit(exitStatus)
