// Command.run and PipeReader.readToEnd with real processes: status and both streams collected,
// the byte limit, a descendant holding the pipe (run returns anyway, with what was written),
// the timeout, background processes in the child's group ended, and cancellation.

import Foundation
import ProcessControl
import Testing

extension ProcessControlTests {
    @Suite struct RunTests {
        @Test func runCollectsStatusAndBothStreams() async throws {
            let script = "echo out; echo err >&2; exit 3"
            let result = try await Command("/bin/sh", arguments: ["-c", script])
                .run(timeout: .seconds(60))
            #expect(result.termination == .exited(3))
            #expect(result.standardOutput.text == "out\n")
            #expect(result.standardError.text == "err\n")
            #expect(result.standardOutput.reachedEndOfFile)
            #expect(!result.timedOut)
        }

        @Test func runKeepsAtMostTheLimitAndReadsTheRest() async throws {
            let command = Command("/usr/bin/head", arguments: ["-c", "300000", "/dev/zero"])
            let result = try await command.run(timeout: .seconds(60), outputLimitBytes: 1000)
            #expect(result.termination == .exited(0))
            #expect(result.standardOutput.bytes.count == 1000)
            #expect(result.standardOutput.droppedByteCount == 299_000)
            #expect(result.standardOutput.reachedEndOfFile)
        }

        @Test func runReturnsWhenADescendantHoldsThePipe() async throws {
            let marker = TestSupport.uniqueMarker()
            defer { TestSupport.killAll(containing: marker) }
            // The sleep leaves the child's group, so nothing run does ends it; it keeps stdout.
            let script = "setsid sleep \(marker) & echo hi"
            let result = try await Command("/bin/sh", arguments: ["-c", script])
                .run(timeout: .seconds(60), outputDrainLimit: .milliseconds(200))
            #expect(result.termination == .exited(0))
            #expect(!result.timedOut)
            #expect(result.standardOutput.text == "hi\n")
            #expect(!result.standardOutput.reachedEndOfFile)
            #expect(await TestSupport.eventually { TestSupport.sleeps(marker).count == 1 })
        }

        @Test func runTimesOutWhenADescendantHoldsThePipe() async throws {
            let marker = TestSupport.uniqueMarker()
            defer { TestSupport.killAll(containing: marker) }
            let script = "setsid sleep \(marker) & echo hi; exec sleep \(marker)"
            // The timeout leaves the shell time to start the sleeps and echo first.
            let result = try await Command("/bin/sh", arguments: ["-c", script])
                .run(
                    timeout: .seconds(3),
                    gracePeriod: .seconds(30),
                    outputDrainLimit: .milliseconds(200)
                )
            #expect(result.timedOut)
            #expect(result.termination == .signaled(.terminate, coreDumped: false))
            #expect(result.standardOutput.text == "hi\n")
            #expect(!result.standardOutput.reachedEndOfFile)
            // The one in the child's group is gone; the one that left it is not run's to end.
            #expect(await TestSupport.eventually { TestSupport.sleeps(marker).count == 1 })
        }

        @Test func runEndsBackgroundProcessesOfTheChildsGroup() async throws {
            let marker = TestSupport.uniqueMarker()
            defer { TestSupport.killAll(containing: marker) }
            let script = "sleep \(marker) & echo started"
            let result = try await Command("/bin/sh", arguments: ["-c", script])
                .run(timeout: .seconds(60), outputDrainLimit: .milliseconds(200))
            #expect(result.termination == .exited(0))
            #expect(result.standardOutput.text == "started\n")
            #expect(TestSupport.sleeps(marker).isEmpty)
        }

        @Test func cancellingRunStopsTheCommand() async throws {
            let marker = TestSupport.uniqueMarker()
            defer { TestSupport.killAll(containing: marker) }
            let command = Command("/bin/sleep", arguments: [marker])
            let running = Task { try await command.run(timeout: .seconds(600)) }
            try #require(await TestSupport.eventually { TestSupport.sleeps(marker).count == 1 })
            running.cancel()
            await #expect {
                _ = try await running.value
            } throws: { error in
                (error as? ProcessControlError)?.code == .cancelled
            }
            #expect(TestSupport.sleeps(marker).isEmpty)
        }

        @Test func readToEndStopsAtItsTimeLimit() async throws {
            let marker = TestSupport.uniqueMarker()
            defer { TestSupport.killAll(containing: marker) }
            var command = Command("/bin/sh", arguments: ["-c", "sleep \(marker) & echo hi"])
            command.standardOutput = .pipe
            let child = try command.spawn()
            // The shell has written "hi" once it has ended; its sleep still holds the pipe.
            #expect(await child.wait() == .exited(0))
            let output = try await #require(child.standardOutput)
                .readToEnd(keepingAtMost: 100, timeout: .milliseconds(300))
            #expect(output.text == "hi\n")
            #expect(!output.reachedEndOfFile)
        }
    }
}
