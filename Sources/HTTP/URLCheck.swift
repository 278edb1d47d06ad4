internal import CCurl

/// Whether libcurl can send a request to a URL, asked of libcurl's own URL parser, so that a URL it would
/// refuse at the first request (`http://[::1`, a bad port, a space in the host) is found before any.
public enum URLCheck {
    /// Why libcurl would refuse `url`, in its own words ("Bad IPv6 address"); nil when it would not.
    public static func problem(with url: String) -> String? {
        guard let handle = try? URLHandle() else { return "libcurl could not parse it (out of memory)" }
        let code = curl_url_set(handle.pointer, CURLUPART_URL, url, 0)
        guard code != CURLUE_OK else { return nil }
        return String(cString: curl_url_strerror(code))
    }
}

/// Owns one `CURLU *` URL handle.
private final class URLHandle {
    let pointer: OpaquePointer

    init() throws {
        guard let handle = curl_url() else {
            throw HTTPError(code: CURLE_OUT_OF_MEMORY, detail: "curl_url returned NULL", url: "")
        }
        pointer = handle
    }

    deinit { curl_url_cleanup(pointer) }
}
