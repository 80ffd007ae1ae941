// Reaching a child's descendants, with real processes: terminate covers the child's process
// group (a grandchild that ignores SIGTERM included, and after the child itself has ended), and
// group signals on a child that leads no group are a typed error.

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
    }
}
