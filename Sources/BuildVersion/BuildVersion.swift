/// The version and commit that `--version` prints. These are the values of a development build;
/// scripts/release writes the release's values (from `git describe`) over them for its build and puts
/// this file back afterwards, so a checkout never carries a stale release number.
public enum BuildVersion {
    public static let version = "0.1.0-dev"
    public static let commit = "unknown"

    /// "0.3.0-2-g1a2b3c4 (commit 1a2b3c4d…)": the first word is what the release archives are named after.
    public static var text: String { "\(version) (commit \(commit))" }
}
