// The TigerBeetle release a run tests, read from what `tigerbeetle version` prints, and the one
// choice that depends on it: releases before 0.17.0 answer creates only through the sparse
// operations (`create_*_sparse`: the failed events only), later ones through the dense ones (a
// result per event). The workload must send the kind the replicas understand, so the choice is
// made from the binary itself rather than left to the user.

import Foundation

/// A TigerBeetle release number: `major.minor.patch`.
public struct TigerBeetleRelease: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major release number.
    public var major: UInt32
    /// The minor release number.
    public var minor: UInt32
    /// The patch release number.
    public var patch: UInt32

    /// The first release whose creates answer one result per event (`create_accounts` = 146).
    public static let firstWithDenseCreates = TigerBeetleRelease(major: 0, minor: 17, patch: 0)

    /// The prefix of the line `tigerbeetle version` prints first.
    public static let versionLinePrefix = "TigerBeetle version "

    /// Creates a release number.
    public init(major: UInt32, minor: UInt32, patch: UInt32) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Reads the release from the output of `tigerbeetle version` (with or without
    /// `--verbose`): the first line `TigerBeetle version X.Y.Z`, optionally followed by
    /// `+build` or `-suffix`, which do not change the order. A development build reports
    /// 65535.0.0 and so counts as the newest release.
    ///
    /// - Throws: ``ConfigurationError`` when no line has that form.
    public init(versionOutput: String, executable: String) throws(ConfigurationError) {
        let lines = versionOutput.split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        for line in lines where line.hasPrefix(Self.versionLinePrefix) {
            let text = line.dropFirst(Self.versionLinePrefix.count)
            if let release = Self.parse(text) {
                self = release
                return
            }
        }
        let shown = lines.first.map { "'\($0.prefix(80))'" } ?? "nothing"
        throw ConfigurationError(
            "--tigerbeetle-executable \(executable): '\(executable) version' printed \(shown), not "
                + "'\(Self.versionLinePrefix)X.Y.Z'; vortex reads the release to choose the "
                + "create operations; give a tigerbeetle binary"
        )
    }

    /// Whether the workload must use the sparse create operations (releases before 0.17.0).
    public var takesSparseCreates: Bool {
        self < Self.firstWithDenseCreates
    }

    /// `major.minor.patch`.
    public var description: String {
        "\(major).\(minor).\(patch)"
    }

    /// Orders by major, then minor, then patch.
    public static func < (left: TigerBeetleRelease, right: TigerBeetleRelease) -> Bool {
        (left.major, left.minor, left.patch) < (right.major, right.minor, right.patch)
    }

    private static func parse(_ text: Substring) -> TigerBeetleRelease? {
        let number = text.prefix { $0 != "+" && $0 != "-" }
        let rest = text.dropFirst(number.count)
        guard rest.isEmpty || rest.count > 1, !rest.contains(where: \.isWhitespace) else {
            return nil
        }
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var values: [UInt32] = []
        for part in parts {
            guard part.allSatisfy({ $0.isASCII && $0.isWholeNumber }), let value = UInt32(part)
            else {
                return nil
            }
            values.append(value)
        }
        return TigerBeetleRelease(major: values[0], minor: values[1], patch: values[2])
    }
}
