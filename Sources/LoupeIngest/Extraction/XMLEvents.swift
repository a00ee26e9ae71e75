import CXML2

/// The events of an XML document read by libxml2's streaming reader (`xmlTextReader`): element
/// starts with their attributes, element ends, text. No DTD is loaded, no network is touched and
/// no external entity is read; libxml2's own limits bound entity expansion and depth. Used for the
/// XML inside DOCX, ODT and EPUB files.
enum XMLEvents {
    enum Event {
        /// An element's local name, its namespace URI, its attributes (qualified and local name →
        /// value), and
        /// whether it is empty (`<a/>`: no end event follows).
        case start(name: String, namespace: String, attributes: [String: String], empty: Bool)
        case end(name: String, namespace: String)
        case text([UInt8])
    }

    struct Failure: Error {
        var reason: String
    }

    /// Calls `visit` with each event of `xml` in document order; a malformed document throws.
    static func read(_ xml: [UInt8], file: String, _ visit: (Event) throws -> Void) throws {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_COMPACT.rawValue)
        guard let reader = xml.withUnsafeBufferPointer({ buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlReaderForMemory($0, Int32(buffer.count), nil, nil, options) }
            } ?? nil
        }) else { throw Failure(reason: "\(file) is not XML") }
        defer { xmlFreeTextReader(reader) }
        // The reader points into `xml`'s buffer, which must outlive it.
        try withExtendedLifetime(xml) {
            while true {
                let status = xmlTextReaderRead(reader)
                if status == 0 { break }
                guard status == 1 else { throw Failure(reason: "\(file) is not well-formed XML") }
                switch xmlTextReaderNodeType(reader) {
                case 1:  // element
                    let name = string(xmlTextReaderConstLocalName(reader)), namespace = string(xmlTextReaderConstNamespaceUri(reader))
                    let empty = xmlTextReaderIsEmptyElement(reader) == 1
                    var attributes: [String: String] = [:]
                    while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                        // Under its qualified name (`r:id`), and its local name (`id`) unless an
                        // earlier attribute has that one.
                        let value = string(xmlTextReaderConstValue(reader)), local = string(xmlTextReaderConstLocalName(reader))
                        attributes[string(xmlTextReaderConstName(reader))] = value
                        if attributes[local] == nil { attributes[local] = value }
                    }
                    _ = xmlTextReaderMoveToElement(reader)
                    try visit(.start(name: name, namespace: namespace, attributes: attributes, empty: empty))
                case 15:  // end of element
                    try visit(.end(name: string(xmlTextReaderConstLocalName(reader)), namespace: string(xmlTextReaderConstNamespaceUri(reader))))
                case 3, 4, 14:  // text, CDATA, significant white space
                    if let value = xmlTextReaderConstValue(reader) {
                        try visit(.text(Array(UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value))))))
                    }
                default:
                    break
                }
            }
        }
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }

    /// The text of the first element named `name` (any namespace), e.g. `dc:title`, trimmed.
    static func firstText(of name: String, in xml: [UInt8], file: String) throws -> String {
        var depth = 0
        var text: [UInt8] = []
        var done = false
        try read(xml, file: file) { event in
            guard !done else { return }
            switch event {
            case .start(let n, _, _, let empty):
                if n == name && depth == 0 && !empty { depth = 1 } else if depth > 0 { depth += empty ? 0 : 1 }
            case .end:
                if depth > 0 {
                    depth -= 1
                    if depth == 0 { done = true }
                }
            case .text(let t):
                if depth > 0 { text += t }
            }
        }
        return Titles.clean(String(decoding: text, as: UTF8.self))
    }
}
