/// A CSV source whose required columns are, in this order, the time, the prompt tokens and the
/// output tokens (``CSVSourceRows`` reads them).
protocol CSVSourceDecoder: SourceRowDecoder {
    /// The required columns: time, prompt tokens, output tokens.
    static var columns: [String] { get }
}

extension CSVSourceDecoder {
    static var fieldNames: (time: String, prompt: String, output: String) { (columns[0], columns[1], columns[2]) }
}
