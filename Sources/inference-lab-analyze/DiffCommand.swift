import ArgumentParser
import CommandLineSupport
import InferenceLabAnalysis

/// `diff A B`: how run B differs from run A.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two event logs: metrics, requests by id, and the first schedule divergence.",
        discussion: """
            Changes are B − A. Requests are matched by id; the most changed are ranked by |ΔE2E|. \
            Step records are compared in order (batch ids and tokens, preempted, finished) and the \
            first differing pair is printed. Each log is read once (a pipe will do); only one of A \
            and B may be '-'.

            --fail-if conditions look at the change of a summary key from A to B: KEY>+X% or \
            KEY<-X% (relative, in percent), KEY>X or KEY<X (absolute, in the key's unit); >= and \
            <= work too. Exit status 1 when any condition holds, 0 when none does.
            """
    )

    @Argument(help: "The baseline event log ('-' for standard input).")
    var a: String

    @Argument(help: "The event log to compare with it ('-' for standard input).")
    var b: String

    @Flag(name: .customLong("json"), help: "Print the comparison as JSON.")
    var json = false

    @Option(name: .customLong("top"), parsing: .unconditional, help: "How many of the most changed requests to list.")
    var top = 10

    @Option(name: .customLong("fail-if"), help: ArgumentHelp("Exit with status 1 if the condition holds, e.g. 'p99_ttft_ms>+5%' (repeatable).", valueName: "condition"))
    var failIf: [String] = []

    @OptionGroup var log: LogOptions

    func validate() throws {
        if top < 0 { throw ValidationError("--top must not be negative") }
        if a == "-" && b == "-" { throw ValidationError("only one of the two logs can be read from standard input") }
    }

    func run() throws {
        let keys = SummaryJSON.fields(Summary()).map(\.0)
        let conditions = try reportingErrors { try failIf.map { text throws(InputError) in try FailCondition(parsing: text, keys: keys) } }
        let diff = try reportingErrors {
            try LogDiff.compute(pathA: a, pathB: b, top: top, allowIncomplete: log.allowIncomplete)
        }
        warnIfUnfinished(name: a == "-" ? "<stdin>" : a, end: diff.a.end)
        warnIfUnfinished(name: b == "-" ? "<stdin>" : b, end: diff.b.end)
        let verdicts = DiffRendering.verdicts(diff, conditions)
        let nameA = a == "-" ? "<stdin>" : a, nameB = b == "-" ? "<stdin>" : b
        if json {
            try writeOutput(DiffRendering.json(diff, nameA: nameA, nameB: nameB, verdicts: verdicts))
        } else {
            try writeOutput(DiffRendering.text(diff, nameA: nameA, nameB: nameB, verdicts: verdicts))
        }
        let holding = verdicts.filter(\.holds)
        if !holding.isEmpty {
            for v in holding { printError("fail-if: " + DiffRendering.verdictLine(v)) }
            throw ExitStatus.failure
        }
    }
}
