#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM (or the death of our parent) set a flag that the waiting loops check between short sleeps; nothing else
/// happens inside the handler (only async-signal-safe work is allowed there). Signal dispositions belong to the whole
/// process, so only an executable installs this (ecs-run, at its edge); libraries are handed `isSet` as a check.
public enum InterruptSignal {
    nonisolated(unsafe) private static var received: sig_atomic_t = 0
    nonisolated(unsafe) private static var parent: pid_t = 0

    /// Installs the handlers. Call once, early, from the executable.
    public static func install() {
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                InterruptSignal.received = 1
                // A second Ctrl-C ends the process at once, in case stopping the task hangs.
                Glibc.signal(signal, SIG_DFL)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0 // no SA_RESTART: a sleeping nanosleep returns early
            sigaction(sig, &action, nil)
        }
        parent = getppid()
    }

    /// True after SIGINT or SIGTERM, or once the process that started us has died: Terraform cancels
    /// an interrupted `local-exec` with SIGKILL to its shell, which no handler sees, and the task must
    /// not run on with nobody watching it. (Only the shell dies; we are re-parented and live on.)
    public static var isSet: Bool { received != 0 || parentDied }

    private static var parentDied: Bool { parent > 1 && getppid() != parent }
}
