//! Taylor-mode drivers: all derivatives of a scalar function, directional
//! derivatives of any order, mixed partials by interpolation, a Hessian by
//! jets. Each has an `_of` twin taking a [`Function`]/[`VectorFunction`]
//! object; each returns the value first, then derivatives in increasing
//! order, as the crate's other drivers.
//!
//! The order `K` is a type parameter (the jet's order), so asking a driver
//! for more derivatives than its jet carries cannot compile; a multi-index
//! is a run-time value and is checked with a panic.

use alloc::vec::Vec;

use nalgebra::{SMatrix, SVector, Scalar};
use num_traits::Float;

use super::Jet;
use crate::function::{Function, VectorFunction};
use crate::outputs::StaticOutputs;

/// `d + 0`: a zero derivative as `+0`, as every driver returns it.
#[inline(always)]
fn plus_zero<T: Float>(d: T) -> T {
    d + T::zero()
}

/// The value and the derivatives `[f′(x), …, f⁽ᴷ⁾(x)]` of `f: R → R` at
/// `x`, in one evaluation on `Jet<T, K>`.
///
/// ```
/// use num_traits::Float;
/// // f = eˣ·sin x has f⁽ⁿ⁾ = 2^{n/2}·eˣ·sin(x + nπ/4).
/// let (f, d) = dualnum::taylor::derivatives::<5, _>(|x| x.exp() * x.sin(), 0.7);
/// let pi = std::f64::consts::PI;
/// assert_eq!(f, 0.7f64.exp() * 0.7f64.sin());
/// for (n, dn) in d.iter().enumerate() {
///     let n = (n + 1) as f64;
///     let want = 2f64.powf(n / 2.0) * 0.7f64.exp() * (0.7 + n * pi / 4.0).sin();
///     assert!((dn - want).abs() < 1e-13 * want.abs().max(1.0));
/// }
/// ```
#[inline]
#[must_use]
pub fn derivatives<const K: usize, T>(f: impl FnOnce(Jet<T, K>) -> Jet<T, K>, x: T) -> (T, [T; K])
where
    T: Float,
{
    let y = f(Jet::variable(x));
    (y.re, y.derivatives().map(plus_zero))
}

/// [`derivatives`] for a one-input [`Function`] object.
///
/// ```
/// use dualnum::Function;
/// use num_traits::Float;
///
/// struct Cube;
/// impl Function for Cube {
///     fn eval<T: Float>(&self, x: &[T]) -> T {
///         x[0] * x[0] * x[0]
///     }
/// }
/// assert_eq!(dualnum::taylor::derivatives_of::<4, _>(&Cube, 2.0), (8.0, [12.0, 12.0, 6.0, 0.0]));
/// ```
#[inline]
#[must_use]
pub fn derivatives_of<const K: usize, T>(f: &(impl Function + ?Sized), x: T) -> (T, [T; K])
where
    T: Float,
{
    derivatives(|x: Jet<T, K>| f.eval(&[x]), x)
}

/// The value `F(x)` and the directional derivatives
/// `[D¹F(x)[v], …, Dᴷ F(x)[v, …, v]]` of `F: R^N → R^M`: the derivatives of
/// `t ↦ F(x + t·v)` at 0, in one evaluation on `Jet<T, K>`.
///
/// The closure returns an array or `SVector` of `M` jets.
///
/// ```
/// use nalgebra::vector;
/// // F(x, y) = (x²y, x + y³); along v = (1, 2): F(x + t, y + 2t).
/// let x = vector![1.0, 1.0];
/// let v = vector![1.0, 2.0];
/// let (fx, d) = dualnum::taylor::directional::<3, 2, 2, _, _>(
///     |x| [x[0] * x[0] * x[1], x[0] + x[1] * x[1] * x[1]],
///     &x,
///     &v,
/// );
/// assert_eq!(fx, vector![1.0, 2.0]);
/// // (1 + t)²(1 + 2t) = 1 + 4t + 5t² + 2t³; 1 + t + (1 + 2t)³ = 2 + 7t + 12t² + 8t³
/// assert_eq!(d[0], vector![4.0, 7.0]);
/// assert_eq!(d[1], vector![10.0, 24.0]);
/// assert_eq!(d[2], vector![12.0, 48.0]);
/// ```
#[inline]
#[must_use]
pub fn directional<const K: usize, const M: usize, const N: usize, T, O>(
    f: impl FnOnce(SVector<Jet<T, K>, N>) -> O,
    x: &SVector<T, N>,
    v: &SVector<T, N>,
) -> (SVector<T, M>, [SVector<T, M>; K])
where
    T: Float + Scalar,
    O: StaticOutputs<Jet<T, K>, M>,
{
    let y = f(SVector::from_fn(|i, _| Jet::along(x[i], v[i]))).into_svector();
    let d = y.map(|yi| yi.derivatives());
    (y.map(|yi| yi.re), core::array::from_fn(|k| d.map(|di| plus_zero(di[k]))))
}

