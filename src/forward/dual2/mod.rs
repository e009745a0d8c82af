//! The second-order number `Dual2<T, N>`: a value, its gradient and the
//! upper triangle of its Hessian with respect to `N` seeded inputs, and the
//! chain kernels through which every second derivative flows.
//!
//! This file provides:
//! - `Dual2::{constant, variable, variables, value, gradient, hessian,
//!   partial, partial2, is_constant}`;
//! - the kernels: `chain` (a unary rule `(f, f', f'')`), `scale` (a linear
//!   map), `mul2` (the product rule), `chain2` (a binary rule with its five
//!   partials), `add`/`sub`/`neg` lane by lane;
//! - `Default`, `From<T>`, `PartialEq`/`PartialOrd` (value only), `Display`
//!   and `Debug` (the Hessian shown mirrored).
//!
//! The operators are in `ops.rs`, `Float` and the rest of num-traits in
//! `float.rs`, nalgebra's scalar traits and `approx` in `linalg.rs`.

use core::cmp::Ordering;
use core::fmt;

use num_traits::Float;

use crate::tangent::{all_finite, cold_fn};

mod float;
mod linalg;
mod ops;

/// A second-order dual number: value, gradient and Hessian in one pass,
/// the Hessian stored once per symmetric pair.
///
/// `Dual2 { re: a, eps: ȧ, hess: ä }` stands for the second-order Taylor
/// expansion `a + ȧ·h + ½·hᵀ·ä·h` in `N` directions. Evaluating a function
/// on it applies, for every elementary function, the one second-order chain
/// rule
///
/// ```text
/// f(a),   f'(a)·ȧ,   f'(a)·ä + f''(a)·ȧ·ȧᵀ
/// ```
///
/// (and its two-argument form for `x·y`, `x/y`, `hypot`, `atan2`, `powf`,
/// `log`), with `f'` and `f''` from the rule table
/// ([`rules::second`](crate::rules::second)). Seed input `i` with
/// [`variable(xᵢ, i)`](Self::variable) and the result holds `f`, `∇f` and
/// `∇²f`.
///
/// It gives what the nested `Dual<Dual<T, N>, N>` gives, to rounding, and
/// carries `1 + N + N(N + 1)/2` numbers per operation where the nested one
/// carries `(N + 1)²`: only the upper triangle `i ≤ j` of `hess` is
/// computed. (Stable Rust cannot size an array `N(N + 1)/2`, so the storage
/// is a full `N × N` array whose lower triangle is never written; it is not
/// part of the number and the accessors never show it.) The
/// [`hessian`](crate::hessian) and [`hessian_of`](crate::hessian_of)
/// drivers use it.
///
/// # Zero stays zero
///
/// As for [`Dual`](crate::Dual): where a local derivative is infinite or
/// undefined, every term of the chain rule whose tangent factor is exactly
/// zero stays zero (`f'·äᵢⱼ` where `äᵢⱼ = 0`, `f''·ȧᵢȧⱼ` where `ȧᵢ` or
/// `ȧⱼ` is 0), so a singular term does not poison the entries of inputs it
/// does not depend on. The finite case, the common one, is one test of the
/// local derivatives per operation and the plain loops.
///
/// ```
/// use dualnum::Dual2;
///
/// // f(x, y) = x²·y + sin y at (3, 0.5)
/// let [x, y] = Dual2::variables([3.0, 0.5]);
/// let f = x * x * y + y.sin();
/// assert_eq!(f.value(), 4.5 + 0.5f64.sin());
/// assert_eq!(f.gradient(), [3.0, 9.0 + 0.5f64.cos()]);
/// // ∇²f = [[2y, 2x], [2x, −sin y]]
/// assert_eq!(f.hessian(), [[1.0, 6.0], [6.0, -(0.5f64.sin())]]);
/// ```
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Dual2<T, const N: usize> {
    /// The upper triangle `∂²/∂xᵢ∂xⱼ`, `i ≤ j`, row by row in the first
    /// `N(N + 1)/2` places of the flattened array; the rest unused.
    pub(crate) hess: [[T; N]; N],
    /// The gradient lanes.
    pub(crate) eps: [T; N],
    /// The value.
    pub(crate) re: T,
}

