// process-control-fixture: a small program the ProcessControl tests run as a separate process,
// for behaviour that needs our library in a parent that the test can kill.
//   death-signal MARKER     spawn `sleep MARKER` with deathSignal SIGKILL, print its pid, wait
//   relaunch MARKER         relaunch in namespaces; inside print "pid=<n>", spawn `sleep MARKER`
//                           in the namespace, print "ready", and wait for it
//   relaunch-signal MARKER  relaunch in namespaces; inside, watch SIGINT/SIGTERM at once, print
//                           "pid=<n>", and exit with 128 + the first signal's number
//   reaper MARKER           relaunch under a reaper; inside spawn a shell that starts three
//                           `sleep MARKER`: one ignoring SIGTERM, one in a session of its own
//                           (setsid), one in the foreground; print "pid=<n>" and wait for it
//   relaunch-tree MARKER    the same tree, inside new namespaces
//   reaper-exit MARKER      relaunch under a reaper; inside leave a `setsid sleep MARKER`
//                           daemon behind, print "pid=<n>" and exit 0
//   cycles COUNT            10 warm-up cycles, then COUNT spawn/wait cycles of /bin/true with a
//                           stdout pipe; print
//                           "descriptors=<before>,<after> zombies=<n>" (a process of its own, so
//                           no other test's descriptors are counted)

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
    printFlushed("usage: process-control-fixture MODE MARKER (modes: see the header)")
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
case "relaunch-signal":
    try Namespaces.relaunchInNewNamespacesIfNeeded()
    let watcher = try SignalWatcher([.interrupt, .terminate])
    printFlushed("pid=\(getpid())")
    for await signal in watcher.signals {
        exit(128 + signal.rawValue)
    }
    exit(1)
case "reaper", "relaunch-tree":
    if arguments[1] == "reaper" {
        try ProcessTree.relaunchUnderReaperIfNeeded()
    } else {
        try Namespaces.relaunchInNewNamespacesIfNeeded()
    }
    let script =
        "(trap '' TERM; exec sleep \(marker)) & setsid sleep \(marker) & exec sleep \(marker)"
    let child = try Command("/bin/sh", arguments: ["-c", script]).spawn()
    printFlushed("pid=\(getpid())")
    _ = await child.wait()
case "reaper-exit":
    try ProcessTree.relaunchUnderReaperIfNeeded()
    let daemon = try Command("/bin/sh", arguments: ["-c", "setsid sleep \(marker) &"]).spawn()
    _ = await daemon.wait()
    printFlushed("pid=\(getpid())")
    exit(0)
case "cycles":
    let count = Int(marker) ?? 1000
    // Warm up first: the reactor's epoll descriptor and the concurrency runtime's own
    // descriptors appear with the first spawn and stay for the life of the process.
    for _ in 0..<10 {
        _ = try await Command("/bin/true").spawn().wait()
    }
    let before = openDescriptorCount()
    for _ in 0..<count {
        var command = Command("/bin/true")
        command.standardOutput = .pipe
        _ = try await command.spawn().wait()
    }
    // The reactor thread lets go of the last child's record (and so closes its pidfd) just
    // after `wait()` returns; a leak stays, that last descriptor goes within moments.
    var after = openDescriptorCount()
    var settleTurns = 0
    while after > before && settleTurns < 100 {
        settleTurns += 1
        usleep(20_000)
        after = openDescriptorCount()
    }
    printFlushed("descriptors=\(before),\(after) zombies=\(zombieCount())")
default:
    printFlushed("unknown mode \(arguments[1])")
    exit(2)
}

func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while readdir(directory) != nil {
        count += 1
    }
    return count - 3  // ".", ".." and the directory's own descriptor
}

func zombieCount() -> Int {
    guard let tasks = opendir("/proc/self/task") else { return -1 }
    defer { closedir(tasks) }
    var zombies = 0
    while let entry = readdir(tasks) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard name.first?.isNumber == true else { continue }
        for pid in readFile("/proc/self/task/\(name)/children").split(separator: " ") {
            let stat = readFile("/proc/\(pid)/stat")
            if stat.contains(") Z ") { zombies += 1 }
        }
    }
    return zombies
}

func readFile(_ path: String) -> String {
    guard let file = fopen(path, "r") else { return "" }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}
