//! Issue 18: gradients in bounded memory. The gradient of a sum of terms
//! recorded one term at a time (`Tape::gradient_sum`) against the whole
//! sum recorded at once, and binomial checkpointing through a loop
//! (`reverse::checkpoint`) against the whole loop recorded at once, with
//! the schedule's counts against the binomial formula.

use dualnum::reverse::{self, Tape, checkpoint};
use dualnum::test_functions::*;
use dualnum::{Function, VectorFunction};
use num_traits::Float;
use quickcheck::quickcheck;

fn bounded(v: f64, lim: f64) -> f64 {
    if v.is_finite() { (v % lim).clamp(-lim, lim) } else { 0.5 }
}

fn close(a: &[f64], b: &[f64], rel: f64) -> bool {
    let scale = b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= rel * scale)
}

/// Term `i` of a Gaussian-mixture-like loss: a log-sum-exp over
/// "centres" of squared distances from data point `i`.
fn term<T: Float>(i: usize, x: &[T]) -> T {
    let d = (i as f64 * 0.37).sin();
    let c = |v: f64| T::from(v).unwrap();
    let q: Vec<T> = x.windows(2).map(|w| -(w[0] - c(d)).powi(2) * w[1].exp()).collect();
    log_sum_exp(&q) + x[i % x.len()] * c(d)
}

fn whole_sum<T: Float>(x: &[T], m: usize) -> T {
    (0..m).fold(T::zero(), |s, i| s + term(i, x))
}

quickcheck! {
    /// Term by term = the whole sum at once: the value bit for bit, the
    /// gradient up to the order of each input's additions.
    fn sum_by_terms_equals_the_whole_sum(a: f64, b: f64, c: f64, d: f64, m: u8) -> bool {
        let x = [bounded(a, 2.0), bounded(b, 2.0), bounded(c, 2.0), bounded(d, 2.0)];
        let m = m as usize % 40;
        let mut tape = Tape::new();
        let (mut g, mut e) = ([0.0; 4], [0.0; 4]);
        let s = tape.gradient_sum(|i, v| term(i, v), m, &x, &mut g);
        let mut whole = Tape::new();
        let fe = whole.gradient(|v| whole_sum(v, m), &x, &mut e);
        let (s2, g2) = reverse::gradient_sum(|i, v| term(i, v), m, &x);
        s.to_bits() == fe.to_bits() && s.to_bits() == whole_sum(&x, m).to_bits()
            && close(&g, &e, 1e-13) && g2.as_slice() == g && s2 == s
    }
}

#[test]
fn sum_by_terms_holds_one_term() {
    let x: Vec<f64> = (0..6).map(|i| 0.2 * i as f64 - 0.5).collect();
    let mut tape = Tape::new();
    let mut g = vec![0.0; 6];
    // Fewer terms under Miri (scripts/miri.sh), which is slow.
    let m = if cfg!(miri) { 60 } else { 2_000 };
    tape.gradient_sum(|i, v| term(i, v), m, &x, &mut g);
    let one = {
        let t = Tape::new();
        let v = t.vars(&x);
        let _ = term(0, &v);
        t.len()
    };
    let mut whole = Tape::new();
    let mut e = vec![0.0; 6];
    whole.gradient(|v| whole_sum(v, m), &x, &mut e);
    assert!(close(&g, &e, 1e-12));
    // The kept memory is one term's (with the doubling slack), while the
    // whole sum needs all of them.
    assert!(tape.capacity() <= 2 * one + 64, "{} for a term of {one}", tape.capacity());
    assert!(whole.len() > m / 2 * one);
}

fn nan_term<T: Float>(i: usize, v: &[T]) -> T {
    if i == 1 { (v[0] * T::zero()).sqrt() } else { v[0] * v[1] }
}

#[test]
fn sum_by_terms_keeps_the_nan_policy() {
    // √(0·x) has derivative 0 under the NaN-safe policy, not NaN; another
    // term carries a finite gradient that must survive the safe pass.
    let x = [0.7, -1.3];
    let mut g = [0.0; 2];
    let s = Tape::new().gradient_sum(|i, v| nan_term(i, v), 3, &x, &mut g);
    assert_eq!(s, 2.0 * x[0] * x[1]);
    assert_eq!(g, [2.0 * x[1], 2.0 * x[0]]);
    let (_, e) = reverse::gradient(|v| nan_term(0, v) + nan_term(1, v) + nan_term(2, v), &x);
    assert_eq!(e.as_slice(), g);
}

#[test]
#[should_panic(expected = "Tape::gradient_sum: 2 inputs but a gradient slice of length 3")]
fn sum_by_terms_gradient_length() {
    Tape::new().gradient_sum(|_, v| v[0], 1, &[1.0, 2.0], &mut [0.0; 3]);
}

