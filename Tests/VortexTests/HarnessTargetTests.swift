// Tests of targets: the built-ins expand to the command lines the design names (etcd with proxy
// ports advertised and pre-vote; TigerBeetle's format/start lines), target files in TOML and YAML
// decode to the same definition, and the cluster layout gives the expected ports and addresses.

import Foundation
import Testing
import VortexHarness

private let fixtures =
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
    + "/Fixtures"

@Suite struct HarnessTargetTests {
    private func values(
        replicaCount: Int,
        target: TargetDefinition,
        proxied: Bool = true
    ) -> PlaceholderValues {
        PlaceholderValues(
            layout: ClusterLayout(
                replicaCount: replicaCount,
                portNames: target.ports,
                proxiedPortNames: proxied ? target.proxiedPorts : []
            ),
            outputDirectory: "/out",
            vortexDirectory: "/opt/vortex/bin",
            tigerbeetleExecutable: "/tb/tigerbeetle",
            cluster: target.cluster
        )
    }

    @Test func etcdAdvertisesProxyPortsAndListensOnRealOnes() {
        let target = BuiltinTargets.etcd
        let command = values(replicaCount: 3, target: target)
            .replicaCommand(target.start, replica: 1)
        #expect(command.first == "etcd")
        #expect(command.contains("--name=r1"))
        #expect(command.contains("--data-dir=/out/replica-1.data"))
        #expect(command.contains("--listen-peer-urls=http://127.1.0.2:4001"))
        #expect(command.contains("--listen-client-urls=http://127.1.0.2:4011"))
        #expect(command.contains("--initial-advertise-peer-urls=http://127.1.0.254:5001"))
        #expect(command.contains("--advertise-client-urls=http://127.1.0.254:5011"))
        #expect(
            command.contains(
                "--initial-cluster=r0=http://127.1.0.254:5000,r1=http://127.1.0.254:5001,"
                    + "r2=http://127.1.0.254:5002"
            )
        )
        #expect(command.contains("--pre-vote=true"))
    }

    @Test func etcdWithoutProxiesAdvertisesRealPorts() {
        let target = BuiltinTargets.etcd
        let command = values(replicaCount: 2, target: target, proxied: false)
            .replicaCommand(target.start, replica: 0)
        #expect(command.contains("--initial-advertise-peer-urls=http://127.1.0.1:4000"))
        #expect(
            command.contains("--initial-cluster=r0=http://127.1.0.1:4000,r1=http://127.1.0.2:4001")
        )
    }

    @Test func etcdDriverGetsClusterAndProxiedClientPorts() throws {
        let target = BuiltinTargets.etcd
        let driver = try #require(target.driver.command)
        let command = values(replicaCount: 3, target: target)
            .driverCommand(driver, addressesPort: target.driver.addressesPort)
        #expect(
            command == [
                "/opt/vortex/bin/vortex-driver-etcd", "0",
                "127.1.0.254:5010,127.1.0.254:5011,127.1.0.254:5012",
            ]
        )
    }

    @Test func tigerbeetleUsesTheOriginalCommandLines() throws {
        let target = BuiltinTargets.tigerbeetle
        let values = values(replicaCount: 3, target: target)
        let prepare = try #require(target.prepare)
        #expect(
            values.replicaCommand(prepare, replica: 2) == [
                "/tb/tigerbeetle", "format", "--cluster=0", "--replica=2", "--replica-count=3",
                "/out/replica-2.data/0_2.tigerbeetle",
            ]
        )
        // Own host and real port at its own index, the proxies' for the peers (docs/targets.md).
        #expect(
            values.replicaCommand(target.start, replica: 1) == [
                "/tb/tigerbeetle", "start",
                "--addresses=127.1.0.254:5000,127.1.0.2:4001,127.1.0.254:5002",
                "/out/replica-1.data/0_1.tigerbeetle",
            ]
        )
        #expect(target.driver.command == nil)
        #expect(target.maxEventsPerRequest == 8_189)
    }

    @Test(arguments: ["harness-etcd.toml", "harness-etcd.yaml"])
    func etcdTargetFileEqualsTheBuiltin(file: String) throws {
        let target = try TargetFile.load(path: "\(fixtures)/\(file)")
        let builtin = BuiltinTargets.etcd
        #expect(target.name == "etcd-file")
        #expect(target.summary == "etcd 3.4 from a target file")
        #expect(target.ports == builtin.ports)
        #expect(target.proxiedPorts == builtin.proxiedPorts)
        #expect(target.start == builtin.start)
        #expect(target.prepare == nil)
        #expect(target.driver == builtin.driver)
        #expect(target.startupGrace == builtin.startupGrace)
        #expect(target.maxEventsPerRequest == builtin.maxEventsPerRequest)
    }

    @Test func tigerbeetleTargetFileEqualsTheBuiltin() throws {
        let target = try TargetFile.load(path: "\(fixtures)/harness-tigerbeetle.yaml")
        let builtin = BuiltinTargets.tigerbeetle
        #expect(target.start == builtin.start)
        #expect(target.prepare == builtin.prepare)
        #expect(target.driver == builtin.driver)
        #expect(target.startupGrace == builtin.startupGrace)
        #expect(target.maxEventsPerRequest == 8_189)
    }

    @Test func bracesEscapeAndPlaceholdersJoinText() throws {
        let template = try CommandTemplate(
            ["/bin/echo", "{{literal}}", "r{replica}-{port.a}x"],
            ports: ["a"],
            field: "test"
        )
        let layout = ClusterLayout(replicaCount: 2, portNames: ["a"], proxiedPortNames: [])
        let values = PlaceholderValues(
            layout: layout,
            outputDirectory: "/o",
            vortexDirectory: "/v",
            tigerbeetleExecutable: nil,
            cluster: 0
        )
        #expect(
            values.replicaCommand(template, replica: 1) == ["/bin/echo", "{literal}", "r1-4001x"]
        )
    }

    @Test func targetListingNamesEveryBuiltin() {
        let text = BuiltinTargets.names.compactMap(BuiltinTargets.target(named:))
            .map(TargetListing.describe).joined(separator: "\n")
        #expect(text.contains("etcd: etcd 3.4"))
        #expect(text.contains("tigerbeetle: TigerBeetle"))
        #expect(text.contains("(--driver-command required)"))
        #expect(text.contains("{members.peer}"))
    }
}

