//! How many arenas the C allocator keeps, capped before any thread starts.
//!
//! glibc gives a thread that finds its arena busy another one, up to eight
//! per core, and each arena keeps the memory freed into it. The server's
//! blocking pool runs dozens of threads, and rows read on one are freed on
//! another: under a run of writes the server held about 60 MiB, against 34
//! MiB with one arena per core and the same throughput (BENCHMARKS.md,
//! fifth round).

/// Caps glibc's arenas at one per core, unless `MALLOC_ARENA_MAX` is set
/// (then glibc has read the operator's choice already). Call it first in
/// `main`, before any thread exists. Elsewhere than glibc it does nothing.
pub fn cap_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
            return;
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        set_arena_max(arenas);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(
    unsafe_code,
    reason = "the one call into the C library the server makes itself"
)]
fn set_arena_max(arenas: libc::c_int) {
    // SAFETY: mallopt only sets one of the allocator's tunables; it reads
    // no memory of ours and is valid at any time. A refused value (0 is
    // returned) leaves glibc's default, which is safe too.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, arenas);
    }
}
