/// Where a long document's text is at every `interval`-th word position, so that a passage can
/// be shown by reading and analyzing only the text around its matches (docs/FORMAT.md §4.5):
/// the index's positions say where the query's words are, a checkpoint says at which byte the
/// nearest earlier position starts, and on which line and page that byte is, where its page
/// starts and under which heading it is.
///
/// Only texts longer than a store block (`minimumTextLength`) have them; shorter ones are read
/// and analyzed whole when a hit is shown.
public struct TextCheckpoints: Sendable, Equatable {
    /// Word positions between two checkpoints (about 3.5 KB of prose).
    public static let defaultInterval = 512
    /// Texts longer than this have checkpoints: those the store splits over blocks (§4.6).
    public static let minimumTextLength = StoredTextWriter.blockSize

    public struct Point: Sendable, Equatable {
        /// Byte offset in the text of the word at position `index × interval`.
        public var offset: Int
        /// The line (from 1) and the page (from 1: pages are separated by form feeds) of `offset`.
        public var line: Int
        public var page: Int
        /// Byte offset at which that page starts.
        public var pageStart: Int
        /// Byte offset of the start of the last heading line (§4.6) at or before `offset`, if any.
        public var section: Int?

        public init(offset: Int, line: Int, page: Int, pageStart: Int, section: Int?) {
            self.offset = offset
            self.line = line
            self.page = page
            self.pageStart = pageStart
            self.section = section
        }
    }

    /// Word positions between two points; point `i` is at position `i × interval`.
    public var interval: Int
    /// The number of word positions of the text (the title's come after them).
    public var textPositions: Int
    public var points: [Point]

    public init(interval: Int, textPositions: Int, points: [Point]) {
        self.interval = interval
        self.textPositions = textPositions
        self.points = points
    }

    /// The checkpoints of `text`, given the byte offset of the word at every `interval`-th
    /// position (`wordOffsets[i]` for position `i × interval`) and the text's word count: one pass
    /// over the text counts its lines and pages and notes its headings.
    public static func make(text: UnsafeBufferPointer<UInt8>, wordOffsets: [Int], textPositions: Int,
                            interval: Int = defaultInterval) -> TextCheckpoints {
        var points: [Point] = []
        points.reserveCapacity(wordOffsets.count)
        var line = 1, page = 1, pageStart = 0
        var section: Int? = nil
        var i = 0
        for offset in wordOffsets {
            let end = min(offset, text.count)
            while i < end {
                let b = text[i]
                if b == StoredTextMarks.hash && (i == 0 || text[i - 1] == StoredTextMarks.newline) && StoredTextMarks.headingLevel(text, at: i) != nil {
                    section = i
                } else if b == StoredTextMarks.newline {
                    line += 1
                } else if b == StoredTextMarks.pageBreak {
                    page += 1
                    pageStart = i + 1
                }
                i += 1
            }
            points.append(Point(offset: offset, line: line, page: page, pageStart: pageStart, section: section))
        }
        return TextCheckpoints(interval: interval, textPositions: textPositions, points: points)
    }

    /// The last point at or before word position `position`.
    public func point(atOrBefore position: Int) -> Point? {
        guard !points.isEmpty, interval > 0 else { return nil }
        return points[min(max(position, 0) / interval, points.count - 1)]
    }

    /// The first point after word position `position`, or nil when none follows it.
    public func point(after position: Int) -> Point? {
        guard interval > 0 else { return nil }
        let k = max(position, -1) / interval + 1
        return k < points.count ? points[k] : nil
    }

    /// Writes the field as a record holds it: the point count (0: none), then the interval, the
    /// text's positions, and per point the deltas of its offset, line and page from the previous
    /// point's, its distance from its page's start, and 0 or 1 + its distance from its section's
    /// heading.
    func write(to w: inout ByteWriter) {
        w.writeVarUInt(points.count)
        guard !points.isEmpty else { return }
        w.writeVarUInt(interval)
        w.writeVarUInt(textPositions)
        var previous = Point(offset: 0, line: 1, page: 1, pageStart: 0, section: nil)
        for p in points {
            w.writeVarUInt(p.offset - previous.offset)
            w.writeVarUInt(p.line - previous.line)
            w.writeVarUInt(p.page - previous.page)
            w.writeVarUInt(p.offset - p.pageStart)
            w.writeVarUInt(p.section.map { p.offset - $0 + 1 } ?? 0)
            previous = p
        }
    }

    /// Reads the field back (nil when the record has no points), checking that every offset lies
    /// in the text and that points go forward.
    static func read(from r: inout ByteReader, textLength: Int) throws -> TextCheckpoints? {
        let count = try r.readVarInt(max: textLength + 1)
        guard count > 0 else { return nil }
        let interval = try r.readVarInt(max: 1 << 20)
        let positions = try r.readVarInt(max: Int(UInt32.max))
        guard interval > 0, (positions + interval - 1) / interval == count else {
            throw IndexError.corrupt(file: r.file, offset: r.base + r.offset, reason: "\(count) checkpoints for \(positions) positions every \(interval)")
        }
        var points: [Point] = []
        points.reserveCapacity(count)
        var previous = Point(offset: 0, line: 1, page: 1, pageStart: 0, section: nil)
        for _ in 0..<count {
            let offset = previous.offset + (try r.readVarInt(max: textLength))
            let line = previous.line + (try r.readVarInt(max: textLength))
            let page = previous.page + (try r.readVarInt(max: textLength))
            let fromPage = try r.readVarInt(max: textLength)
            let fromSection = try r.readVarInt(max: textLength + 1)
            guard offset <= textLength, fromPage <= offset, fromSection <= offset + 1 else {
                throw IndexError.corrupt(file: r.file, offset: r.base + r.offset, reason: "a checkpoint lies outside its document's text")
            }
            let p = Point(offset: offset, line: line, page: page, pageStart: offset - fromPage,
                          section: fromSection == 0 ? nil : offset - (fromSection - 1))
            points.append(p)
            previous = p
        }
        return TextCheckpoints(interval: interval, textPositions: positions, points: points)
    }
}
