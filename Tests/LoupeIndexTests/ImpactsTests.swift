import LoupeTestSupport
import Testing
@testable import LoupeBuild
@testable import LoupeFormat
@testable import LoupeIngest
@testable import LoupeRead
@testable import LoupeStorage

@Suite struct ImpactsTests {
    /// BM25's tf part under arbitrary parameters.
    func tfNorm(_ tf: UInt32, _ length: UInt32, k1: Double, b: Double, avg: Double) -> Double {
        Double(tf) / (Double(tf) + k1 * (1 - b + b * Double(length) / avg))
    }

    @Test func impactsDominateEveryPostingAndBoundEveryScore() {
        var rng = SplitMix(seed: 11)
        for round in 0..<500 {
            var builder = Impacts.Builder()
            var pairs: [(UInt32, UInt32)] = []
            for _ in 0..<(1 + rng.below(128)) {
                let pair = (UInt32(1 + rng.below(round % 2 == 0 ? 5 : 300)), UInt32(1 + rng.below(5_000)))
                pairs.append(pair)
                builder.add(tf: pair.0, length: pair.1)
            }
            let impacts = builder.build(averageLength: Double(1 + rng.below(2_000)))
            #expect(impacts.isWellFormed)
            for (tf, length) in pairs {
                #expect((0..<Impacts.count).contains { impacts.pair($0).tf >= tf && impacts.pair($0).length <= length },
                        "(\(tf), \(length)) not dominated by \(impacts)")
            }
            // Whatever the parameters, the best pair bounds the best posting.
            for _ in 0..<5 {
                let k1 = 0.1 + Double(rng.below(30)) / 10, b = Double(rng.below(11)) / 10, avg = Double(1 + rng.below(3_000))
                let best = pairs.map { tfNorm($0.0, $0.1, k1: k1, b: b, avg: avg) }.max() ?? 0
                let bound = (0..<Impacts.count).map { tfNorm(impacts.pair($0).tf, impacts.pair($0).length, k1: k1, b: b, avg: avg) }.max() ?? 0
                #expect(bound >= best)
            }
        }
    }

    @Test func smallFrontiersAreKeptExactly() {
        var builder = Impacts.Builder()
        for (tf, length) in [(1, 10), (3, 50), (2, 40), (7, 400), (1, 500), (3, 60)] as [(UInt32, UInt32)] {
            builder.add(tf: tf, length: length)
        }
        // The frontier is (1, 10), (2, 40), (3, 50), (7, 400): four points, merged down to three.
        let impacts = builder.build(averageLength: 100)
        #expect(impacts.isWellFormed)
        #expect(impacts.pair(0) == (1, 10) && impacts.pair(1) == (3, 40) && impacts.pair(2) == (7, 400))
        var exact = Impacts.Builder()
        for (tf, length) in [(1, 10), (3, 50), (7, 400)] as [(UInt32, UInt32)] { exact.add(tf: tf, length: length) }
        let three = exact.build(averageLength: 100)
        #expect(three.pair(0) == (1, 10) && three.pair(1) == (3, 50) && three.pair(2) == (7, 400))
    }

    @Test func impactsRoundTripThroughBytes() {
        var builder = Impacts.Builder()
        builder.add(tf: 4, length: 90)
        builder.add(tf: 9, length: 700)
        let impacts = builder.build(averageLength: 300)
        // Stored at an odd offset: neither side may assume alignment.
        var bytes = [UInt8](repeating: 0xAA, count: Impacts.byteSize + 2)
        bytes.withUnsafeMutableBytes { impacts.store(to: $0.baseAddress! + 1) }
        #expect(bytes.first == 0xAA && bytes.last == 0xAA)
        bytes.withUnsafeBytes { #expect(Impacts.load($0, at: 1) == impacts) }
    }
}
