/// The checksum Flyway records for a SQL script: CRC-32 (IEEE, as `java.util.zip.CRC32`) of the script's
/// lines as `BufferedReader.readLine` returns them, without their line breaks and without a byte order
/// mark, as a signed 32-bit integer. Line breaks add no bytes, so it is the CRC-32 of the file's bytes with
/// every CR and LF left out, and a checkout that converts line endings keeps it.
enum FlywayChecksum {
    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes[start...] where byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r") {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return Int32(bitPattern: crc ^ 0xFFFF_FFFF)
    }

    /// The reflected polynomial 0xEDB88320's table.
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
