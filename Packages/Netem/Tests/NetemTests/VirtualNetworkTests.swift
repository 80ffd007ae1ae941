// A virtual network built over netlink on the host kernel, entirely inside namespaces the test
// creates (nothing touches the host's own): a "run" namespace with a bridge, two "host"
// namespaces joined to it by veth pairs, addresses in 127.1.0.0/16 with route_localnet set.
// TCP then crosses between the namespaces, and the accepting side sees the sender's own address.

import Foundation
import Testing

@testable import Netem

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized, .enabled(if: runningAsRoot, "needs root to create network namespaces"))
struct VirtualNetworkTests {
    /// Binds `fd` to `address:port` (port 0: any) and returns the bound port.
    private func bind(_ fd: Int32, _ address: String, port: UInt16 = 0) throws -> UInt16 {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr.s_addr = inet_addr(address)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                Glibc.bind(fd, address, length) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard bound else { throw SocketFailure(operation: "bind \(address)", code: errno) }
        return UInt16(bigEndian: socketAddress.sin_port)
    }

    /// Connects `fd` to `address:port`.
    private func connect(_ fd: Int32, _ address: String, port: UInt16) throws {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr.s_addr = inet_addr(address)
        let connected = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SocketFailure(operation: "connect", code: errno) }
    }

    /// The address of the peer of an accepted socket.
    private func peerAddress(_ fd: Int32) -> String {
        var socketAddress = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getpeername(fd, $0, &length)
            }
        }
        return String(cString: inet_ntoa(socketAddress.sin_addr))
    }

    @Test(.timeLimit(.minutes(1)))
    func hostsOnABridgeReachEachOtherByTheirOwnAddresses() throws {
        let run = try NetworkNamespaceFile()
        let hosts = [try NetworkNamespaceFile(), try NetworkNamespaceFile()]
        let runSocket = try RouteSocket(namespace: run.namespace)
        try run.setSysctl("net/ipv4/conf/all/route_localnet", "1")
        let bridge = try runSocket.addBridge(named: "test-br")
        try runSocket.addAddress("127.1.0.254", prefixLength: 16, to: bridge)
        try run.setSysctl("net/ipv4/conf/test-br/route_localnet", "1")
        try runSocket.setUp(bridge)
        for (index, host) in hosts.enumerated() {
            let hostSide = try runSocket.addVethPair(
                named: "test-h\(index)",
                peerName: "eth0",
                peerNamespace: host
            )
            try runSocket.setUp(hostSide, master: bridge)
            let socket = try RouteSocket(namespace: host.namespace)
            let interface = try socket.link(named: "eth0")
            try socket.addAddress("127.1.0.\(index + 1)", prefixLength: 16, to: interface)
            try host.setSysctl("net/ipv4/conf/all/route_localnet", "1")
            try host.setSysctl("net/ipv4/conf/eth0/route_localnet", "1")
            try socket.setUp(interface)
            try socket.setUp(try socket.link(named: "lo"))
        }
        #expect(throws: NetemError.self) {
            _ = try runSocket.addBridge(named: "test-br")
        }

        // Host 1 listens; host 0 and the run's namespace connect; each is seen by its address.
        let listener = try hosts[1].openTCPSocket()
        defer { close(listener) }
        let port = try bind(listener, "127.1.0.2")
        #expect(listen(listener, 8) == 0)
        for (from, expected) in [(hosts[0], "127.1.0.1"), (run, "127.1.0.254")] {
            let client = try from.openTCPSocket()
            defer { close(client) }
            try connect(client, "127.1.0.2", port: port)
            let accepted = accept(listener, nil, nil)
            #expect(accepted >= 0)
            defer { close(accepted) }
            #expect(peerAddress(accepted) == expected)
            let sent = [UInt8]("ping".utf8)
            #expect(send(client, sent, sent.count, 0) == sent.count)
            var received = [UInt8](repeating: 0, count: 4)
            #expect(recv(accepted, &received, 4, Int32(MSG_WAITALL)) == 4)
            #expect(received == sent)
        }
        // The address is the host's own: nothing else in its namespace can bind another one.
        let other = try hosts[0].openTCPSocket()
        defer { close(other) }
        #expect(throws: SocketFailure.self) { _ = try bind(other, "127.1.0.2") }
    }
}