/// [`directional`] for a [`VectorFunction`] object.
///
/// # Panics
///
/// If the function's output count for `N` inputs is not `M`.
#[inline]
#[must_use]
#[track_caller]
pub fn directional_of<const K: usize, const M: usize, const N: usize, T>(
    f: &(impl VectorFunction + ?Sized),
    x: &SVector<T, N>,
    v: &SVector<T, N>,
) -> (SVector<T, M>, [SVector<T, M>; K])
where
    T: Float + Scalar,
{
    let m = f.outputs(N);
    assert!(
        m == M,
        "taylor::directional_of: the function has {m} outputs for {N} inputs, but the result \
         type asks for M = {M} (set M to {m})"
    );
    directional(
        |x: SVector<Jet<T, K>, N>| {
            let mut out = [Jet::lift(T::zero()); M];
            f.eval(x.as_slice(), &mut out);
            out
        },
        x,
        v,
    )
}

/// The value and the Hessian of `f: R^N → R` from jets of order 2: one
/// pass along each `eᵢ` (giving `∂ᵢf` and `∂ᵢᵢf`) and one along each
/// `eᵢ + eⱼ`, `i < j` (giving `∂ᵢⱼf = c₂(eᵢ + eⱼ) − c₂(eᵢ) − c₂(eⱼ)`):
/// `N(N + 1)/2` passes of a 3-coefficient number, against one pass of
/// `N + N²` components for [`crate::hessian`]. Returns `(f, ∇f, ∇²f)`.
///
/// ```
/// use dualnum::test_functions::rosenbrock;
/// use nalgebra::vector;
///
/// let x = vector![1.2, 1.0, 0.8];
/// let (f, g, h) = dualnum::taylor::hessian(|x| rosenbrock(x.as_slice()), &x);
/// let (f2, g2, h2) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
/// assert_eq!(f, f2);
/// assert!((g - g2).amax() < 1e-12 && (h - h2).amax() < 1e-11);
/// ```
#[must_use]
pub fn hessian<const N: usize, T>(
    mut f: impl FnMut(SVector<Jet<T, 2>, N>) -> Jet<T, 2>,
    x: &SVector<T, N>,
) -> (T, SVector<T, N>, SMatrix<T, N, N>)
where
    T: Float + Scalar,
{
    // i = N: no direction (the value alone)
    let mut along =
        |i: usize, j: usize| {
            f(SVector::from_fn(|l, _| {
                if l == i || l == j { Jet::variable(x[l]) } else { Jet::lift(x[l]) }
            }))
        };
    let mut fx = T::nan();
    let mut g = SVector::<T, N>::from_fn(|_, _| T::zero());
    let mut h = SMatrix::<T, N, N>::from_fn(|_, _| T::zero());
    let mut c2 = [T::zero(); N];
    for i in 0..N {
        let y = along(i, i);
        fx = y.re;
        g[i] = plus_zero(y.c[0]);
        c2[i] = y.c[1];
        h[(i, i)] = plus_zero(y.c[1] + y.c[1]);
    }
    if N == 0 {
        fx = along(N, N).re;
    }
    for i in 0..N {
        for j in i + 1..N {
            let hij = plus_zero(along(i, j).c[1] - c2[i] - c2[j]);
            h[(i, j)] = hij;
            h[(j, i)] = hij;
        }
    }
    (fx, g, h)
}

/// [`hessian`] for a [`Function`] object.
#[must_use]
pub fn hessian_of<const N: usize, T>(
    f: &(impl Function + ?Sized),
    x: &SVector<T, N>,
) -> (T, SVector<T, N>, SMatrix<T, N, N>)
where
    T: Float + Scalar,
{
    hessian(|x: SVector<Jet<T, 2>, N>| f.eval(x.as_slice()), x)
}

