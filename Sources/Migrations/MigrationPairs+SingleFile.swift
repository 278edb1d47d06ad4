/// `VERSION_NAME.sql`: dbmate's `-- migrate:up`/`-- migrate:down` sections or goose's annotations hold the
/// up and the down in one file; which tool's it is shows only in its content.
extension MigrationPairs {
    mutating func readSingleFile(_ parsed: FileName, text: FileText, entry: String, path: String, besideAtlasSum: Bool) {
        let parsedFile = DbmateFile.parse(text, file: path)
        let gooseMark = LayoutClue.gooseAnnotation(in: text)
        if case .failure(DbmateFile.noUpMarker) = parsedFile {
            if gooseMark == nil && besideAtlasSum {
                noteForeign(entry, path, clue: .atlasFile)
                return
            }
            guard claim(parsed.version, path) else { return }
            guard gooseMark != nil else {
                noteUnmarked(path)
                return
            }
            readGoose(parsed, text: text, path: path)
            return
        }
        guard claim(parsed.version, path) else { return }
        note(.dbmate, path)
        if case .gooseAnnotation(let line, let number) = gooseMark {
            problems.append(
                .init(
                    file: path,
                    reason:
                        "holds both dbmate's -- migrate: lines and a goose annotation (`\(line)` on line \(number)): keep one tool's"
                ))
            return
        }
        readDbmate(parsed, parsedFile, path: path)
    }

    private mutating func readGoose(_ parsed: FileName, text: FileText, path: String) {
        note(.goose, path)
        mark(parsed.version, as: .goose)
        if parsed.version == 0 {
            // goose refuses it too: its table's row of version 0 is its own, and adoption skips it.
            problems.append(
                .init(
                    file: path, reason: "version 0: goose's versions start at 1, as goose keeps 0 for itself; renumber the file"
                ))
        }
        switch GooseFile.parse(text, file: path) {
        case .failure(let reason): problems.append(.init(file: path, reason: reason))
        case .success(let file):
            if MigrationSource.isEmpty(file.up) { problems.append(.init(file: path, reason: "the -- +goose Up section is empty")) }
            add(
                up: Up(name: parsed.name, versionText: parsed.versionText, section: file.up.kept(by: resident), file: path),
                parsed.version)
            add(
                down: Down(name: parsed.name, section: file.down.kept(by: resident), isEmpty: file.downIsEmpty, file: path),
                parsed.version)
        }
    }

    private mutating func readDbmate(_ parsed: FileName, _ parsedFile: DbmateFile.Result, path: String) {
        mark(parsed.version, as: .dbmate)
        switch parsedFile {
        case .failure(let reason):
            problems.append(.init(file: path, reason: reason))
        case .success(let file):
            if MigrationSource.isEmpty(file.up) { problems.append(.init(file: path, reason: "the -- migrate:up section is empty")) }
            add(
                up: Up(name: parsed.name, versionText: parsed.versionText, section: file.up.kept(by: resident), file: path),
                parsed.version)
            // An empty -- migrate:down section is a down that does nothing, as dbmate runs it.
            if let down = file.down {
                if let other = downs[parsed.version] {
                    problems.append(
                        .init(file: other.file, reason: "version \(parsed.version.recorded) has another down migration, in \(path)")
                    )
                }
                add(
                    down: Down(name: parsed.name, section: down.kept(by: resident), isEmpty: MigrationSource.isEmpty(down), file: path),
                    parsed.version)
            }
        }
    }
}
