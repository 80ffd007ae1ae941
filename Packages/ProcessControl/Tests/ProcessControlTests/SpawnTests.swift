// Spawning and ending real processes: exit codes, signals, pipes, environment, descriptors,
// typed exec errors, and 1000 spawn/wait cycles without zombies or descriptor leaks.

import Foundation
import ProcessControl
import Testing

extension ProcessControlTests {
    @Suite struct SpawnTests {
        @Test func exitCodesAreReported() async throws {
            for code: Int32 in [0, 1, 3, 127, 255] {
                let child = try Command("/bin/sh", arguments: ["-c", "exit \(code)"]).spawn()
                #expect(await child.wait() == .exited(code))
                #expect(child.state == .exited(.exited(code)))
            }
        }

        @Test func signalsAreReported() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            try child.signal(.terminate)
            #expect(await child.wait() == .signaled(.terminate, coreDumped: false))

            let killed = try Command("/bin/sleep", arguments: ["100"]).spawn()
            try killed.kill()
            let termination = await killed.wait()
            #expect(termination == .signaled(.kill, coreDumped: false))
            #expect(termination.shellStatus == 137)
            #expect(termination.description == "killed by SIGKILL")
        }

        @Test func signalAfterReapIsNoSuchProcess() async throws {
            let child = try Command("/bin/true").spawn()
            _ = await child.wait()
            #expect(throws: ProcessControlError.self) { try child.signal(.terminate) }
            try child.kill()  // killing an ended child is not an error
        }

