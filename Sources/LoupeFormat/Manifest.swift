/// The index's table of contents (file `manifest`): which segments are live, in doc-id order.
/// Replacing it by an atomic rename is what commits a new index state.
public struct Manifest: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var name: String
        public var docCount: Int
        public var totalTokens: UInt64
        public init(name: String, docCount: Int, totalTokens: UInt64) {
            self.name = name
            self.docCount = docCount
            self.totalTokens = totalTokens
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

    public init(generation: UInt64, segments: [Segment], sourceRoot: String, createdAt: Int64, analyzerVersion: UInt32 = Manifest.analyzerVersion) {
        self.generation = generation
        self.segments = segments
        self.sourceRoot = sourceRoot
        self.createdAt = createdAt
        self.analyzerVersion = analyzerVersion
    }

    public var docCount: Int { segments.reduce(0) { $0 + $1.docCount } }
    public var totalTokens: UInt64 { segments.reduce(0) { $0 + $1.totalTokens } }

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
            guard docs < 1 << 31 else { throw IndexError.corrupt(file: file, reason: "segment \(name) claims \(docs) documents") }
            segments.append(Segment(name: name, docCount: Int(docs), totalTokens: tokens))
        }
        guard r.isAtEnd else { throw IndexError.corrupt(file: file, reason: "trailing bytes after the segment list") }
        return Manifest(generation: generation, segments: segments, sourceRoot: root, createdAt: created, analyzerVersion: analyzer)
    }
}