/// One classical Runge–Kutta step of a damped nonlinear oscillator chain
/// (`n` even: positions then velocities).
struct Rk4;
impl Rk4 {
    fn rhs<T: Float>(x: &[T], out: &mut [T]) {
        let h = x.len() / 2;
        let c = |v: f64| T::from(v).unwrap();
        for i in 0..h {
            let left = if i > 0 { x[i - 1] } else { T::zero() };
            out[i] = x[h + i];
            out[h + i] = -x[i].sin() + (left - x[i]) * c(0.3) - x[h + i] * c(0.05);
        }
    }
}
impl VectorFunction for Rk4 {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        let dt = T::from(0.05).unwrap();
        let half = T::from(0.5).unwrap();
        let n = x.len();
        let (mut k1, mut k2, mut k3, mut k4) = (x.to_vec(), x.to_vec(), x.to_vec(), x.to_vec());
        let mut y = x.to_vec();
        Self::rhs(x, &mut k1);
        for i in 0..n {
            y[i] = x[i] + k1[i] * dt * half;
        }
        Self::rhs(&y, &mut k2);
        for i in 0..n {
            y[i] = x[i] + k2[i] * dt * half;
        }
        Self::rhs(&y, &mut k3);
        for i in 0..n {
            y[i] = x[i] + k3[i] * dt;
        }
        Self::rhs(&y, &mut k4);
        let sixth = T::from(1.0 / 6.0).unwrap();
        for i in 0..n {
            out[i] = x[i] + (k1[i] + (k2[i] + k3[i]) * T::from(2.0).unwrap() + k4[i]) * dt * sixth;
        }
    }
}

/// The loss on the final state: Σ xᵢ² weighted.
struct Energy;
impl Function for Energy {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        x.iter().enumerate().fold(T::zero(), |s, (i, &v)| s + v * v * T::from(1 + i).unwrap())
    }
}

/// The whole loop and the loss, for recording at once.
struct Whole(usize);
impl Function for Whole {
    fn eval<T: Float>(&self, x: &[T]) -> T {
        let mut a = x.to_vec();
        let mut b = x.to_vec();
        for _ in 0..self.0 {
            Rk4.eval(&a, &mut b);
            std::mem::swap(&mut a, &mut b);
        }
        Energy.eval(&a)
    }
}

#[test]
fn checkpointed_gradient_equals_the_whole_loop() {
    let x0: [f64; 6] = [0.3, -0.2, 0.5, 0.1, 0.0, 0.2];
    let steps_list: &[usize] = if cfg!(miri) { &[0, 1, 2, 7] } else { &[0, 1, 2, 7, 30, 64] };
    for &steps in steps_list {
        let (fe, e) = reverse::gradient_of(&Whole(steps), &x0);
        for snapshots in [1, 2, 3, 5, 64, 100] {
            let mut g = [0.0; 6];
            let (fx, cost) = checkpoint::gradient_of(&Rk4, &Energy, &x0, steps, snapshots, &mut g);
            let at = format!("steps {steps}, snapshots {snapshots}");
            assert_eq!(fx.to_bits(), fe.to_bits(), "{at}");
            assert!(close(&g, e.as_slice(), 1e-13), "{at}: {g:?} vs {e}");
            assert_eq!(cost.advances, checkpoint::advances(steps, snapshots), "{at}");
            assert_eq!(cost.recorded, steps, "{at}");
            assert!(cost.snapshots <= snapshots.max(1), "{at}: {cost:?}");
        }
    }
}

/// Counts plain evaluations of a step, to check the schedule's count
/// from outside.
struct Counted<'a>(&'a std::cell::Cell<usize>);
impl VectorFunction for Counted<'_> {
    fn outputs(&self, n: usize) -> usize {
        n
    }
    fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
        self.0.set(self.0.get() + 1);
        for (o, &v) in out.iter_mut().zip(x) {
            *o = v.sin() + v * T::from(0.5).unwrap();
        }
    }
}

#[test]
fn step_evaluations_match_the_binomial_formula() {
    // Every evaluation of the step, plain or recorded: advances + steps.
    for (steps, snapshots, advances) in [(10, 1, 45), (10, 2, 20), (100, 4, 374), (100, 10, 222)] {
        let calls = std::cell::Cell::new(0);
        let mut g = [0.0; 2];
        let (_, cost) = checkpoint::gradient_of(
            &Counted(&calls),
            &Energy,
            &[0.4, -0.7],
            steps,
            snapshots,
            &mut g,
        );
        assert_eq!(checkpoint::advances(steps, snapshots), advances);
        assert_eq!((cost.advances, calls.get()), (advances, advances + steps));
    }
}

#[test]
#[should_panic(expected = "checkpoint::gradient_of: at least one snapshot")]
fn checkpoint_needs_a_snapshot() {
    checkpoint::gradient_of(&Rk4, &Energy, &[0.0; 2], 3, 0, &mut [0.0; 2]);
}

/// Forward over reverse term by term: on a tape of `Dual<f64, 1>` whose
/// inputs carry a direction `v`, `gradient_sum` gives the gradient and
/// `H·v` of the whole sum, as `reverse::hvp` does recording it at once
/// (the dual adjoints are skipped only where every component is zero).
#[test]
fn sum_by_terms_forward_over_reverse() {
    use dualnum::Dual;
    let x = [0.4, -0.9, 1.3, 0.2];
    let v = [1.0, -0.5, 0.25, 2.0];
    let m = 17;
    let xd: Vec<Dual<f64, 1>> = x.iter().zip(&v).map(|(&a, &b)| Dual::new(a, [b])).collect();
    let mut gd = vec![Dual::new(0.0, [0.0]); 4];
    let s = Tape::new().gradient_sum(|i, u| term(i, u), m, &xd, &mut gd);
    let (fx, g, hv) = reverse::hvp(|u| whole_sum(u, m), &x, &v);
    assert_eq!(s.re, fx);
    let (gs, hs): (Vec<f64>, Vec<f64>) = gd.iter().map(|d| (d.re, d.eps[0])).unzip();
    assert!(close(&gs, g.as_slice(), 1e-13), "{gs:?} vs {g}");
    assert!(close(&hs, hv.as_slice(), 1e-12), "{hs:?} vs {hv}");
}
