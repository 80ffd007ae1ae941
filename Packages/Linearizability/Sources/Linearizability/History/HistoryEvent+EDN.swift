// Writing Jepsen's history.edn: the EDN map of one event, in the shape JepsenEDNParser reads
// (independent-key tuples, so every key survives), so that a vortex history can be handed to
// Jepsen's own tools (Knossos, Elle) and read back here unchanged.

extension HistoryEvent {
    /// The event as one line of history.edn, without the newline: `:process`, `:type`, `:f`,
    /// `:value` as `[key value]` (`[key [from to]]` for a cas, `[key nil]` when the event has no
    /// value), `:time` in nanoseconds, and `:error` when there is one.
    public var ednLine: String {
        let inner: String
        switch value {
        case nil, .absent?: inner = "nil"
        case .integer(let integer)?: inner = String(integer)
        case .pair(let from, let to)?: inner = "[\(from) \(to)]"
        }
        var line = "{:process \(process), :type :\(type.rawValue), :f :\(function.rawValue), "
        line += ":value [\(key) \(inner)], :time \(timeUs * 1000)"
        if let error {
            line += ", :error " + Self.quoted(error)
        }
        return line + "}"
    }
}
