#if canImport(Glibc)
import Glibc
#endif

/// The end of a program that may still have a thread inside a C library when it decides to stop.
///
/// `exit()` runs the exit handlers and destructors of every loaded library (OpenSSL's cleanup, krb5's
/// mutex teardown, ...) while such a thread is still using them, and that thread then crashes the
/// process: the migrator, ending on bad files while its session was still logging in on a second thread,
/// was killed by SIGABRT or SIGSEGV in a few runs of a hundred instead of exiting 64. Ending with
/// `_exit` after flushing stdio runs none of them; the kernel reclaims memory, sockets and files anyway.
/// Only an executable calls it, as its last act.
public enum ProcessEnd {
    public static func now(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }
}