/// The number of jet evaluations [`mixed_partial`] makes for the
/// multi-index `alpha`: `C(m + d − 1, d)` for `d = |α|` and `m` the number
/// of variables `α` involves (the lattice directions `j`, `|j| = d`,
/// inside the support of `α`); 1 for `d = 0`.
///
/// ```
/// use dualnum::taylor::mixed_partial_passes;
/// assert_eq!(mixed_partial_passes(&[1, 1]), 3);    // ∂²/∂x∂y: (2,0), (1,1), (0,2)
/// assert_eq!(mixed_partial_passes(&[2, 0, 1]), 4); // ∂³/∂x²∂z
/// assert_eq!(mixed_partial_passes(&[0, 4]), 1);    // a pure partial: one pass
/// ```
#[must_use]
pub fn mixed_partial_passes(alpha: &[usize]) -> usize {
    let d: usize = alpha.iter().sum();
    let m = alpha.iter().filter(|&&a| a > 0).count();
    if d == 0 {
        return 1;
    }
    // C(m + d − 1, d), exactly, in u128
    let mut c: u128 = 1;
    for i in 0..d as u128 {
        c = c * (m as u128 + i) / (i + 1);
    }
    c as usize
}

/// The value and the mixed partial derivative `∂^α f(x)` of `f: R^N → R`,
/// `α = (α₁, …, α_N)`, of order `d = |α| ≤ K`, by the interpolation scheme
/// of Griewank, Utke and Walther (Math. Comp. 69, 2000): evaluate the
/// order-`d` Taylor coefficient `c_d(j)` of `t ↦ f(x + t·j)` for every
/// lattice direction `j` with `|j| = d` inside the support of `α`, and
/// combine them with exact rational weights,
///
/// ```text
/// ∂^α f = Σ_{|j|=d} γ_j·c_d(j),
/// γ_j = Σ_{0<k≤α} (−1)^{|α−k|}·C(α, k)·(|k|/d)^d·C(d·k/|k|, j)
/// ```
///
/// ([`mixed_partial_passes`] gives the number of evaluations). The weights
/// are reduced to integers over one common denominator, so for a
/// polynomial with integer coefficients at an integer point the result is
/// exact (no rounding at all, while the numbers stay below 2⁵³).
///
/// # Panics
///
/// If `|α| > K` (evaluate on a jet of higher order), or if the weights
/// overflow 128-bit integers (orders far beyond any practical `K`).
///
/// ```
/// use nalgebra::vector;
/// // f = x³y² + xyz: ∂³f/∂x∂y∂z = 1, ∂⁵f/∂x³∂y² = 12, ∂²f/∂x∂y = 6x²y + z
/// let f = |x: nalgebra::SVector<dualnum::Jet<f64, 5>, 3>| {
///     x[0].powi(3) * x[1].powi(2) + x[0] * x[1] * x[2]
/// };
/// let x = vector![2.0, -1.0, 3.0];
/// assert_eq!(dualnum::taylor::mixed_partial(f, &x, [1, 1, 1]).1, 1.0);
/// assert_eq!(dualnum::taylor::mixed_partial(f, &x, [3, 2, 0]).1, 12.0);
/// assert_eq!(dualnum::taylor::mixed_partial(f, &x, [1, 1, 0]), (8.0 - 6.0, -24.0 + 3.0));
/// ```
#[must_use]
#[track_caller]
pub fn mixed_partial<const K: usize, const N: usize, T>(
    mut f: impl FnMut(SVector<Jet<T, K>, N>) -> Jet<T, K>,
    x: &SVector<T, N>,
    alpha: [usize; N],
) -> (T, T)
where
    T: Float + Scalar,
{
    let d: usize = alpha.iter().sum();
    assert!(
        d <= K,
        "taylor::mixed_partial: the multi-index {alpha:?} has order {d}, beyond the jet order \
         K = {K} (evaluate on Jet<T, {d}> or higher)"
    );
    if d == 0 {
        let y = f(SVector::from_fn(|l, _| Jet::lift(x[l]))).re;
        return (y, y);
    }
    let (weights, denom) = guw_weights(&alpha);
    let mut fx = T::nan();
    let mut acc = T::zero();
    for (j, w) in &weights {
        let y = f(SVector::from_fn(|l, _| Jet::along(x[l], int::<T>(j[l]))));
        fx = y.re;
        acc = acc + int_signed::<T>(*w) * y.at(d);
    }
    (fx, plus_zero(acc / int_signed::<T>(denom)))
}

/// [`mixed_partial`] for a [`Function`] object.
///
/// # Panics
///
/// As [`mixed_partial`].
#[must_use]
#[track_caller]
pub fn mixed_partial_of<const K: usize, const N: usize, T>(
    f: &(impl Function + ?Sized),
    x: &SVector<T, N>,
    alpha: [usize; N],
) -> (T, T)
where
    T: Float + Scalar,
{
    mixed_partial(|x: SVector<Jet<T, K>, N>| f.eval(x.as_slice()), x, alpha)
}

#[inline]
fn int<T: Float>(j: usize) -> T {
    T::from(j).unwrap_or_else(T::nan)
}

