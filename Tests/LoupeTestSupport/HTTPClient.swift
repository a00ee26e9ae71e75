import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a loopback TCP socket, for the tests: one request per
/// connection (`Connection: close`), the whole answer read until the server closes.
public struct HTTPAnswer {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public var text: String { String(decoding: body, as: UTF8.self) }
    public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
}

public enum HTTPClientError: Error {
    case connect(Int32), malformed(String)
}

public func httpRequest(port: Int, _ target: String, method: String = "GET") throws -> HTTPAnswer {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HTTPClientError.connect(errno) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw HTTPClientError.connect(errno) }
    let request = Array("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
    var sent = 0
    while sent < request.count {
        let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw HTTPClientError.connect(errno) }
        sent += n
    }
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        data.append(contentsOf: buffer[..<n])
    }
    guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { throw HTTPClientError.malformed(String(decoding: data, as: UTF8.self)) }
    let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    guard let statusLine = head.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else {
        throw HTTPClientError.malformed(head.first ?? "")
    }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(data[end.upperBound...])
    if headers["transfer-encoding"]?.lowercased() == "chunked" {
        var decoded = Data()
        var rest = body
        while let lineEnd = rest.range(of: Data("\r\n".utf8)),
              let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = lineEnd.upperBound
            decoded.append(rest[start..<(start + size)])
            rest = Data(rest[(start + size + 2)...])
        }
        body = decoded
    }
    return HTTPAnswer(status: status, headers: headers, body: body)
}

/// `httpRequest` on a Dispatch thread, so that a test waiting for the answer never holds one of
/// the few threads of Swift's cooperative pool, which the server's handlers need.
public func get(_ port: Int, _ target: String, method: String = "GET") async throws -> HTTPAnswer {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try httpRequest(port: port, target, method: method) })
        }
    }
}
