internal import CCurl

/// Owns one `CURL *` easy handle.
final class EasyHandle {
    let pointer: UnsafeMutableRawPointer

    init() throws {
        guard let handle = curl_easy_init() else {
            throw HTTPError(code: CURLE_FAILED_INIT, detail: "curl_easy_init returned NULL", url: "")
        }
        pointer = handle
    }

    deinit { curl_easy_cleanup(pointer) }
}

/// Owns one `curl_slist` of request headers; libcurl reads it during the transfer.
final class HeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [String]) {
        for line in lines {
            guard let next = curl_slist_append(pointer, line) else { continue }
            pointer = next
        }
    }

    deinit { curl_slist_free_all(pointer) }
}