/// The number of entries of the upper triangle, `N(N + 1)/2`.
#[inline(always)]
const fn tri_len<const N: usize>() -> usize {
    N * (N + 1) / 2
}

/// [`tri_len`] rounded up to a whole number of vector registers (eight
/// `f64` with AVX-512, four with AVX, none on the default target), at most
/// `N²`. Measured, Rosenbrock n = 4 Hessian: with AVX-512 the rounding took
/// the closure from 17.1 to 16.4 × hand-written (interleaved); on the
/// default target, where copies move 16 bytes at a time as the kernels
/// do, it only added work (1 705 → 2 004 instructions per call).
#[inline(always)]
const fn work_len<const N: usize>() -> usize {
    let w = if cfg!(target_feature = "avx512f") {
        8
    } else if cfg!(target_feature = "avx") {
        4
    } else {
        1
    };
    let l = tri_len::<N>().div_ceil(w) * w;
    if l < N * N { l } else { N * N }
}

/// Where `∂²/∂xᵢ∂xⱼ` (`i ≤ j`) is stored: the upper triangle row by row,
/// packed from the start of the storage.
#[inline(always)]
const fn tri<const N: usize>(i: usize, j: usize) -> usize {
    i * (2 * N - i - 1) / 2 + j
}

/// The upper triangle of `f(i, j)`, packed row by row as `Dual2` stores
/// it, in a local array: the kernels build their outer products here and
/// then update the stored triangle in one uniform loop, so that their
/// loads and stores of it pair entries as a copy of the number does.
#[inline(always)]
fn packed<T: Float, const N: usize>(f: impl Fn(usize, usize) -> T) -> [[T; N]; N] {
    let mut p = [[T::zero(); N]; N];
    let pf = p.as_flattened_mut();
    let mut k = 0;
    for i in 0..N {
        for j in i..N {
            pf[k] = f(i, j);
            k += 1;
        }
    }
    p
}

/// The zero tangent (−0 in every lane, as `Dual`'s: the additive identity,
/// so that a constant's lanes fold away).
#[inline(always)]
fn zero<T: Float, const N: usize>() -> [T; N] {
    [T::neg_zero(); N]
}

/// True when every coefficient is finite, in one comparison: `d − d` is 0
/// for a finite `d` and NaN otherwise, and a NaN survives the sum.
#[inline(always)]
#[allow(clippy::eq_op)] // `d − d` is the test
fn finite<T: Float, const K: usize>(d: [T; K]) -> bool {
    d.iter().fold(T::zero(), |s, &d| s + (d - d)).is_zero()
}

/// Whether the unary and product kernels apply the policy by a branch-free
/// select per entry (`x == 0 ? −0 : a·x`) instead of one test of the
/// local derivatives and an out-of-line safe branch: with AVX-512, where
/// the select is a masked multiply. There the test and the call on its
/// rare branch (every vector register is caller-saved) cost the n = 4
/// Rosenbrock Hessian a third of its time: without the policy at all it
/// ran 10.5–11.3 × hand-written against 15.0–15.5.
const SELECT: bool = cfg!(target_feature = "avx512f");

/// `a·x` that is zero where `x` is zero, whatever `a` is.
#[inline(always)]
fn term<T: Float>(a: T, x: T) -> T {
    if x.is_zero() { T::neg_zero() } else { a * x }
}

/// `a·x·y` that is zero where `x` or `y` is zero, whatever `a` is.
#[inline(always)]
fn term2<T: Float>(a: T, x: T, y: T) -> T {
    if x.is_zero() || y.is_zero() { T::neg_zero() } else { a * x * y }
}

impl<T: Float, const N: usize> Dual2<T, N> {
    /// A constant: value `re`, zero gradient and Hessian.
    ///
    /// ```
    /// # use dualnum::Dual2;
    /// let c = Dual2::<f64, 2>::constant(2.0);
    /// assert_eq!((c.gradient(), c.hessian()), ([0.0; 2], [[0.0; 2]; 2]));
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn constant(re: T) -> Self {
        Dual2 { re, eps: zero(), hess: [zero(); N] }
    }

