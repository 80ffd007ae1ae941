// chrome-trace-fixture: writes a trace with our TraceWriter and then waits to be killed, so the
// ChromeTrace tests can SIGKILL a real writer mid-run and check that its unterminated file still
// loads. Usage: chrome-trace-fixture <trace path> <instant count>
// It writes metadata, leaves two spans open, writes <instant count> instants with arguments,
// flushes, prints "ready" on stdout and sleeps until killed (at most an hour).

import ChromeTrace

#if canImport(Darwin)
import Darwin
#else
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 3, let instantCount = Int(arguments[2]), instantCount >= 0 else {
    print("usage: chrome-trace-fixture <trace path> <instant count>")
    exit(2)
}

do {
    // A small buffer so that the events reach the file over many writes, not one.
    let trace = try TraceWriter(path: arguments[1], bufferCapacityBytes: 4_096)
    trace.setProcessName("replica 0", pid: 0)
    trace.setThreadName("main", pid: 0, tid: 0)
    trace.beginSpan("terminated", pid: 0)
    trace.beginSpan("network_faults", pid: 8, args: ["delay_ms": 12])
    for index in 0..<instantCount {
        trace.instant("tick", pid: 6, args: ["index": .int(index), "note": "q\"\\\n\u{e9}"])
    }
    try trace.flush()
    print("ready")
    fflush(nil)
    sleep(3_600)
    exit(3)
} catch {
    print("chrome-trace-fixture: \(error)")
    exit(1)
}
