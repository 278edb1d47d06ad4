#if canImport(Glibc)
import Glibc
#endif

/// One piece of work run on a thread of its own, so that the caller can do something else meanwhile and
/// collect the value later (the migrator reads its files while its connection is being opened).
///
/// The value is handed over exactly once: to `wait()`, or, after `abandon(_:)`, to the discard closure,
/// which runs on whichever thread sees the value last (at once if it is already there). The work must not
/// share unsynchronised state with the caller; the value itself is safe to use once handed over.
///
/// `@unchecked Sendable`, because its state sits behind a pthread mutex with a condition variable, which the
/// compiler cannot see (Synchronization has no condition variable). It is safe: `work` is set before the
/// thread starts (`pthread_create` orders that) and read only by that thread; `value` and `discard` are
/// read and written only while `lock` is held; and a value leaves under the lock exactly once, so no two
/// threads ever hold it.
public final class BackgroundWork<Value>: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let ready: UnsafeMutablePointer<pthread_cond_t>
    private var value: Value?
    private var discard: ((Value) -> Void)?
    private var work: (() -> Value)?

    /// Starts `work` on a new thread, or runs it here if no thread can be created.
    public init(_ work: @escaping () -> Value) {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_mutex_t())
        pthread_mutex_init(lock, nil)
        ready = .allocate(capacity: 1)
        ready.initialize(to: pthread_cond_t())
        pthread_cond_init(ready, nil)
        self.work = work
        // The thread holds its own reference until the work is done.
        if !ThreadStart.detached({ self.run() }) { run() }
    }

    deinit {
        pthread_cond_destroy(ready)
        ready.deinitialize(count: 1)
        ready.deallocate()
        pthread_mutex_destroy(lock)
        lock.deinitialize(count: 1)
        lock.deallocate()
    }

    private func run() {
        let result = work!()
        pthread_mutex_lock(lock)
        work = nil
        let discard = discard
        if discard == nil { value = result }
        pthread_cond_broadcast(ready)
        pthread_mutex_unlock(lock)
        discard?(result)
    }

    /// Blocks until the work is done and returns its value. Call it at most once, and not after `abandon`.
    public func wait() -> Value {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while value == nil { pthread_cond_wait(ready, lock) }
        defer { value = nil }
        return value!
    }

    /// The caller no longer wants the value: `discard` gets it when the work is done, without anyone waiting.
    public func abandon(_ discard: @escaping (Value) -> Void) {
        pthread_mutex_lock(lock)
        guard let value else {
            self.discard = discard
            pthread_mutex_unlock(lock)
            return
        }
        self.value = nil
        pthread_mutex_unlock(lock)
        discard(value)
    }
}

/// Starts a detached thread for a closure (not generic, so that it can be a C function pointer).
private final class ThreadStart {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }

    /// False when no thread could be created; the closure has not run then.
    static func detached(_ body: @escaping () -> Void) -> Bool {
        let context = Unmanaged.passRetained(ThreadStart(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<ThreadStart>.fromOpaque(context).takeRetainedValue().body()
                return nil
            }, context)
        guard started == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
