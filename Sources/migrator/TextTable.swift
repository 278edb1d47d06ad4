/// Rows of cells written as aligned text: each column padded to its widest cell, the last one left as it
/// is, two spaces between columns.
///
/// Written into one byte buffer, because `status` formats a row per migration: building a `String` per
/// padded cell and joining them cost more than reading the history for a thousand rows.
struct TextTable {
    private let columns: Int
    /// Row after row, already escaped (`Output.cell`).
    private var cells: [String] = []
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
        for (column, text) in row.enumerated() {
            // Printable ASCII, nearly every cell, needs no escape and is one column per byte: one look at its bytes.
            let printable = text.utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains { $0 < 0x20 || $0 >= 0x7F } }
            let cell = printable == true ? text : Output.cell(text)
            let width = printable == true ? text.utf8.count : cell.width
            widths[column] = max(widths[column], width)
            cells.append(cell)
            cellWidths.append(width)
        }
    }

    /// The lines, each ending in a newline.
    func write(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + cells.count * 2 + (widths.reduce(0, +) + 2 * columns) * (cells.count / columns))
        var column = 0
        for (cell, width) in zip(cells, cellWidths) {
            out.append(contentsOf: cell.utf8)
            if column == columns - 1 {
                out.append(UInt8(ascii: "\n"))
                column = 0
                continue
            }
            let padding = widths[column] - width + 2
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
            column += 1
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
