// Tests of one register driver process (RegisterDriver) against real processes: a reply line
// comes back; silence past the deadline is a timeout, after which kill() ends the process; an
// exit, two lines for one request and output between requests are each the documented error;
// and finish() accepts the ends the protocol allows.

import Foundation
import ProcessControl
import Testing
import Workload

@testable import VortexHarness

@Suite(.timeLimit(.minutes(1))) struct RegisterDriverTests {
    /// A driver running `python3 -c script`.
    static func driver(_ script: String) throws -> RegisterDriver {
        try RegisterDriver(
            command: DriverCommand(tokens: ["python3", "-c", script], addresses: ["4010"])
        )
    }

    static let echo = """
        import sys
        for line in sys.stdin:
            print('{"type":"ok","echo":%d}' % len(line), flush=True)
        """

    @Test func aReplyLineComesBackAndFinishEndsTheDriver() async throws {
        let driver = try Self.driver(Self.echo)
        for _ in 0..<3 {
            let reply = try await driver.exchange(#"{"op":"read","key":1}"#, timeout: .seconds(10))
            #expect(reply == #"{"type":"ok","echo":22}"#)
        }
        try await driver.finish(gracePeriod: .seconds(5))
        #expect(driver.process.termination != nil)
    }

    @Test func silencePastTheDeadlineTimesOutAndKillEndsTheGroup() async throws {
        let driver = try Self.driver(
            "import sys, time\nfor line in sys.stdin:\n    time.sleep(3600)"
        )
        let start = ContinuousClock.now
        await #expect {
            try await driver.exchange(#"{"op":"read","key":1}"#, timeout: .milliseconds(300))
        } throws: { error in
            (error as? RegisterDriverError) == .timedOut(after: .milliseconds(300))
        }
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(driver.process.termination == nil, "a timeout alone does not end the driver")
        await driver.kill()
        #expect(driver.process.termination == .signaled(.kill, coreDumped: false))
    }

    @Test func aDriverThatExitsIsReportedAsExited() async throws {
        let driver = try Self.driver("import sys; sys.stdin.readline(); sys.exit(3)")
        await #expect {
            try await driver.exchange(#"{"op":"read","key":1}"#, timeout: .seconds(10))
        } throws: { error in
            (error as? RegisterDriverError) == .exited(.exited(3))
                && (error as? RegisterDriverError)?.outcome == .driverExitedEarly
        }
        await driver.kill()
    }

    @Test func twoLinesForOneRequestAreMalformed() async throws {
        let driver = try Self.driver(
            "import sys\nfor line in sys.stdin:\n    sys.stdout.write('{\"type\":\"ok\"}\\n{\"type\":\"ok\"}\\n'); sys.stdout.flush()"
        )
        await #expect {
            try await driver.exchange(#"{"op":"write","key":1,"value":2}"#, timeout: .seconds(10))
        } throws: { error in
            guard case .replyInvalid(let reason)? = error as? RegisterDriverError else {
                return false
            }
            return reason.contains("more output followed the reply")
        }
        await driver.kill()
    }

    @Test func outputBetweenRequestsIsMalformed() async throws {
        // The driver prints its stray line only once the test has the first reply (it waits,
        // at most 30 s, for the file `gate` the test creates then), and the test sends the
        // second request only once the line is written (the driver creates `printed` after
        // it), so the line always falls between the two requests, however slowly either runs.
        let gate =
            FileManager.default.temporaryDirectory.path
            + "/vortex-test-register-gate-\(UUID().uuidString)"
        let printed = gate + "-printed"
        defer {
            try? FileManager.default.removeItem(atPath: gate)
            try? FileManager.default.removeItem(atPath: printed)
        }
        let driver = try Self.driver(
            """
            import os, sys, time
            for line in sys.stdin:
                print('{"type":"ok"}', flush=True)
                for _ in range(3000):
                    if os.path.exists('\(gate)'):
                        break
                    time.sleep(0.01)
                print('late', flush=True)
                open('\(printed)', 'w').close()
            """
        )
        _ = try await driver.exchange(#"{"op":"write","key":1,"value":2}"#, timeout: .seconds(10))
        _ = FileManager.default.createFile(atPath: gate, contents: nil)
        for _ in 0..<3000 where !FileManager.default.fileExists(atPath: printed) {
            try await Task.sleep(for: .milliseconds(10))
        }
        await #expect {
            try await driver.exchange(#"{"op":"read","key":1}"#, timeout: .seconds(10))
        } throws: { error in
            guard case .replyInvalid(let reason)? = error as? RegisterDriverError else {
                return false
            }
            return reason.contains("output between replies: late")
        }
        await driver.kill()
    }

    @Test func aDriverThatIgnoresSigtermIsAWrongEnd() async throws {
        let driver = try Self.driver(
            "import signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                + "print('ready', flush=True)\ntime.sleep(3600)"
        )
        #expect(try await driver.exchange("{}", timeout: .seconds(10)) == "ready")
        await #expect {
            try await driver.finish(gracePeriod: .milliseconds(300))
        } throws: { error in
            (error as? RegisterDriverError)?.outcome == .driverExitStatus
        }
    }
}
