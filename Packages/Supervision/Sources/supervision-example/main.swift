// supervision-example: a small supervision tree to run next to docs/supervision.md. It starts
// a heartbeat task, a nested group of two OS processes and a flaky task that the supervisor
// restarts with backoff; prints every lifecycle event; kills one process from outside (a
// temporary child: reported, not restarted); and after two seconds shuts the tree down in
// reverse start order. Ctrl-C shuts down early (a second Ctrl-C: brutally).
//
//   swift run --package-path Packages/Supervision supervision-example

import ProcessControl
import Supervision

struct FlakyFailure: Error, CustomStringConvertible {
    var description: String { "flaky worker gave up" }
}

let replicas = SupervisorSpec(
    name: "cluster",
    children: (1...2).map { index in
        ChildSpec.process(
            "replica-\(index)",
            command: Command("/bin/sleep", arguments: ["3600"]),
            restart: .temporary,
            shutdown: .timeout(.seconds(2))
        )
    }
)

let root = Supervisor(
    SupervisorSpec(
        name: "root",
        strategy: .oneForOne,
        intensity: 5,
        period: .seconds(10),
        backoff: Backoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), jitter: 0.1),
        children: [
            .task("heartbeat") { _ in
                while true { try await Task.sleep(for: .milliseconds(500)) }
            },
            .supervisor("cluster", replicas),
            .task("flaky") { _ in
                try await Task.sleep(for: .milliseconds(400))
                throw FlakyFailure()
            },
        ]
    )
)

let events = root.events()
let printer = Task {
    for await event in events { print(event) }
}
let harnessLike = Task {
    try await root.waitUntilReady()
    let cluster = try await root.supervisor(at: ["cluster"])
    let replica = try await cluster.process(of: "replica-2")
    print("-- killing replica-2 (pid \(replica.pid)) from outside")
    try replica.kill()
    try await Task.sleep(for: .seconds(2))
    print("-- shutting down")
    root.shutdown()
}

do {
    try await root.run(handlingTerminationSignals: true)
    print("-- supervisor stopped normally")
} catch {
    print("-- supervisor failed: \(error)")
}
harnessLike.cancel()
await printer.value
