// `vortex netem-check`: says whether this kernel can run the netem backend (`--faults netem`),
// probing netem, htb, tbf and u32 in a throw-away network namespace, so a user learns before a
// run starts, and how to fix it when it cannot.

import ArgumentParser
import Netem

/// `vortex netem-check`: prints what the kernel supports; exits 0 only when netem can be used.
struct NetemCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netem-check",
        abstract: "Check whether this kernel can run the netem fault backend.",
        discussion: """
            Tries the netem, htb and tbf qdiscs and the u32 classifier in a throw-away network \
            namespace (needs root) and prints one line each. Exits 0 only when --faults netem \
            can run here.
            """
    )

    func run() throws {
        let support: KernelSupport
        do {
            support = try KernelSupport.probe()
        } catch {
            print("netem-check: cannot probe: \(error.description)")
            throw ExitCode(2)
        }
        print(support.description)
        do {
            try support.requireNetemBackend()
            print("netem backend: usable")
        } catch {
            print("netem backend: not usable: \(error.description)")
            throw ExitCode(1)
        }
    }
}
