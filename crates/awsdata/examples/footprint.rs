//! Measures what the embedded data costs: first-use load time, heap held, RSS.
//!
//! `cargo run --release -p iamd-awsdata --example footprint`
//! `cargo run --release -p iamd-awsdata --example footprint -- dump NAME VERSION` prints
//! one managed policy document (to compare against the source package).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts the bytes currently allocated, to report the heap each table keeps.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the wrapper only
// adds and subtracts the sizes it is told about.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn rss_kib() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

fn step(label: &str, work: impl FnOnce()) {
    let (heap, rss) = (LIVE.load(Ordering::Relaxed), rss_kib());
    let started = Instant::now();
    work();
    let elapsed = started.elapsed();
    let heap_mib = (LIVE.load(Ordering::Relaxed) as f64 - heap as f64) / 1048576.0;
    let rss_mib = (rss_kib() as f64 - rss as f64) / 1024.0;
    println!("{label:<48} {elapsed:>10.2?}   heap {heap_mib:+7.2} MiB   RSS {rss_mib:+7.2} MiB");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, name, version] = args.as_slice() {
        if command == "dump" {
            let document = awsdata::managed_policy_by_name(name)
                .and_then(|p| p.version(version))
                .map(|v| v.document().into_owned());
            match document {
                Some(text) => print!("{text}"),
                None => eprintln!("no {name} {version}"),
            }
            return;
        }
    }

    println!("RSS at start: {:.1} MiB", rss_kib() as f64 / 1024.0);
    step("service reference: first lookup (load)", || {
        assert!(awsdata::action("iam", "CreateUser").is_some());
    });
    step("service reference: 100k lookups", || {
        for _ in 0..100_000 {
            assert!(awsdata::action("s3", "GetObject").is_some());
        }
    });
    step("service reference: expand \"*\"", || {
        assert!(awsdata::expand_action_pattern("*").len() > 20_000);
    });
    step("managed policies: first lookup (index load)", || {
        assert!(awsdata::managed_policy_by_name("ReadOnlyAccess").is_some());
    });
    step("managed policies: AdministratorAccess document", || {
        let policy = awsdata::managed_policy_by_name("AdministratorAccess");
        assert!(policy.is_some_and(|p| !p.default_document().is_empty()));
    });
    step("managed policies: ReadOnlyAccess v1 (oldest)", || {
        let policy = awsdata::managed_policy_by_name("ReadOnlyAccess");
        let v1 = policy
            .and_then(|p| p.version("v1"))
            .map(|v| v.document().len());
        assert!(v1.is_some_and(|len| len > 0));
    });
    step("managed policies: every default document", || {
        let bytes: usize = awsdata::managed_policies()
            .map(|p| p.default_document().len())
            .sum();
        println!(
            "  default documents: {:.2} MiB of text",
            bytes as f64 / 1048576.0
        );
    });
    step("managed policies: every older version (not kept)", || {
        let bytes: usize = awsdata::managed_policies()
            .flat_map(|p| p.versions.iter())
            .filter(|v| !v.is_default)
            .map(|v| v.document().len())
            .sum();
        println!(
            "  older versions: {:.2} MiB of text",
            bytes as f64 / 1048576.0
        );
    });
    println!("RSS at end: {:.1} MiB", rss_kib() as f64 / 1024.0);
}
