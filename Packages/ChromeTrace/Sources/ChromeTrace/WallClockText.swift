// Formats an absolute wall-clock time as RFC 3339 UTC text with microseconds
// ("2026-11-23T15:15:30.123456Z"), the `timestamp` argument of every event, without Foundation
// and without allocating per event: the civil date comes from days since the epoch by Howard Hinnant's
// `civil_from_days`, which is exact for every date of the proleptic Gregorian calendar.

extension JSONBuffer {
    /// Appends `"YYYY-MM-DDTHH:MM:SS.ffffffZ"` (quoted) for `nanosecondsSinceEpoch` (UTC).
    ///
    /// The text up to the fraction is formatted once per second and reused, since events come
    /// many per second.
    mutating func append(wallTimeNanoseconds nanosecondsSinceEpoch: Int64) {
        let microseconds = nanosecondsSinceEpoch.dividedFloor(by: 1_000)
        let seconds = microseconds.dividedFloor(by: 1_000_000)
        if seconds != wallClockCachedSecond {
            cacheWallClockPrefix(seconds: seconds)
        }
        reserve(29)
        withUnsafeBytes(of: wallClockPrefix) { prefix in
            append(raw: UnsafeBufferPointer(rebasing: prefix.bindMemory(to: UInt8.self)[..<21]))
        }
        appendDigits(Int(microseconds - seconds * 1_000_000), width: 6)
        append(UInt8(ascii: "Z"))
        append(UInt8(ascii: "\""))
    }

    /// Formats `"YYYY-MM-DDTHH:MM:SS.` for `seconds` into `wallClockPrefix`.
    private mutating func cacheWallClockPrefix(seconds: Int64) {
        let days = seconds.dividedFloor(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        withUnsafeMutableBytes(of: &wallClockPrefix) { prefix in
            prefix[0] = UInt8(ascii: "\"")
            var position = 1
            Self.put(Int(year), width: 4, then: "-", into: prefix, at: &position)
            Self.put(month, width: 2, then: "-", into: prefix, at: &position)
            Self.put(day, width: 2, then: "T", into: prefix, at: &position)
            Self.put(secondOfDay / 3_600, width: 2, then: ":", into: prefix, at: &position)
            Self.put(secondOfDay / 60 % 60, width: 2, then: ":", into: prefix, at: &position)
            Self.put(secondOfDay % 60, width: 2, then: ".", into: prefix, at: &position)
            precondition(position == 21, "wall-clock prefix is 21 bytes")
        }
        wallClockCachedSecond = seconds
    }

    /// Writes the `width` least significant decimal digits of `value` and then `separator` at
    /// `position`, and moves `position` past them.
    private static func put(
        _ value: Int,
        width: Int,
        then separator: Unicode.Scalar,
        into bytes: UnsafeMutableRawBufferPointer,
        at position: inout Int
    ) {
        precondition(value >= 0, "negative calendar field")
        precondition(position + width < bytes.count, "calendar field past the prefix")
        var remaining = value
        for offset in stride(from: width - 1, through: 0, by: -1) {
            bytes[position + offset] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        bytes[position + width] = UInt8(ascii: separator)
        position += width + 1
    }

    /// Appends the `width` least significant decimal digits of a non-negative `value`.
    private mutating func appendDigits(_ value: Int, width: Int) {
        precondition(value >= 0, "negative calendar field")
        precondition(width > 0 && width <= 9, "field width out of range")
        reserve(width)
        var remaining = value
        for position in stride(from: width - 1, through: 0, by: -1) {
            base[count + position] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        advance(by: width)
    }

    /// Year, month (1...12) and day (1...31) of the day `daysSinceEpoch` days after 1970-01-01.
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = shifted.dividedFloor(by: 146_097)
        let dayOfEra = shifted - era * 146_097  // 0...146096
        let yearOfEra =
            (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        // Day of the year counted from March 1, so that February, with its leap day, is last.
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0...11
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so times before 1970 format correctly.
    func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
