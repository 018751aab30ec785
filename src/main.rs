fn main() -> std::process::ExitCode {
    quietline::cli::main()
}