    /// The `i`-th independent variable: value `re`, gradient the `i`-th unit
    /// vector, Hessian zero.
    ///
    /// # Panics
    ///
    /// If `i >= N`; the message names `i` and `N`.
    ///
    /// ```
    /// # use dualnum::Dual2;
    /// let y = Dual2::<f64, 2>::variable(3.0, 1);
    /// assert_eq!(y.gradient(), [0.0, 1.0]);
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn variable(re: T, i: usize) -> Self {
        assert!(
            i < N,
            "Dual2::variable: index {i} is out of range for {N} variables \
             (valid indices are 0..{N})"
        );
        let mut x = Self::constant(re);
        x.eps[i] = T::one();
        x
    }

    /// Seeds `N` independent variables at once: the `i`-th gets value
    /// `xs[i]` and the `i`-th unit gradient.
    ///
    /// ```
    /// # use dualnum::Dual2;
    /// let [x, y] = Dual2::variables([1.0, 2.0]);
    /// let f = x * y;
    /// assert_eq!(f.hessian(), [[0.0, 1.0], [1.0, 0.0]]);
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn variables(xs: [T; N]) -> [Self; N] {
        core::array::from_fn(|i| {
            let mut x = Self::constant(xs[i]);
            x.eps[i] = T::one();
            x
        })
    }

