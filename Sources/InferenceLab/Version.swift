/// The simulator's version, written into every event-log header.
public enum InferenceLabVersion {
    public static let string = "0.1.0"
}
