//! A Taylor-series ODE integrator from jets, on the Kepler problem over one
//! period, against classical RK4 given the same running time.
//!
//! For `y′ = g(y)` the Taylor coefficients of the solution follow from
//! those of `g(y(t))`: `y_{k+1} = g(y(t))ₖ / (k + 1)`. Evaluating `g` on
//! jets whose first `k` coefficients are already known gives coefficient
//! `k` of `g(y(t))` exactly, so `p` evaluations give the degree-`p` Taylor
//! polynomial of the solution. The order is chosen from the tolerance as
//! `p ≈ −½·ln(tol) + 1` and each step as
//! `h = min_{j ∈ {p−1, p}} (tol/‖yⱼ‖)^{1/j}` (Jorba & Zou, 2005).
//!
//! Kepler: `q″ = −q/|q|³` in the plane, eccentricity 0.5, period 2π. The
//! energy `H = |p|²/2 − 1/|q|` is conserved, and after one period the
//! state returns to its start: both errors are printed for each method.
//!
//! Run with `cargo run --release --example taylor_kepler`.

use std::f64::consts::PI;
use std::time::Instant;

use dualnum::Jet;
use num_traits::Float;

/// The vector field: `(q, p)′ = (p, −q/|q|³)`, generic over the number type.
fn kepler<T: Float>(y: &[T; 4]) -> [T; 4] {
    let r2 = y[0] * y[0] + y[1] * y[1];
    let inv_r3 = (r2 * r2.sqrt()).recip();
    [y[2], y[3], -y[0] * inv_r3, -y[1] * inv_r3]
}

fn energy(y: &[f64; 4]) -> f64 {
    0.5 * (y[2] * y[2] + y[3] * y[3]) - (y[0] * y[0] + y[1] * y[1]).sqrt().recip()
}

const TOL: f64 = 1e-14;
/// `−½·ln(1e−14) + 1 ≈ 17.1`, rounded up.
const ORDER: usize = 18;

/// One Taylor step of at most `h_max`: the degree-`ORDER` Taylor polynomial
/// of the solution through `y`, summed at the step the tolerance allows.
fn taylor_step(y: &[f64; 4], h_max: f64) -> ([f64; 4], f64) {
    let mut ys: [Jet<f64, ORDER>; 4] = y.map(Jet::constant);
    for k in 0..ORDER {
        let g = kepler(&ys);
        for i in 0..4 {
            ys[i].c[k] = g[i].coefficient(k) / (k + 1) as f64;
        }
    }
    let norm = |k: usize| ys.iter().map(|yi| yi.coefficient(k).abs()).fold(0.0, f64::max);
    let h = [ORDER - 1, ORDER]
        .into_iter()
        .map(|j| (TOL / norm(j)).powf(1.0 / j as f64))
        .fold(h_max, f64::min);
    // Horner
    let next = ys.map(|yi| (0..=ORDER).rev().fold(0.0, |s, k| s * h + yi.coefficient(k)));
    (next, h)
}

fn taylor(y0: [f64; 4], t_end: f64) -> ([f64; 4], usize, f64) {
    let (mut y, mut t, mut steps, mut drift) = (y0, 0.0, 0, 0.0f64);
    while t < t_end {
        let (next, h) = taylor_step(&y, t_end - t);
        (y, t, steps) = (next, t + h, steps + 1);
        drift = drift.max((energy(&y) - energy(&y0)).abs());
    }
    (y, steps, drift)
}

fn rk4(y0: [f64; 4], t_end: f64, steps: usize) -> ([f64; 4], f64) {
    let h = t_end / steps as f64;
    let axpy = |a: f64, x: &[f64; 4], y: &[f64; 4]| -> [f64; 4] {
        core::array::from_fn(|i| y[i] + a * x[i])
    };
    let (mut y, mut drift) = (y0, 0.0f64);
    for _ in 0..steps {
        let k1 = kepler(&y);
        let k2 = kepler(&axpy(h / 2.0, &k1, &y));
        let k3 = kepler(&axpy(h / 2.0, &k2, &y));
        let k4 = kepler(&axpy(h, &k3, &y));
        y = core::array::from_fn(|i| y[i] + h / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]));
        drift = drift.max((energy(&y) - energy(&y0)).abs());
    }
    (y, drift)
}

/// The median wall time of `f` over a few runs, in seconds.
fn median_time(mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..5)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[2]
}

fn main() {
    assert_eq!(ORDER, (-0.5 * TOL.ln() + 1.0).ceil() as usize, "order from the tolerance");
    let e = 0.5;
    let y0 = [1.0 - e, 0.0, 0.0, ((1.0 + e) / (1.0 - e)).sqrt()];
    let period = 2.0 * PI;
    let err = |y: &[f64; 4]| (0..4).map(|i| (y[i] - y0[i]).abs()).fold(0.0, f64::max);

    let (yt, steps, drift_t) = taylor(y0, period);
    let time_t = median_time(|| {
        std::hint::black_box(taylor(std::hint::black_box(y0), period));
    });

    // RK4 with as many steps as run in the same time.
    let probe = 1000;
    let per_step = median_time(|| {
        std::hint::black_box(rk4(std::hint::black_box(y0), period, probe));
    }) / probe as f64;
    let rk_steps = ((time_t / per_step) as usize).max(4);
    let (yr, drift_r) = rk4(y0, period, rk_steps);
    let time_r = median_time(|| {
        std::hint::black_box(rk4(std::hint::black_box(y0), period, rk_steps));
    });

    println!("Kepler, e = {e}, one period (2π), tolerance {TOL:e}");
    println!(
        "{:<28} {:>7} {:>10} {:>14} {:>14} {:>14}",
        "method", "steps", "time", "|ΔH| at end", "max |ΔH|", "|y(T) − y₀|"
    );
    let row = |name: &str, steps: usize, time: f64, y: &[f64; 4], drift: f64| {
        println!(
            "{name:<28} {steps:>7} {:>8.1} µs {:>14.2e} {drift:>14.2e} {:>14.2e}",
            time * 1e6,
            (energy(y) - energy(&y0)).abs(),
            err(y)
        );
    };
    row(&format!("Taylor, order {ORDER} (jets)"), steps, time_t, &yt, drift_t);
    row("RK4, same time", rk_steps, time_r, &yr, drift_r);
    assert!((energy(&yt) - energy(&y0)).abs() < 1e-12, "the Taylor integrator keeps the energy");
}
