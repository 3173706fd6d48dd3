//! Loads a file the way the app does (`formats::read_path`) a number of times and prints the
//! wall-clock time, the CPU time (user and system) and the peak memory of each load: a small
//! program to profile the reader with (`perf record`, `valgrind --tool=callgrind`).
//!
//! ```sh
//! cargo run --release --example load -- FILE [--loads 5]
//! ```

use std::time::Instant;

/// The program's allocator (see src/main.rs), so that the profile is the program's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// (user, system) CPU seconds of the whole process so far.
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let Some(close) = stat.rfind(')') else {
        return (f64::NAN, f64::NAN);
    };
    let mut fields = stat[close + 2..].split(' ').skip(11);
    let mut next = || {
        fields
            .next()
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (user, sys) = (next(), next());
    (user / 100.0, sys / 100.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut path, mut loads) = (None, 3usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--loads" => loads = args.next().and_then(|n| n.parse().ok()).unwrap_or(3),
            _ => path = Some(std::path::PathBuf::from(a)),
        }
    }
    let Some(path) = path else {
        eprintln!("usage: load FILE [--loads N]");
        std::process::exit(2);
    };
    for i in 0..loads {
        let (u0, s0) = cpu();
        let t = Instant::now();
        let loaded = match sitview::formats::read_path(&path) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let wall = t.elapsed().as_secs_f64();
        let (u1, s1) = cpu();
        println!(
            "{} incidents in {wall:.3} s (user {:.2} s, system {:.2} s)",
            loaded.dataset.incidents.len(),
            u1 - u0,
            s1 - s0
        );
        // The last load is not dropped: a profile of this program is then one of loading.
        if i + 1 == loads {
            std::mem::forget(loaded);
        }
    }
}
