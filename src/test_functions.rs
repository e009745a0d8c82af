//! Test functions with their hand-written derivatives, generic over
//! `T: Float`: one set shared by the tests, the examples and the benchmarks.
//!
//! Each function is written once, so it runs on `f64`, on [`Dual`](crate::Dual)
//! and on any other `Float`; beside it are its gradient, Jacobian or Hessian
//! derived by hand, which serve as the reference and as the "hand-written"
//! baseline in the benchmarks. Outputs go to caller-provided slices, so the
//! hand-written versions allocate nothing. Matrices are row-major: entry
//! `(i, j)` of an `m × n` matrix is `out[i * n + j]`.
//!
//! ```
//! use dualnum::{Dual, test_functions::{rosenbrock, rosenbrock_gradient}};
//!
//! let x = [1.2f64, 1.0, 0.8];
//! let mut g = [0.0; 3];
//! rosenbrock_gradient(&x, &mut g);
//! let f = rosenbrock(&Dual::variables(x));
//! for i in 0..3 {
//!     assert!((f.partial(i) - g[i]).abs() <= 1e-12 * g[i].abs().max(1.0));
//! }
//! ```

use num_traits::Float;

#[inline(always)]
fn c<T: Float>(v: f64) -> T {
    T::from(v).unwrap_or_else(T::nan)
}

// ---------------------------------------------------------------------------
// The lecture's example
// ---------------------------------------------------------------------------

/// The lecture's example `z(x, y) = x²·e^(x + cos y)`, on `x = [x, y]`.
///
/// At `(2, π/2)`: `z = 4e²`, `∇z = (8e², −4e²)`.
///
/// # Panics
/// If `x.len() < 2`.
#[inline]
pub fn lecture_z<T: Float>(x: &[T]) -> T {
    x[0] * x[0] * (x[0] + x[1].cos()).exp()
}

/// `∇z = (e^(x + cos y)·(2x + x²), −x²·sin y·e^(x + cos y))`.
#[inline]
pub fn lecture_z_gradient<T: Float>(x: &[T], g: &mut [T]) {
    let e = (x[0] + x[1].cos()).exp();
    let two = c::<T>(2.0);
    g[0] = e * (two * x[0] + x[0] * x[0]);
    g[1] = -x[0] * x[0] * x[1].sin() * e;
}

// ---------------------------------------------------------------------------
// Rosenbrock
// ---------------------------------------------------------------------------

/// The chained (extended) Rosenbrock function
/// `f(x) = Σᵢ 100·(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²`, `i = 0 … n−2`.
///
/// Minimum 0 at `x = (1, …, 1)`.
#[inline]
pub fn rosenbrock<T: Float>(x: &[T]) -> T {
    let hundred = c::<T>(100.0);
    let mut s = T::zero();
    for w in x.windows(2) {
        let a = w[1] - w[0] * w[0];
        let b = T::one() - w[0];
        s = s + hundred * a * a + b * b;
    }
    s
}

/// `∂f/∂xᵢ = −400·xᵢ·(xᵢ₊₁ − xᵢ²) − 2(1 − xᵢ) + 200·(xᵢ − xᵢ₋₁²)`, the terms
/// present where their indices exist.
#[inline]
pub fn rosenbrock_gradient<T: Float>(x: &[T], g: &mut [T]) {
    // The `200·(xᵢ − xᵢ₋₁²)` term of `gᵢ` is carried in a register from the
    // previous step rather than stored and re-read (a store-to-load stall
    // that made this baseline slower than forward mode at n = 2).
    let n = x.len();
    let (two, c200, c400) = (c::<T>(2.0), c::<T>(200.0), c::<T>(400.0));
    let mut carry = T::zero();
    for i in 0..n.saturating_sub(1) {
        let a = x[i + 1] - x[i] * x[i];
        g[i] = carry - c400 * x[i] * a - two * (T::one() - x[i]);
        carry = c200 * a;
    }
    if n > 0 {
        g[n - 1] = carry;
    }
}

