import System

/// A migration file's SQL as read: its bytes, and the range of them that is SQL (all of it, after any
/// byte order mark). Its sections are ranges of the same bytes.
struct FileText {
    let buffer: TextBuffer
    let range: Range<Int>

    func section(_ part: Range<Int>? = nil, file: String, firstLine: Int, transactional: Bool) -> SQLSection {
        SQLSection(buffer: buffer, range: part ?? range, file: file, firstLine: firstLine, transactional: transactional)
    }
}

extension SQLSection {
    /// The whole of a file.
    init(text: FileText, file: String, firstLine: Int, transactional: Bool) {
        self = text.section(file: file, firstLine: firstLine, transactional: transactional)
    }
}
