/// The parts every chart of the HTML report draws the same way: the `<svg>` opening with its
/// title, the horizontal grid with the y tick labels, and the two axes with their labels.
/// ``SVGChart`` (lines) and ``SVGBarChart`` (bars) draw their own data between them.
struct SVGFrame {
    let width: Double, height: Double
    /// The plot area: left and top edges, width and height.
    let left: Double, top: Double, plotW: Double, plotH: Double

    func f(_ v: Double) -> String { TextFormat.fixed(v, 1) }

    /// `<svg …>` and its `<title>`.
    func open(title: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(title))\">\n"
            + "<title>\(HTMLText.escape(title))</title>\n"
    }

    /// A grid line and a label at each tick of `yScale`, `py` placing a value.
    func yGrid(_ yScale: AxisScale, _ py: (Double) -> Double) -> String {
        var s = ""
        for t in yScale.ticks {
            let y = py(t)
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" class=\"grid\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" class=\"tl\" text-anchor=\"end\">\(TextFormat.compact(t))</text>\n"
        }
        return s
    }

    /// The x and y axes with their labels.
    func axes(xLabel: String, yLabel: String) -> String {
        "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" class=\"axis\"/>"
            + "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\" class=\"axis\"/>\n"
            + "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 6))\" class=\"at\" text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>\n"
            + "<text transform=\"translate(14 \(f(top + plotH / 2))) rotate(-90)\" class=\"at\" text-anchor=\"middle\">\(HTMLText.escape(yLabel))</text>\n"
    }
}
