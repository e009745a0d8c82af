//! Taylor mode: every derivative up to order `K` in one pass.
//!
//! A [`Jet<T, K>`](Jet) is the truncated Taylor polynomial of a quantity
//! `x(t)` along a curve through the point of interest,
//!
//! ```text
//! x(t) = x₀ + x₁·t + x₂·t² + … + x_K·t^K   (+ O(t^{K+1}), dropped)
//! ```
//!
//! Arithmetic on jets is arithmetic on truncated power series: sums
//! coefficient by coefficient, products by the truncated Cauchy product
//! `(xy)ₖ = Σⱼ xⱼ·y_{k−j}`, and every elementary function by its standard
//! recurrence (the ODE it satisfies, solved one coefficient at a time:
//! `h = eᶠ` has `h′ = f′·h`, so `k·hₖ = Σⱼ j·fⱼ·h_{k−j}`). Evaluating a
//! generic `f` on [`Jet::variable(x)`](Jet::variable) (`x + t`) gives the
//! Taylor coefficients `f⁽ᵏ⁾(x)/k!` of `f` at `x`, for every `k ≤ K`, at a
//! cost of `O(K²)` per operation; nesting `Dual` `K` deep for the same
//! numbers costs `O(2ᴷ)`.
//!
//! ```
//! use dualnum::Jet;
//! use num_traits::Float;
//!
//! fn f<T: Float>(x: T) -> T {
//!     x.sin() * x.exp()
//! }
//! let y = f(Jet::<f64, 4>::variable(0.5));
//! // f' = eˣ(sin x + cos x), f'' = 2eˣ cos x
//! let (s, c, e) = (0.5f64.sin(), 0.5f64.cos(), 0.5f64.exp());
//! assert_eq!(y.value(), f(0.5));
//! assert!((y.derivative(1) - e * (s + c)).abs() < 1e-14);
//! assert!((y.derivative(2) - 2.0 * e * c).abs() < 1e-14);
//! assert!((y.coefficient(2) - e * c).abs() < 1e-14); // f''/2!
//! ```
//!
//! # Agreement with `Dual`
//!
//! The value of a jet is bit-for-bit the plain `T` result, and the
//! first-order coefficient is computed by the same rule
//! ([`rules`](crate::rules)) and the same chain kernel as
//! [`Dual<T, 1>`](crate::Dual): an order-1 jet *is* a `Dual<T, 1>`, to the
//! bit. Higher coefficients come from the recurrences in `series.rs`.
//!
//! # Domain edges
//!
//! The zero-stays-zero policy of [`Dual`](crate::Dual) carries over to
//! every coefficient: a coefficient that does not depend on the input (all
//! the input's coefficients it is built from are zero) is exactly zero,
//! even where the function's derivatives are infinite or undefined (`√x`,
//! `ln x`, `x^y` at 0). Where the input does vary, the coefficients are
//! what the recurrence gives: `+∞` or NaN at a point where the function has
//! no Taylor expansion (`√t` at 0). The crate docs' convention table lists
//! the edges for order > 1.
//!
//! # Cost
//!
//! Each multiplication or elementary function costs `O(K²)` scalar
//! operations (about `K²/2` multiply-adds); the fallback to the NaN-safe
//! recurrence runs only when a coefficient comes out NaN.

use core::cmp::Ordering;
use core::fmt;

use num_traits::Float;

mod drivers;
mod float;
mod num;
mod ops;
mod series;

pub use drivers::{
    derivatives, derivatives_of, directional, directional_of, hessian, hessian_of, mixed_partial,
    mixed_partial_of, mixed_partial_passes,
};

