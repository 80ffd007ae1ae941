// Behaviour that needs our library in a separate process the test can kill: the death signal,
// and the namespace relaunch (inner process is pid 1; killing the outer leaves nothing behind).

import Foundation
import ProcessControl
import Testing

extension ProcessControlTests {
    @Suite struct IsolationTests {
        /// Starts the fixture with stdout piped; returns it and its output lines.
        private func startFixture(
            _ mode: String,
            _ marker: String
        ) throws -> (
            ChildProcess, PipeLines.Iterator
        ) {
            var command = Command(TestSupport.fixturePath, arguments: [mode, marker])
            command.standardOutput = .pipe
            let fixture = try command.spawn()
            let lines = try #require(fixture.standardOutput).lines().makeAsyncIterator()
            return (fixture, lines)
        }

        @Test func parentDeathKillsChild() async throws {
            let marker = TestSupport.uniqueMarker()
            var (fixture, lines) = try startFixture("death-signal", marker)
            let line = try #require(try await lines.next())
            let childPid = try #require(Int32(line.replacingOccurrences(of: "child=", with: "")))
            #expect(TestSupport.processState(childPid) != nil)
            try fixture.kill()
            _ = await fixture.wait()
            #expect(
                await TestSupport.eventually { TestSupport.processes(containing: marker).isEmpty }
            )
        }

        @Test func relaunchRunsAsPidOneAndLeavesNothingBehind() async throws {
            let marker = TestSupport.uniqueMarker()
            var (fixture, lines) = try startFixture("relaunch", marker)
            #expect(try await lines.next() == "pid=1")
            #expect(try await lines.next() == "ready")
            // The outer fixture, the inner fixture and the sleep inside the namespace.
            #expect(TestSupport.processes(containing: marker).count == 3)
            #expect(TestSupport.processes(containing: "/bin/sleep\u{0}\(marker)").count == 1)
            try fixture.kill()  // SIGKILL of the outer: the inner dies, and the namespace with it
            _ = await fixture.wait()
            #expect(
                await TestSupport.eventually { TestSupport.processes(containing: marker).isEmpty }
            )
        }

        /// Grandchildren too, even one that ignores SIGTERM and one in a session of its own: the
        /// kernel kills every process of the pid namespace once its init is gone.
        @Test func relaunchLeavesNoGrandchildBehind() async throws {
            let marker = TestSupport.uniqueMarker()
            var (fixture, lines) = try startFixture("relaunch-tree", marker)
            defer { TestSupport.killAll(containing: marker) }
            #expect(try await lines.next() == "pid=1")
            try #require(await TestSupport.eventually { TestSupport.sleeps(marker).count == 3 })
            try fixture.kill()  // SIGKILL of the outer
            _ = await fixture.wait()
            #expect(
                await TestSupport.eventually { TestSupport.processes(containing: marker).isEmpty }
            )
        }

        /// A SIGTERM sent to the outer process the moment the inner one exists reaches the
        /// inner one (which exits 143): forwarding is in place before the inner is spawned, so
        /// the outer never dies of the default action while the inner starts.
        @Test func signalWhileTheInnerStartsIsForwarded() async throws {
            for _ in 0..<20 {
                let marker = TestSupport.uniqueMarker()
                var command = Command(
                    TestSupport.fixturePath,
                    arguments: ["relaunch-signal", marker]
                )
                command.standardOutput = .null
                let fixture = try command.spawn()
                // The inner process shows the outer's command line from its clone on.
                var pollsLeft = 100_000
                while TestSupport.processes(containing: marker).count < 2 && pollsLeft > 0 {
                    pollsLeft -= 1
                    usleep(100)
                }
                try #require(pollsLeft > 0, "the inner process never appeared")
                try fixture.signal(.terminate)
                #expect(await fixture.wait() == .exited(143))
                #expect(
                    await TestSupport.eventually {
                        TestSupport.processes(containing: marker).isEmpty
                    }
                )
            }
        }

        @Test func relaunchForwardsSigterm() async throws {
            let marker = TestSupport.uniqueMarker()
            var (fixture, lines) = try startFixture("relaunch", marker)
            #expect(try await lines.next() == "pid=1")
            #expect(try await lines.next() == "ready")
            try fixture.signal(.terminate)
            // The inner process has no SIGTERM handler, and as pid 1 of its namespace it ignores
            // the forwarded signal; a second signal kills it outright.
            try await Task.sleep(for: .milliseconds(100))
            try fixture.signal(.terminate)
            let termination = await fixture.wait()
            #expect(termination == .exited(137))
            #expect(
                await TestSupport.eventually { TestSupport.processes(containing: marker).isEmpty }
            )
        }
    }
}
