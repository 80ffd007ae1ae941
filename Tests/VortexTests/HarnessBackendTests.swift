// Tests of how the proxy backend maps the harness's network faults onto FaultProxy settings:
// cluster-wide delay and corruption in both directions, corruption only on corruptible ports,
// and isolation as closing every connection to the isolated replica's proxies plus, on every
// proxy, the connections the isolated replica opened.

import FaultProxy
import Testing

@testable import VortexHarness

@Suite struct HarnessBackendTests {
    @Test func healedFaultsAreTransparent() {
        let faults = ProxyNetwork.proxyFaults(.healed, replica: 0, corruptible: true)
        #expect(faults == .none)
    }

    @Test func delayAndCorruptionApplyInBothDirections() {
        let network = NetworkFaults(
            delay: DelayFault(delayMs: 120, jitterMs: 50),
            corruptionPercent: 4
        )
        let faults = ProxyNetwork.proxyFaults(network, replica: 1, corruptible: true)
        for direction in [faults.toUpstream, faults.toClient] {
            #expect(direction.delay == .milliseconds(120))
            #expect(direction.jitter == .milliseconds(50))
            #expect(direction.corruptProbability == 0.04)
        }
        #expect(faults.down == nil)
    }

    @Test func corruptionSkipsPortsThatAreNotCorruptible() {
        let network = NetworkFaults(corruptionPercent: 9)
        let faults = ProxyNetwork.proxyFaults(network, replica: 0, corruptible: false)
        #expect(faults.toUpstream.corruptProbability == 0)
        #expect(faults.toClient.corruptProbability == 0)
    }

    @Test func isolationDownsTheReplicasProxiesAndCutsItsConnectionsEverywhere() {
        let network = NetworkFaults(isolatedReplica: 2)
        let own = ProxyNetwork.proxyFaults(network, replica: 2, corruptible: true)
        #expect(own.down == .closeOnAccept)
        #expect(own.isolatedSources == [2])
        let other = ProxyNetwork.proxyFaults(network, replica: 1, corruptible: true)
        #expect(other.down == nil)
        #expect(other.isolatedSources == [2])
        #expect(
            ProxyNetwork.proxyFaults(.healed, replica: 2, corruptible: true).isolatedSources == []
        )
    }
}
