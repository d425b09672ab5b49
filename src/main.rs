//! The `asim` binary: parse the arguments, call the library, exit.

use std::io::IsTerminal;

fn main() {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let code =
        asim::cli::main_with(std::env::args_os(), &mut std::io::stdout().lock(), &mut std::io::stderr().lock(), color);
    std::process::exit(code);
}
