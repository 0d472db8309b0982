import Testing
@testable import InferenceLabAnalysis

@Suite("text formatting")
struct TextFormatTests {
    @Test("text formatting")
    func format() {
        #expect(TextFormat.fixed(2.345, 2) == "2.35" || TextFormat.fixed(2.345, 2) == "2.34")
        #expect(TextFormat.fixed(-0.5, 1) == "-0.5")
        #expect(TextFormat.signed(1.5) == "+1.50" && TextFormat.signed(-1.5) == "-1.50" && TextFormat.signed(0) == "0.00")
        #expect(TextFormat.number(.nan) == "" && TextFormat.number(3) == "3")
        #expect(HTMLText.escape("<a href=\"x\">&") == "&lt;a href=&quot;x&quot;&gt;&amp;")
    }

    @Test("one fixed-point formatter: rounding half away from zero, no sign on a rounded zero")
    func fixedPoint() {
        #expect(DecimalText.fixed(1.005, 1) == "1.0" && DecimalText.fixed(2.5, 0) == "3" && DecimalText.fixed(-2.5, 0) == "-3")
        #expect(DecimalText.fixed(-0.004) == "0.00" && DecimalText.fixed(-0.005, 3) == "-0.005")
        #expect(DecimalText.fixed(12.3456, 3) == "12.346" && DecimalText.fixed(0.05, 2) == "0.05")
        #expect(DecimalText.fixed(.nan) == "-" && DecimalText.fixed(-.infinity) == "-")
        #expect(DecimalText.fixed(1e30) == "1e+30")
        #expect(TextFormat.fixed(3.14159, 4) == DecimalText.fixed(3.14159, 4))
    }
}
