/// The index's table of contents (file `manifest`): which segments are live, in doc-id order.
/// Replacing it by an atomic rename is what commits a new index state.
public struct Manifest: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var name: String
        /// Documents and tokens the segment's files hold, deleted ones included.
        public var docCount: Int
        public var totalTokens: UInt64
        /// Of those, the deleted documents and their tokens (`SegmentDeletions`).
        public var deletedDocs: Int
        public var deletedTokens: UInt64
        /// The generation whose deletions file the segment has (`<name>_<generation>.del`), 0 for none.
        public var deletionsGeneration: UInt64

        public init(name: String, docCount: Int, totalTokens: UInt64, deletedDocs: Int = 0, deletedTokens: UInt64 = 0,
                    deletionsGeneration: UInt64 = 0) {
            self.name = name
            self.docCount = docCount
            self.totalTokens = totalTokens
            self.deletedDocs = deletedDocs
            self.deletedTokens = deletedTokens
            self.deletionsGeneration = deletionsGeneration
        }

        public var liveDocs: Int { docCount - deletedDocs }
        public var liveTokens: UInt64 { totalTokens - deletedTokens }
        /// The name of its deletions file, nil when it has none.
        public var deletionsFileName: String? {
            deletionsGeneration == 0 ? nil : "\(name)_\(deletionsGeneration).\(IndexFile.Kind.deletions.fileExtension)"
        }
        /// The names of every file the segment has.
        public var fileNames: [String] {
            IndexFile.Kind.segmentKinds.map { name + "." + $0.fileExtension } + (deletionsFileName.map { [$0] } ?? [])
        }
    }

    /// A file of the indexed directory that the run did not index (binary, empty, not text…), with
    /// the size and modification time it had: the next run knows it has not changed.
    public struct SkippedFile: Sendable, Equatable {
        public var path: String
        public var size: UInt64
        public var modified: Int64
        public var reason: String
        public init(path: String, size: UInt64, modified: Int64, reason: String) {
            self.path = path
            self.size = size
            self.modified = modified
            self.reason = reason
        }
    }

    /// A document the index holds only in part, because a limit cut its text (pages, bytes, time,
    /// an OCR page past its bounds), with why: `loupe stats` and `loupe status` list them.
    public struct PartialFile: Sendable, Equatable {
        public var path: String
        public var reason: String
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// Version of the analysis chain the index was built with; queries must use the same.
    /// 2: dotted acronyms lose their dots (`O.N.U.` is indexed as `onu`).
    /// 3: Snowball stems words as written, accents on, then the stem is folded (`francés` →
    /// `frances`, no longer `franc`).
    public static let analyzerVersion: UInt32 = 3
    public static let fileName = "manifest"

    public var generation: UInt64
    public var segments: [Segment]
    /// The indexed directory, as given on the command line (made absolute).
    public var sourceRoot: String
    /// Unix time of the commit.
    public var createdAt: Int64
    public var analyzerVersion: UInt32
    /// The files of the directory the run skipped, by path.
    public var skipped: [SkippedFile]
    /// The documents indexed in part, by path.
    public var partial: [PartialFile]
    /// Settings the index keeps for the runs that update it (`ocr` → `fra+spa+eng` when `loupe
    /// index --ocr` built it), by key.
    public var settings: [String: String]

    public init(generation: UInt64, segments: [Segment], sourceRoot: String, createdAt: Int64, analyzerVersion: UInt32 = Manifest.analyzerVersion,
                skipped: [SkippedFile] = [], partial: [PartialFile] = [], settings: [String: String] = [:]) {
        self.generation = generation
        self.segments = segments
        self.sourceRoot = sourceRoot
        self.createdAt = createdAt
        self.analyzerVersion = analyzerVersion
        self.skipped = skipped
        self.partial = partial
        self.settings = settings
    }

    /// Live documents and their tokens (deleted ones left out): what BM25 counts.
    public var docCount: Int { segments.reduce(0) { $0 + $1.liveDocs } }
    public var totalTokens: UInt64 { segments.reduce(0) { $0 + $1.liveTokens } }

    package func encode() -> [UInt8] {
        var w = ByteWriter()
        w.writeUInt64(generation)
        w.writeUInt32(analyzerVersion)
        w.writeInt64(createdAt)
        w.writeString(sourceRoot)
        w.writeUInt32(UInt32(segments.count))
        for s in segments {
            w.writeString(s.name)
            w.writeUInt64(UInt64(s.docCount))
            w.writeUInt64(s.totalTokens)
            w.writeUInt64(UInt64(s.deletedDocs))
            w.writeUInt64(s.deletedTokens)
            w.writeUInt64(s.deletionsGeneration)
        }
        w.writeUInt32(UInt32(skipped.count))
        for f in skipped {
            w.writeString(f.path)
            w.writeUInt64(f.size)
            w.writeInt64(f.modified)
            w.writeString(f.reason)
        }
        w.writeUInt32(UInt32(partial.count))
        for f in partial {
            w.writeString(f.path)
            w.writeString(f.reason)
        }
        let keys = settings.keys.sorted()
        w.writeUInt32(UInt32(keys.count))
        for key in keys {
            w.writeString(key)
            w.writeString(settings[key] ?? "")
        }
        return w.bytes
    }

    package static func decode(_ body: UnsafeRawBufferPointer, file: String) throws -> Manifest {
        var r = ByteReader(body, file: file)
        let generation = try r.readUInt64()
        let analyzer = try r.readUInt32()
        let created = try r.readInt64()
        let root = try r.readString(maxLength: 1 << 16)
        let count = try r.readUInt32()
        guard count <= 1 << 20 else { throw IndexError.corrupt(file: file, reason: "\(count) segments") }
        var segments: [Segment] = []
        for _ in 0..<count {
            let name = try r.readString(maxLength: 256)
            guard !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }) else {
                throw IndexError.corrupt(file: file, reason: "invalid segment name")
            }
            let docs = try r.readUInt64()
            let tokens = try r.readUInt64()
            let deleted = try r.readUInt64(), deletedTokens = try r.readUInt64(), deletions = try r.readUInt64()
            guard docs < 1 << 31 else { throw IndexError.corrupt(file: file, reason: "segment \(name) claims \(docs) documents") }
            guard deleted <= docs, deletedTokens <= tokens, (deleted == 0) == (deletions == 0) else {
                throw IndexError.corrupt(file: file, reason: "segment \(name) claims \(deleted) deleted documents of \(docs)")
            }
            segments.append(Segment(name: name, docCount: Int(docs), totalTokens: tokens, deletedDocs: Int(deleted), deletedTokens: deletedTokens,
                                    deletionsGeneration: deletions))
        }
        let skippedCount = try r.readUInt32()
        guard skippedCount <= 1 << 24 else { throw IndexError.corrupt(file: file, reason: "\(skippedCount) skipped files") }
        var skipped: [SkippedFile] = []
        for _ in 0..<skippedCount {
            let path = try r.readString(maxLength: 1 << 16)
            let size = try r.readUInt64()
            let modified = try r.readInt64()
            let reason = try r.readString(maxLength: 1 << 12)
            skipped.append(SkippedFile(path: path, size: size, modified: modified, reason: reason))
        }
        let partialCount = try r.readUInt32()
        guard partialCount <= 1 << 24 else { throw IndexError.corrupt(file: file, reason: "\(partialCount) partial documents") }
        var partial: [PartialFile] = []
        for _ in 0..<partialCount {
            let path = try r.readString(maxLength: 1 << 16)
            partial.append(PartialFile(path: path, reason: try r.readString(maxLength: 1 << 12)))
        }
        let settingCount = try r.readUInt32()
        guard settingCount <= 1 << 10 else { throw IndexError.corrupt(file: file, reason: "\(settingCount) settings") }
        var settings: [String: String] = [:]
        for _ in 0..<settingCount {
            let key = try r.readString(maxLength: 256)
            settings[key] = try r.readString(maxLength: 1 << 12)
        }
        guard r.isAtEnd else { throw IndexError.corrupt(file: file, reason: "trailing bytes after the settings") }
        return Manifest(generation: generation, segments: segments, sourceRoot: root, createdAt: created, analyzerVersion: analyzer, skipped: skipped,
                        partial: partial, settings: settings)
    }
}