/// The Hessian, row-major `n × n`: tridiagonal with
/// `Hᵢᵢ = 1200xᵢ² − 400xᵢ₊₁ + 2 (+ 200 if i > 0)`, `Hᵢ,ᵢ₊₁ = −400xᵢ`.
pub fn rosenbrock_hessian<T: Float>(x: &[T], h: &mut [T]) {
    let n = x.len();
    for v in h.iter_mut().take(n * n) {
        *v = T::zero();
    }
    let (two, c200, c400, c1200) = (c::<T>(2.0), c::<T>(200.0), c::<T>(400.0), c::<T>(1200.0));
    for i in 0..n.saturating_sub(1) {
        h[i * n + i] = h[i * n + i] + c1200 * x[i] * x[i] - c400 * x[i + 1] + two;
        h[(i + 1) * n + i + 1] = h[(i + 1) * n + i + 1] + c200;
        h[i * n + i + 1] = -c400 * x[i];
        h[(i + 1) * n + i] = -c400 * x[i];
    }
}

// ---------------------------------------------------------------------------
// Log-sum-exp
// ---------------------------------------------------------------------------

/// `f(x) = ln Σᵢ e^(xᵢ)`, computed stably as `m + ln Σ e^(xᵢ − m)` with
/// `m = maxᵢ xᵢ`.
///
/// # Panics
/// If `x` is empty.
#[inline]
pub fn log_sum_exp<T: Float>(x: &[T]) -> T {
    let m = x.iter().copied().fold(x[0], T::max);
    let s = x.iter().fold(T::zero(), |s, &xi| s + (xi - m).exp());
    m + s.ln()
}

/// `∇f = softmax(x)`, `sᵢ = e^(xᵢ − f)`.
#[inline]
pub fn log_sum_exp_gradient<T: Float>(x: &[T], g: &mut [T]) {
    let f = log_sum_exp(x);
    for (gi, &xi) in g.iter_mut().zip(x) {
        *gi = (xi - f).exp();
    }
}

/// `∇²f = diag(s) − s·sᵀ` with `s = softmax(x)`, row-major `n × n`.
pub fn log_sum_exp_hessian<T: Float>(x: &[T], h: &mut [T]) {
    let n = x.len();
    let f = log_sum_exp(x);
    for i in 0..n {
        let si = (x[i] - f).exp();
        for j in 0..n {
            let sj = (x[j] - f).exp();
            h[i * n + j] = if i == j { si - si * sj } else { -si * sj };
        }
    }
}

// ---------------------------------------------------------------------------
// Broyden tridiagonal
// ---------------------------------------------------------------------------

/// The Broyden tridiagonal map `R^n → R^n`:
/// `Fᵢ = (3 − 2xᵢ)·xᵢ − xᵢ₋₁ − 2xᵢ₊₁ + 1`, with `x₋₁ = xₙ = 0`.
///
/// # Panics
/// If `out.len() < x.len()`.
#[inline]
pub fn broyden_tridiagonal<T: Float>(x: &[T], out: &mut [T]) {
    let n = x.len();
    let (two, three) = (c::<T>(2.0), c::<T>(3.0));
    for i in 0..n {
        let prev = if i > 0 { x[i - 1] } else { T::zero() };
        let next = if i + 1 < n { x[i + 1] } else { T::zero() };
        out[i] = (three - two * x[i]) * x[i] - prev - two * next + T::one();
    }
}

/// The Jacobian, row-major `n × n`: `Jᵢᵢ = 3 − 4xᵢ`, `Jᵢ,ᵢ₋₁ = −1`,
/// `Jᵢ,ᵢ₊₁ = −2`.
#[inline]
pub fn broyden_tridiagonal_jacobian<T: Float>(x: &[T], jac: &mut [T]) {
    let n = x.len();
    for v in jac.iter_mut().take(n * n) {
        *v = T::zero();
    }
    let (two, three, four) = (c::<T>(2.0), c::<T>(3.0), c::<T>(4.0));
    for i in 0..n {
        jac[i * n + i] = three - four * x[i];
        if i > 0 {
            jac[i * n + i - 1] = -T::one();
        }
        if i + 1 < n {
            jac[i * n + i + 1] = -two;
        }
    }
}

/// Broyden tridiagonal with a transcendental term:
/// `Fᵢ = (3 − 2xᵢ)·xᵢ − xᵢ₋₁ − 2xᵢ₊₁ + 1 + e^(xᵢ)·sin(xᵢ₊₁)`, `xₙ = 0`.
#[inline]
pub fn broyden_exp_sin<T: Float>(x: &[T], out: &mut [T]) {
    let n = x.len();
    let (two, three) = (c::<T>(2.0), c::<T>(3.0));
    for i in 0..n {
        let prev = if i > 0 { x[i - 1] } else { T::zero() };
        let next = if i + 1 < n { x[i + 1] } else { T::zero() };
        out[i] =
            (three - two * x[i]) * x[i] - prev - two * next + T::one() + x[i].exp() * next.sin();
    }
}

