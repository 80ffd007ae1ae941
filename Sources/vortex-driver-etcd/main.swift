// vortex-driver-etcd: the ledger driver of the etcd target. It implements TigerBeetle's
// create/lookup semantics on an etcd 3.4 cluster so a vortex run against etcd exercises real
// Raft. Contract (the same as TigerBeetle's drivers): `vortex-driver-etcd <cluster> <addresses>`,
// addresses comma-separated (`port`, `host:port`); requests on stdin, replies on stdout, one at a
// time; logs on stderr; exits 0 when stdin ends. SIGTERM keeps its default action (the process
// ends by the signal, which vortex expects at the end of a run); every request is a single etcd
// transaction, so a signal never leaves half a request applied.
//
// This executable is only the process: arguments, environment, stdio, stderr log and exit
// statuses. The rules, the key space and the store are the EtcdLedgerDriver library.
//
// Try it: etcd & ; printf '\x8c\x00\x00\x00\x00' | vortex-driver-etcd 0 2379 | xxd

import EtcdLedgerDriver
import Workload

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

signal(SIGPIPE, SIG_IGN)

let arguments = CommandLine.arguments
let cluster: EtcdCluster
let store: LedgerStore
do throws(DriverFailure) {
    guard arguments.count == 3, UInt128(arguments[1]) != nil else {
        throw .usage(
            "usage: vortex-driver-etcd <cluster: decimal u128> <addresses: port or host:port, "
                + "comma-separated>"
        )
    }
    let endpoints: [EtcdEndpoint]
    do {
        endpoints = try EtcdEndpoint.parseList(arguments[2])
    } catch {
        throw .usage(error.description)
    }
    let limits = try DriverLimits.fromEnvironment()
    cluster = EtcdCluster(endpoints: endpoints, callTimeout: limits.callTimeout)
    let driverID = UInt64.random(in: 1...UInt64.max)
    store = LedgerStore(
        cluster: cluster,
        keys: LedgerKeys(cluster: arguments[1]),
        driverID: driverID,
        limits: limits,
        log: { Log.info($0) }
    )
    Log.info(
        "driver \(String(driverID, radix: 16)) on cluster \(arguments[1]), members "
            + "\(endpoints.map(\.description).joined(separator: ","))"
    )
} catch {
    Log.info(error.description)
    exit(error.exitStatus)
}

let stdio = DriverStdio()
var exitStatus: Int32 = 0
requestLoop: while true {
    do throws(DriverFailure) {
        let request: DriverRequest?
        do {
            request = try stdio.readRequest()
        } catch {
            throw .stream("reading a request failed: \(error)")
        }
        guard let request else { break requestLoop }
        let reply = try await store.handle(request)
        do {
            try stdio.writeReply(reply, for: request)
        } catch {
            throw .stream("writing a reply failed: \(error)")
        }
    } catch {
        Log.info(error.description)
        exitStatus = error.exitStatus
        break requestLoop
    }
}
await cluster.shutdown()
exit(exitStatus)
