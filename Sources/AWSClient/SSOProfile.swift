/// The IAM Identity Center settings of one profile, resolved as botocore's SSOProvider does: either the
/// profile names an `[sso-session NAME]` section (`sso_session`), whose `sso_start_url` and `sso_region`
/// apply, or it carries them itself (the legacy form). `sso_account_id` and `sso_role_name` are in the
/// profile in both forms.
struct SSOProfile: Equatable {
    var profileName: String
    var startURL: String
    var region: String
    var accountID: String
    var roleName: String
    /// Set for the `sso_session` form, whose tokens can be refreshed; nil for the legacy form.
    var sessionName: String?

    /// nil when the profile is not an SSO profile: like botocore, `sso_account_id` or `sso_role_name`
    /// is what makes it one.
    static func resolve(
        profileName: String, settings: [String: String],
        sessions: [String: [String: String]]
    ) throws -> SSOProfile? {
        guard settings["sso_account_id"] != nil || settings["sso_role_name"] != nil else { return nil }
        var resolved = settings
        let sessionName = settings["sso_session"]
        if let sessionName {
            guard let session = sessions[sessionName] else {
                throw AWSError.credentials(
                    "profile \"\(profileName)\" names sso_session \"\(sessionName)\", but the config file has no [sso-session \(sessionName)] section",
                    code: "InvalidProfile")
            }
            for (key, value) in session.sorted(by: { $0.key < $1.key }) {
                if let own = settings[key], own != value {
                    throw AWSError.credentials(
                        "\(key) is \"\(own)\" in profile \"\(profileName)\" but \"\(value)\" in [sso-session \(sessionName)]; keep one, or make them equal",
                        code: "InvalidProfile")
                }
                resolved[key] = value
            }
        }
        let required = ["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"]
        let missing = required.filter { (resolved[$0] ?? "").isEmpty }
        if !missing.isEmpty {
            let place = sessionName.map { "profile \"\(profileName)\" with [sso-session \($0)]" } ?? "profile \"\(profileName)\""
            throw AWSError.credentials(
                "\(place) is set up for IAM Identity Center (SSO) but lacks \(missing.joined(separator: ", "))", code: "InvalidProfile")
        }
        let region = resolved["sso_region"]!
        guard region.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw AWSError.credentials(
                "sso_region \"\(region)\" of profile \"\(profileName)\" is not a region name like us-east-1", code: "InvalidProfile")
        }
        return SSOProfile(
            profileName: profileName, startURL: resolved["sso_start_url"]!, region: region,
            accountID: resolved["sso_account_id"]!, roleName: resolved["sso_role_name"]!, sessionName: sessionName)
    }

    /// What `aws sso login` needs to be told to make a new token for this profile.
    var loginCommand: String {
        sessionName.map { "aws sso login --sso-session \($0)" } ?? "aws sso login --profile \(profileName)"
    }
}