/// The Jacobian of [`broyden_exp_sin`]: that of [`broyden_tridiagonal`]
/// plus `e^(xᵢ)·sin(xᵢ₊₁)` on the diagonal and `e^(xᵢ)·cos(xᵢ₊₁)` above it.
#[inline]
pub fn broyden_exp_sin_jacobian<T: Float>(x: &[T], jac: &mut [T]) {
    let n = x.len();
    broyden_tridiagonal_jacobian(x, jac);
    for i in 0..n {
        let e = x[i].exp();
        if i + 1 < n {
            let (s, co) = x[i + 1].sin_cos();
            jac[i * n + i] = jac[i * n + i] + e * s;
            jac[i * n + i + 1] = jac[i * n + i + 1] + e * co;
        }
    }
}

// ---------------------------------------------------------------------------
// A small map R^4 → R^3
// ---------------------------------------------------------------------------

/// A map `R^4 → R^3` that mixes transcendental functions:
/// `F₀ = sin(x₀)·e^(x₁)`, `F₁ = √(1 + x₁² + x₂²)·x₃`,
/// `F₂ = atan2(x₂, x₀) + x₁·x₃`.
#[inline]
pub fn map_r4_r3<T: Float>(x: &[T], out: &mut [T]) {
    out[0] = x[0].sin() * x[1].exp();
    out[1] = (T::one() + x[1] * x[1] + x[2] * x[2]).sqrt() * x[3];
    out[2] = x[2].atan2(x[0]) + x[1] * x[3];
}

/// The `3 × 4` Jacobian of [`map_r4_r3`], row-major.
#[inline]
pub fn map_r4_r3_jacobian<T: Float>(x: &[T], jac: &mut [T]) {
    let e = x[1].exp();
    let r = (T::one() + x[1] * x[1] + x[2] * x[2]).sqrt();
    let q = x[0] * x[0] + x[2] * x[2];
    let z = T::zero();
    let rows = [
        [x[0].cos() * e, x[0].sin() * e, z, z],
        [z, x[1] * x[3] / r, x[2] * x[3] / r, r],
        [-x[2] / q, x[3], x[0] / q, x[1]],
    ];
    for (i, row) in rows.iter().enumerate() {
        jac[i * 4..i * 4 + 4].copy_from_slice(row);
    }
}

// ---------------------------------------------------------------------------
// Wide and tall maps, for forward-versus-reverse comparisons
// ---------------------------------------------------------------------------

/// A wide map `R^n → R^m` (`m = out.len()`, typically `m ≪ n`):
/// `Fₖ = Σᵢ sin((k+1)·xᵢ)/(k+1) + k·xᵢ²`.
#[inline]
pub fn wide_map<T: Float>(x: &[T], out: &mut [T]) {
    for (k, o) in out.iter_mut().enumerate() {
        let kp1 = c::<T>(k as f64 + 1.0);
        let kk = c::<T>(k as f64);
        *o = x.iter().fold(T::zero(), |s, &xi| s + (kp1 * xi).sin() / kp1 + kk * xi * xi);
    }
}

/// The `m × n` Jacobian of [`wide_map`]: `cos((k+1)·xᵢ) + 2k·xᵢ`.
#[inline]
pub fn wide_map_jacobian<T: Float>(x: &[T], m: usize, jac: &mut [T]) {
    let n = x.len();
    for k in 0..m {
        let kp1 = c::<T>(k as f64 + 1.0);
        let two_k = c::<T>(2.0 * k as f64);
        for i in 0..n {
            jac[k * n + i] = (kp1 * x[i]).cos() + two_k * x[i];
        }
    }
}

/// A tall map `R^n → R^m` (`m = out.len()`, typically `m ≫ n`): with
/// `a = j mod n`, `b = (j+1) mod n`, `cⱼ = 1/(j+1)`,
/// `Fⱼ = x_a·sin(x_b) + e^(cⱼ·x_a)`.
#[inline]
pub fn tall_map<T: Float>(x: &[T], out: &mut [T]) {
    let n = x.len();
    for (j, o) in out.iter_mut().enumerate() {
        let (a, b) = (j % n, (j + 1) % n);
        let cj = c::<T>(1.0 / (j as f64 + 1.0));
        *o = x[a] * x[b].sin() + (cj * x[a]).exp();
    }
}

