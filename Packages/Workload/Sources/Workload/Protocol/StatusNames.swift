// TigerBeetle's snake_case names for the create statuses, for messages and logs
// ("expected debit_account_not_found, got created").

extension CreateAccountStatus: CustomStringConvertible {
    /// TigerBeetle's name of the status (`exists_with_different_code`).
    public var description: String { snakeCaseName(String(describing: self)) }

    /// The name of a raw status value, or `unknown status <n>`.
    public static func name(of rawValue: UInt32) -> String {
        CreateAccountStatus(rawValue: rawValue)?.description ?? "unknown status \(rawValue)"
    }
}

extension CreateTransferStatus: CustomStringConvertible {
    /// TigerBeetle's name of the status (`debit_account_not_found`).
    public var description: String { snakeCaseName(String(describing: self)) }

    /// The name of a raw status value, or `unknown status <n>`.
    public static func name(of rawValue: UInt32) -> String {
        CreateTransferStatus(rawValue: rawValue)?.description ?? "unknown status \(rawValue)"
    }
}

/// `debitAccountIDMustNotBeZero` → `debit_account_id_must_not_be_zero`,
/// `existsWithDifferentUserData128` → `exists_with_different_user_data_128`.
func snakeCaseName(_ camelCase: String) -> String {
    var result = ""
    var previous: Character?
    for character in camelCase.replacing("ID", with: "Id")
        .replacing("OK", with: "Ok")
    {
        if let previous {
            let startsWord = character.isUppercase && !previous.isUppercase
            let startsNumber = character.isNumber && !previous.isNumber
            if startsWord || startsNumber { result.append("_") }
        }
        result.append(Character(character.lowercased()))
        previous = character
    }
    return result
}