/// A truncated Taylor series of order `K`: the value `re` and the
/// coefficients `c = [x₁, …, x_K]` of `x₀ + x₁t + … + x_K·t^K`.
///
/// `c[k − 1]` is the coefficient of `tᵏ`, which for `f(Jet::variable(x))`
/// is `f⁽ᵏ⁾(x)/k!`; [`coefficient`](Jet::coefficient) and
/// [`derivative`](Jet::derivative) index by `k` directly.
///
/// `Jet<T, K>` implements [`num_traits::Float`] for every `T: Float`, so it
/// nests with [`Dual`](crate::Dual) both ways: `Jet<Dual<f64, N>, K>`
/// carries the gradient of every Taylor coefficient, `Dual<Jet<f64, K>, N>`
/// the Taylor series of every partial derivative.
///
/// `K = 0` is refused at compile time by the constructors (a jet of order
/// 0 is a plain number).
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Jet<T, const K: usize> {
    /// The coefficients of `t¹ … t^K`: `c[k − 1] = x⁽ᵏ⁾(0)/k!`.
    pub c: [T; K],
    /// The value `x₀`.
    pub re: T,
}

impl<T: Float, const K: usize> Jet<T, K> {
    const ORDER_IS_POSITIVE: () = assert!(K >= 1, "Jet<T, K>: the order K must be at least 1");

    /// A jet from its value and the coefficients of `t¹ … t^K`.
    ///
    /// ```
    /// # use dualnum::Jet;
    /// let x = Jet::new(1.0, [2.0, 3.0]); // 1 + 2t + 3t²
    /// assert_eq!(x.coefficient(2), 3.0);
    /// assert_eq!(x.derivative(2), 6.0);
    /// ```
    #[inline]
    #[must_use]
    pub fn new(re: T, c: [T; K]) -> Self {
        let () = Self::ORDER_IS_POSITIVE;
        Jet { re, c }
    }

    /// A constant: the value `re`, every higher coefficient zero.
    ///
    /// ```
    /// # use dualnum::Jet;
    /// let c = Jet::<f64, 3>::constant(2.0);
    /// assert_eq!(c.coefficients(), [2.0, 0.0, 0.0, 0.0][1..]);
    /// ```
    #[inline]
    #[must_use]
    pub fn constant(re: T) -> Self {
        let () = Self::ORDER_IS_POSITIVE;
        Self::lift(re)
    }

    /// The independent variable `x + t`: value `x`, first coefficient 1.
    ///
    /// ```
    /// # use dualnum::Jet;
    /// let x = Jet::<f64, 3>::variable(2.0);
    /// let y = x * x * x; // x³: 8 + 12t + 6t² + t³
    /// assert_eq!([y.value(), y.coefficient(1), y.coefficient(2), y.coefficient(3)],
    ///            [8.0, 12.0, 6.0, 1.0]);
    /// ```
    #[inline]
    #[must_use]
    pub fn variable(x: T) -> Self {
        Self::along(x, T::one())
    }

    /// The line `x + v·t`: for a directional derivative along `v`.
    ///
    /// ```
    /// # use dualnum::Jet;
    /// let x = Jet::<f64, 2>::along(1.0, 3.0);
    /// assert_eq!((x * x).derivative(2), 18.0); // d²/dt² (1 + 3t)² = 2·9
    /// ```
    #[inline]
    #[must_use]
    pub fn along(x: T, v: T) -> Self {
        let () = Self::ORDER_IS_POSITIVE;
        let mut c = [T::neg_zero(); K];
        c[0] = v;
        Jet { re: x, c }
    }

    /// A constant under no order check, for the crate's own code.
    #[inline(always)]
    pub(crate) fn lift(re: T) -> Self {
        Jet { re, c: [T::neg_zero(); K] }
    }