@Suite struct HarnessClusterLayoutTests {
    @Test func portsFollowTheFixedScheme() {
        let layout = ClusterLayout(
            replicaCount: 3,
            portNames: ["peer", "client"],
            proxiedPortNames: ["peer"]
        )
        #expect(layout.realPort("peer", replica: 0) == 4_000)
        #expect(layout.realPort("client", replica: 2) == 4_012)
        #expect(layout.proxyPort("peer", replica: 2) == 5_002)
        #expect(layout.proxyPort("client", replica: 2) == nil)
        #expect(layout.advertisedPort("client", replica: 2) == 4_012)
        // Each replica listens on its own host; a proxied port is reached on the run's address.
        #expect(layout.host(replica: 2) == "127.1.0.3")
        #expect(
            layout.addresses("peer", seenBy: 1)
                == "127.1.0.254:5000,127.1.0.2:4001,127.1.0.254:5002"
        )
        #expect(
            layout.advertisedAddresses("peer")
                == "127.1.0.254:5000,127.1.0.254:5001,127.1.0.254:5002"
        )
        #expect(layout.advertisedAddress("client", replica: 1) == "127.1.0.2:4011")
        #expect(layout.driverAddresses("client") == "127.1.0.1:4010,127.1.0.2:4011,127.1.0.3:4012")
        #expect(layout.members("peer").hasPrefix("r0=http://127.1.0.254:5000,r1="))
        #expect(layout.proxies.map(\.replica) == [0, 1, 2])
        #expect(
            layout.proxies.allSatisfy {
                $0.portName == "peer" && $0.listenHost == ClusterLayout.runHost
                    && $0.upstreamHost == ClusterLayout.replicaHost($0.replica)
            }
        )
        #expect(layout.proxies.map(\.listenPort) == [5_000, 5_001, 5_002])
        #expect(layout.proxies.map(\.upstreamPort) == [4_000, 4_001, 4_002])
    }

    @Test func aHostsAddressNamesItsReplica() {
        for replica in 0..<ClusterLayout.replicaCountMax {
            #expect(ClusterLayout.replica(atHost: ClusterLayout.replicaHost(replica)) == replica)
        }
        for other in [ClusterLayout.runHost, "127.0.0.1", "127.1.0.0", "127.1.0.7", "10.1.0.1", ""]
        {
            #expect(ClusterLayout.replica(atHost: other) == nil, "\(other)")
        }
    }

    @Test func hostAndAdvertisedAddressPlaceholdersExpand() throws {
        let template = try CommandTemplate(
            ["x", "--listen={host}:{port.peer}", "--advertise={advertised-address.peer}"],
            ports: ["peer"],
            field: "test"
        )
        for proxied in [["peer"], []] {
            let layout = ClusterLayout(
                replicaCount: 3,
                portNames: ["peer"],
                proxiedPortNames: proxied
            )
            let values = PlaceholderValues(
                layout: layout,
                outputDirectory: "/o",
                vortexDirectory: "/v",
                tigerbeetleExecutable: nil,
                cluster: 0
            )
            let advertised = proxied.isEmpty ? "127.1.0.3:4002" : "127.1.0.254:5002"
            #expect(
                values.replicaCommand(template, replica: 2)
                    == ["x", "--listen=127.1.0.3:4002", "--advertise=\(advertised)"]
            )
        }
        #expect(throws: ConfigurationError.self) {
            try template.requireClusterWide(field: "--driver-command")
        }
    }

    @Test func everyPortIsDistinctAtTheLargestLayout() {
        let names = (0..<ClusterLayout.portNamesMax).map { "p\($0)" }
        let layout = ClusterLayout(
            replicaCount: ClusterLayout.replicaCountMax,
            portNames: names,
            proxiedPortNames: names
        )
        var ports: [Int] = []
        for replica in 0..<layout.replicaCount {
            for name in names {
                ports.append(layout.realPort(name, replica: replica))
                ports.append(layout.proxyPort(name, replica: replica) ?? -1)
            }
        }
        #expect(Set(ports).count == ports.count)
        #expect(ports.allSatisfy { $0 > 1_024 && $0 < 32_768 })
    }
}
