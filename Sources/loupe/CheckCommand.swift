import ArgumentParser
import LoupeIndex

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify an index completely: checksums, dictionary order, every posting, position, document and stored text."
    )

    @OptionGroup var location: IndexLocation

    func run() throws {
        try reportingErrors {
            let started = monotonicSeconds()
            let report = try IndexChecker.check(path: location.index)
            let deleted = report.deleted > 0 ? " (and \(grouped(report.deleted)) deleted)" : ""
            print("OK: \(report.segments) segment(s), \(grouped(report.documents)) documents\(deleted), \(grouped(report.terms)) terms, "
                + "\(grouped(report.postings)) postings, \(grouped(report.positions)) positions, \(formatBytes(report.textBytes)) of text, "
                + "\(formatBytes(report.bytes)) checked in \(fixed(monotonicSeconds() - started, 2)) s")
        }
    }
}
