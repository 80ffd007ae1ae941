// Reaching a child's descendants, with real processes: terminate covers the child's process
// group (a grandchild that ignores SIGTERM included, and after the child itself has ended),
// group signals on a child that leads no group are a typed error, and the reaper relaunch
// leaves no descendant behind when the program is SIGKILLed or exits (checked from here, outside
// the killed process).

import Foundation
import ProcessControl
import Testing

extension ProcessControlTests {
    @Suite struct TreeTests {
        @Test func terminateEndsAGrandchildThatIgnoresSigterm() async throws {
            let marker = TestSupport.uniqueMarker()
            let script = "(trap '' TERM; exec sleep \(marker)) & sleep \(marker); wait"
            var command = Command("/bin/sh", arguments: ["-c", script])
            command.processGroup = .newGroup
            let child = try command.spawn()
            defer { TestSupport.killAll(containing: marker) }
            try #require(await TestSupport.eventually { TestSupport.sleeps(marker).count == 2 })
            let termination = await child.terminate(gracePeriod: .milliseconds(300))
            // The shell obeys SIGTERM; its SIGTERM-ignoring child outlives the grace period and
            // gets SIGKILL, though the leader is gone by then.
            #expect(termination == .signaled(.terminate, coreDumped: false))
            #expect(TestSupport.sleeps(marker).isEmpty)
        }

        @Test func terminateAfterTheChildEndedStillEndsItsGroup() async throws {
            let marker = TestSupport.uniqueMarker()
            var command = Command("/bin/sh", arguments: ["-c", "sleep \(marker) & echo started"])
            command.processGroup = .newGroup
            command.standardOutput = .pipe
            let child = try command.spawn()
            defer { TestSupport.killAll(containing: marker) }
            #expect(await child.wait() == .exited(0))
            try #require(await TestSupport.eventually { TestSupport.sleeps(marker).count == 1 })
            #expect(await child.terminate(gracePeriod: .seconds(30)) == .exited(0))
            #expect(TestSupport.sleeps(marker).isEmpty)
        }

        @Test func signalGroupOnAChildThatLeadsNoGroupThrows() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            #expect {
                try child.signalGroup(.terminate)
            } throws: { error in
                (error as? ProcessControlError)?.code == .notGroupLeader
            }
            #expect(child.state == .running)
            try child.kill()
            _ = await child.wait()
        }

        @Test func signalGroupOnceTheGroupIsGoneThrows() async throws {
            var command = Command("/bin/true")
            command.processGroup = .newGroup
            let child = try command.spawn()
            _ = await child.wait()
            for _ in 0..<2 {
                #expect {
                    try child.signalGroup(.terminate)
                } throws: { error in
                    (error as? ProcessControlError)?.code == .noSuchProcess
                }
            }
            try child.kill()  // killing an ended group is not an error
        }

        @Test func reaperLeavesNoDescendantWhenTheProgramIsKilled() async throws {
            let marker = TestSupport.uniqueMarker()
            var command = Command(TestSupport.fixturePath, arguments: ["reaper", marker])
            command.standardOutput = .pipe
            let guardProcess = try command.spawn()
            defer { TestSupport.killAll(containing: marker) }
            var lines = try #require(guardProcess.standardOutput).lines().makeAsyncIterator()
            let line = try #require(try await lines.next())
            let programPid = try #require(Int32(line.replacingOccurrences(of: "pid=", with: "")))
            // One ignores SIGTERM, one is in a session of its own, one is the shell exec'd.
            try #require(await TestSupport.eventually { TestSupport.sleeps(marker).count == 3 })
            #expect(kill(programPid, SIGKILL) == 0)
            #expect(await guardProcess.wait() == .exited(137))
            #expect(TestSupport.sleeps(marker).isEmpty)
            #expect(TestSupport.processes(containing: marker).isEmpty)
        }

        @Test func reaperLeavesNoDescendantWhenTheProgramExits() async throws {
            let marker = TestSupport.uniqueMarker()
            var command = Command(TestSupport.fixturePath, arguments: ["reaper-exit", marker])
            command.standardOutput = .null
            let guardProcess = try command.spawn()
            defer { TestSupport.killAll(containing: marker) }
            #expect(await guardProcess.wait() == .exited(0))
            #expect(TestSupport.processes(containing: marker).isEmpty)
        }
    }
}
