import Testing
@testable import InferenceLab

@Suite struct TOMLKeyLocatorTests {
    let source = #"""
    # comment with key = 1 and [fake]
    top = "value"

    [hardware]  # trailing comment
    name = "H100 # not a comment"
      compute_flops = 1.5e15
    notes = """
    multi = line
    [not_a_table]
    """
    literal = '''
    also = not a key
    '''
    list = [
      1, 2,  # inner = comment
      { inside = 3 },
    ]
    "quoted.key" = 1
    'literal key' = 2
    dotted.sub.key = 3
    when = 1979-05-27 07:32:00Z
    after_date = 4

    [workload.input_len_dist]
    type = "fixed"

    [ workload . "output_len_dist" ]
    type = "fixed"

    [workload]
    dist = { type = "uniform", min = 1,
             max = 2 }
    escaped = "a \" b = c"
    last = true

    [[runs]]
    id = 1
    [[runs]]
    id = 2
    [runs.sub]
    x = 3
    """#

    var locator: TOMLKeyLocator { TOMLKeyLocator(source: source) }

    @Test func keysAndHeaders() {
        #expect(locator.line(of: ["top"]) == 2)
        #expect(locator.headerLine(of: ["hardware"]) == 4)
        #expect(locator.line(of: ["hardware"]) == 4)
        #expect(locator.line(of: ["hardware", "name"]) == 5)
        #expect(locator.line(of: ["hardware", "compute_flops"]) == 6)
        #expect(locator.line(of: ["hardware", "notes"]) == 7)
        #expect(locator.line(of: ["hardware", "literal"]) == 11)
        #expect(locator.line(of: ["hardware", "list"]) == 14)
        #expect(locator.line(of: ["hardware", "quoted.key"]) == 18)
        #expect(locator.line(of: ["hardware", "literal key"]) == 19)
        #expect(locator.line(of: ["hardware", "when"]) == 21)
        #expect(locator.line(of: ["hardware", "after_date"]) == 22)
        #expect(locator.headerLine(of: ["runs"]) == 36)
        #expect(locator.line(of: ["runs", "id"]) == 37)
    }

    /// The entries of an array of tables are told apart by index (`[cluster.pool]` errors name
    /// `cluster.pool[1]`); the plain path finds the first entry.
    @Test func arrayOfTablesEntriesAreIndexed() {
        #expect(locator.line(of: ["runs[0]", "id"]) == 37)
        #expect(locator.headerLine(of: ["runs[1]"]) == 38)
        #expect(locator.line(of: ["runs[1]", "id"]) == 39)
        #expect(locator.headerLine(of: ["runs[1]", "sub"]) == 40)
        #expect(locator.line(of: ["runs[1]", "sub", "x"]) == 41)
        #expect(locator.line(of: ["runs[1]", "sub", "missing"]) == 40)
        #expect(locator.line(of: ["runs", "sub", "x"]) == 41)
    }

    @Test func contentsOfStringsArraysAndCommentsAreNotKeys() {
        #expect(locator.headerLine(of: ["fake"]) == nil)
        #expect(locator.headerLine(of: ["not_a_table"]) == nil)
        // Falls back to the enclosing table, never to the fake line.
        #expect(locator.line(of: ["hardware", "multi"]) == 4)
        #expect(locator.line(of: ["hardware", "also"]) == 4)
        #expect(locator.line(of: ["hardware", "inner"]) == 4)
        #expect(locator.line(of: ["workload", "b"]) == 30)
    }

    @Test func dottedKeysAndTheTablesTheyImply() {
        #expect(locator.line(of: ["hardware", "dotted", "sub", "key"]) == 20)
        #expect(locator.line(of: ["hardware", "dotted", "sub"]) == 20)
        #expect(locator.line(ofDotted: "hardware.dotted") == 20)
    }

    @Test func headersWithSpacesAndQuotes() {
        #expect(locator.headerLine(of: ["workload", "input_len_dist"]) == 24)
        #expect(locator.line(of: ["workload", "input_len_dist", "type"]) == 25)
        #expect(locator.headerLine(of: ["workload", "output_len_dist"]) == 27)
        #expect(locator.line(of: ["workload", "output_len_dist", "type"]) == 28)
        // A header after its sub-tables.
        #expect(locator.headerLine(of: ["workload"]) == 30)
    }

    @Test func inlineTableKeys() {
        #expect(locator.line(of: ["workload", "dist"]) == 31)
        #expect(locator.line(of: ["workload", "dist", "type"]) == 31)
        #expect(locator.line(of: ["workload", "dist", "max"]) == 32)
        #expect(locator.line(of: ["workload", "escaped"]) == 33)
        #expect(locator.line(of: ["workload", "last"]) == 34)
        #expect(locator.line(of: ["workload", "dist", "unknown"]) == 31)
    }

    @Test func absentTable() {
        #expect(locator.line(of: ["scheduler", "block_size"]) == nil)
        #expect(locator.line(ofDotted: "scheduler") == nil)
    }

    @Test func emptyAndUnterminatedTextDoNotHang() {
        #expect(TOMLKeyLocator(source: "").line(of: ["a"]) == nil)
        #expect(TOMLKeyLocator(source: "a = \"\"\"open").line(of: ["a"]) == 1)
        #expect(TOMLKeyLocator(source: "a = [1, {b = ").line(of: ["a", "b"]) == 1)
        #expect(TOMLKeyLocator(source: "[unclosed\nx = 1").line(of: ["unclosed", "x"]) == 2)
        #expect(TOMLKeyLocator(source: "=\n= 1\n\u{00e9} = 2\nk = 3").line(of: ["k"]) == 4)
    }

    @Test func crlfLineEndings() {
        let locator = TOMLKeyLocator(source: "[a]\r\nx = 1\r\n\r\ny = 2\r\n")
        #expect(locator.line(of: ["a", "x"]) == 2)
        #expect(locator.line(of: ["a", "y"]) == 4)
    }
}

@Suite struct NameSuggestionTests {
    @Test func editDistance() {
        #expect(NameSuggestion.editDistance("", "abc") == 3)
        #expect(NameSuggestion.editDistance("abc", "") == 3)
        #expect(NameSuggestion.editDistance("kitten", "sitting") == 3)
        #expect(NameSuggestion.editDistance("polciy", "policy") == 1)  // transposition
        #expect(NameSuggestion.editDistance("same", "same") == 0)
    }

    @Test func nearest() {
        let keys = ["max_num_seqs", "max_num_batched_tokens", "block_size", "policy"]
        #expect(NameSuggestion.nearest(to: "max_num_seq", among: keys) == "max_num_seqs")
        #expect(NameSuggestion.nearest(to: "BLOCK_SIZE", among: keys) == "block_size")
        #expect(NameSuggestion.nearest(to: "blocksize", among: keys) == "block_size")
        #expect(NameSuggestion.nearest(to: "max_num_batched", among: keys) == "max_num_batched_tokens")
        #expect(NameSuggestion.nearest(to: "vendor", among: keys) == nil)
        #expect(NameSuggestion.nearest(to: "xy", among: ["ab"]) == nil)
        #expect(NameSuggestion.nearest(to: "anything", among: []) == nil)
    }
}

@Suite struct InputErrorTests {
    @Test func description() {
        #expect(InputError(file: "a.toml", line: 3, column: 7, field: "x.y", message: "bad").description
            == "a.toml:3:7: x.y: bad")
        #expect(InputError(file: "a.toml", line: 3, field: "x.y", message: "bad").description == "a.toml:3: x.y: bad")
        #expect(InputError(file: "a.toml", line: 3, message: "bad").description == "a.toml:3: bad")
        #expect(InputError(file: "a.toml", message: "bad").description == "a.toml: bad")
        // A column without a line is not printed.
        #expect(InputError(file: "a.toml", column: 2, message: "bad").description == "a.toml: bad")
        #expect(InputError.exitCode == 2)
    }
}