#[inline]
fn int_signed<T: Float>(j: i128) -> T {
    T::from(j).unwrap_or_else(T::nan)
}

/// A rational number `p/q`, `q > 0`, in lowest terms.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Q(i128, i128);

const OVERFLOW: &str = "taylor::mixed_partial: the interpolation weights overflow 128-bit \
                        integers at this order";

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Q {
    fn new(p: i128, q: i128) -> Q {
        let g = gcd(p, q).max(1);
        let s = if q < 0 { -1 } else { 1 };
        Q(s * p / g, s * q / g)
    }
    fn mul(self, o: Q) -> Q {
        let g1 = gcd(self.0, o.1).max(1);
        let g2 = gcd(o.0, self.1).max(1);
        let p = (self.0 / g1).checked_mul(o.0 / g2).expect(OVERFLOW);
        let q = (self.1 / g2).checked_mul(o.1 / g1).expect(OVERFLOW);
        Q::new(p, q)
    }
    fn add(self, o: Q) -> Q {
        let g = gcd(self.1, o.1).max(1);
        let l = (self.1 / g).checked_mul(o.1).expect(OVERFLOW);
        let p = (self.0.checked_mul(l / self.1).expect(OVERFLOW))
            .checked_add(o.0.checked_mul(l / o.1).expect(OVERFLOW))
            .expect(OVERFLOW);
        Q::new(p, l)
    }
}

/// The generalized binomial `C(r, j) = r(r−1)…(r−j+1)/j!` for rational `r`.
fn binom(r: Q, j: usize) -> Q {
    let mut b = Q(1, 1);
    for i in 0..j as i128 {
        b = b.mul(Q::new(r.0 - i * r.1, r.1)).mul(Q::new(1, i + 1));
    }
    b
}

/// Every multi-index `0 ≤ k ≤ bound` (componentwise), in odometer order.
fn boxes(bound: &[usize]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut k = alloc::vec![0usize; bound.len()];
    loop {
        out.push(k.clone());
        let mut i = 0;
        loop {
            if i == bound.len() {
                return out;
            }
            if k[i] < bound[i] {
                k[i] += 1;
                break;
            }
            k[i] = 0;
            i += 1;
        }
    }
}

/// The lattice directions `j` (`|j| = d`, support inside that of `α`)
/// with their weights as integers over one common denominator.
fn guw_weights(alpha: &[usize]) -> (Vec<(Vec<usize>, i128)>, i128) {
    let d: usize = alpha.iter().sum();
    let di = d as i128;
    let support: Vec<usize> = alpha.iter().map(|&a| if a > 0 { d } else { 0 }).collect();
    let js: Vec<Vec<usize>> =
        boxes(&support).into_iter().filter(|j| j.iter().sum::<usize>() == d).collect();
    let ks: Vec<Vec<usize>> =
        boxes(alpha).into_iter().filter(|k| k.iter().any(|&e| e > 0)).collect();
    let mut gammas = Vec::with_capacity(js.len());
    for j in &js {
        let mut g = Q(0, 1);
        for k in &ks {
            let nk: usize = k.iter().sum();
            let sign = if (d - nk).is_multiple_of(2) { 1 } else { -1 };
            let mut t = Q(sign, 1);
            for (l, &kl) in k.iter().enumerate() {
                t = t.mul(binom(Q(alpha[l] as i128, 1), kl));
                t = t.mul(binom(Q::new(di * kl as i128, nk as i128), j[l]));
            }
            for _ in 0..d {
                t = t.mul(Q::new(nk as i128, di));
            }
            g = g.add(t);
        }
        gammas.push(g);
    }
    let mut denom: i128 = 1;
    for g in &gammas {
        denom = (denom / gcd(denom, g.1)).checked_mul(g.1).expect(OVERFLOW);
    }
    let weights = js
        .into_iter()
        .zip(gammas)
        .filter(|(_, g)| g.0 != 0)
        .map(|(j, g)| (j, g.0.checked_mul(denom / g.1).expect(OVERFLOW)))
        .collect();
    (weights, denom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_of_a_second_mixed_partial() {
        // ∂²/∂x∂y = c₂(1,1) − c₂(2,0)/4 − c₂(0,2)/4
        let (w, q) = guw_weights(&[1, 1]);
        let mut w: Vec<(Vec<usize>, f64)> =
            w.into_iter().map(|(j, p)| (j, p as f64 / q as f64)).collect();
        w.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(w, [(vec![0, 2], -0.25), (vec![1, 1], 1.0), (vec![2, 0], -0.25)]);
    }
}
