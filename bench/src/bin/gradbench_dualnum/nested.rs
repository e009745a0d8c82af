//! `particle` and `saddle`: gradient descent over functions that take
//! gradients themselves (nested AD), in the four pairings of forward
//! (`Dual`) and reverse (`Var`) mode: `ff`, `fr`, `rf`, `rr` name the outer
//! (argmin) mode, then the inner one.
//!
//! The solver is GradBench's `gd.hpp` (the same steps, tolerances and step
//! rule), written once for any `Float`, so the outer derivative goes through
//! the inner descent.

use crate::{Outcome, json::field, json::number, json::vector, repeat};
use dualnum::{Dual, lit, reverse, reverse::Tape, reverse::Var};
use num_traits::Float;
use serde_json::Value;

/// A function of a constant pair `c` and a variable pair `x`, for any Float.
trait Pair {
    fn eval<U: Float>(c: [U; 2], x: [U; 2]) -> U;
}

/// `saddle`'s `f(c, x) = (c₁² + c₂²) − (x₁² + x₂²)`.
struct Saddle;

impl Pair for Saddle {
    fn eval<U: Float>(c: [U; 2], x: [U; 2]) -> U {
        (c[0] * c[0] + c[1] * c[1]) - (x[0] * x[0] + x[1] * x[1])
    }
}

/// `particle`'s potential at `x` of the charges at `(10, 10 − w)` and
/// `(10, 0)`, `w = c₁`.
struct Potential;

impl Pair for Potential {
    fn eval<U: Float>(c: [U; 2], x: [U; 2]) -> U {
        let ten = lit::<U>(10.0);
        let charges = [[ten, ten - c[0]], [ten, U::zero()]];
        charges.iter().fold(U::zero(), |a, p| {
            let (dx, dy) = (p[0] - x[0], p[1] - x[1]);
            a + U::one() / (dx * dx + dy * dy).sqrt()
        })
    }
}

/// An AD mode for the inner gradient `∇ₓ P(c, x)`.
trait Mode {
    fn grad<P: Pair, T: Float>(c: [T; 2], x: [T; 2]) -> [T; 2];
}

/// Forward mode: one pass of `Dual<T, 2>`.
struct Fwd;

impl Mode for Fwd {
    fn grad<P: Pair, T: Float>(c: [T; 2], x: [T; 2]) -> [T; 2] {
        P::eval(c.map(Dual::constant), Dual::<T, 2>::variables(x)).tangent()
    }
}

/// Reverse mode: a recording on a tape of `T` and one sweep.
struct Rev;

impl Mode for Rev {
    fn grad<P: Pair, T: Float>(c: [T; 2], x: [T; 2]) -> [T; 2] {
        let mut g = [T::zero(); 2];
        Tape::new().gradient(|v| P::eval(c.map(Var::from), [v[0], v[1]]), &x, &mut g);
        g
    }
}

/// GradBench's `multivariate_argmin` (`gd.hpp`): gradient descent from
/// `x`, doubling the step after 10 accepted steps and halving it after a
/// rejected one, until the gradient or the step is below 10⁻⁵.
fn argmin<T: Float>(f: impl Fn(&[T]) -> T, grad: impl Fn(&[T]) -> Vec<T>, mut x: Vec<T>) -> Vec<T> {
    let tol = lit::<T>(1e-5);
    let mut fx = f(&x);
    let mut gx = grad(&x);
    let (mut i, mut eta) = (0, 1e-5);
    loop {
        if gx.iter().fold(T::zero(), |s, &g| s + g * g).sqrt() <= tol {
            return x;
        } else if i == 10 {
            eta *= 2.0;
            i = 0;
        } else {
            let next: Vec<T> =
                x.iter().zip(&gx).map(|(&xi, &gi)| xi - lit::<T>(eta) * gi).collect();
            let step = x.iter().zip(&next).fold(T::zero(), |s, (&a, &b)| s + (a - b) * (a - b));
            if step.sqrt() <= tol {
                return x;
            }
            let f_next = f(&next);
            if f_next < fx {
                x = next;
                fx = f_next;
                gx = grad(&x);
                i += 1;
            } else {
                eta /= 2.0;
                i = 0;
            }
        }
    }
}

/// `gd.hpp`'s `multivariate_argmax`: the argmin of `−f`.
fn argmax<T: Float>(f: impl Fn(&[T]) -> T, grad: impl Fn(&[T]) -> Vec<T>, x: Vec<T>) -> Vec<T> {
    argmin(|x| -f(x), |x| grad(x).into_iter().map(|g| -g).collect(), x)
}

/// `max over x of Saddle(c, x)` from `start`, inner gradients in mode `I`.
fn saddle_max<I: Mode, T: Float>(c: [T; 2], start: [f64; 2]) -> T {
    let x = argmax(
        |x| Saddle::eval(c, [x[0], x[1]]),
        |x| I::grad::<Saddle, T>(c, [x[0], x[1]]).to_vec(),
        start.map(lit::<T>).to_vec(),
    );
    Saddle::eval(c, [x[0], x[1]])
}

