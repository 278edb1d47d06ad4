/// The `--debug` trace. Callers pass only what is safe: operation, URL, status, latency, attempt and
/// request id; never headers, bodies, keys or tokens. Lines are built only when tracing is on.
struct DebugTrace {
    let sink: ((String) -> Void)?

    func callAsFunction(_ line: @autoclosure () -> String) {
        sink?("[aws] " + line())
    }
}
