import LoupeFormat
import LoupeRead
import LoupeStorage

/// A build's last step before the commit: the segments its workers flushed and the builders they
/// still hold become the index's segments — combined into one in path order (the default), or
/// written as they are.
struct SegmentAssembly {
    let run: BuildRun
    /// The workers' parts, by worker and sequence.
    let parts: [BuildPart]
    let chunkCount: Int
    let fileCount: Int
    let bytesRead: Int

    /// True when the parts become one combined segment.
    var merges: Bool {
        switch run.options.mergeSegments {
        case .never: return false
        case .always:
            if parts.count == 1, case .segment = parts[0].held { return false }
            return !parts.isEmpty
        case .whenOverBudget: return parts.count > run.options.threads
        }
    }

    /// Writes what is still in memory and returns the segments, in doc-id order. On failure,
    /// removes every file this build wrote.
    func write() throws -> [Manifest.Segment] {
        do {
            return merges ? [try combine()] : try parts.map { part in
                switch part.held {
                case .builder(let builder): return try builder.write(to: run.directory, name: run.segmentName(worker: part.worker, seq: part.seq))
                case .segment(let segment): return segment
                }
            }
        } catch {
            removeWritten()
            throw error
        }
    }

    /// One segment from every part; combined doc ids follow the chunks, hence the paths.
    private func combine() throws -> Manifest.Segment {
        var merging = IndexProgress(filesDone: fileCount, filesTotal: fileCount, bytesDone: bytesRead)
        merging.phase = .merging
        run.progress(merging)
        var chunkBase = [Int](repeating: 0, count: chunkCount + 1)
        for part in parts { for r in part.runs { chunkBase[r.chunk + 1] = r.documents } }
        for c in 0..<chunkCount { chunkBase[c + 1] += chunkBase[c] }
        let sources = try parts.map { part -> CombineSource in
            var docMap: [UInt32] = []
            for r in part.runs { docMap += (0..<r.documents).map { UInt32(chunkBase[r.chunk] + $0) } }
            switch part.held {
            case .builder(let builder):
                return CombineSource(builder: builder, docMap: docMap)
            case .segment(let segment):
                let reader = try SegmentReader(directory: run.directory, segment: segment, docBase: 0, verifyChecksums: false)
                return try CombineSource(segment: reader, docMap: docMap)
            }
        }
        return try SegmentCombiner.combine(sources, into: run.directory, name: run.mergedName, threads: run.options.threads,
                                           bufferLimit: run.options.memoryBudget / 2)
    }

    /// Removes the segments this build wrote or was writing (the committed index is untouched).
    func removeWritten() {
        for part in parts { Self.removeSegment(run.segmentName(worker: part.worker, seq: part.seq), in: run.directory) }
        Self.removeSegment(run.mergedName, in: run.directory)
    }

    static func removeSegment(_ name: String, in directory: IndexDirectory) {
        for kind in IndexFile.Kind.segmentKinds { directory.remove(name + "." + kind.fileExtension) }
    }
}
