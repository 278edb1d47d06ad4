/// What `--output` chooses in both programs: lines for people, or one JSON document for machines.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json
}
