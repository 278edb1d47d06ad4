#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT (or the death of our parent) set a flag that the waiting loops check between short
/// sleeps; nothing else happens inside the handler (only async-signal-safe work is allowed there). `docker run` passes each
/// of these on to its container; ECS can deliver none but StopTask's SIGTERM, so each stops the task. Signal dispositions
/// belong to the whole process, so only an executable installs this (ecs-run, at its edge); libraries are handed `isSet`.
public enum InterruptSignal {
    /// A closed terminal or a dropped SSH session sends SIGHUP; Ctrl-\ sends SIGQUIT.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    nonisolated(unsafe) private static var received: sig_atomic_t = 0
    nonisolated(unsafe) private static var parent: pid_t = 0
    /// CLOCK_MONOTONIC nanoseconds of the first signal.
    nonisolated(unsafe) private static var firstAt: Int64 = 0
    /// A signal this long after the first ends the process at once, in case stopping the task hangs. One
    /// that comes sooner is the same interrupt delivered twice: Ctrl-C reaches the whole process group,
    /// and `timeout`, CI runners and Terraform each pass their own signal on to it too, microseconds later.
    public static let secondSignalAfter: Int64 = 1_000_000_000

    /// Installs the handlers. Call once, early, from the executable.
    public static func install() {
        received = 0
        firstAt = 0
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // Only async-signal-safe calls here: clock_gettime, signal and raise are.
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
                if InterruptSignal.received == 0 {
                    InterruptSignal.firstAt = nanoseconds
                    InterruptSignal.received = 1
                } else if nanoseconds - InterruptSignal.firstAt >= InterruptSignal.secondSignalAfter {
                    // Blocked while this handler runs, the raised signal kills the process as it returns.
                    Glibc.signal(signal, SIG_DFL)
                    raise(signal)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0 // no SA_RESTART: a sleeping nanosleep returns early
            sigaction(sig, &action, nil)
        }
        parent = getppid()
    }

    /// True after one of `signals`, or once the process that started us has died: Terraform cancels
    /// an interrupted `local-exec` with SIGKILL to its shell, which no handler sees, and the task must
    /// not run on with nobody watching it. (Only the shell dies; we are re-parented and live on.)
    public static var isSet: Bool { received != 0 || parentDied }

    private static var parentDied: Bool { parent > 1 && getppid() != parent }
}
