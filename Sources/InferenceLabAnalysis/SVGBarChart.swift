/// A bar chart rendered as inline SVG, one bar per category (a fleet's replicas): a y axis
/// from 0 with tick labels, axis titles, a category label under the bars (every k-th when they
/// are dense) and each bar's value above it when there is room. Same look as ``SVGChart``; no
/// scripts, no external references.
struct SVGBarChart: Sendable {
    struct Bar: Sendable, Equatable {
        var label: String
        var value: Double
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var bars: [Bar]
    var color: String
    /// Counts: the y axis reaches at least 5 so that its ticks are whole numbers.
    var integer = true
    var width = 560.0
    var height = 300.0

    func render() -> String {
        let left = 64.0, right = 16.0, top = 30.0, bottom = 46.0
        let plotW = width - left - right, plotH = height - top - bottom
        var high = 0.0
        for b in bars where b.value.isFinite { high = Swift.max(high, b.value) }
        let yScale = AxisScale(lo: 0, hi: integer ? Swift.max(high, 5) : high, target: 5)
        func py(_ y: Double) -> Double { top + (1 - yScale.fraction(y)) * plotH }
        func f(_ v: Double) -> String { TextFormat.fixed(v, 1) }

        let frame = SVGFrame(width: width, height: height, left: left, top: top, plotW: plotW, plotH: plotH)
        var s = frame.open(title: title)
        s += frame.yGrid(yScale, py)
        let n = Swift.max(bars.count, 1)
        let slot = plotW / Double(n)
        let barW = slot * 0.7
        // Category labels at least 28 px apart; values above the bars when a slot is wide enough.
        let labelEvery = Swift.max(1, Int((28 / slot).rounded(.up)))
        for (i, b) in bars.enumerated() {
            let centre = left + slot * (Double(i) + 0.5)
            let value = b.value.isFinite ? Swift.max(b.value, 0) : 0
            let y = py(value)
            s += "<rect x=\"\(f(centre - barW / 2))\" y=\"\(f(y))\" width=\"\(f(barW))\" height=\"\(f(top + plotH - y))\" fill=\"\(color)\">"
            s += "<title>\(HTMLText.escape(b.label)): \(TextFormat.compact(b.value))</title></rect>"
            if i % labelEvery == 0 {
                s += "<text x=\"\(f(centre))\" y=\"\(f(top + plotH + 17))\" class=\"tl\" text-anchor=\"middle\">\(HTMLText.escape(b.label))</text>"
            }
            if slot >= 30 {
                s += "<text x=\"\(f(centre))\" y=\"\(f(y - 4))\" class=\"ml\" text-anchor=\"middle\">\(TextFormat.compact(b.value))</text>"
            }
            s += "\n"
        }
        s += frame.axes(xLabel: xLabel, yLabel: yLabel)
        s += "</svg>\n"
        return s
    }
}
