// Spawning into another network namespace (`Command.networkNamespaceDescriptor`): a child joins
// the namespace of an open descriptor before exec, so its /proc/self/ns/net is that namespace's,
// and a descriptor that is not a network namespace fails the spawn with a typed error. The other
// namespace is a `unshare -n` child's, which needs root (or a user namespace of one's own).

import Foundation
import ProcessControl
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension ProcessControlTests {
    @Suite(.enabled(if: getuid() == 0, "needs root to create a network namespace"))
    struct NetworkNamespaceSpawnTests {
        /// The namespace identity (`net:[inode]`) of `/proc/<pid>/ns/net`.
        private static func namespace(of pid: String) throws -> String {
            try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/net")
        }

        @Test func aChildJoinsTheNamespaceItIsGiven() async throws {
            var holder = Command("/usr/bin/unshare", arguments: ["-n", "/bin/sleep", "60"])
            holder.deathSignal = .kill
            let owner = try holder.spawn()
            defer {
                try? owner.kill()
            }
            // unshare execs sleep in the same process once the namespace exists.
            var target = try Self.namespace(of: "\(owner.pid)")
            for _ in 0..<200 where target == (try Self.namespace(of: "self")) {
                try await Task.sleep(for: .milliseconds(10))
                target = try Self.namespace(of: "\(owner.pid)")
            }
            #expect(target != (try Self.namespace(of: "self")))
            let descriptor = open("/proc/\(owner.pid)/ns/net", O_RDONLY | O_CLOEXEC)
            #expect(descriptor >= 0)
            defer { close(descriptor) }

            var command = Command("/bin/readlink", arguments: ["/proc/self/ns/net"])
            command.standardOutput = .pipe
            command.networkNamespaceDescriptor = descriptor
            let child = try command.spawn()
            let output = try #require(child.standardOutput)
            var lines = output.lines().makeAsyncIterator()
            let line = try await lines.next()
            #expect(await child.wait() == .exited(0))
            #expect(line == target, "joined \(line ?? "nothing"), wanted \(target)")

            var plain = Command("/bin/readlink", arguments: ["/proc/self/ns/net"])
            plain.standardOutput = .pipe
            let stays = try plain.spawn()
            let plainOutput = try #require(stays.standardOutput)
            var plainLines = plainOutput.lines().makeAsyncIterator()
            #expect(try await plainLines.next() == (try Self.namespace(of: "self")))
            _ = await stays.wait()
            try owner.kill()
            _ = await owner.wait()
        }

        @Test func aDescriptorThatIsNoNamespaceFailsTheSpawn() throws {
            let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer { close(descriptor) }
            var command = Command("/bin/true")
            command.networkNamespaceDescriptor = descriptor
            #expect {
                _ = try command.spawn()
            } throws: { error in
                let message = (error as? ProcessControlError)?.description ?? ""
                return message.contains("join network namespace")
            }
        }
    }
}