/// The `m × n` Jacobian of [`tall_map`].
#[inline]
pub fn tall_map_jacobian<T: Float>(x: &[T], m: usize, jac: &mut [T]) {
    let n = x.len();
    for v in jac.iter_mut().take(m * n) {
        *v = T::zero();
    }
    for j in 0..m {
        let (a, b) = (j % n, (j + 1) % n);
        let cj = c::<T>(1.0 / (j as f64 + 1.0));
        jac[j * n + a] = jac[j * n + a] + x[b].sin() + cj * (cj * x[a]).exp();
        jac[j * n + b] = jac[j * n + b] + x[a] * x[b].cos();
    }
}

// ---------------------------------------------------------------------------
// Transcendental-heavy functions
// ---------------------------------------------------------------------------

/// A scalar function dominated by transcendentals:
/// `g(x) = sin(x)·e^x/(1 + x²) + ln(1 + x²)·cos(x)`.
#[inline]
pub fn transcendental<T: Float>(x: T) -> T {
    let q = T::one() + x * x;
    x.sin() * x.exp() / q + q.ln() * x.cos()
}

/// `g'(x)`, by hand.
#[inline]
pub fn transcendental_derivative<T: Float>(x: T) -> T {
    let two = c::<T>(2.0);
    let q = T::one() + x * x;
    let (s, co) = x.sin_cos();
    let e = x.exp();
    (co + s) * e / q - s * e * two * x / (q * q) + two * x / q * co - q.ln() * s
}

/// `f(x) = Σᵢ sin(xᵢ)·e^(xᵢ₊₁)/(1 + xᵢ²)`, `i = 0 … n−2`.
#[inline]
pub fn sin_exp_sum<T: Float>(x: &[T]) -> T {
    x.windows(2).fold(T::zero(), |s, w| s + w[0].sin() * w[1].exp() / (T::one() + w[0] * w[0]))
}

/// The gradient of [`sin_exp_sum`].
#[inline]
pub fn sin_exp_sum_gradient<T: Float>(x: &[T], g: &mut [T]) {
    let n = x.len();
    for gi in g.iter_mut().take(n) {
        *gi = T::zero();
    }
    let two = c::<T>(2.0);
    for i in 0..n.saturating_sub(1) {
        let q = T::one() + x[i] * x[i];
        let (s, co) = x[i].sin_cos();
        let e = x[i + 1].exp();
        g[i] = g[i] + e * (co / q - s * two * x[i] / (q * q));
        g[i + 1] = g[i + 1] + s * e / q;
    }
}

/// `f(x) = Σᵢ e^(xᵢ)·sin(xᵢ₊₁)·ln(1 + xᵢ²)`, `i = 0 … n−2`: three
/// transcendental calls per term, the reverse-mode benches' case where
/// evaluating the rules costs more than recording them.
#[inline]
pub fn exp_sin_ln<T: Float>(x: &[T]) -> T {
    x.windows(2).fold(T::zero(), |s, w| s + w[0].exp() * w[1].sin() * (T::one() + w[0] * w[0]).ln())
}

/// The gradient of [`exp_sin_ln`]: with `e = e^(xᵢ)`, `s = sin xᵢ₊₁`,
/// `l = ln(1 + xᵢ²)`, term `i` adds `e·s·(l + 2xᵢ/(1 + xᵢ²))` to `gᵢ` and
/// `e·cos(xᵢ₊₁)·l` to `gᵢ₊₁`.
#[inline]
pub fn exp_sin_ln_gradient<T: Float>(x: &[T], g: &mut [T]) {
    let n = x.len();
    for gi in g.iter_mut().take(n) {
        *gi = T::zero();
    }
    let two = c::<T>(2.0);
    for i in 0..n.saturating_sub(1) {
        let q = T::one() + x[i] * x[i];
        let (e, l) = (x[i].exp(), q.ln());
        let (s, co) = x[i + 1].sin_cos();
        g[i] = g[i] + e * s * (l + two * x[i] / q);
        g[i + 1] = g[i + 1] + e * co * l;
    }
}

// ---------------------------------------------------------------------------
// Sparse problems (their hand-written Jacobians in CSC order)
// ---------------------------------------------------------------------------

