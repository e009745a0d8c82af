//! The interleaved ratio harness for sparse Jacobians and Hessians: each
//! method against the hand-written sparse derivative in alternating short
//! rounds, reporting the median of the per-round ratios (method time /
//! hand-written time) with the interquartile range and min–max. A slow
//! spell on a shared machine hits both sides of a round alike, so the
//! ratio is steadier than two separately measured medians.
//!
//! Methods: `closure C=k` (`values_inplace::<k>`: NaN-safe kernels),
//! `fn object C=k` (`values_of::<k>`: the checked fast path), each with
//! the default directional check (`check` rides in a spare lane when the
//! colour count is below `k`, else costs one more pass) or with
//! `PatternCheck::Off` (`no check`); `written`: with the promise that the
//! function writes every output (`with_outputs_written(true)`: no reset
//! of the output buffer).
//!
//! `cargo bench -p dualnum-bench --bench sparse_interleaved`; environment:
//! `INTERLEAVED_ROUNDS` (default 21), `INTERLEAVED_BATCH_US` (default
//! 2000), `INTERLEAVED_FILTER` (substring of the workload name);
//! `SPARSE_PROFILE=workload/method` runs that one method
//! `SPARSE_PROFILE_ITERS` times (default 10) inside `profile_loop`, for
//! instruction counts under load: `valgrind --tool=callgrind
//! --toggle-collect='*profile_loop*' <bench binary>`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use dualnum::VectorFunction;
use dualnum::sparse::{PatternCheck, SparseJacobian};
use dualnum::test_functions::{
    bratu, bratu_jacobian_csc, broyden_tridiagonal, broyden_tridiagonal_jacobian_csc,
};
use num_traits::Float;

const LAMBDA: f64 = 6.0;

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.3 * ((i as f64) * 0.37).sin() + 0.1).collect()
}

fn bratu6<T: Float>(u: &[T], out: &mut [T]) {
    bratu(u, LAMBDA, out);
}

struct Bratu;
impl VectorFunction for Bratu {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        bratu(x, LAMBDA, out)
    }
}

struct Broyden;
impl VectorFunction for Broyden {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        broyden_tridiagonal(x, out)
    }
}

/// Whether `workload` is to be set up at all (filter and profile mode).
fn wanted(workload: &str) -> bool {
    if std::env::var("INTERLEAVED_FILTER").is_ok_and(|f| !workload.contains(&f)) {
        return false;
    }
    std::env::var("SPARSE_PROFILE").map_or(true, |p| p.starts_with(&format!("{workload}/")))
}

type Method<'a> = (String, Box<dyn FnMut() + 'a>);

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Times `iters` runs of `f`.
fn batch(f: &mut dyn FnMut(), iters: usize) -> Duration {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed()
}

