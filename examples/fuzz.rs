//! Mutation fuzzing of every reader, on stable Rust (see `sitview::formats::fuzz`).
//!
//! ```sh
//! cargo run --release --example fuzz -- --seconds 60            # every reader, 60 s each
//! cargo run --release --example fuzz -- --iterations 10000 --target kml --seed 3
//! ```
//!
//! Panicking inputs are saved to `target/fuzz-crashes/<reader>-<n>.bin`, inputs slower than
//! `--slow-ms` (1000) to `<reader>-slow-<n>.bin`; a reader stuck on one input for
//! `--hang-seconds` (20) has it saved as `<reader>-hang.bin` and the run stops with status 3.
//! The exit status is 1 when anything crashed or was slow.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sitview::formats::fuzz::{self, Budget, InFlight};

struct Args {
    budget: Budget,
    seed: u64,
    only: Vec<String>,
    slow: Duration,
    hang: Duration,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        budget: Budget::Time(Duration::from_secs(10)),
        seed: 0x5175_1e77,
        only: Vec::new(),
        slow: Duration::from_secs(1),
        hang: Duration::from_secs(20),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--seconds" => a.budget = Budget::Time(Duration::from_secs(num(value()?)?)),
            "--iterations" => a.budget = Budget::Iterations(num(value()?)?),
            "--seed" => a.seed = num(value()?)?,
            "--target" => a.only.push(value()?),
            "--slow-ms" => a.slow = Duration::from_millis(num(value()?)?),
            "--hang-seconds" => a.hang = Duration::from_secs(num(value()?)?),
            "-h" | "--help" => {
                return Err("usage: fuzz [--seconds N | --iterations N] [--seed N] \
                            [--target NAME]... [--slow-ms N] [--hang-seconds N]"
                    .to_owned());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = fuzz::load_corpus(&root.join("tests/fixtures"));
    let all: Vec<Vec<u8>> = corpus.iter().map(|(_, b)| b.clone()).collect();
    let out_dir: PathBuf = root.join("target/fuzz-crashes");
    let targets: Vec<_> = fuzz::targets()
        .into_iter()
        .filter(|t| args.only.is_empty() || args.only.iter().any(|o| o == t.name))
        .collect();
    if targets.is_empty() {
        let names: Vec<_> = fuzz::targets().iter().map(|t| t.name).collect();
        eprintln!("no such target; the targets are: {}", names.join(", "));
        std::process::exit(2);
    }
    println!(
        "{} inputs in the corpus; {:?} per reader; seed {}",
        all.len(),
        args.budget,
        args.seed
    );

    // Watchdog: a reader stuck on one input is a bug; save the input and stop.
    let in_flight: Arc<InFlight> = Arc::new(std::sync::Mutex::new((Instant::now(), Vec::new())));
    let current = Arc::new(std::sync::Mutex::new(""));
    let done = Arc::new(AtomicBool::new(false));
    {
        let (in_flight, current, done, out_dir, hang) = (
            Arc::clone(&in_flight),
            Arc::clone(&current),
            Arc::clone(&done),
            out_dir.clone(),
            args.hang,
        );
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                let f = in_flight.lock().unwrap_or_else(|e| e.into_inner());
                if f.0.elapsed() > hang {
                    let name = *current.lock().unwrap_or_else(|e| e.into_inner());
                    let path = out_dir.join(format!("{name}-hang.bin"));
                    let _ = std::fs::create_dir_all(&out_dir);
                    let _ = std::fs::write(&path, &f.1);
                    eprintln!(
                        "HANG: {name} has run one input for over {hang:?}; saved to {}",
                        path.display()
                    );
                    std::process::exit(3);
                }
            }
        });
    }

    let mut reports = Vec::new();
    for (k, t) in targets.iter().enumerate() {
        *current.lock().unwrap_or_else(|e| e.into_inner()) = t.name;
        let seeds = fuzz::seeds_for(t, &corpus);
        let r = fuzz::run_watched(
            t,
            &seeds,
            &all,
            args.budget,
            args.seed.wrapping_add(k as u64),
            args.slow,
            Some(&in_flight),
        );
        for (n, c) in r.crashes.iter().enumerate() {
            let path = out_dir.join(format!("{}-{n}.bin", t.name));
            let _ = std::fs::create_dir_all(&out_dir);
            let _ = std::fs::write(&path, &c.input);
            if n < 5 {
                eprintln!("CRASH {}: {} -> {}", t.name, c.message, path.display());
            }
        }
        for (n, (took, input)) in r.slow.iter().enumerate() {
            let path = out_dir.join(format!("{}-slow-{n}.bin", t.name));
            let _ = std::fs::create_dir_all(&out_dir);
            let _ = std::fs::write(&path, input);
            eprintln!(
                "SLOW {}: {:.2} s on {} bytes -> {}",
                t.name,
                took.as_secs_f64(),
                input.len(),
                path.display()
            );
        }
        println!(
            "{:<20} {:>10} iterations {:>7.1} s {:>5} crashes  slowest {:>8.2} ms ({} bytes)",
            t.name,
            r.iterations,
            r.elapsed.as_secs_f64(),
            r.crashes.len(),
            r.slowest.0.as_secs_f64() * 1000.0,
            r.slowest.1.len()
        );
        reports.push(r);
    }
    done.store(true, Ordering::Relaxed);

    println!();
    println!(
        "| reader | iterations | seconds | crashes | slow (> {} ms) | slowest ms |",
        args.slow.as_millis()
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &reports {
        println!(
            "| {} | {} | {:.1} | {} | {} | {:.2} |",
            r.target,
            r.iterations,
            r.elapsed.as_secs_f64(),
            r.crashes.len(),
            r.slow.len(),
            r.slowest.0.as_secs_f64() * 1000.0
        );
    }
    let bad = reports
        .iter()
        .any(|r| !r.crashes.is_empty() || !r.slow.is_empty());
    std::process::exit(i32::from(bad));
}
