import ArgumentParser
import CommandLineSupport
import InferenceLab

/// `inference-lab catalog`: the built-in presets.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the hardware, model and calibration presets.",
        discussion: """
            Use them in a config as [hardware] preset = "NAME", [model] preset = "NAME" or \
            [compute] preset = "NAME"; other keys in the same table override the preset's.
            """
    )

    mutating func run() throws {
        var out = ""
        for kind in Catalog.Kind.allCases {
            out += "\(kind.folder) ([\(kind.table)] preset = \"…\"):\n"
            for entry in Catalog.builtIn where entry.kind == kind {
                out += "  " + entry.name.padding(26) + summary(entry.text) + "\n"
            }
        }
        try writeOutput(out)
    }

    /// The preset's `name = "…"` value, or its first comment line.
    private func summary(_ text: String) -> String {
        for line in text.split(separator: "\n") where line.hasPrefix("name = ") {
            return String(line.dropFirst(7)).replacingAll("\"", with: "")
        }
        return text.split(separator: "\n").first.map { String($0.drop(while: { $0 == "#" || $0 == " " })) } ?? ""
    }
}