    /// The value.
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.re
    }

    /// The gradient `[∂/∂x₀, …, ∂/∂x_{N−1}]` when seeded by
    /// [`variables`](Self::variables).
    #[inline]
    #[must_use]
    pub fn gradient(&self) -> [T; N] {
        self.eps
    }

    /// One gradient component.
    ///
    /// # Panics
    ///
    /// If `i >= N`; the message names `i` and `N`.
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn partial(&self, i: usize) -> T {
        assert!(i < N, "Dual2::partial: index {i} is out of range for {N} variables");
        self.eps[i]
    }

    /// One Hessian entry `∂²/∂xᵢ∂xⱼ` (symmetric: `partial2(i, j) ==
    /// partial2(j, i)`).
    ///
    /// # Panics
    ///
    /// If `i >= N` or `j >= N`; the message names both and `N`.
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn partial2(&self, i: usize, j: usize) -> T {
        assert!(
            i < N && j < N,
            "Dual2::partial2: index ({i}, {j}) is out of range for {N} variables"
        );
        let (i, j) = if i <= j { (i, j) } else { (j, i) };
        self.upper()[tri::<N>(i, j)]
    }

    /// The whole Hessian, mirrored from the stored upper triangle (so it is
    /// exactly symmetric).
    #[inline]
    #[must_use]
    pub fn hessian(&self) -> [[T; N]; N] {
        core::array::from_fn(|i| core::array::from_fn(|j| self.partial2(i, j)))
    }

    /// True when the gradient and the Hessian are exactly zero (the number
    /// is a constant as far as derivatives go).
    #[inline]
    #[must_use]
    pub fn is_constant(&self) -> bool {
        self.eps.iter().all(|e| e.is_zero()) && self.upper().iter().all(|h| h.is_zero())
    }

    // -----------------------------------------------------------------------
    // Kernels: the only places second derivatives propagate
    // -----------------------------------------------------------------------

    /// The stored upper triangle, row by row.
    #[inline(always)]
    pub(crate) fn upper(&self) -> &[T] {
        &self.hess.as_flattened()[..tri_len::<N>()]
    }

    /// The triangle and the places after it up to a whole vector register
    /// (see [`work_len`]), which the uniform loops update along with it: their
    /// stores then cover whole blocks, as the copies of a number load them.
    /// The extra places hold no meaning.
    #[inline(always)]
    fn work(&self) -> &[T] {
        &self.hess.as_flattened()[..work_len::<N>()]
    }

    /// [`work`](Self::work), to write.
    #[inline(always)]
    fn work_mut(&mut self) -> &mut [T] {
        &mut self.hess.as_flattened_mut()[..work_len::<N>()]
    }

    /// The stored upper triangle, row by row, to write.
    #[inline(always)]
    fn upper_mut(&mut self) -> &mut [T] {
        &mut self.hess.as_flattened_mut()[..tri_len::<N>()]
    }

    /// Applies a unary rule: value `v`, gradient `d1·ȧ`, Hessian
    /// `d1·ä + d2·ȧȧᵀ`, where `d1 = f'(a)` and `d2 = f''(a)`.
    ///
    /// This is the forward half of a user-defined second-order block: give it
    /// `f`, `f'` and `f''` computed on the value. Where `d1` or `d2` is not
    /// finite, each term whose tangent factor is exactly zero stays zero.
    ///
    /// ```
    /// # use dualnum::Dual2;
    /// // The logistic function σ, σ' = σ(1 − σ), σ'' = σ'(1 − 2σ).
    /// let x = Dual2::<f64, 1>::variable(0.3, 0);
    /// let s = 1.0 / (1.0 + (-0.3f64).exp());
    /// let d = s * (1.0 - s);
    /// let y = x.chain(s, d, d * (1.0 - 2.0 * s));
    /// assert_eq!(y.partial2(0, 0), d * (1.0 - 2.0 * s));
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn chain(&self, v: T, d1: T, d2: T) -> Self {
        if SELECT {
            chain_select(self, v, d1, d2)
        } else if finite([d1, d2]) {
            let mut r = Dual2 { re: v, eps: self.eps, hess: self.hess };
            for e in &mut r.eps {
                *e = d1 * *e;
            }
            let p = packed::<T, N>(|i, j| self.eps[i] * self.eps[j]);
            for (h, &q) in r.work_mut().iter_mut().zip(p.as_flattened()) {
                *h = d1 * *h + d2 * q;
            }
            r
        } else {
            chain_slow(self, v, d1, d2)
        }
    }

    /// A linear map: value `v`, gradient `d·ȧ`, Hessian `d·ä` (a rule whose
    /// second derivative is 0: `x·s`, `x/s`, `to_degrees`, `copysign`).
    #[inline(always)]
    #[must_use]
    pub(crate) fn scale(&self, v: T, d: T) -> Self {
        let mut r = Dual2 { re: v, eps: self.eps, hess: self.hess };
        if all_finite(d) {
            for e in &mut r.eps {
                *e = d * *e;
            }
            for h in r.work_mut() {
                *h = d * *h;
            }
        } else {
            for e in &mut r.eps {
                *e = term(d, *e);
            }
            for h in r.upper_mut() {
                *h = term(d, *h);
            }
        }
        r
    }

    /// The product rule: value `v = a·b`, gradient `b·ȧ + a·ḃ`, Hessian
    /// `b·ä + a·b̈ + ȧḃᵀ + ḃȧᵀ`.
    #[inline(always)]
    pub(crate) fn mul2(a: &Self, b: &Self, v: T) -> Self {
        let (x, y) = (a.re, b.re);
        if SELECT {
            mul2_select(a, b, v)
        } else if finite([x, y]) {
            let mut r = Dual2 { re: v, eps: a.eps, hess: a.hess };
            for i in 0..N {
                r.eps[i] = y * a.eps[i] + x * b.eps[i];
            }
            let p = packed::<T, N>(|i, j| a.eps[i] * b.eps[j] + b.eps[i] * a.eps[j]);
            for ((h, &g), &q) in r.work_mut().iter_mut().zip(b.work()).zip(p.as_flattened()) {
                *h = y * *h + x * g + q;
            }
            r
        } else {
            chain2_slow(a, b, v, [y, x, T::zero(), T::one(), T::zero()])
        }
    }

    /// Applies a binary rule `(v, fa, fb, faa, fab, fbb)`: gradient
    /// `fa·ȧ + fb·ḃ`, Hessian `fa·ä + fb·b̈ + faa·ȧȧᵀ + fab·(ȧḃᵀ + ḃȧᵀ) +
    /// fbb·ḃḃᵀ`. Where a partial is not finite, each term whose tangent
    /// factor is exactly zero stays zero.
    #[inline(always)]
    pub(crate) fn chain2(a: &Self, b: &Self, rule: (T, T, T, T, T, T)) -> Self {
        let (v, fa, fb, faa, fab, fbb) = rule;
        if finite([fa, fb, faa, fab, fbb]) {
            let mut r = Dual2 { re: v, eps: a.eps, hess: a.hess };
            for i in 0..N {
                r.eps[i] = fa * a.eps[i] + fb * b.eps[i];
            }
            // faa·ȧᵢȧⱼ + fab·(ȧᵢḃⱼ + ḃᵢȧⱼ) + fbb·ḃᵢḃⱼ = uᵢ·ȧⱼ + wᵢ·ḃⱼ
            let u: [T; N] = core::array::from_fn(|i| faa * a.eps[i] + fab * b.eps[i]);
            let w: [T; N] = core::array::from_fn(|i| fab * a.eps[i] + fbb * b.eps[i]);
            let p = packed::<T, N>(|i, j| u[i] * a.eps[j] + w[i] * b.eps[j]);
            for ((h, &g), &q) in r.work_mut().iter_mut().zip(b.work()).zip(p.as_flattened()) {
                *h = fa * *h + fb * g + q;
            }
            r
        } else {
            chain2_slow(a, b, v, [fa, fb, faa, fab, fbb])
        }
    }

    /// `a·x + b·y` lane by lane, for rules linear in both arguments (`%`,
    /// ties of `max`/`min`).
    #[inline(always)]
    pub(crate) fn lincomb(x: &Self, y: &Self, v: T, a: T, b: T) -> Self {
        let z = T::zero();
        Self::chain2(x, y, (v, a, b, z, z, z))
    }

    /// `ȧ + ḃ` and `ä + b̈`, with value `v`.
    #[inline(always)]
    pub(crate) fn add_parts(a: &Self, b: &Self, v: T) -> Self {
        let mut r = Dual2 { re: v, eps: a.eps, hess: a.hess };
        for (e, f) in r.eps.iter_mut().zip(&b.eps) {
            *e = *e + *f;
        }
        for (h, g) in r.work_mut().iter_mut().zip(b.work()) {
            *h = *h + *g;
        }
        r
    }

    /// `ȧ − ḃ` and `ä − b̈`, with value `v`.
    #[inline(always)]
    pub(crate) fn sub_parts(a: &Self, b: &Self, v: T) -> Self {
        let mut r = Dual2 { re: v, eps: a.eps, hess: a.hess };
        for (e, f) in r.eps.iter_mut().zip(&b.eps) {
            *e = *e - *f;
        }
        for (h, g) in r.work_mut().iter_mut().zip(b.work()) {
            *h = *h - *g;
        }
        r
    }

    /// `−ȧ` and `−ä`, with value `v`.
    #[inline(always)]
    pub(crate) fn neg_parts(&self, v: T) -> Self {
        let mut r = Dual2 { re: v, eps: self.eps, hess: self.hess };
        for e in &mut r.eps {
            *e = -*e;
        }
        for h in r.work_mut() {
            *h = -*h;
        }
        r
    }

    /// The same number with another value (a rule whose derivatives are
    /// those of the argument: `x + s`, `x % s`).
    #[inline(always)]
    pub(crate) fn with_value(&self, v: T) -> Self {
        Dual2 { re: v, eps: self.eps, hess: self.hess }
    }
}