/// An outer gradient of a function of a pair, in one mode.
fn outer_grad<O: OuterMode>(f: &impl OuterFn, x: &[f64]) -> Vec<f64> {
    O::gradient(f, x)
}

/// A function the outer descent differentiates, for any Float.
trait OuterFn {
    fn eval<T: Float>(&self, x: &[T]) -> T;
}

/// The mode of the outer gradient.
trait OuterMode {
    fn gradient(f: &impl OuterFn, x: &[f64]) -> Vec<f64>;
}

impl OuterMode for Fwd {
    fn gradient(f: &impl OuterFn, x: &[f64]) -> Vec<f64> {
        dualnum::chunked::Chunk::<2>::gradient(|v| f.eval(v), x).1.as_slice().to_vec()
    }
}

impl OuterMode for Rev {
    fn gradient(f: &impl OuterFn, x: &[f64]) -> Vec<f64> {
        reverse::gradient(|v| f.eval(v), x).1.as_slice().to_vec()
    }
}

/// `saddle`'s outer objective: `c ↦ max over x of f(c, x)`.
struct SaddleOuter<I> {
    start: [f64; 2],
    inner: core::marker::PhantomData<I>,
}

impl<I: Mode> OuterFn for SaddleOuter<I> {
    fn eval<T: Float>(&self, c: &[T]) -> T {
        saddle_max::<I, T>([c[0], c[1]], self.start)
    }
}

/// The saddle point: `(argmin over c of max over x of f, argmax over x of f(c*, x))`.
fn saddle_point<O: OuterMode, I: Mode>(start: [f64; 2]) -> Vec<f64> {
    let outer = SaddleOuter::<I> { start, inner: core::marker::PhantomData };
    let c = argmin(|c| outer.eval(c), |c| outer_grad::<O>(&outer, c), start.to_vec());
    let c2 = [c[0], c[1]];
    let x = argmax(
        |x| Saddle::eval(c2, [x[0], x[1]]),
        |x| I::grad::<Saddle, f64>(c2, [x[0], x[1]]).to_vec(),
        start.to_vec(),
    );
    vec![c[0], c[1], x[0], x[1]]
}

/// `particle`'s outer objective: the square of where the particle, pushed
/// by the charges' field (the inner gradient, mode `I`), crosses the x
/// axis, by Euler steps of 0.1 and linear interpolation.
struct Particle<I>(core::marker::PhantomData<I>);

impl<I: Mode> OuterFn for Particle<I> {
    fn eval<T: Float>(&self, w: &[T]) -> T {
        let c = [w[0], T::zero()];
        let dt = lit::<T>(0.1);
        let (mut x, mut xdot) = ([T::zero(), lit(8.0)], [lit(0.75), T::zero()]);
        loop {
            let g = I::grad::<Potential, T>(c, x);
            let xddot = [-g[0], -g[1]];
            x = [x[0] + dt * xdot[0], x[1] + dt * xdot[1]];
            if x[1] <= T::zero() {
                let dt_f = -x[1] / xdot[1];
                let x_f = x[0] + dt_f * xdot[0];
                return x_f * x_f;
            }
            xdot = [xdot[0] + dt * xddot[0], xdot[1] + dt * xddot[1]];
        }
    }
}

fn particle_argmin<O: OuterMode, I: Mode>(w0: f64) -> f64 {
    let p = Particle::<I>(core::marker::PhantomData);
    argmin(|w| p.eval(w), |w| outer_grad::<O>(&p, w), vec![w0])[0]
}

pub(crate) fn saddle(function: &str, input: &Value) -> Outcome {
    let s = vector(input, "start")?;
    let start = [
        *s.first().ok_or("saddle: empty start")?,
        *s.get(1).ok_or("saddle: start needs 2 numbers")?,
    ];
    let run: fn([f64; 2]) -> Vec<f64> = match function {
        "ff" => saddle_point::<Fwd, Fwd>,
        "fr" => saddle_point::<Fwd, Rev>,
        "rf" => saddle_point::<Rev, Fwd>,
        "rr" => saddle_point::<Rev, Rev>,
        _ => return Err(format!("saddle has no function {function}")),
    };
    let (out, ns) = repeat(input, || run(start));
    Ok((Value::from(out), ns))
}

pub(crate) fn particle(function: &str, input: &Value) -> Outcome {
    let w0 = number(field(input, "w")?)?;
    let run: fn(f64) -> f64 = match function {
        "ff" => particle_argmin::<Fwd, Fwd>,
        "fr" => particle_argmin::<Fwd, Rev>,
        "rf" => particle_argmin::<Rev, Fwd>,
        "rr" => particle_argmin::<Rev, Rev>,
        _ => return Err(format!("particle has no function {function}")),
    };
    let (out, ns) = repeat(input, || run(w0));
    Ok((Value::from(out), ns))
}
