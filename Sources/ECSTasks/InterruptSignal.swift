import Glibc

/// SIGINT and SIGTERM set a flag that the waiting loops check between short sleeps; nothing else
/// happens inside the handler (only async-signal-safe work is allowed there).
public enum InterruptSignal {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0
    nonisolated(unsafe) private static var number: sig_atomic_t = 0

    /// Installs the handlers. Call once, early, from the executable.
    public static func install() {
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                InterruptSignal.number = signal
                InterruptSignal.received = 1
                // A second Ctrl-C ends the process at once, in case stopping the task hangs.
                Glibc.signal(signal, SIG_DFL)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0  // no SA_RESTART: a sleeping nanosleep returns early
            sigaction(sig, &action, nil)
        }
    }

    public static var isSet: Bool { received != 0 }

    /// "SIGINT" or "SIGTERM", for messages.
    public static var name: String { number == SIGTERM ? "SIGTERM" : "SIGINT" }
}
