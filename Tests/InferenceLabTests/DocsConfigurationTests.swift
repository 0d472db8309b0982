import Foundation
import Testing
@testable import InferenceLab

/// docs/configuration.md must document every table and key of ``ConfigSchema`` exactly as the
/// schema declares it: each key's row in its table's section has the declared type, default,
/// unit and range-and-meaning text (``ConfigKey/documentationRow``), and the section lists no
/// key the schema does not have. A failure prints the row to paste.
@Suite struct DocsConfigurationTests {
    /// The repository root, from this file's place in Tests/InferenceLabTests/.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func page() throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
    }

    /// The text under the heading `` ## `[table]` `` up to the next level-2 or level-3 heading.
    static func section(_ table: String, in page: String, level: String = "##") -> String? {
        let heading = "\(level) `[\(table)]`"
        guard let start = page.range(of: "\n" + heading + "\n") else { return nil }
        let rest = page[start.upperBound...]
        let end = [rest.range(of: "\n## ")?.lowerBound, rest.range(of: "\n### ")?.lowerBound]
            .compactMap { $0 }.min() ?? rest.endIndex
        return String(rest[..<end])
    }

    /// `[[cluster.pool]]`: its subsection documents each of the entry's own keys as
    /// ``ConfigSchema/clusterPool`` declares it, no other key, and names the tables a pool may set.
    @Test func poolKeysAreDocumented() throws {
        let section = try #require(Self.section("[cluster.pool]", in: try Self.page(), level: "###"))
        let rows = Self.keyRows(in: section)
        for key in ConfigSchema.clusterPool.keys {
            #expect(rows[key.name] == key.documentationRow,
                    "docs/configuration.md, [[cluster.pool]]: the row of \(key.name) should read\n\(key.documentationRow)")
        }
        #expect(rows.keys.sorted() == ConfigSchema.clusterPool.keyNames.sorted())
        #expect(Self.missing(ReplicaPool.tableNames.map { "[\($0)]" }, in: section).isEmpty)
    }

    /// The rows of the section's key table (`` | `key` | type | default | unit | … | ``),
    /// by key.
    static func keyRows(in section: String) -> [String: String] {
        var rows: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") && line.split(separator: "|").count == 5 {
            let name = line.dropFirst(3).prefix { $0 != "`" }
            rows[String(name)] = String(line)
        }
        return rows
    }

    /// Keys of `keys` that `text` does not mention as `` `key` ``.
    static func missing(_ keys: [String], in text: String) -> [String] {
        keys.filter { !text.contains("`\($0)`") }
    }

    @Test func everyTableHasASection() throws {
        let page = try Self.page()
        let without = ConfigSchema.tableNames.filter { Self.section($0, in: page) == nil }
        #expect(without.isEmpty, "docs/configuration.md has no ## `[table]` section for: \(without)")
    }

    @Test(arguments: ConfigSchema.tableNames)
    func everyKeyIsDocumentedAsDeclared(_ table: String) throws {
        let section = try #require(Self.section(table, in: try Self.page()), "no section for [\(table)]")
        let schema = try #require(ConfigSchema.table(table))
        let rows = Self.keyRows(in: section)
        for key in schema.keys {
            #expect(rows[key.name] == key.documentationRow,
                    "docs/configuration.md, [\(table)]: the row of \(key.name) should read\n\(key.documentationRow)")
        }
        let undeclared = rows.keys.filter { schema.key($0) == nil }.sorted()
        #expect(undeclared.isEmpty, "docs/configuration.md, [\(table)], documents keys the schema lacks: \(undeclared)")
    }

    @Test func everyLengthDistributionTypeAndKeyIsDocumented() throws {
        let section = try #require(Self.section("workload", in: try Self.page()))
        let missing = Self.missing(ConfigSchema.distributionKeys.map(\.type) + ConfigSchema.allDistributionKeys,
                                   in: section)
        #expect(missing.isEmpty, "docs/configuration.md, section [workload], does not mention: \(missing)")
    }

    @Test func theCheckFailsForAWrongOrUndocumentedKey() throws {
        let section = "| key | type |\n|---|---|\n| `name` | string | *required* | — | label printed in reports |\n"
            + "| `compute_flops` | number | 1 | FLOP/s | peak |\n"
        let rows = Self.keyRows(in: section)
        let hardware = try #require(ConfigSchema.table("hardware"))
        #expect(rows["name"] == hardware.key("name")?.documentationRow)
        #expect(rows["compute_flops"] != hardware.key("compute_flops")?.documentationRow)
        #expect(rows["memory_bandwidth"] == nil)
        #expect(Self.section("hardware", in: "# T\n\n## `[model]`\n\n`name`\n") == nil)
    }
}