/// The 2-D Bratu residual on the `N × N` interior grid of the unit square
/// (`u.len() = N²`, row-major, `h = 1/(N + 1)`, `u = 0` on the boundary):
/// `Fᵢ = (u_W + u_E + u_S + u_N − 4uᵢ)/h² + λ·e^(uᵢ)`, the five-point
/// discretisation of `Δu + λe^u = 0`.
///
/// Below the fold (`λ < 6.808…`) the solution near 0 has a symmetric
/// negative definite Jacobian.
///
/// # Panics
/// If `u.len()` is not a square or `out.len() < u.len()`.
#[inline]
pub fn bratu<T: Float>(u: &[T], lambda: f64, out: &mut [T]) {
    let n = grid_side(u.len());
    let lambda = c::<T>(lambda);
    let h = c::<T>(1.0) / c::<T>((n + 1) as f64);
    let inv_h2 = T::one() / (h * h);
    let four = c::<T>(4.0);
    for r in 0..n {
        for col in 0..n {
            let i = r * n + col;
            let w = if col > 0 { u[i - 1] } else { T::zero() };
            let e = if col + 1 < n { u[i + 1] } else { T::zero() };
            let s = if r > 0 { u[i - n] } else { T::zero() };
            let nn = if r + 1 < n { u[i + n] } else { T::zero() };
            out[i] = (w + e + s + nn - four * u[i]) * inv_h2 + lambda * u[i].exp();
        }
    }
}

/// The side `N` of a square grid of `len` points.
///
/// # Panics
/// If `len` is not a square.
fn grid_side(len: usize) -> usize {
    let n = len.isqrt();
    assert!(n * n == len, "bratu: {len} unknowns do not make a square grid");
    n
}

/// The Jacobian of [`bratu`] by hand, its values in CSC order (column `j`,
/// rows ascending: `j − N`, `j − 1`, `j`, `j + 1`, `j + N` where they
/// exist): `−4/h² + λe^(uⱼ)` on the diagonal, `1/h²` off it.
///
/// # Panics
/// If `u.len()` is not a square or `values` is shorter than the number of
/// entries (`5N² − 4N`).
#[inline]
pub fn bratu_jacobian_csc<T: Float>(u: &[T], lambda: f64, values: &mut [T]) {
    let n = grid_side(u.len());
    let lambda = c::<T>(lambda);
    let h = c::<T>(1.0) / c::<T>((n + 1) as f64);
    let inv_h2 = T::one() / (h * h);
    let diag = -c::<T>(4.0) * inv_h2;
    let mut k = 0;
    for r in 0..n {
        for col in 0..n {
            let j = r * n + col;
            let mut put = |v: T| {
                values[k] = v;
                k += 1;
            };
            if r > 0 {
                put(inv_h2);
            }
            if col > 0 {
                put(inv_h2);
            }
            put(diag + lambda * u[j].exp());
            if col + 1 < n {
                put(inv_h2);
            }
            if r + 1 < n {
                put(inv_h2);
            }
        }
    }
}

/// The Jacobian of [`broyden_tridiagonal`] by hand, its values in CSC
/// order (column `j`: rows `j − 1`, `j`, `j + 1`): `−2`, `3 − 4xⱼ`, `−1`.
///
/// # Panics
/// If `values` is shorter than `3n − 2`.
#[inline]
pub fn broyden_tridiagonal_jacobian_csc<T: Float>(x: &[T], values: &mut [T]) {
    let n = x.len();
    let (two, three, four) = (c::<T>(2.0), c::<T>(3.0), c::<T>(4.0));
    let mut k = 0;
    for (j, &xj) in x.iter().enumerate() {
        if j > 0 {
            values[k] = -two;
            k += 1;
        }
        values[k] = three - four * xj;
        k += 1;
        if j + 1 < n {
            values[k] = -T::one();
            k += 1;
        }
    }
}

