// The C library of the platform, imported once for the whole module and re-exported, so that
// the I/O layer, the command-line tools and their support library reach `read`, `write`,
// `open`, `poll`, `sigaction` and the rest without each file repeating this block.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// Ends the process with `status` (the C library's `exit`, named apart from the `exit`
/// methods of ArgumentParser's command types, which would otherwise shadow it).
public func exitProcess(_ status: Int32) -> Never {
    exit(status)
}