/// `iters` runs of `f`, the one place `callgrind --toggle-collect` counts.
#[inline(never)]
fn profile_loop(f: &mut dyn FnMut(), iters: usize) {
    for _ in 0..iters {
        f();
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// Runs the rounds: every method (the first is the unit) once a round, in
/// batches of about the same time, and prints the ratio statistics.
fn run(workload: &str, mut methods: Vec<Method<'_>>) {
    if std::env::var("INTERLEAVED_FILTER").is_ok_and(|f| !workload.contains(&f)) {
        return;
    }
    if let Ok(want) = std::env::var("SPARSE_PROFILE") {
        // for callgrind --toggle-collect=*profile_loop*: one method only
        for (name, f) in &mut methods {
            if format!("{workload}/{name}") == want {
                f();
                profile_loop(f.as_mut(), env("SPARSE_PROFILE_ITERS", 10));
            }
        }
        return;
    }
    let rounds = env("INTERLEAVED_ROUNDS", 21);
    let budget = Duration::from_micros(env("INTERLEAVED_BATCH_US", 2000) as u64);
    // iterations per batch, from one warm-up run each
    let iters: Vec<usize> = methods
        .iter_mut()
        .map(|(_, f)| {
            f();
            let t = batch(f.as_mut(), 1).max(Duration::from_nanos(50));
            (budget.as_nanos() / t.as_nanos()).clamp(1, 1_000_000) as usize
        })
        .collect();
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); methods.len()];
    let mut unit_ns = Vec::new();
    for _ in 0..rounds {
        let per: Vec<f64> = methods
            .iter_mut()
            .zip(&iters)
            .map(|((_, f), &k)| batch(f.as_mut(), k).as_nanos() as f64 / k as f64)
            .collect();
        unit_ns.push(per[0]);
        for (r, t) in ratios.iter_mut().zip(&per) {
            r.push(t / per[0]);
        }
    }
    unit_ns.sort_by(f64::total_cmp);
    println!(
        "{workload}: hand-written {:.1} µs (median of {rounds} rounds)",
        quantile(&unit_ns, 0.5) / 1e3
    );
    for ((name, _), mut r) in methods.iter().zip(ratios).skip(1) {
        r.sort_by(f64::total_cmp);
        println!(
            "  {name:<28} {:6.2}×  IQR {:.2}–{:.2}  min–max {:.2}–{:.2}",
            quantile(&r, 0.5),
            quantile(&r, 0.25),
            quantile(&r, 0.75),
            r[0],
            r[r.len() - 1]
        );
    }
}

