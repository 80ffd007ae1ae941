// Every seed of a run, derived once from the run seed in a fixed order: the fault scheduler's,
// the workload generator's and the proxies' (corruption draws). The same run seed gives the same
// three seeds, so each part draws from its own stream and adding draws to one part never shifts
// another's. This is the only place that derives seeds.

import Workload

/// The seeds of a run's parts.
public struct RunSeeds: Sendable, Hashable {
    /// The fault scheduler's seed.
    public let scheduler: UInt64
    /// The workload generator's seed.
    public let workload: UInt64
    /// The proxy backend's seed (proxy i draws from `proxy + i`).
    public let proxy: UInt64

    /// Derives the seeds of `runSeed`.
    public init(runSeed: UInt64) {
        var random = VortexRandom(seed: runSeed)
        scheduler = random.next()
        workload = random.next()
        proxy = random.next()
    }
}
