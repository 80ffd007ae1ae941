// Formats an absolute wall-clock time as RFC 3339 UTC text with microseconds
// ("2026-11-23T15:15:30.123456Z"), the `timestamp` argument of every event, without Foundation
// and without allocating: the civil date comes from days since the epoch by Howard Hinnant's
// `civil_from_days`, which is exact for every date of the proleptic Gregorian calendar.

extension JSONBuffer {
    /// Appends `"YYYY-MM-DDTHH:MM:SS.ffffffZ"` (quoted) for `nanosecondsSinceEpoch` (UTC).
    mutating func append(wallTimeNanoseconds nanosecondsSinceEpoch: Int64) {
        let microseconds = nanosecondsSinceEpoch.dividedFloor(by: 1_000)
        let seconds = microseconds.dividedFloor(by: 1_000_000)
        let fraction = Int(microseconds - seconds * 1_000_000)
        let days = seconds.dividedFloor(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)

        reserve(29)
        append(UInt8(ascii: "\""))
        appendDigits(Int(year), width: 4)
        append(UInt8(ascii: "-"))
        appendDigits(month, width: 2)
        append(UInt8(ascii: "-"))
        appendDigits(day, width: 2)
        append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3_600, width: 2)
        append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, width: 2)
        append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, width: 2)
        append(UInt8(ascii: "."))
        appendDigits(fraction, width: 6)
        append(UInt8(ascii: "Z"))
        append(UInt8(ascii: "\""))
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