/// [`Dual2::chain`] with the policy as a branch-free select per entry
/// (see [`SELECT`]); a product `ȧᵢȧⱼ` that is exactly zero counts as a
/// zero factor.
#[inline(always)]
fn chain_select<T: Float, const N: usize>(x: &Dual2<T, N>, v: T, d1: T, d2: T) -> Dual2<T, N> {
    let mut r = Dual2 { re: v, eps: x.eps, hess: x.hess };
    for e in &mut r.eps {
        *e = term(d1, *e);
    }
    let p = packed::<T, N>(|i, j| x.eps[i] * x.eps[j]);
    for (h, &q) in r.work_mut().iter_mut().zip(p.as_flattened()) {
        *h = term(d1, *h) + term(d2, q);
    }
    r
}

/// [`Dual2::mul2`] with the policy as a branch-free select per entry (the
/// terms `ȧᵢḃⱼ + ḃᵢȧⱼ` have the finite coefficient 1).
#[inline(always)]
fn mul2_select<T: Float, const N: usize>(a: &Dual2<T, N>, b: &Dual2<T, N>, v: T) -> Dual2<T, N> {
    let (x, y) = (a.re, b.re);
    let mut r = Dual2 { re: v, eps: a.eps, hess: a.hess };
    for i in 0..N {
        r.eps[i] = term(y, a.eps[i]) + term(x, b.eps[i]);
    }
    let p = packed::<T, N>(|i, j| a.eps[i] * b.eps[j] + b.eps[i] * a.eps[j]);
    for ((h, &g), &q) in r.work_mut().iter_mut().zip(b.work()).zip(p.as_flattened()) {
        *h = term(y, *h) + term(x, g) + q;
    }
    r
}