        @Test func suspendAndResumeAreObserved() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            try child.suspend()
            #expect(child.state == .stopped)
            #expect(TestSupport.processState(child.pid) == "T")
            try child.resume()
            #expect(child.state == .running)
            #expect(TestSupport.processState(child.pid) != "T")
            try child.suspend()
            try child.resume()
            try child.kill()
            _ = await child.wait()
        }

        @Test func waitWithTimeout() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            #expect(await child.wait(timeout: .milliseconds(50)) == nil)
            try child.kill()
            #expect(await child.wait(timeout: .seconds(60)) == .signaled(.kill, coreDumped: false))
            #expect(await child.wait(timeout: .zero) == .signaled(.kill, coreDumped: false))

            let quick = try Command("/bin/sh", arguments: ["-c", "exit 4"]).spawn()
            #expect(await quick.wait(timeout: .seconds(60)) == .exited(4))
        }

        @Test func waitWithTimeoutIsCancellable() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            let waiter = Task { await child.wait(timeout: .seconds(600)) }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            #expect(await waiter.value == nil)
            try child.kill()
            #expect(await child.wait() == .signaled(.kill, coreDumped: false))
        }

        @Test func killingAStoppedChildWorks() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            try child.suspend()
            try child.kill()
            #expect(await child.wait() == .signaled(.kill, coreDumped: false))
        }

        @Test func missingExecutableIsATypedError() {
            #expect {
                _ = try Command("/no/such/file").spawn()
            } throws: { error in
                let error = error as? ProcessControlError
                return error?.code == .executableNotFound
                    && error?.message == "executable not found: /no/such/file"
            }
            #expect {
                _ = try Command("no-such-program-anywhere").spawn()
            } throws: { error in
                (error as? ProcessControlError)?.code == .executableNotFound
            }
            #expect {
                _ = try Command("/etc/hostname").spawn()
            } throws: { error in
                (error as? ProcessControlError)?.code == .notExecutable
            }
        }

        @Test func badWorkingDirectoryIsATypedError() {
            var command = Command("/bin/true")
            command.workingDirectory = "/no/such/directory"
            #expect {
                _ = try command.spawn()
            } throws: { error in
                (error as? ProcessControlError)?.message.contains("/no/such/directory") == true
            }
        }

        @Test func childSeesOnlyStandardDescriptors() async throws {
            // A descriptor without close-on-exec must not reach the child either.
            let leaky = open("/etc/hostname", O_RDONLY)
            #expect(leaky >= 0)
            defer { close(leaky) }
            var command = Command("/bin/sh", arguments: ["-c", "ls /proc/$$/fd"])
            command.standardOutput = .pipe
            let child = try command.spawn()
            let output = try #require(child.standardOutput)
            var lines: [String] = []
            for try await line in output.lines() {
                lines.append(line)
            }
            #expect(await child.wait() == .exited(0))
            #expect(lines.sorted() == ["0", "1", "2"])
        }

        @Test func pipesCarryDataBothWays() async throws {
            var command = Command("/bin/cat")
            command.standardInput = .pipe
            command.standardOutput = .pipe
            let child = try command.spawn()
            let input = try #require(child.standardInput)
            let output = try #require(child.standardOutput)
            let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            async let echoed = output.read(exactly: payload.count)
            try await input.write(payload)
            input.close()
            #expect(try await echoed == payload)
            #expect(try await output.read(upTo: 10).isEmpty)
            #expect(await child.wait() == .exited(0))
        }

        @Test func writingToAnExitedChildIsBrokenPipe() async throws {
            var command = Command("/bin/true")
            command.standardInput = .pipe
            let child = try command.spawn()
            _ = await child.wait()
            let input = try #require(child.standardInput)
            await #expect {
                try await input.write([1, 2, 3])
            } throws: { error in
                (error as? ProcessControlError)?.code == .brokenPipe
            }
        }

        @Test func readIsCancellable() async throws {
            var command = Command("/bin/sleep", arguments: ["100"])
            command.standardOutput = .pipe
            let child = try command.spawn()
            let output = try #require(child.standardOutput)
            let reader = Task { try await output.read(upTo: 10) }
            try await Task.sleep(for: .milliseconds(50))
            reader.cancel()
            await #expect(throws: ProcessControlError.self) { try await reader.value }
            try child.kill()
            _ = await child.wait()
        }

        @Test func environmentAndWorkingDirectory() async throws {
            var command = Command("/bin/sh", arguments: ["-c", "echo $VORTEX_TEST_VALUE; pwd"])
            command.environment = .inheritAdding(["VORTEX_TEST_VALUE": "hello world"])
            command.workingDirectory = "/tmp"
            command.standardOutput = .pipe
            let child = try command.spawn()
            let output = try #require(child.standardOutput)
            var lines: [String] = []
            for try await line in output.lines() { lines.append(line) }
            #expect(lines == ["hello world", "/tmp"])

            var replaced = Command("/usr/bin/env")
            replaced.environment = .replace(["ONLY": "this"])
            replaced.standardOutput = .pipe
            let envChild = try replaced.spawn()
            var envLines: [String] = []
            for try await line in try #require(envChild.standardOutput).lines() {
                envLines.append(line)
            }
            #expect(envLines == ["ONLY=this"])
            _ = await child.wait()
            _ = await envChild.wait()
        }

        @Test func outputToFileTruncatesOrAppends() async throws {
            let path = NSTemporaryDirectory() + "pc-\(UUID().uuidString).log"
            defer { try? FileManager.default.removeItem(atPath: path) }
            for (text, append) in [("one", false), ("two", true), ("three", false)] {
                var command = Command("/bin/echo", arguments: [text])
                command.standardOutput = .file(path, append: append)
                _ = try await command.spawn().wait()
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "three\n")
        }

        @Test func longLinesAreSplitAtTheLimit() async throws {
            var command = Command("/bin/sh", arguments: ["-c", "printf 'abcdefghij\\nxy'"])
            command.standardOutput = .pipe
            let child = try command.spawn()
            var lines: [String] = []
            for try await line in try #require(child.standardOutput).lines(maximumLineLength: 4) {
                lines.append(line)
            }
            #expect(lines == ["abcd", "efgh", "ij", "xy"])
            _ = await child.wait()
        }

        @Test func terminateEscalatesToKill() async throws {
            var command = Command("/bin/sh", arguments: ["-c", "trap '' TERM; sleep 100"])
            command.processGroup = .newGroup
            let child = try command.spawn()
            try await Task.sleep(for: .milliseconds(100))  // let the shell install its trap
            let termination = await child.terminate(gracePeriod: .milliseconds(200))
            #expect(termination == .signaled(.kill, coreDumped: false))
        }

        @Test func terminateReachesAStoppedChild() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            try child.suspend()
            let termination = await child.terminate(gracePeriod: .seconds(60))
            #expect(termination == .signaled(.terminate, coreDumped: false))
        }

        @Test func terminateWithinGraceIsSigterm() async throws {
            let child = try Command("/bin/sleep", arguments: ["100"]).spawn()
            let termination = await child.terminate(gracePeriod: .seconds(30))
            #expect(termination == .signaled(.terminate, coreDumped: false))
        }

        @Test func thousandCyclesLeaveNoZombiesOrDescriptors() async throws {
            // In a process of its own: the root test run shares this one with tests that open
            // descriptors and start children of their own.
            var command = Command(TestSupport.fixturePath, arguments: ["cycles", "1000"])
            command.standardOutput = .pipe
            let fixture = try command.spawn()
            var lines: [String] = []
            for try await line in try #require(fixture.standardOutput).lines() {
                lines.append(line)
            }
            #expect(await fixture.wait() == .exited(0))
            let report = try #require(lines.last)
            let numbers = report.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            try #require(numbers.count == 3, "unexpected report: \(report)")
            #expect(numbers[1] <= numbers[0], "descriptors before and after: \(report)")
            #expect(numbers[2] == 0, "zombies: \(report)")
        }
    }
}
