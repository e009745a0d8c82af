//! The cost of colouring a large Jacobian pattern once: `column_colouring`
//! (every order of `colour::ORDERS`, the fewest kept, then iterated greedy)
//! on a bundle-adjustment-like pattern, with the colour count of each order.
//!
//! The pattern is that of GradBench's bundle adjustment: `cams` cameras of
//! 11 parameters, `points` points of 3, one weight per observation; each
//! observation gives two reprojection rows (its camera's 11 columns, its
//! point's 3, its weight: 15 entries) and one weight row (the weight
//! alone). Cameras and points are drawn by a fixed hash, every point seen
//! at least twice. The largest size has 182,000 columns, as GradBench's
//! ba14 problem (its goal: colouring in at most 100 ms).
//!
//! `cargo bench -p dualnum-bench --bench sparse_colouring`; environment:
//! `COLOURING_RUNS` (default 5) timed runs per size, the median and the
//! spread printed; `COLOURING_PROFILE=1` colours the largest pattern once
//! inside `profile_loop` (for `valgrind --tool=callgrind
//! --toggle-collect='*profile_loop*'`).

use std::hint::black_box;
use std::time::Instant;

use dualnum::sparse::{JacobianPattern, colour};

/// The bundle-adjustment pattern: columns cameras (11 each), points (3
/// each), weights (1 each); rows `2o`, `2o + 1` for observation `o`, then
/// the `obs` weight rows.
fn bundle_adjustment(cams: usize, points: usize, obs: usize) -> JacobianPattern {
    let (pc, wc) = (11 * cams, 11 * cams + 3 * points);
    let n = wc + obs;
    let mut offsets = vec![0];
    let mut cols = Vec::with_capacity(31 * obs);
    let hash = |o: usize, salt: u64| {
        let mut z = (o as u64).wrapping_add(salt).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (z ^ (z >> 32)) as usize
    };
    for o in 0..obs {
        let cam = hash(o, 1) % cams;
        // every point twice at least, the rest at random
        let point = if o < 2 * points { o % points } else { hash(o, 2) % points };
        for _ in 0..2 {
            cols.extend(11 * cam..11 * cam + 11);
            cols.extend(pc + 3 * point..pc + 3 * point + 3);
            cols.push(wc + o);
            offsets.push(cols.len());
        }
    }
    for o in 0..obs {
        cols.push(wc + o);
        offsets.push(cols.len());
    }
    JacobianPattern::from_csr(3 * obs, n, offsets, cols).expect("a valid pattern")
}

#[inline(never)]
fn profile_loop(p: &JacobianPattern) -> usize {
    colour::column_colouring(p).count()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sizes = [(200, 3_000, 7_000), (2_000, 30_000, 70_000)];
    if std::env::var("COLOURING_PROFILE").is_ok() {
        let (c, p, o) = sizes[sizes.len() - 1];
        println!("{}", profile_loop(&bundle_adjustment(c, p, o)));
        return;
    }
    let runs: usize =
        std::env::var("COLOURING_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    for (cams, points, obs) in sizes {
        let p = bundle_adjustment(cams, points, obs);
        let mut times = Vec::with_capacity(runs);
        let mut count = 0;
        for _ in 0..runs {
            let t = Instant::now();
            count = colour::column_colouring(black_box(&p)).count();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let t = Instant::now();
        let (_, counts) = colour::column_colouring_report(&p);
        let every = t.elapsed().as_secs_f64() * 1e3;
        println!(
            "bundle adjustment {cams} cameras, {points} points, {obs} observations: \
             {} columns, {} nonzeros: column_colouring {:.1} ms median (min {:.1}, max {:.1}, \
             {runs} runs), {count} colours; every order and iterated greedy \
             (column_colouring_report) {every:.1} ms once: by order {counts:?}",
            p.ncols(),
            p.nnz(),
            times[runs / 2],
            times[0],
            times[runs - 1],
        );
    }
}
