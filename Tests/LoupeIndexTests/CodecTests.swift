import Testing
@testable import LoupeBuild
@_spi(Internals) @testable import LoupeFormat
@testable import LoupeIngest
@testable import LoupeRead
@testable import LoupeStorage

@Suite struct CodecTests {
    /// Values computed from the definition in docs/FORMAT.md §4.5 by an independent script, so the
    /// code and the document cannot drift apart: the empty input, a tail only, whole stripes, both.
    @Test func contentHashMatchesTheFormatDefinition() {
        #expect(ContentHash.of([UInt8]()) == 0x816C_B92E_B5E5_AADC)
        #expect(ContentHash.of(Array("a".utf8)) == 0x7E07_65A6_B88E_6003)
        #expect(ContentHash.of(Array("Loupe".utf8)) == 0x467B_0091_2B1C_4178)
        #expect(ContentHash.of(Array("0123456789abcdef0123456789abcdef".utf8)) == 0xFF42_78EF_F1DC_CE86)
        #expect(ContentHash.of((0..<77).map { UInt8($0) }) == 0x58B0_9A76_81F4_7D44)
        // A changed byte anywhere, or one more zero byte, changes the hash.
        let base = (0..<100).map { UInt8($0 % 251) }
        var seen: Set<UInt64> = [ContentHash.of(base), ContentHash.of(base + [0])]
        for i in base.indices {
            var changed = base
            changed[i] ^= 0x01
            seen.insert(ContentHash.of(changed))
        }
        #expect(seen.count == base.count + 2)
    }

    @Test func varintsRoundTrip() throws {
        var rng = SplitMix(seed: 7)
        var values: [UInt64] = [0, 1, 127, 128, 255, 16_383, 16_384, UInt64(UInt32.max), UInt64.max]
        for _ in 0..<1_000 { values.append(rng.next() >> UInt64(rng.below(64))) }
        var w = ByteWriter()
        for v in values { w.writeVarUInt(v) }
        try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: "test")
            for v in values {
                let decoded = try r.readVarUInt()
                #expect(decoded == v)
            }
            #expect(r.isAtEnd)
        }
    }

    @Test func truncatedVarintIsAnErrorNotACrash() {
        let bytes: [UInt8] = [0x80, 0x80]
        bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw, file: "f")
            #expect(throws: IndexError.self) { try r.readVarUInt() }
            var r2 = ByteReader(raw, file: "f")
            #expect(throws: IndexError.self) { try r2.readUInt32() }
        }
    }

    @Test func bitPackingRoundTripsEveryWidth() {
        var rng = SplitMix(seed: 11)
        for width in 0...32 {
            let values: [UInt32] = (0..<BitPacking.blockSize).map { _ in
                width == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next()) & UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(width)) - 1)
            }
            let measured = values.withUnsafeBufferPointer { BitPacking.bitWidth($0) }
            #expect(measured <= width)
            var packed: [UInt8] = []
            values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &packed) }
            #expect(packed.count == width * 16)
            packed.append(contentsOf: [UInt8](repeating: 0, count: 8))
            var out = [UInt32](repeating: 9, count: BitPacking.blockSize)
            packed.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, width: width, into: $0.baseAddress!) }
            }
            #expect(out == values, "width \(width)")
        }
    }

    /// Random appends of every kind (values, runs, varints, repeats, bytes written through
    /// `reserveTail`, overwrites) from a small capacity, so it grows many times: the buffer must
    /// always hold what an `Array` given the same operations holds, and its varints must match
    /// `ByteWriter`'s.
    @Test func growableBufferMatchesAnArray() {
        var rng = SplitMix(seed: 11)
        let buffer = GrowableBuffer<UInt8>(capacity: 1)
        var expected: [UInt8] = []
        for _ in 0..<5_000 {
            switch rng.below(7) {
            case 0:
                let b = UInt8(truncatingIfNeeded: rng.next())
                buffer.append(b)
                expected.append(b)
            case 1:
                let run = (0..<rng.below(300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                run.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
                expected += run
            case 2:
                let v = UInt32(truncatingIfNeeded: rng.next() >> UInt64(rng.below(64)))
                buffer.appendVarUInt(v)
                var w = ByteWriter()
                w.writeVarUInt(UInt64(v))
                expected += w.bytes
            case 3:
                let n = rng.below(40)
                #expect(buffer.append(repeating: 7, count: n) == expected.count)
                expected += [UInt8](repeating: 7, count: n)
            case 4:
                let n = rng.below(200)
                let tail = buffer.reserveTail(n)
                for i in 0..<n { tail.storeBytes(of: UInt8(i & 0xFF), toByteOffset: i, as: UInt8.self) }
                buffer.advance(n)
                expected += (0..<n).map { UInt8($0 & 0xFF) }
            case 5 where expected.count >= 4:
                let at = rng.below(expected.count - 3)
                let v = UInt32(truncatingIfNeeded: rng.next())
                buffer.storeUInt32(v, at: at)
                withUnsafeBytes(of: v.littleEndian) { for k in 0..<4 { expected[at + k] = $0[k] } }
            default:
                if rng.below(20) == 0 {
                    buffer.removeAll()
                    expected.removeAll()
                }
            }
            #expect(buffer.count == expected.count)
        }
        #expect(Array(buffer.bytes) == expected)
        #expect(buffer.capacity >= buffer.count)
    }

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        let whole = CRC32C.checksum(Array("hello, world".utf8))
        let split = CRC32C.checksum(Array(", world".utf8), continuing: CRC32C.checksum(Array("hello".utf8)))
        #expect(whole == split)
    }

    @Test func termTableInternsAndFinds() {
        let table = TermTable(capacity: 4)
        var ids: [String: Int] = [:]
        for i in 0..<5_000 {
            let key = Array("term\(i % 3_000)".utf8)
            var inserted = false
            let id = key.withUnsafeBufferPointer { table.intern($0, inserted: &inserted) }
            if let known = ids["term\(i % 3_000)"] {
                #expect(id == known && !inserted)
            } else {
                #expect(inserted && id == ids.count)
                ids["term\(i % 3_000)"] = id
            }
        }
        #expect(table.count == 3_000)
        #expect(Array("nope".utf8).withUnsafeBufferPointer { table.find($0) } == nil)
        #expect(table.key(ids["term42"]!) == Array("term42".utf8))
    }
}