    /// The value `x₀`.
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.re
    }

    /// The coefficients of `t¹ … t^K` (the value is [`value`](Self::value)).
    #[inline]
    #[must_use]
    pub fn coefficients(&self) -> [T; K] {
        self.c
    }

    /// The Taylor coefficient of `tᵏ`, `x⁽ᵏ⁾(0)/k!`; `k = 0` is the value.
    ///
    /// # Panics
    ///
    /// If `k > K`; the message names `k` and `K`.
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn coefficient(&self, k: usize) -> T {
        assert!(
            k <= K,
            "Jet::coefficient: order {k} is beyond this jet's order K = {K} \
             (valid orders are 0..={K}; evaluate on a Jet<T, {k}> or higher)"
        );
        if k == 0 { self.re } else { self.c[k - 1] + T::zero() }
    }

    /// The `k`-th derivative `x⁽ᵏ⁾(0) = k!·xₖ`; `k = 0` is the value.
    ///
    /// # Panics
    ///
    /// If `k > K`; the message names `k` and `K`.
    ///
    /// ```
    /// # use dualnum::Jet;
    /// let y = Jet::<f64, 4>::variable(0.0).exp();
    /// assert_eq!(y.derivative(4), 1.0);
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn derivative(&self, k: usize) -> T {
        assert!(
            k <= K,
            "Jet::derivative: order {k} is beyond this jet's order K = {K} \
             (valid orders are 0..={K}; evaluate on a Jet<T, {k}> or higher)"
        );
        self.coefficient(k) * factorial::<T>(k)
    }

    /// All derivatives `[x′(0), …, x⁽ᴷ⁾(0)]` (the value is
    /// [`value`](Self::value)).
    #[inline]
    #[must_use]
    pub fn derivatives(&self) -> [T; K] {
        core::array::from_fn(|i| self.c[i] * factorial::<T>(i + 1) + T::zero())
    }

    /// True when every coefficient above the value is exactly zero.
    #[inline]
    #[must_use]
    pub fn is_constant(&self) -> bool {
        self.c.iter().all(|e| e.is_zero())
    }

    /// The coefficient of `tᵏ` (`k = 0` the value), unchecked, for the
    /// recurrences.
    #[inline(always)]
    pub(crate) fn at(&self, k: usize) -> T {
        if k == 0 { self.re } else { self.c[k - 1] }
    }

    /// True if some coefficient above the value is NaN: the signal to
    /// redo an operation with the NaN-safe recurrence.
    #[inline(always)]
    pub(crate) fn has_nan(&self) -> bool {
        let mut any = false;
        for e in &self.c {
            any |= e.is_nan();
        }
        any
    }
}

/// `k!` in `T` (exact up to `k = 22` in `f64`).
#[inline]
pub(crate) fn factorial<T: Float>(k: usize) -> T {
    let mut f = T::one();
    let mut i = T::one();
    for _ in 1..k {
        i = i + T::one();
        f = f * i;
    }
    f
}

impl<T: Float, const K: usize> Default for Jet<T, K> {
    /// The constant zero.
    #[inline]
    fn default() -> Self {
        Self::lift(T::zero())
    }
}

impl<T: Float, const K: usize> From<T> for Jet<T, K> {
    /// The constant with value `re`.
    #[inline]
    fn from(re: T) -> Self {
        Self::lift(re)
    }
}

/// Equality looks at values only, as for `Dual`.
impl<T: PartialEq, const K: usize> PartialEq for Jet<T, K> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.re == other.re
    }
}

/// Ordering looks at values only, so `<`, `max`, `min` and `clamp` take
/// the branch a plain `T` takes.
impl<T: PartialOrd, const K: usize> PartialOrd for Jet<T, K> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

/// Formats as `x₀ + x₁t + x₂t² …` as `value + [x₁, x₂, …]t`; precision and
/// sign flags apply to every number, and an exactly-zero coefficient shows
/// as `0`.
///
/// ```
/// # use dualnum::Jet;
/// let y = Jet::<f64, 3>::variable(1.0).powi(2);
/// assert_eq!(format!("{y}"), "1 + [2, 1, 0]t");
/// ```
impl<T: fmt::Display + Float, const K: usize> fmt::Display for Jet<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = |f: &mut fmt::Formatter<'_>, v: &T| -> fmt::Result {
            match (f.precision(), f.sign_plus()) {
                (Some(p), true) => write!(f, "{v:+.p$}"),
                (Some(p), false) => write!(f, "{v:.p$}"),
                (None, true) => write!(f, "{v:+}"),
                (None, false) => write!(f, "{v}"),
            }
        };
        one(f, &self.re)?;
        f.write_str(" + [")?;
        for (i, e) in self.c.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            one(f, &(*e + T::zero()))?;
        }
        f.write_str("]t")
    }
}

/// As derived (`Jet { c: [..], re: .. }`), an exactly-zero coefficient
/// shown as `0.0`.
impl<T: fmt::Debug + Float, const K: usize> fmt::Debug for Jet<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jet")
            .field("c", &self.c.map(|e| e + T::zero()))
            .field("re", &self.re)
            .finish()
    }
}
