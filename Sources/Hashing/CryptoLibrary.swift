internal import COpenSSL

/// libcrypto as one process uses it, whichever library calls it (ours, libpq, libcurl).
public enum CryptoLibrary {
    /// Tells OpenSSL not to free its tables when the process exits. Its exit handler would otherwise run
    /// while another thread may still be inside libcrypto (the migrator's session, opened on a second thread
    /// while the files are read, is still logging in with SCRAM when bad files end the program), and that
    /// thread then crashes on freed memory: exit status 139 instead of 64. The operating system reclaims the
    /// memory anyway. Takes effect only as the first use of OpenSSL in the process, so executables call it
    /// first thing; later calls change nothing.
    public static func keepUntilExit() {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
    }
}