cold_fn! {
    /// The NaN-safe branch of [`Dual2::chain`], out of line: each term with a
    /// zero tangent factor stays zero.
    fn chain_slow[T: Float, const N: usize](x: &Dual2<T, N>, v: T, d1: T, d2: T) -> Dual2<T, N> {
        let mut r = Dual2 { re: v, eps: x.eps, hess: x.hess };
        for (e, &xe) in r.eps.iter_mut().zip(&x.eps) {
            *e = term(d1, xe);
        }
        let h = r.upper_mut();
        let mut k = 0;
        for i in 0..N {
            for j in i..N {
                h[k] = term(d1, h[k]) + term2(d2, x.eps[i], x.eps[j]);
                k += 1;
            }
        }
        r
    }
}

cold_fn! {
    /// The NaN-safe branch of [`Dual2::chain2`], out of line; `d` holds the
    /// partials `[fa, fb, faa, fab, fbb]`.
    fn chain2_slow[T: Float, const N: usize](
        a: &Dual2<T, N>,
        b: &Dual2<T, N>,
        v: T,
        d: [T; 5],
    ) -> Dual2<T, N> {
        let [fa, fb, faa, fab, fbb] = d;
        let mut r = Dual2 { re: v, eps: a.eps, hess: a.hess };
        for i in 0..N {
            r.eps[i] = term(fa, a.eps[i]) + term(fb, b.eps[i]);
        }
        let (h, bh) = (r.upper_mut(), b.upper());
        let mut k = 0;
        for i in 0..N {
            let (ai, bi) = (a.eps[i], b.eps[i]);
            for j in i..N {
                let (aj, bj) = (a.eps[j], b.eps[j]);
                h[k] = term(fa, h[k])
                    + term(fb, bh[k])
                    + term2(faa, ai, aj)
                    + term2(fab, ai, bj)
                    + term2(fab, bi, aj)
                    + term2(fbb, bi, bj);
                k += 1;
            }
        }
        r
    }
}

impl<T: Float, const N: usize> Default for Dual2<T, N> {
    /// The constant zero.
    #[inline]
    fn default() -> Self {
        Self::constant(T::zero())
    }
}

impl<T: Float, const N: usize> From<T> for Dual2<T, N> {
    /// The constant with value `re`.
    #[inline]
    fn from(re: T) -> Self {
        Self::constant(re)
    }
}

/// Equality looks at values only, as for [`Dual`](crate::Dual).
impl<T: PartialEq, const N: usize> PartialEq for Dual2<T, N> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.re == other.re
    }
}

/// Ordering looks at values only, as for [`Dual`](crate::Dual).
impl<T: PartialOrd, const N: usize> PartialOrd for Dual2<T, N> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

