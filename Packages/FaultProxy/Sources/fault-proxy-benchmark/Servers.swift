// The two upstream servers of the benchmark, each a thread per connection on blocking sockets:
// a sink that counts bytes until EOF and answers with the count (so the client's clock covers
// full delivery), and a 64-byte echo for request/response round trips.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback server running `serve` on a new thread for every accepted connection.
final class ThreadServer: Sendable {
    let listener: RawSocket
    let port: Int

    init(serve: @escaping @Sendable (RawSocket) -> Void) throws {
        listener = try RawSocket.listen()
        port = listener.localPort
        let listener = self.listener
        startThread {
            while let connection = listener.accept() {
                startThread {
                    serve(connection)
                    connection.close()
                }
            }
        }
    }

    func stop() {
        listener.shutdownBoth()
        listener.close()
    }

    /// Reads until EOF, then writes the byte count (8 bytes, little-endian) and closes.
    static func sink() throws -> ThreadServer {
        try ThreadServer { connection in
            let buffer = UnsafeMutableRawBufferPointer.allocate(
                byteCount: 256 * 1024,
                alignment: 16
            )
            defer { buffer.deallocate() }
            var total: UInt64 = 0
            while let received = try? connection.receive(into: buffer), received > 0 {
                total += UInt64(received)
            }
            var count = total.littleEndian
            try? withUnsafeBytes(of: &count) { try connection.sendAll($0) }
        }
    }

    /// Echoes 64-byte messages until EOF.
    static func echo(messageBytes: Int) throws -> ThreadServer {
        try ThreadServer { connection in
            let buffer = UnsafeMutableRawBufferPointer.allocate(
                byteCount: messageBytes,
                alignment: 16
            )
            defer { buffer.deallocate() }
            while (try? connection.receiveAll(into: buffer)) != nil {
                guard (try? connection.sendAll(UnsafeRawBufferPointer(buffer))) != nil else {
                    return
                }
            }
        }
    }
}