/// The Jacobian methods of one problem: closure and function object at
/// lane widths `A` (= colours: the check takes an extra pass) and `B`
/// (above the colours: the check rides in a spare lane), with and without
/// the check.
macro_rules! jacobian_methods {
    ($sj:expr, $off:expr, $x:expr, $fx:expr, $v:expr, $f:expr, $obj:expr, $a:literal, $b:literal) => {{
        let (sj, off, x, fx, v) = (&$sj, &$off, &$x, &$fx, &$v);
        // the promise that the function writes every output
        let off_w = off.clone().with_outputs_written(true);
        let sj_w = sj.clone().with_outputs_written(true);
        let methods: Vec<Method<'_>> = vec![
            (
                format!("closure C={} check", $a),
                Box::new(move || {
                    sj.values_inplace::<$a, _>(
                        $f,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
            (
                format!("closure C={} no check", $a),
                Box::new(move || {
                    off.values_inplace::<$a, _>(
                        $f,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
            (
                format!("closure C={} check", $b),
                Box::new(move || {
                    sj.values_inplace::<$b, _>(
                        $f,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
            (
                format!("fn object C={} check", $a),
                Box::new(move || {
                    sj.values_of::<$a, _>(
                        &$obj,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
            (
                format!("fn object C={} no check", $a),
                Box::new(move || {
                    off.values_of::<$a, _>(
                        &$obj,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
            (
                format!("fn object C={} check", $b),
                Box::new(move || {
                    sj.values_of::<$b, _>(
                        &$obj,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
            (
                format!("fn object C={} no check", $b),
                Box::new(move || {
                    off.values_of::<$b, _>(
                        &$obj,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
            (
                format!("fn object C={} no check written", $a),
                Box::new(move || {
                    off_w
                        .values_of::<$a, _>(
                            &$obj,
                            black_box(x),
                            &mut fx.borrow_mut(),
                            &mut v.borrow_mut(),
                        )
                        .unwrap()
                }),
            ),
            (
                format!("fn object C={} check written", $b),
                Box::new(move || {
                    sj_w.values_of::<$b, _>(
                        &$obj,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ),
        ];
        methods
    }};
}

fn jacobians() {
    // Bratu 100×100: 5 colours
    let n = 10_000;
    if wanted("bratu_100x100") {
        bratu_workload(n);
    }
    if wanted("broyden_10000") {
        broyden_workload(n);
    }
}

fn bratu_workload(n: usize) {
    use std::cell::RefCell;
    let x = point(n);
    let sj = SparseJacobian::detect_inplace(|x, o| bratu(x, LAMBDA, o), &x, n).unwrap();
    let off = sj.clone().with_pattern_check(PatternCheck::Off);
    let (fx, v) = (RefCell::new(vec![0.0; n]), RefCell::new(vec![0.0; sj.pattern().nnz()]));
    let mut want = vec![0.0; sj.pattern().nnz()];
    bratu_jacobian_csc(&x, LAMBDA, &mut want);
    sj.values_of::<8, _>(&Bratu, &x, &mut fx.borrow_mut(), &mut v.borrow_mut()).unwrap();
    for (a, w) in v.borrow().iter().zip(&want) {
        assert!((a - w).abs() <= 1e-12 * w.abs().max(1.0), "bratu: {a} vs {w}");
    }
    let hv = RefCell::new(want.clone());
    let mut methods: Vec<Method<'_>> = vec![(
        "hand-written".into(),
        Box::new(|| bratu_jacobian_csc(black_box(&x), LAMBDA, &mut hv.borrow_mut())),
    )];
    methods.extend(jacobian_methods!(sj, off, x, fx, v, bratu6, Bratu, 5, 8));
    run("bratu_100x100", methods);
}

fn broyden_workload(n: usize) {
    use std::cell::RefCell;
    // Broyden tridiagonal n = 10,000: 3 colours
    let x = point(n);
    let sj = SparseJacobian::detect_inplace(broyden_tridiagonal, &x, n).unwrap();
    let off = sj.clone().with_pattern_check(PatternCheck::Off);
    let (fx, v) = (RefCell::new(vec![0.0; n]), RefCell::new(vec![0.0; sj.pattern().nnz()]));
    let mut want = vec![0.0; sj.pattern().nnz()];
    broyden_tridiagonal_jacobian_csc(&x, &mut want);
    sj.values_of::<4, _>(&Broyden, &x, &mut fx.borrow_mut(), &mut v.borrow_mut()).unwrap();
    for (a, w) in v.borrow().iter().zip(&want) {
        assert!((a - w).abs() <= 1e-12 * w.abs().max(1.0), "broyden: {a} vs {w}");
    }
    let hv = RefCell::new(want.clone());
    let mut methods: Vec<Method<'_>> = vec![(
        "hand-written".into(),
        Box::new(|| broyden_tridiagonal_jacobian_csc(black_box(&x), &mut hv.borrow_mut())),
    )];
    methods.extend(jacobian_methods!(sj, off, x, fx, v, broyden_tridiagonal, Broyden, 3, 4));
    run("broyden_10000", methods);
}

/// The arrowhead `F₀ = Σ xⱼ²`, `Fᵢ = x₀·xᵢ + sin xᵢ`: one dense row and
/// one dense column, `n` colours by columns or by rows, 3 in both
/// directions.
struct Arrow;
impl VectorFunction for Arrow {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        out[0] = x.iter().fold(T::zero(), |s, &v| s + v * v);
        for i in 1..x.len() {
            out[i] = x[0] * x[i] + x[i].sin();
        }
    }
}

/// The arrowhead's Jacobian by hand, CSC order: column 0 holds rows
/// `0..n` (`2x₀`, then `xᵢ`), column `j ≥ 1` rows 0 and `j` (`2xⱼ`,
/// `x₀ + cos xⱼ`).
fn arrow_jacobian_csc(x: &[f64], values: &mut [f64]) {
    let n = x.len();
    values[0] = 2.0 * x[0];
    values[1..n].copy_from_slice(&x[1..]);
    for j in 1..n {
        values[n + 2 * (j - 1)] = 2.0 * x[j];
        values[n + 2 * (j - 1) + 1] = x[0] + x[j].cos();
    }
}

fn arrowheads() {
    use dualnum::sparse::{Direction, JacobianPattern};
    use std::cell::RefCell;
    for n in [1000, 10_000] {
        if !wanted(&format!("arrowhead_{n}")) {
            continue;
        }
        let x = point(n);
        let p = JacobianPattern::detect_inplace(|x, o| Arrow.eval(x, o), &x, n).unwrap();
        // the preparation (colouring and plan) of each direction, timed once
        let prepare = |d: Direction| {
            let t = Instant::now();
            let sj = SparseJacobian::with_direction(p.clone(), d);
            (sj, t.elapsed())
        };
        let (auto, t_auto) = prepare(Direction::Auto);
        let auto_off = auto.clone().with_pattern_check(PatternCheck::Off);
        // (the profile mode of another method skips the quadratic
        // preparations it does not use)
        let used = |m: &str| std::env::var("SPARSE_PROFILE").map_or(true, |p| p.ends_with(m));
        let (col, t_col) = used("column C=8 check").then(|| prepare(Direction::Column)).unzip();
        let (row, t_row) = used("row check").then(|| prepare(Direction::Row)).unzip();
        let ms =
            |t: Option<Duration>| t.map_or("-".into(), |t| format!("{:.1}", t.as_secs_f64() * 1e3));
        println!(
            "arrowhead_{n}: preparation column {} ms, row {} ms, auto {} ms",
            ms(t_col),
            ms(t_row),
            ms(Some(t_auto))
        );
        println!(
            "arrowhead_{n}: colours column {}, row {}, auto {} ({} column + {} row)",
            col.as_ref().map_or(n, SparseJacobian::colours),
            row.as_ref().map_or(n, SparseJacobian::colours),
            auto.colours(),
            auto.column_colours(),
            auto.row_colours()
        );
        let (fx, v) = (RefCell::new(vec![0.0; n]), RefCell::new(vec![0.0; p.nnz()]));
        let mut want = vec![0.0; p.nnz()];
        arrow_jacobian_csc(&x, &mut want);
        auto.values_of::<4, _>(&Arrow, &x, &mut fx.borrow_mut(), &mut v.borrow_mut()).unwrap();
        for (a, w) in v.borrow().iter().zip(&want) {
            assert!((a - w).abs() <= 1e-12 * w.abs().max(1.0), "arrowhead: {a} vs {w}");
        }
        let hv = RefCell::new(want.clone());
        let (fx, v, x) = (&fx, &v, &x);
        let mut methods: Vec<Method<'_>> = vec![(
            "hand-written".into(),
            Box::new(|| arrow_jacobian_csc(black_box(x), &mut hv.borrow_mut())),
        )];
        methods.push((
            "auto C=4 check".into(),
            Box::new(|| {
                auto.values_of::<4, _>(
                    &Arrow,
                    black_box(x),
                    &mut fx.borrow_mut(),
                    &mut v.borrow_mut(),
                )
                .unwrap()
            }),
        ));
        methods.push((
            "auto C=4 no check".into(),
            Box::new(|| {
                auto_off
                    .values_of::<4, _>(
                        &Arrow,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
            }),
        ));
        if let Some(col) = &col {
            methods.push((
                "column C=8 check".into(),
                Box::new(move || {
                    col.values_of::<8, _>(
                        &Arrow,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ));
        }
        if let Some(row) = &row {
            methods.push((
                "row check".into(),
                Box::new(move || {
                    row.values_of::<4, _>(
                        &Arrow,
                        black_box(x),
                        &mut fx.borrow_mut(),
                        &mut v.borrow_mut(),
                    )
                    .unwrap()
                }),
            ));
        }
        run(&format!("arrowhead_{n}"), methods);
    }
}

/// Chained Rosenbrock as a function object (the checked fast path).
struct Rosenbrock;
impl dualnum::Function for Rosenbrock {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        dualnum::test_functions::rosenbrock(x)
    }
}

/// The sparse Hessian of chained Rosenbrock, n = 10,000 (3 star colours, 2
/// acyclic): reverse over `Dual<f64, C>`, the closure (NaN-safe kernels)
/// and the function object (the checked fast path), with the check or
/// without; `hessian_of` returns a new `CscMatrix`, `values_of` writes the
/// gradient and the entries into buffers, as the hand-written code does.
/// Which colouring a width uses (fewer passes, star on a tie):
/// `C = 2` no check: acyclic (1 pass against 2); `C = 3` check: acyclic
/// (the check in the spare lane, 1 pass against 2); `C = 3` no check and
/// `C = 4` check: star (1 pass each).
fn hessians() {
    use dualnum::sparse::SparseHessian;
    use dualnum::test_functions::{rosenbrock, rosenbrock_hessian_csc};
    use std::cell::RefCell;
    let workload = "rosenbrock_hessian_10000";
    if !wanted(workload) {
        return;
    }
    let x = point(10_000);
    let sh = SparseHessian::detect(rosenbrock, &x).unwrap();
    let off = sh.clone().with_pattern_check(PatternCheck::Off);
    let hv = RefCell::new(vec![0.0; sh.pattern().nnz()]);
    rosenbrock_hessian_csc(&x, &mut hv.borrow_mut());
    for (tol, h) in [
        (1e-12, sh.hessian::<4, _>(|x| rosenbrock(x), &x).unwrap().2),
        (1e-10, sh.hessian_of::<3, _>(&Rosenbrock, &x).unwrap().2),
        (1e-10, off.hessian_of::<2, _>(&Rosenbrock, &x).unwrap().2),
    ] {
        for (a, w) in h.values().iter().zip(hv.borrow().iter()) {
            assert!((a - w).abs() <= tol * w.abs().max(1.0), "hessian: {a} vs {w}");
        }
    }
    let (g, v) = (RefCell::new(vec![0.0; x.len()]), RefCell::new(vec![0.0; sh.pattern().nnz()]));
    let (x, g, v) = (&x, &g, &v);
    // into the caller's buffers, as the hand-written code: no allocation
    fn values<'a>(
        sh: &'a SparseHessian,
        c: usize,
        x: &'a [f64],
        g: &'a RefCell<Vec<f64>>,
        v: &'a RefCell<Vec<f64>>,
    ) -> Box<dyn FnMut() + 'a> {
        Box::new(move || {
            let (g, v) = (&mut g.borrow_mut(), &mut v.borrow_mut());
            let r = match c {
                2 => sh.values_of::<2, _>(&Rosenbrock, black_box(x), g, v),
                3 => sh.values_of::<3, _>(&Rosenbrock, black_box(x), g, v),
                _ => sh.values_of::<4, _>(&Rosenbrock, black_box(x), g, v),
            };
            r.unwrap();
        })
    }
    // echidna: record once on its bytecode tape, detect and colour
    // (distance-2, largest degree first), then the prepared sparse Hessian
    let (tape, _) = echidna::record(|x: &[echidna::BReverse<f64>]| rosenbrock(x), x);
    let ep = tape.detect_sparsity();
    let (ecol, ecount) = echidna::sparse::greedy_coloring(&ep);
    {
        let (_, _, evals) = tape.sparse_hessian_with_pattern(x, &ep, &ecol, ecount);
        let (offs, rows) = sh.pattern().as_jacobian_pattern().csc();
        for ((&i, &j), e) in ep.rows.iter().zip(&ep.cols).zip(&evals) {
            let (i, j) = (i as usize, j as usize);
            let k = offs[j] + rows[offs[j]..offs[j + 1]].binary_search(&i).unwrap();
            let w = hv.borrow()[k];
            assert!((e - w).abs() <= 1e-10 * w.abs().max(1.0), "echidna hessian: {e} vs {w}");
        }
        println!("{workload}: echidna colours {ecount} (dualnum {})", sh.colours());
    }
    // bound to the function object: the first pass records and compiles,
    // the others replay (`PreparedHessian`)
    fn prepared<'a>(
        sh: &'a SparseHessian,
        c: usize,
        x: &'a [f64],
        g: &'a RefCell<Vec<f64>>,
        v: &'a RefCell<Vec<f64>>,
    ) -> Box<dyn FnMut() + 'a> {
        macro_rules! with {
            ($c:literal) => {{
                let mut p = sh.prepare_of::<$c, f64, _>(&Rosenbrock);
                Box::new(move || {
                    p.values(black_box(x), &mut g.borrow_mut(), &mut v.borrow_mut()).unwrap();
                })
            }};
        }
        match c {
            2 => with!(2),
            3 => with!(3),
            _ => with!(4),
        }
    }
    for (s, c) in [(&sh, 3), (&sh, 4), (&off, 2), (&off, 3)] {
        let mut f = prepared(s, c, x, g, v);
        for _ in 0..2 {
            f();
            for (a, w) in v.borrow().iter().zip(hv.borrow().iter()) {
                assert!((a - w).abs() <= 1e-10 * w.abs().max(1.0), "prepared: {a} vs {w}");
            }
        }
    }
    let methods: Vec<Method<'_>> = vec![
        (
            "hand-written".into(),
            Box::new(|| rosenbrock_hessian_csc(black_box(x), &mut hv.borrow_mut())),
        ),
        ("prepared C=3 check".into(), prepared(&sh, 3, x, g, v)),
        ("prepared C=4 check".into(), prepared(&sh, 4, x, g, v)),
        ("prepared C=3 no check".into(), prepared(&off, 3, x, g, v)),
        ("prepared C=2 no check".into(), prepared(&off, 2, x, g, v)),
        ("prepared closure C=3 check".into(), {
            let mut p = sh.prepare::<3, f64, _>(|x| rosenbrock(x));
            Box::new(move || {
                p.values(black_box(x), &mut g.borrow_mut(), &mut v.borrow_mut()).unwrap();
            })
        }),
        ("prepared closure C=4 check".into(), {
            let mut p = sh.prepare::<4, f64, _>(|x| rosenbrock(x));
            Box::new(move || {
                p.values(black_box(x), &mut g.borrow_mut(), &mut v.borrow_mut()).unwrap();
            })
        }),
        (
            "echidna with pattern".into(),
            Box::new(|| {
                drop(black_box(tape.sparse_hessian_with_pattern(black_box(x), &ep, &ecol, ecount)))
            }),
        ),
        ("values_of C=3 check".into(), values(&sh, 3, x, g, v)),
        ("values_of C=4 check".into(), values(&sh, 4, x, g, v)),
        ("values_of C=3 no check".into(), values(&off, 3, x, g, v)),
        ("values_of C=2 no check".into(), values(&off, 2, x, g, v)),
        (
            "C=3 check".into(),
            Box::new(|| drop(sh.hessian::<3, _>(|x| rosenbrock(x), black_box(x)).unwrap())),
        ),
        (
            "C=4 check".into(),
            Box::new(|| drop(sh.hessian::<4, _>(|x| rosenbrock(x), black_box(x)).unwrap())),
        ),
        (
            "C=3 no check".into(),
            Box::new(|| drop(off.hessian::<3, _>(|x| rosenbrock(x), black_box(x)).unwrap())),
        ),
        (
            "fn object C=3 check".into(),
            Box::new(|| drop(sh.hessian_of::<3, _>(&Rosenbrock, black_box(x)).unwrap())),
        ),
        (
            "fn object C=4 check".into(),
            Box::new(|| drop(sh.hessian_of::<4, _>(&Rosenbrock, black_box(x)).unwrap())),
        ),
        (
            "fn object C=3 no check".into(),
            Box::new(|| drop(off.hessian_of::<3, _>(&Rosenbrock, black_box(x)).unwrap())),
        ),
        (
            "fn object C=2 no check".into(),
            Box::new(|| drop(off.hessian_of::<2, _>(&Rosenbrock, black_box(x)).unwrap())),
        ),
    ];
    run(workload, methods);
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    jacobians();
    arrowheads();
    hessians();
}
