//! The `quietline` command line. Its modules live in the binary, not the
//! library, so the desktop app never compiles an argument parser or a
//! terminal prompt it does not use.

#![deny(clippy::unwrap_used, clippy::expect_used)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
