// The driver's connection to the etcd cluster: etcd's v3 JSON gateway over AsyncHTTPClient, one
// member at a time. A call that fails in a way another member (or a later try) could fix (a
// refused or dead connection, a timeout, no leader, a member cut off from the majority) moves
// to the next member and reports `.retryable`; a call etcd refuses for good (the transaction
// exceeds --max-txn-ops or --max-request-bytes, the database is full) reports `.fatal` with
// the flag to change. Reads are linearizable (etcd's default for range and read-only txn), so
// a member cut off from the majority times out instead of answering from stale state.

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Why a call to etcd failed.
public enum EtcdFailure: Error, Sendable, CustomStringConvertible {
    /// Try again (the cluster has already moved on to the next member).
    case retryable(String)
    /// Trying again cannot help: one line saying what to change.
    case fatal(String)

    /// The failure's one line.
    public var description: String {
        switch self {
        case .retryable(let message), .fatal(let message): message
        }
    }
}

/// One etcd client endpoint (`http://host:port`).
public struct EtcdEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address.
    public let host: String
    /// Client port.
    public let port: Int

    /// The endpoint's base URL.
    public var url: String { "http://\(host):\(port)" }
    /// `host:port`.
    public var description: String { "\(host):\(port)" }

    /// Parses the driver's address list: comma-separated `port` (meaning 127.0.0.1:port),
    /// `host:port` or `http://host:port`. Throws one line saying what is wrong.
    public static func parseList(_ text: String) throws(EtcdFailure) -> [EtcdEndpoint] {
        var endpoints: [EtcdEndpoint] = []
        for rawItem in text.split(separator: ",", omittingEmptySubsequences: false) {
            var item = rawItem.trimmingCharacters(in: .whitespaces)
            if item.hasPrefix("http://") { item.removeFirst("http://".count) }
            let host: String
            let portText: String
            if let colon = item.lastIndex(of: ":") {
                host = String(item[..<colon])
                portText = String(item[item.index(after: colon)...])
            } else {
                host = "127.0.0.1"
                portText = item
            }
            guard let port = Int(portText), (1...65_535).contains(port), !host.isEmpty else {
                throw .fatal(
                    "bad address '\(rawItem)': expected a port, host:port or http://host:port"
                )
            }
            endpoints.append(EtcdEndpoint(host: host, port: port))
        }
        guard !endpoints.isEmpty else { throw .fatal("no addresses given") }
        return endpoints
    }
}

/// The etcd members, the one in use, and the HTTP client that talks to them.
public actor EtcdCluster {
    /// The members, in the order given.
    public let endpoints: [EtcdEndpoint]
    /// How long one HTTP call may take before the member is given up on.
    let callTimeout: TimeAmount
    private let httpClient: HTTPClient
    private var currentIndex = 0
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()
    private static let responseByteCountMax = 256 << 20

    /// A cluster of `endpoints`; calls start at the first one.
    public init(endpoints: [EtcdEndpoint], callTimeout: Duration) {
        precondition(!endpoints.isEmpty, "an etcd cluster needs at least one endpoint")
        precondition(callTimeout > .zero, "the call timeout must be positive")
        self.endpoints = endpoints
        let (seconds, attoseconds) = callTimeout.components
        self.callTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(1), read: self.callTimeout)
        configuration.connectionPool = .init(idleTimeout: .seconds(30))
        configuration.httpVersion = .http1Only
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The member calls go to now.
    public var current: EtcdEndpoint { endpoints[currentIndex] }

    /// Runs `transaction` on the current member.
    func run(_ transaction: EtcdTransaction) async throws(EtcdFailure) -> EtcdTransactionResponse {
        let body: Data
        do {
            body = try encoder.encode(transaction)
        } catch {
            preconditionFailure("encoding a transaction cannot fail: \(error)")
        }
        let reply = try await post(path: "/v3/kv/txn", body: body)
        do {
            return try decoder.decode(EtcdTransactionResponse.self, from: reply)
        } catch {
            throw failOver("\(current) answered a transaction with unreadable JSON: \(error)")
        }
    }

    /// Compacts etcd's history up to `revision` (older versions of rewritten keys are dropped;
    /// current values stay). A revision compacted already is not an error.
    func compact(revision: Int64) async throws(EtcdFailure) {
        let body = Data(#"{"revision":"\#(revision)","physical":false}"#.utf8)
        do {
            _ = try await post(path: "/v3/kv/compaction", body: body)
        } catch {
            if error.description.contains("compacted") { return }
            throw error
        }
    }

    /// Moves to the next member and returns a retryable failure saying why.
    func failOver(_ reason: String) -> EtcdFailure {
        let from = current
        currentIndex = (currentIndex + 1) % endpoints.count
        return .retryable("\(reason); switching from \(from) to \(current)")
    }

    /// Closes the HTTP client's connections.
    public func shutdown() async {
        try? await httpClient.shutdown()
    }

    private func post(path: String, body: Data) async throws(EtcdFailure) -> Data {
        let endpoint = current
        var request = HTTPClientRequest(url: endpoint.url + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let status: UInt
        let reply: Data
        do {
            let response = try await httpClient.execute(request, timeout: callTimeout)
            status = response.status.code
            var buffer = try await response.body.collect(upTo: Self.responseByteCountMax)
            reply = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
        } catch {
            throw failOver("\(endpoint) did not answer \(path): \(error)")
        }
        guard status == 200 else {
            throw classify(status: status, reply: reply, endpoint: endpoint, path: path)
        }
        return reply
    }

    private func classify(
        status: UInt,
        reply: Data,
        endpoint: EtcdEndpoint,
        path: String
    ) -> EtcdFailure {
        let body = try? decoder.decode(EtcdErrorBody.self, from: reply)
        let message =
            body?.message ?? body?.error ?? String(decoding: reply.prefix(200), as: UTF8.self)
        let code = body?.code ?? -1
        if message.contains("too many operations in txn request") {
            return .fatal(
                "etcd refused a transaction with too many operations: start etcd with "
                    + "--max-txn-ops=32768 (or send smaller batches)"
            )
        }
        if message.contains("request is too large") {
            return .fatal(
                "etcd refused a transaction as too large: start etcd with "
                    + "--max-request-bytes=16777216 (or send smaller batches)"
            )
        }
        if message.contains("database space exceeded") {
            return .fatal(
                "etcd's database is full (NOSPACE alarm): raise --quota-backend-bytes, compact "
                    + "and defragment, then disarm the alarm"
            )
        }
        if code == 3 || code == 7 || code == 16 || status == 404 {
            return .fatal("\(endpoint) refused \(path) (HTTP \(status), code \(code)): \(message)")
        }
        return failOver("\(endpoint) failed \(path) (HTTP \(status), code \(code)): \(message)")
    }
}
