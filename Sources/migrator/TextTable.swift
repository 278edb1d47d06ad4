/// Rows of cells written as aligned text: each column padded to its widest cell, the last one left as it
/// is, two spaces between columns.
///
/// Written into one byte buffer, because `status` formats a row per migration: building a `String` per
/// padded cell and joining them cost more than reading the history for a thousand rows.
struct TextTable {
    private let columns: Int
    /// The cells' bytes, row after row, already escaped (`Output.cell`): a cell is kept as bytes rather
    /// than as a `String`, so writing it is a copy of a range.
    private var text: [UInt8] = []
    /// Where each cell ends in `text`, and its width.
    private var ends: [Int] = []
    private var cellWidths: [Int] = []
    private var widths: [Int]

    init(header: [String]) {
        columns = header.count
        widths = Array(repeating: 0, count: header.count)
        append(header)
    }

    /// A row with one cell per column; each is escaped before it is measured.
    mutating func append(_ row: [String]) {
        precondition(row.count == columns, "a table row has one cell per column")
        for (column, cell) in row.enumerated() {
            // Printable ASCII, nearly every cell, needs no escape and is one column per byte: one look at its bytes.
            let printable = cell.utf8.withContiguousStorageIfAvailable { bytes in
                if bytes.contains(where: { $0 < 0x20 || $0 >= 0x7F }) { return false }
                text.append(contentsOf: bytes)
                return true
            }
            let width: Int
            if printable == true {
                width = cell.utf8.count
            } else {
                let escaped = Output.cell(cell)
                text.append(contentsOf: escaped.utf8)
                width = escaped.width
            }
            widths[column] = max(widths[column], width)
            ends.append(text.count)
            cellWidths.append(width)
        }
    }

    /// The lines, each ending in a newline.
    func write(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + text.count + (widths.reduce(0, +) + 2 * columns) * (ends.count / columns))
        text.withUnsafeBufferPointer { text in
            var start = 0
            var column = 0
            for (end, width) in zip(ends, cellWidths) {
                out.append(contentsOf: text[start..<end])
                start = end
                if column == columns - 1 {
                    out.append(UInt8(ascii: "\n"))
                    column = 0
                    continue
                }
                for _ in 0..<(widths[column] - width + 2) { out.append(UInt8(ascii: " ")) }
                column += 1
            }
        }
    }
}

extension String {
    /// Characters, as a terminal shows them; counted on the bytes when they are all ASCII, since a
    /// Character count of every cell of a thousand rows cost more than the rest of the table.
    var width: Int {
        let ascii = utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains { $0 >= 0x80 } }
        return (ascii ?? utf8.allSatisfy { $0 < 0x80 }) ? utf8.count : count
    }
}
