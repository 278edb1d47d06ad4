import FoundationEssentials
import System

/// The UTC timestamp forms SigV4 uses.
public enum AMZDate {
    /// `20150830T123600Z`
    public static func timestamp(_ date: Date) -> String {
        let t = UTCTime(date)
        return UTCTime.pad(t.year, 4) + UTCTime.pad(t.month) + UTCTime.pad(t.day) + "T"
            + UTCTime.pad(t.hour) + UTCTime.pad(t.minute) + UTCTime.pad(t.second) + "Z"
    }

    /// `20150830`
    static func day(_ date: Date) -> String {
        String(timestamp(date).prefix(8))
    }
}
