// NetemBenchmarks: placeholder until the module's benchmark lands.

import Benchmark

let benchmarks: @Sendable () -> Void = {}