/// The Hessian of [`rosenbrock`] by hand, its values in CSC order (column
/// `j`: rows `j − 1`, `j`, `j + 1`), the entries of
/// [`rosenbrock_hessian`].
///
/// # Panics
/// If `values` is shorter than `3n − 2`.
#[inline]
pub fn rosenbrock_hessian_csc<T: Float>(x: &[T], values: &mut [T]) {
    let n = x.len();
    let (two, c200, c400, c1200) = (c::<T>(2.0), c::<T>(200.0), c::<T>(400.0), c::<T>(1200.0));
    let mut k = 0;
    for j in 0..n {
        if j > 0 {
            values[k] = -c400 * x[j - 1];
            k += 1;
        }
        let mut d = if j > 0 { c200 } else { T::zero() };
        if j + 1 < n {
            d = d + c1200 * x[j] * x[j] - c400 * x[j + 1] + two;
        }
        values[k] = d;
        k += 1;
        if j + 1 < n {
            values[k] = -c400 * x[j];
            k += 1;
        }
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)]
mod tests {
    use super::*;
    use crate::Dual;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn hand_written_gradients_match_forward_mode() {
        let x = [0.3, -1.1, 0.7, 1.9];
        let xd = Dual::variables(x);
        let mut g = [0.0; 4];
        for (f, df) in [
            (
                rosenbrock::<Dual<f64, 4>> as fn(&[Dual<f64, 4>]) -> Dual<f64, 4>,
                rosenbrock_gradient::<f64> as fn(&[f64], &mut [f64]),
            ),
            (log_sum_exp, log_sum_exp_gradient),
            (sin_exp_sum, sin_exp_sum_gradient),
            (exp_sin_ln, exp_sin_ln_gradient),
        ] {
            df(&x, &mut g);
            let r = f(&xd);
            for i in 0..4 {
                assert!(close(r.partial(i), g[i]), "{i}: {} vs {}", r.partial(i), g[i]);
            }
        }
        let r = transcendental(Dual::<f64, 1>::variable(0.7, 0));
        assert!(close(r.partial(0), transcendental_derivative(0.7)));
        let r = lecture_z(&xd[..2]);
        lecture_z_gradient(&x[..2], &mut g[..2]);
        assert!(close(r.partial(0), g[0]) && close(r.partial(1), g[1]));
    }

    #[test]
    fn hand_written_jacobians_match_forward_mode() {
        let x = [0.3, -1.1, 0.7, 1.9];
        let xd = Dual::variables(x);
        type Map<T> = fn(&[T], &mut [T]);
        let cases: [(Map<Dual<f64, 4>>, Map<f64>, usize); 3] = [
            (broyden_tridiagonal, broyden_tridiagonal_jacobian, 4),
            (broyden_exp_sin, broyden_exp_sin_jacobian, 4),
            (map_r4_r3, map_r4_r3_jacobian, 3),
        ];
        for (f, jf, m) in cases {
            let mut out = [Dual::constant(0.0); 4];
            let mut jac = [0.0; 16];
            f(&xd, &mut out[..m]);
            jf(&x, &mut jac);
            for i in 0..m {
                for j in 0..4 {
                    assert!(close(out[i].partial(j), jac[i * 4 + j]), "({i}, {j})");
                }
            }
        }
        for m in [2, 7] {
            let mut out = vec![Dual::constant(0.0); m];
            let mut jac = vec![0.0; 4 * m];
            wide_map(&xd, &mut out);
            wide_map_jacobian(&x, m, &mut jac);
            for i in 0..m {
                for j in 0..4 {
                    assert!(close(out[i].partial(j), jac[i * 4 + j]));
                }
            }
            tall_map(&xd, &mut out);
            tall_map_jacobian(&x, m, &mut jac);
            for i in 0..m {
                for j in 0..4 {
                    assert!(close(out[i].partial(j), jac[i * 4 + j]));
                }
            }
        }
    }

    #[test]
    fn hand_written_hessians_match_nested_forward_mode() {
        type D2 = Dual<Dual<f64, 3>, 3>;
        let x = [0.3, -1.1, 0.7];
        let xd: [D2; 3] = core::array::from_fn(|i| {
            let mut d = D2::constant(Dual::variable(x[i], i));
            d.eps[i] = Dual::constant(1.0);
            d
        });
        let mut h = [0.0; 9];
        for (f, hf) in [
            (
                rosenbrock::<D2> as fn(&[D2]) -> D2,
                rosenbrock_hessian::<f64> as fn(&[f64], &mut [f64]),
            ),
            (log_sum_exp, log_sum_exp_hessian),
        ] {
            hf(&x, &mut h);
            let r = f(&xd);
            for i in 0..3 {
                for j in 0..3 {
                    assert!(close(r.eps[i].eps[j], h[i * 3 + j]), "({i}, {j})");
                }
            }
        }
    }
}