/// Formats as `value + [g₀, g₁]∇ + [[h₀₀, h₀₁], [h₀₁, h₁₁]]∇²`, the Hessian
/// mirrored; precision and sign flags apply to every number, and an exact
/// zero derivative shows as `0`.
///
/// ```
/// # use dualnum::Dual2;
/// let [x, y] = Dual2::variables([1.5, 2.0]);
/// assert_eq!(format!("{}", x * y), "3 + [2, 1.5]∇ + [[0, 1], [1, 0]]∇²");
/// ```
impl<T: fmt::Display + Float, const N: usize> fmt::Display for Dual2<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = |f: &mut fmt::Formatter<'_>, v: &T| -> fmt::Result {
            match (f.precision(), f.sign_plus()) {
                (Some(p), true) => write!(f, "{v:+.p$}"),
                (Some(p), false) => write!(f, "{v:.p$}"),
                (None, true) => write!(f, "{v:+}"),
                (None, false) => write!(f, "{v}"),
            }
        };
        let row = |f: &mut fmt::Formatter<'_>, r: &[T; N]| -> fmt::Result {
            f.write_str("[")?;
            for (i, e) in r.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                one(f, &(*e + T::zero()))?;
            }
            f.write_str("]")
        };
        one(f, &self.re)?;
        f.write_str(" + ")?;
        row(f, &self.eps)?;
        f.write_str("∇ + [")?;
        for (i, r) in self.hessian().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            row(f, r)?;
        }
        f.write_str("]∇²")
    }
}

/// `Dual2 { re, gradient, hessian }`, the Hessian mirrored, exact zero
/// derivatives shown as `0.0`.
impl<T: fmt::Debug + Float, const N: usize> fmt::Debug for Dual2<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pz = |e: T| e + T::zero();
        f.debug_struct("Dual2")
            .field("re", &self.re)
            .field("gradient", &self.eps.map(pz))
            .field("hessian", &self.hessian().map(|r| r.map(pz)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    //! The select kernels run only with AVX-512; here they are checked on
    //! every target against the tested ones, number for number (±0 alike,
    //! NaN where and only where the policy gives NaN).
    use super::{Dual2, chain_select, mul2_select};

    const VALUES: [f64; 7] = [2.5, 0.0, -0.0, -3.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];

    fn same(a: &Dual2<f64, 3>, b: &Dual2<f64, 3>) -> bool {
        let eq = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
        eq(a.re, b.re)
            && a.eps.iter().zip(&b.eps).all(|(&x, &y)| eq(x, y))
            && a.upper().iter().zip(b.upper()).all(|(&x, &y)| eq(x, y))
    }

    /// Numbers with zero and non-zero gradient lanes and Hessian entries.
    fn samples() -> Vec<Dual2<f64, 3>> {
        let mut out = Vec::new();
        for (s, &re) in [0.7, -1.5, 0.0].iter().enumerate() {
            let mut x = Dual2::<f64, 3>::variable(re, s);
            x.eps[(s + 1) % 3] = 0.5 * s as f64;
            x.hess.as_flattened_mut()[s] = 1.25;
            x.hess.as_flattened_mut()[5 - s] = 0.0;
            out.push(x);
        }
        out
    }

    #[test]
    fn select_kernels_follow_the_policy() {
        for x in samples() {
            for &d1 in &VALUES {
                for &d2 in &VALUES {
                    let (a, b) = (chain_select(&x, 1.0, d1, d2), x.chain(1.0, d1, d2));
                    assert!(same(&a, &b), "chain d1={d1} d2={d2}: {a:?} vs {b:?}");
                }
            }
            for y in samples() {
                for &vx in &VALUES {
                    for &vy in &VALUES {
                        let (mut x, mut y) = (x, y);
                        (x.re, y.re) = (vx, vy);
                        let (a, b) = (mul2_select(&x, &y, 1.0), Dual2::mul2(&x, &y, 1.0));
                        assert!(same(&a, &b), "mul x={vx} y={vy}: {a:?} vs {b:?}");
                    }
                }
            }
        }
    }
}
