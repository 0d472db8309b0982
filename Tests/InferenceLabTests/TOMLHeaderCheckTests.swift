import Testing
@testable import InferenceLab

/// Table headers that made TOMLKit's parser (toml++) abort the process, found by fuzzing
/// (tools/fuzz.sh run config): now syntax errors with a line and column.
@Suite struct TOMLHeaderCheckTests {
    @Test(arguments: ["[`cheduler]", "[[!x]]", "[ #a]", "[é]", "[[[a]]]", "[{a}]", "[=]", "[.a]"])
    func badHeaderIsASyntaxError(header: String) {
        let text = "[scheduler]\nmax_num_seqs = 256\n\n\(header)\nblock_size = 16\n"
        let error = configError(text)
        #expect(error?.line == 4, "\(String(describing: error))")
        #expect(error?.column != nil)
        #expect(error?.message.hasPrefix("TOML syntax error: ") == true, "\(String(describing: error))")
    }

    @Test(arguments: ["[\n[a]", "[\na]", "[", "[[", "[ \r\n", "[[\t\n"])
    func headerWithoutANameOnItsLine(header: String) {
        let text = "[scheduler]\nmax_num_seqs = 256\n\(header)\n"
        let error = configError(text)
        #expect(error?.line == 3, "\(String(describing: error))")
        #expect(error?.message.hasPrefix("TOML syntax error: ") == true, "\(String(describing: error))")
    }

    @Test(arguments: ["a = [}", "a = [ }", "a = [[}", "a = [1,}", "a = { b = [} }", "a = [#\n}", "a = [\n  1,\n  }"])
    func closingBraceWhereAnArrayExpectsAValue(value: String) {
        let error = configError("[workload]\n\(value)\n")
        #expect(error?.message.hasPrefix("TOML syntax error: ") == true, "\(String(describing: error))")
        #expect(error?.line != nil && error?.column != nil)
    }

    @Test("after a byte-order mark")
    func afterABOM() {
        let error = configError("\u{FEFF}[# comment\n")
        #expect(error?.line == 1 && error?.column == 2, "\(String(describing: error))")
    }

    @Test("brackets inside strings, multi-line strings, comments and arrays are not headers")
    func notHeaders() {
        let text = """
            [hardware]
            name = \"\"\"
            [`not a header
              [!still not\\
            [é\"\"\"
            # [`a comment
            [model]
            name = '''
            [#literal'''

            """
        // Parsed fine: what is reported is the schema's first complaint.
        let schema = configError(text)
        #expect(schema?.field?.hasPrefix("hardware.") == true, "\(String(describing: schema))")
        #expect(schema?.message.contains("syntax") == false, "\(String(describing: schema))")
        // A multi-line array: its lines are values, so the unknown key is what gets reported.
        let array = "[workload]\nextra = [\n  [ {a = 1} ],\n  [+1],\n]\n"
        let error = configError(array)
        #expect(error?.field == "workload.extra", "\(String(describing: error))")
        #expect(error?.line == 2)
    }
}
