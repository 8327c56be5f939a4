//! Store throughput and latency on this machine:
//! durable `create_user` per second under concurrency (group commit), and `get_user`
//! latency as the account grows.
//!
//! `cargo run --release -p iamd-store --example store_bench -- [CONCURRENCY] [SIZES...]`
//! e.g. `-- 256 1000 100000 1000000`.
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use store::api::*;
use store::{MasterKey, NewUser, SqliteStore};

const ACCT: &str = "123456789012";

fn user(name: String) -> NewUser {
    NewUser {
        name,
        path: "/".into(),
        permissions_boundary: None,
        tags: vec![],
    }
}

async fn fill(store: &Arc<SqliteStore>, from: usize, to: usize, concurrency: usize) -> Duration {
    let started = Instant::now();
    let mut next = from;
    while next < to {
        let batch_end = (next + concurrency * 16).min(to);
        let mut tasks = Vec::with_capacity(concurrency);
        for lane in 0..concurrency {
            let store = store.clone();
            let range: Vec<usize> = (next + lane..batch_end).step_by(concurrency).collect();
            tasks.push(tokio::spawn(async move {
                for i in range {
                    if let Err(e) = store.create_user(ACCT, user(format!("user{i:08}"))).await {
                        eprintln!("create_user: {e}");
                    }
                }
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
        next = batch_end;
    }
    started.elapsed()
}

async fn read_latency(store: &SqliteStore, size: usize, samples: usize) -> (f64, f64) {
    let mut rng = rand::thread_rng();
    let mut micros = Vec::with_capacity(samples);
    for _ in 0..samples {
        let i = rng.gen_range(0..size);
        let t = Instant::now();
        let _ = store.get_user(ACCT, &format!("user{i:08}")).await;
        micros.push(t.elapsed().as_secs_f64() * 1e6);
    }
    micros.sort_by(|a, b| a.total_cmp(b));
    let mean = micros.iter().sum::<f64>() / micros.len() as f64;
    let p99 = micros.get(micros.len() * 99 / 100).copied().unwrap_or(0.0);
    (mean, p99)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let concurrency: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(256);
    let sizes: Vec<usize> = if args.len() > 1 {
        args[1..].iter().filter_map(|a| a.parse().ok()).collect()
    } else {
        vec![1_000, 100_000]
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let key = MasterKey::load_or_create(dir.path(), None).expect("master key");
    let store = Arc::new(SqliteStore::open(dir.path(), key).expect("open"));
    store
        .create_account(Some(ACCT.into()), None)
        .await
        .expect("account");
    let mut have = 0;
    for size in sizes {
        let before = store.change_counter();
        let took = fill(&store, have, size, concurrency).await;
        let batches = store.change_counter() - before;
        let created = size - have;
        println!(
            "create_user: {created} users in {:.2}s = {:.0}/s durable ({batches} commits, {:.1} writes/commit, concurrency {concurrency})",
            took.as_secs_f64(),
            created as f64 / took.as_secs_f64(),
            created as f64 / batches.max(1) as f64
        );
        have = size;
        let (mean, p99) = read_latency(&store, size, 20_000).await;
        println!("get_user at {size} users: mean {mean:.1} µs, p99 {p99:.1} µs");
    }
}
