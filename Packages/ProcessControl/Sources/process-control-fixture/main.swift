// process-control-fixture: a small program the ProcessControl tests run as a separate process,
// for behaviour that needs our library in a parent that the test can kill.
//   death-signal MARKER     spawn `sleep MARKER` with deathSignal SIGKILL, print its pid, wait
//   relaunch MARKER         relaunch in namespaces; inside print "pid=<n>", spawn `sleep MARKER`
//                           in the namespace, print "ready", and wait for it

import ProcessControl

#if canImport(Glibc)
import Glibc
#endif

func printFlushed(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    printFlushed("usage: process-control-fixture death-signal|relaunch MARKER")
    exit(2)
}
let marker = arguments[2]

switch arguments[1] {
case "death-signal":
    var command = Command("/bin/sleep", arguments: [marker])
    command.deathSignal = .kill
    let child = try command.spawn()
    printFlushed("child=\(child.pid)")
    _ = await child.wait()
case "relaunch":
    try Namespaces.relaunchInNewNamespacesIfNeeded()
    printFlushed("pid=\(getpid())")
    let child = try Command("/bin/sleep", arguments: [marker]).spawn()
    printFlushed("ready")
    let termination = await child.wait()
    printFlushed("sleep \(termination)")
default:
    printFlushed("unknown mode \(arguments[1])")
    exit(2)
}
