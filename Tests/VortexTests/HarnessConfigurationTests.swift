// Tests of `vortex run` validation: good flags give the expected configuration, and every kind of
// wrong input gives one ConfigurationError line (the CLI's exit 2) naming the problem.

import Foundation
import Testing
import VortexHarness

@Suite struct HarnessDurationSyntaxTests {
    @Test(arguments: [
        ("1m30s", Duration.seconds(90)), ("500ms", .milliseconds(500)), ("2h", .seconds(7_200)),
        ("1d", .seconds(86_400)), ("1s1ms1us1ns", .nanoseconds(1_001_001_001)),
        ("30s1m", .seconds(90)), ("999d23h59m59s", .seconds(86_399_999)),
    ])
    func parsesTheOriginalSyntax(text: String, expected: Duration) throws {
        #expect(try DurationSyntax.parse(text, name: "--test-duration") == expected)
    }

    @Test(arguments: [
        ("", "is empty"), ("0s", "is zero"), ("0ms0s", "is zero"), ("10", "needs a unit"),
        ("1m30", "needs a unit"), ("5x", "needs a unit"), ("s", "no number"), ("-5s", "no number"),
        ("1000d", "under 1000d"), ("99999999999999999999s", "under 1000d"),
        ("1.5s", "needs a unit"),
        (" 5s", "no number"),
    ])
    func rejectsWrongDurations(text: String, fragment: String) {
        #expect {
            try DurationSyntax.parse(text, name: "--test-duration")
        } throws: { error in
            let message = (error as? ConfigurationError)?.message ?? ""
            return message.contains(fragment) && message.contains("--test-duration")
        }
    }

    @Test func formatsLargestUnitsFirst() {
        #expect(DurationSyntax.format(.seconds(90)) == "1m30s")
        #expect(DurationSyntax.format(.milliseconds(1_500)) == "1s500ms")
        #expect(DurationSyntax.format(.zero) == "0s")
    }
}

@Suite struct HarnessRunConfigurationTests {
    @Test func defaultsMatchTheOriginal() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        let configuration = try RunConfiguration.validate(
            RunOptions(),
            environment: try scratch.environment(seed: 99)
        )
        #expect(configuration.target.name == "etcd")
        #expect(configuration.faults == .proxy)
        #expect(configuration.replicaCount == 1)
        #expect(configuration.testDuration == .seconds(60))
        #expect(configuration.livenessWindow == .seconds(180))
        #expect(configuration.seed == 99)
        #expect(!configuration.seedWasGiven)
        #expect(configuration.outputDirectory.hasPrefix(scratch.path + "/vortex-"))
        #expect(configuration.faultWeights[.none] == 12_000)
        // One replica: the minority is 0, so no process fault or partition can be drawn.
        #expect(configuration.faultyReplicasMax == 0)
        #expect(configuration.faultWeights[.terminate] == 0)
        #expect(configuration.faultWeights[.delay] == 2)
        #expect(configuration.faultWeights[.loss] == 0)
        var three = RunOptions()
        three.replicaCount = "3"
        let threeReplicas = try RunConfiguration.validate(
            three,
            environment: try scratch.environment(seed: 99)
        )
        #expect(threeReplicas.faultyReplicasMax == 1)
        #expect(threeReplicas.faultWeights[.terminate] == 2)
        #expect(threeReplicas.faultWeights[.isolate] == 2)
    }

    @Test func acceptsEveryFlag() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var options = RunOptions()
        options.faults = "netem"
        options.replicaCount = "5"
        options.testDuration = "2m30s"
        options.seed = "18446744073709551615"
        options.output = scratch.path + "/out/nested"
        options.log = scratch.path + "/run.log"
        options.driverCommand = "/bin/cat -u"
        options.livenessWindow = "20s"
        options.keepOutput = true
        options.faultWeights = ["terminate=4", "loss=3", "none=6000"]
        let configuration = try RunConfiguration.validate(
            options,
            environment: try scratch.environment()
        )
        #expect(configuration.faults == .netem)
        #expect(configuration.replicaCount == 5)
        #expect(configuration.testDuration == .seconds(150))
        #expect(configuration.seed == UInt64.max)
        #expect(configuration.seedWasGiven)
        #expect(configuration.outputDirectory == scratch.path + "/out/nested")
        #expect(configuration.logFile == scratch.path + "/run.log")
        #expect(configuration.driverCommand.expand { "\($0)" } == ["/bin/cat", "-u"])
        #expect(configuration.livenessWindow == .seconds(20))
        #expect(configuration.keepOutput)
        #expect(configuration.faultWeights[.terminate] == 4)
        #expect(configuration.faultWeights[.loss] == 3)
        #expect(configuration.faultWeights[.none] == 6_000)
        #expect(configuration.layout.proxiedPortNames.isEmpty)
    }

    @Test func inheritedSeedAndOutputWinOverRandomOnes() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var environment = try scratch.environment(seed: 1)
        environment.inheritedSeed = 42
        environment.inheritedOutput = scratch.path + "/chosen"
        let configuration = try RunConfiguration.validate(RunOptions(), environment: environment)
        #expect(configuration.seed == 42)
        #expect(configuration.outputDirectory == scratch.path + "/chosen")
    }

    @Test func faultsNoneTurnsEveryFaultOffButAllowsProcessFaults() throws {
        let scratch = try HarnessScratch()
        defer { scratch.remove() }
        var options = RunOptions()
        options.faults = "none"
        let quiet = try RunConfiguration.validate(options, environment: try scratch.environment())
        #expect(!quiet.faultWeights.injectsFaults)
        // Three replicas: the minority of one may be terminated.
        options.replicaCount = "3"
        options.faultWeights = ["terminate=2", "restart=4"]
        let processOnly = try RunConfiguration.validate(
            options,
            environment: try scratch.environment()
        )
        #expect(processOnly.faultWeights.injectsFaults)
        #expect(processOnly.faultWeights[.delay] == 0)
    }
}
