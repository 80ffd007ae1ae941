// Unit tests of the parts that need no kernel: validation, kernel scales, handles, messages.

import Testing

@testable import Netem

@Suite struct ParametersTests {
    @Test func percentagesMapToTheKernelsThirtyTwoBitScale() {
        #expect(kernelProbability(percent: 30) == 1_288_490_188)
        #expect(kernelProbability(percent: 100) == UInt32.max)
        #expect(kernelProbability(percent: 0) == 0)
        #expect(abs(percent(kernelProbability: 1_288_490_188) - 30) < 0.000_001)
    }

    @Test func validationNamesTheBadField() {
        let cases: [(NetemParameters, String)] = [
            (NetemParameters(loss: .random(percent: 120)), "loss percent"),
            (NetemParameters(delayMs: -1), "delayMs"),
            (NetemParameters(distribution: .normal), "needs a jitter"),
            (NetemParameters(reorderPercent: 25), "needs a delay"),
            (NetemParameters(rateBytesPerSecond: 0), "rateBytesPerSecond"),
            (NetemParameters(limitPackets: 0), "limitPackets"),
        ]
        for (parameters, expected) in cases {
            do {
                try parameters.validate()
                Issue.record("\(parameters) should be rejected")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
            }
        }
        #expect(throws: Never.self) {
            try NetemParameters(delayMs: 10, jitterMs: 2, distribution: .pareto).validate()
        }
    }

    @Test func handlesPrintLikeTc() {
        #expect(TCHandle(major: 0x10, minor: 0).description == "10:")
        #expect(LinkShaper.targetClass(3).description == "10:3")
        #expect(LinkShaper.targetNetemHandle(3).description == "1003:")
        #expect(TCHandle.root.description == "root")
        #expect(IPv4Address("127.0.0.1")?.value == 0x7F00_0001)
        #expect(IPv4Address("10.0.0.256") == nil)
        #expect(IPv4Address(value: 0x0A00_0002).description == "10.0.0.2")
    }

    @Test func missingNetemNamesTheFix() {
        #expect(
            NetemError.unsupported(kind: "netem").description
                == "this kernel has no sch_netem (CONFIG_NET_SCH_NETEM); "
                + "use --faults proxy or a kernel with netem"
        )
        #expect(
            NetemError.fromLibnl(-28, operation: "add").description.contains(
                "needs CAP_NET_ADMIN in this network namespace"
            )
        )
    }
}
