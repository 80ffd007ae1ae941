// Turns NetemParameters into the kernel's request (scaled probabilities, nanoseconds, delay
// distribution tables read from iproute2's .dist files) and sends it through the C shim.

internal import CNetemShim
internal import CNetlink
internal import Glibc
internal import Synchronization

/// Where iproute2 installs its delay distribution tables on the distributions we know.
private let distributionDirectories = [
    "/usr/lib/x86_64-linux-gnu/tc", "/usr/lib/aarch64-linux-gnu/tc", "/usr/lib/tc",
    "/usr/lib64/tc", "/usr/local/lib/tc", "/usr/share/tc",
]

/// Tables already read, by distribution (each table is 4096 entries, read once per process).
private let loadedDistributions = Mutex<[DelayDistribution: [Int16]]>([:])

/// Reads a .dist table: whitespace-separated signed 16-bit numbers, "#" starts a comment line.
func distributionTable(_ distribution: DelayDistribution) throws(NetemError) -> [Int16] {
    if let cached = loadedDistributions.withLock({ $0[distribution] }) { return cached }
    let fileName = "\(distribution.rawValue).dist"
    for directory in distributionDirectories {
        let path = "\(directory)/\(fileName)"
        guard let text = readSmallFile(path) else { continue }
        var table: [Int16] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            for field in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                guard let value = Int16(field) else {
                    throw .distributionUnavailable(path: path)
                }
                table.append(value)
            }
        }
        guard !table.isEmpty, table.count <= 65_536 else {
            throw .distributionUnavailable(path: path)
        }
        loadedDistributions.withLock { $0[distribution] = table }
        return table
    }
    throw .distributionUnavailable(path: "\(distributionDirectories[0])/\(fileName)")
}

/// Reads a file of at most 1 MiB; nil when it cannot be opened.
private func readSmallFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while bytes.count < 1 << 20 {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension NetemParameters {
    /// The C struct the shim sends (without the distribution table, passed separately).
    func kernelOptions() -> vx_netem_options {
        var options = vx_netem_options()
        options.latency_ns = UInt64((delayMs * 1_000_000).rounded())
        options.jitter_ns = UInt64((jitterMs * 1_000_000).rounded())
        options.delay_correlation = kernelProbability(percent: delayCorrelationPercent)
        options.limit_packets = limitPackets
        switch loss {
        case .random(let percent, let correlationPercent):
            options.loss = kernelProbability(percent: percent)
            options.loss_correlation = kernelProbability(percent: correlationPercent)
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            // tc's gemodel takes 1-h and 1-k; the kernel wants h and k1 (probability to pass).
            options.use_gilbert_elliott = 1
            options.ge_p = kernelProbability(percent: p)
            options.ge_r = kernelProbability(percent: r)
            options.ge_h = kernelProbability(percent: 100 - lossInBad)
            options.ge_k1 = kernelProbability(percent: 100 - lossInGood)
        }
        options.duplicate = kernelProbability(percent: duplicationPercent)
        options.duplicate_correlation = kernelProbability(percent: duplicationCorrelationPercent)
        options.reorder = kernelProbability(percent: reorderPercent)
        options.reorder_correlation = kernelProbability(percent: reorderCorrelationPercent)
        options.gap = reorderGap
        options.corrupt = kernelProbability(percent: corruptionPercent)
        options.corrupt_correlation = kernelProbability(percent: corruptionCorrelationPercent)
        options.rate_bytes_per_second = rateBytesPerSecond ?? 0
        return options
    }
}

/// Sends one netem add/replace request and waits for the kernel's answer.
func sendNetem(
    _ parameters: NetemParameters,
    socket: OpaquePointer,
    link: Link,
    parent: TCHandle,
    handle: TCHandle,
    flags: Int32
) throws(NetemError) {
    try parameters.validate()
    var options = parameters.kernelOptions()
    let table =
        parameters.distribution == .uniform
        ? []
        : try distributionTable(
            parameters.distribution
        )
    let code = table.withUnsafeBufferPointer { buffer in
        options.distribution = buffer.baseAddress
        options.distribution_count = buffer.count
        return vx_netem_send(socket, link.index, parent.rawValue, handle.rawValue, flags, &options)
    }
    try checkLibnl(
        code,
        "set netem \(handle) on \(link.name) parent \(parent)",
        addingKind: "netem"
    )
}
