//! The `asim` binary: parse the arguments, call the library, exit.

use std::io::IsTerminal;

/// mimalloc: the run allocates and frees many small objects (tasks, frames,
/// futures); measured 25-30% less CPU than glibc's malloc on the benchmark.
#[global_allocator]
static GLOBAL: asim::memory::Counting<mimalloc::MiMalloc> = asim::memory::Counting(mimalloc::MiMalloc);

/// mimalloc's `arena_eager_commit` (option 4 in mimalloc.h): commit arena
/// memory when it is reserved instead of page by page as it is touched.
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
/// mimalloc's `purge_delay` (option 15): 0 hands freed pages back to the OS
/// at once, -1 never. The front end frees the YAML and syntax trees as it
/// builds the next stage, so it purges (a 57 MB scenario peaked at 2.1 GB
/// without, 1.5 GB with). The run's tables grow and shrink, and a purged page
/// is faulted and zeroed again when reused, which cost more system time than
/// the whole run's user time: the run never purges.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // SAFETY: sets an allocator option; mimalloc reads options on every use.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 1);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
    asim::memory::on_run_start(|| {
        // SAFETY: as above.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
    });
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let code = asim::cli::main_with(std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr(), color);
    std::process::exit(code);
}
