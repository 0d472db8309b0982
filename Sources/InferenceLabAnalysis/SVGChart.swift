/// A line chart rendered as inline SVG: axes with tick labels, axis titles with units, a
/// legend, lines (NaN y breaks a line) and shaded min–max bands. No scripts, no external
/// references.
public struct SVGChart: Sendable {
    public struct Line: Sendable {
        public var name: String
        public var color: String
        public var points: [(x: Double, y: Double)]
        /// Optional min–max band drawn under the line, same x values.
        public var band: [(x: Double, lo: Double, hi: Double)] = []
        public var stepped = false
    }

    /// A vertical marker (e.g. p99) with a label.
    public struct Marker: Sendable {
        public var x: Double
        public var label: String
        public init(x: Double, label: String) { self.x = x; self.label = label }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var lines: [Line]
    public var markers: [Marker] = []
    /// Forced y range ends (e.g. 0 and 100 for percentages).
    public var yMin: Double? = 0
    public var yMax: Double?
    /// Forced left end of the x axis (e.g. 0 for time since the first arrival).
    public var xMin: Double? = 0
    public var width = 560.0
    public var height = 300.0

    public init(title: String, xLabel: String, yLabel: String, lines: [Line], markers: [Marker] = [],
                yMin: Double? = 0, yMax: Double? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.lines = lines
        self.markers = markers
        self.yMin = yMin
        self.yMax = yMax
    }

    public func render() -> String {
        let left = 64.0, right = 16.0, bottom = 46.0
        let plotW = width - left - right
        // Legend rows above the plot: one, or more when the names do not fit in one (the
        // plot then starts lower).
        let legendRows = Self.legendRows(lines.map { Self.legendWidth($0.name) }, within: plotW)
        let top = 30.0 + Double(legendRows.count - 1) * 14
        let plotH = height - top - bottom
        var xs: [Double] = [], ys: [Double] = []
        for l in lines {
            for p in l.points where p.x.isFinite { xs.append(p.x); if p.y.isFinite { ys.append(p.y) } }
            for b in l.band where b.x.isFinite { if b.lo.isFinite { ys.append(b.lo) }; if b.hi.isFinite { ys.append(b.hi) } }
        }
        let xLo = Swift.min(xMin ?? .infinity, xs.min() ?? 0)
        let xScale = AxisScale(lo: xLo, hi: xs.max() ?? 1, target: 6, tight: true)
        let yScale = AxisScale(lo: yMin ?? (ys.min() ?? 0), hi: Swift.max(yMax ?? (ys.max() ?? 1), yMin ?? -.infinity), target: 5)
        func px(_ x: Double) -> Double { left + xScale.fraction(x) * plotW }
        func py(_ y: Double) -> Double { top + (1 - yScale.fraction(y)) * plotH }
        func f(_ v: Double) -> String { TextFormat.fixed(v, 1) }

        let frame = SVGFrame(width: width, height: height, left: left, top: top, plotW: plotW, plotH: plotH)
        var s = frame.open(title: title)
        // Grid and tick labels.
        s += frame.yGrid(yScale, py)
        for t in xScale.ticks {
            let x = px(t)
            s += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" class=\"grid\"/>"
            s += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH + 4))\" class=\"axis\"/>"
            s += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 17))\" class=\"tl\" text-anchor=\"middle\">\(TextFormat.compact(t))</text>\n"
        }
        s += frame.axes(xLabel: xLabel, yLabel: yLabel)

        for l in lines where !l.band.isEmpty {
            var upper: [String] = [], lower: [String] = []
            for b in l.band where b.x.isFinite && b.lo.isFinite && b.hi.isFinite {
                upper.append("\(f(px(b.x))),\(f(py(b.hi)))")
                lower.append("\(f(px(b.x))),\(f(py(b.lo)))")
            }
            if !upper.isEmpty {
                s += "<polygon points=\"\((upper + lower.reversed()).joined(separator: " "))\" fill=\"\(l.color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
            }
        }
        for l in lines {
            var d = "", pen = false
            for p in l.points {
                guard p.x.isFinite, p.y.isFinite else { pen = false; continue }
                if !pen { d += "M\(f(px(p.x))) \(f(py(p.y)))"; pen = true } else {
                    if l.stepped { d += "H\(f(px(p.x)))" }
                    d += "L\(f(px(p.x))) \(f(py(p.y)))"
                }
            }
            if !d.isEmpty {
                s += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(l.color)\" stroke-width=\"1.8\" stroke-linejoin=\"round\"/>\n"
            }
        }
        for m in markers where m.x.isFinite {
            let x = px(m.x)
            s += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" class=\"mark\"/>"
            let flip = x > left + plotW * 0.75
            s += "<text x=\"\(f(flip ? x - 3 : x + 3))\" y=\"\(f(top + 11))\" class=\"ml\" text-anchor=\"\(flip ? "end" : "start")\">\(HTMLText.escape(m.label))</text>\n"
        }
        // Legend, right-aligned above the plot, row by row.
        for (row, members) in legendRows.enumerated() {
            var x = left + plotW
            for i in members.reversed() {
                let l = lines[i]
                x -= Self.legendWidth(l.name)
                s += "<rect x=\"\(f(x))\" y=\"\(12 + 14 * row)\" width=\"12\" height=\"10\" fill=\"\(l.color)\"/>"
                s += "<text x=\"\(f(x + 16))\" y=\"\(21 + 14 * row)\" class=\"lg\">\(HTMLText.escape(l.name))</text>\n"
            }
        }
        s += "</svg>\n"
        return s
    }
}

extension SVGChart {
    /// Width of a legend entry: the swatch, a gap and the name.
    static func legendWidth(_ name: String) -> Double { Double(name.count) * 6.6 + 22 }

    /// The line indices of each legend row: in order, a new row when the next entry would make
    /// the row wider than `available` (a single row however wide when every entry fits alone).
    static func legendRows(_ widths: [Double], within available: Double) -> [[Int]] {
        var rows: [[Int]] = [[]]
        var used = 0.0
        for (i, w) in widths.enumerated() {
            if !rows[rows.count - 1].isEmpty && used + w > available {
                rows.append([])
                used = 0
            }
            rows[rows.count - 1].append(i)
            used += w
        }
        return rows
    }
}

/// HTML escaping.
public enum HTMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
