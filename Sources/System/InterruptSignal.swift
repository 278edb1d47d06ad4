#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT (or the death of our parent) set a flag that the waiting loops check between short
/// sleeps; nothing else happens inside the handler (only async-signal-safe work is allowed there). `docker run` passes each
/// of these on to its container; ECS can deliver none but StopTask's SIGTERM, so each stops the task. Signal dispositions
/// belong to the whole process, so only an executable installs this (ecs-run, at its edge); libraries are handed `isSet`.
public enum InterruptSignal {
    /// A closed terminal or a dropped SSH session sends SIGHUP; Ctrl-\ sends SIGQUIT.
    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    // Shared between the handler and every thread that asks `isSet`, hence atomics. Swift's `Atomic` is always
    // lock-free (SE-0410), so the handler may use it: a lock there could deadlock against the thread it interrupted.
    /// CLOCK_MONOTONIC nanoseconds of the first signal; 0 until one came.
    private static let firstAt = Atomic<Int64>(0)
    private static let parent = Atomic<Int32>(0)
    /// A signal this long after the first ends the process at once, in case stopping the task hangs. One
    /// that comes sooner is the same interrupt delivered twice: Ctrl-C reaches the whole process group,
    /// and `timeout`, CI runners and Terraform each pass their own signal on to it too, microseconds later.
    public static let secondSignalAfter: Int64 = 1_000_000_000

    /// Installs the handlers. Call once, early, from the executable.
    public static func install() {
        // Touched before any handler exists, so the handler never runs these statics' one-time initialisation.
        firstAt.store(0, ordering: .relaxed)
        parent.store(getppid(), ordering: .relaxed)
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // Only async-signal-safe calls here: clock_gettime, signal and raise are, and so are lock-free atomics.
                var now = timespec()
                clock_gettime(CLOCK_MONOTONIC, &now)
                // Never 0 on a running system, which has been up for more than a nanosecond.
                let nanoseconds = max(1, Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
                let (exchanged, first) = InterruptSignal.firstAt.compareExchange(
                    expected: 0, desired: nanoseconds, ordering: .relaxed)
                if !exchanged, nanoseconds - first >= InterruptSignal.secondSignalAfter {
                    // Blocked while this handler runs, the raised signal kills the process as it returns.
                    Glibc.signal(signal, SIG_DFL)
                    raise(signal)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0 // no SA_RESTART: a sleeping nanosleep returns early
            sigaction(sig, &action, nil)
        }
    }

    /// True after one of `signals`, or once the process that started us has died: Terraform cancels
    /// an interrupted `local-exec` with SIGKILL to its shell, which no handler sees, and the task must
    /// not run on with nobody watching it. (Only the shell dies; we are re-parented and live on.)
    public static var isSet: Bool { firstAt.load(ordering: .relaxed) != 0 || parentDied }

    private static var parentDied: Bool {
        let parent = parent.load(ordering: .relaxed)
        return parent > 1 && getppid() != parent
    }
}
