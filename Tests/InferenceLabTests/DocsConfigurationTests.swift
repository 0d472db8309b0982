import Foundation
import Testing
@testable import InferenceLab

/// docs/configuration.md must document every table and key the config loader accepts
/// (``ConfigSchema``), each key in its own table's section, so that the reference cannot
/// silently fall behind the schema.
@Suite struct DocsConfigurationTests {
    /// The repository root, from this file's place in Tests/InferenceLabTests/.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func page() throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
    }

    /// The text under the level-2 heading `` ## `[table]` `` up to the next level-2 heading.
    static func section(_ table: String, in page: String) -> String? {
        let heading = "## `[\(table)]`"
        guard let start = page.range(of: "\n" + heading + "\n") else { return nil }
        let rest = page[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
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

    @Test(arguments: ConfigSchema.tables.map(\.name))
    func everyKeyIsDocumentedInItsTable(_ table: String) throws {
        let section = try #require(Self.section(table, in: try Self.page()), "no section for [\(table)]")
        let keys = try #require(ConfigSchema.keys(of: table))
        let missing = Self.missing(keys, in: section)
        #expect(missing.isEmpty, "docs/configuration.md, section [\(table)], does not mention: \(missing)")
    }

    @Test func everyLengthDistributionTypeAndKeyIsDocumented() throws {
        let section = try #require(Self.section("workload", in: try Self.page()))
        let missing = Self.missing(ConfigSchema.distributionKeys.map(\.type) + ConfigSchema.allDistributionKeys,
                                   in: section)
        #expect(missing.isEmpty, "docs/configuration.md, section [workload], does not mention: \(missing)")
    }

    @Test func theCheckFailsForAnUndocumentedKey() {
        let section = "| `name` | string |\n| `compute_flops` | number |\n"
        #expect(Self.missing(["name", "compute_flops", "made_up_key"], in: section) == ["made_up_key"])
        #expect(Self.section("hardware", in: "# T\n\n## `[model]`\n\n`name`\n") == nil)
    }
}
