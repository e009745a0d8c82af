//! The dual number `Dual<T, N>`: constructors, accessors, comparisons,
//! formatting, and the chain kernels through which every derivative flows.
//!
//! This file provides:
//! - `Dual::{new, constant, variable, variables, value, tangent, partial}`;
//! - `Dual::{chain, chain2}`: apply a rule's value and local derivatives;
//! - `Default`, `Hash` (value only), `PartialEq`/`PartialOrd` (value only),
//!   `From<T>`, `Display` (`1.5 + [0.5, 1]ε`, honouring precision).

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};

use num_traits::Float;

mod approx_impls;
mod float;
mod inherent;
#[cfg(any(feature = "serde", feature = "bytemuck"))]
mod interop;
mod num;
mod ops;
mod ops_scalar;
pub(crate) mod tangent;

/// A dual number: a value `re` and an `N`-wide tangent `eps`.
///
/// `Dual { re: a, eps: [ȧ₁, …, ȧₙ] }` stands for `a + ȧ₁ε₁ + … + ȧₙεₙ` with
/// `εᵢεⱼ = 0`. Evaluating a function on it gives
/// `f(a) + f'(a)·(ȧ₁ε₁ + … + ȧₙεₙ)`: the value and `N` directional
/// derivatives in one pass. Seed the `i`-th input with the `i`-th unit
/// tangent and the `i`-th tangent lane of the result is `∂f/∂xᵢ`.
///
/// `Dual<T, N>` implements [`num_traits::Float`] for every `T: Float`,
/// including `T = Dual<U, M>` (nesting gives second derivatives).
///
/// # The policy parameter
///
/// `SAFE` (default `true`) selects the kernels. `Dual<T, N>` is NaN-safe:
/// a tangent lane that is exactly zero stays zero where a local derivative
/// is infinite or undefined (see the crate docs' convention table).
/// [`Unchecked<T, N>`](Unchecked) = `Dual<T, N, false>` runs the plain
/// kernels (`d·ẋ` in every lane); the two give bit-for-bit the same values
/// and the same tangents wherever the unchecked one has no NaN. The drivers'
/// fast path runs a [`Function`](crate::Function) on the unchecked type and
/// falls back to the safe one only when a result is not finite. The public
/// constructors live on the safe type, so `Dual::new(…)` needs no
/// annotation; [`unchecked`](Dual::unchecked) and
/// [`checked`](Dual::checked) convert.
///
/// ```
/// use dualnum::Dual;
/// use num_traits::Float;
///
/// // z(x, y) = x² · e^(x + cos y) at (2, π/2): the lecture's example.
/// fn z<T: Float>(x: T, y: T) -> T {
///     x * x * (x + y.cos()).exp()
/// }
/// let [x, y] = Dual::variables([2.0, std::f64::consts::FRAC_PI_2]);
/// let r = z(x, y);
/// let e2 = (2.0f64).exp();
/// assert!((r.value() - 4.0 * e2).abs() < 1e-13);
/// assert!((r.partial(0) - 8.0 * e2).abs() < 1e-13);
/// assert!((r.partial(1) + 4.0 * e2).abs() < 1e-13);
/// ```
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Dual<T, const N: usize, const SAFE: bool = true> {
    /// The tangent: the derivative of the value along each of `N` directions.
    pub eps: [T; N],
    /// The value (real part).
    pub re: T,
}

impl<T: Float, const N: usize> Dual<T, N> {
    /// A dual number from its value and tangent.
    ///
    /// ```
    /// # use dualnum::Dual;
    /// let x = Dual::new(1.5, [0.5, 1.0]);
    /// assert_eq!(x.tangent(), [0.5, 1.0]);
    /// ```
    #[inline]
    #[must_use]
    pub const fn new(re: T, eps: [T; N]) -> Self {
        Dual { re, eps }
    }

    /// A constant: the value `re` with a zero tangent.
    ///
    /// ```
    /// # use dualnum::Dual;
    /// let c = Dual::<f64, 3>::constant(2.0);
    /// assert_eq!(c.tangent(), [0.0; 3]);
    /// ```
    #[inline]
    #[must_use]
    pub fn constant(re: T) -> Self {
        Dual { re, eps: tangent::zero() }
    }

    /// The `i`-th independent variable: value `re`, tangent the `i`-th unit
    /// vector.
    ///
    /// # Panics
    ///
    /// If `i >= N`; the message names `i` and `N`.
    ///
    /// ```
    /// # use dualnum::Dual;
    /// let y = Dual::<f64, 2>::variable(3.0, 1);
    /// assert_eq!(y.tangent(), [0.0, 1.0]);
    /// ```
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn variable(re: T, i: usize) -> Self {
        assert!(
            i < N,
            "Dual::variable: index {i} is out of range for a tangent of width N = {N} \
             (valid indices are 0..{N})"
        );
        Dual { re, eps: tangent::unit(i) }
    }

    /// Seeds `N` independent variables at once: the `i`-th gets value
    /// `xs[i]` and the `i`-th unit tangent.
    ///
    /// ```
    /// # use dualnum::Dual;
    /// let [x, y] = Dual::variables([1.0, 2.0]);
    /// let f = x * y;
    /// assert_eq!(f.tangent(), [2.0, 1.0]);
    /// ```
    #[inline]
    #[must_use]
    pub fn variables(xs: [T; N]) -> [Self; N] {
        core::array::from_fn(|i| Dual { re: xs[i], eps: tangent::unit(i) })
    }

    /// The same number under the plain, policy-free kernels (see
    /// [`Unchecked`](crate::Unchecked)).
    #[inline(always)]
    #[must_use]
    pub const fn unchecked(self) -> Dual<T, N, false> {
        Dual { re: self.re, eps: self.eps }
    }
}

/// A dual number with the plain, policy-free kernels: `d·ẋ` in every lane,
/// so `∞·0 = NaN` where the NaN-safe [`Dual`] would keep a zero lane zero.
/// Values and every finite tangent are bit-for-bit those of [`Dual`] (up to
/// the sign of zero lanes).
///
/// ```
/// use dualnum::{Dual, Unchecked};
/// use num_traits::Float;
///
/// // √y at y = 0 has an infinite slope; x does not depend on y.
/// let [x, y] = Dual::variables([2.0, 0.0]);
/// let safe = x * y.sqrt();
/// let fast: Unchecked<f64, 2> = x.unchecked() * y.unchecked().sqrt();
/// assert_eq!(safe.tangent()[0], 0.0);
/// assert!(fast.tangent()[0].is_nan()); // ∞·0 in the lane of x
/// assert_eq!(safe.value(), fast.value());
/// ```
pub type Unchecked<T, const N: usize> = Dual<T, N, false>;

impl<T: Float, const N: usize> Dual<T, N, false> {
    /// The same number under the NaN-safe kernels (the default policy).
    #[inline(always)]
    #[must_use]
    pub const fn checked(self) -> Dual<T, N> {
        Dual { re: self.re, eps: self.eps }
    }
}

impl<T: Float, const N: usize, const SAFE: bool> Dual<T, N, SAFE> {
    /// A constant under either policy (the public constructors are on the
    /// default, NaN-safe type so that `Dual::new(…)` needs no annotation).
    #[inline(always)]
    pub(crate) fn lift(re: T) -> Self {
        Dual { re, eps: tangent::zero() }
    }

    /// The value (real part).
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.re
    }

    /// The whole tangent, `[∂/∂x₀, …, ∂/∂x_{N−1}]` when seeded by
    /// [`variables`](Self::variables).
    #[inline]
    #[must_use]
    pub fn tangent(&self) -> [T; N] {
        self.eps
    }

    /// One tangent component, `∂/∂xᵢ` when seeded by
    /// [`variables`](Self::variables).
    ///
    /// # Panics
    ///
    /// If `i >= N`; the message names `i` and `N`.
    #[inline]
    #[must_use]
    #[track_caller]
    pub fn partial(&self, i: usize) -> T {
        assert!(i < N, "Dual::partial: index {i} is out of range for a tangent of width N = {N}");
        self.eps[i]
    }

    /// Applies a unary rule: the result has value `value` and tangent
    /// `d·ẋ`, where `d = f'(x)` is the rule's local derivative.
    ///
    /// This is the forward half of a user-defined differentiable block: give
    /// it `f(x)` and `f'(x)` computed on the value, and the tangent follows.
    /// NaN-safe: where `d` is infinite or NaN, a zero lane of `ẋ` stays zero.
    ///
    /// ```
    /// # use dualnum::Dual;
    /// // A block for the logistic function σ(x), σ' = σ(1 − σ).
    /// let x = Dual::<f64, 1>::variable(0.3, 0);
    /// let s = 1.0 / (1.0 + (-x.re).exp());
    /// let y = x.chain(s, s * (1.0 - s));
    /// assert_eq!(y.partial(0), s * (1.0 - s));
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn chain(&self, value: T, d: T) -> Self {
        Dual { re: value, eps: tangent::scale::<T, N, SAFE>(d, &self.eps) }
    }

    /// Applies a binary rule: the result has value `value` and tangent
    /// `da·ȧ + db·ḃ`, where `da`, `db` are the rule's partial derivatives.
    ///
    /// NaN-safe like [`chain`](Self::chain): a non-finite partial is dropped
    /// in every lane where its argument's tangent is zero.
    #[inline(always)]
    #[must_use]
    pub fn chain2(a: &Self, b: &Self, value: T, da: T, db: T) -> Self {
        Dual { re: value, eps: tangent::lincomb::<T, N, SAFE>(da, &a.eps, db, &b.eps) }
    }

    /// True when the tangent is exactly zero in every lane (the number is a
    /// constant as far as derivatives go).
    #[inline]
    #[must_use]
    pub fn is_constant(&self) -> bool {
        tangent::is_zero(&self.eps)
    }
}

impl<T: Float, const N: usize, const SAFE: bool> Default for Dual<T, N, SAFE> {
    /// The constant zero.
    #[inline]
    fn default() -> Self {
        Self::lift(T::zero())
    }
}

impl<T: Float, const N: usize, const SAFE: bool> From<T> for Dual<T, N, SAFE> {
    /// The constant with value `re`.
    #[inline]
    fn from(re: T) -> Self {
        Self::lift(re)
    }
}

/// Equality looks at values only: `x == y` when `x.re == y.re`, whatever
/// the tangents. Code that branches on `==` takes the branch a plain `T`
/// would take. Use [`approx`] comparisons or `eps` to compare tangents.
impl<T: PartialEq, const N: usize, const SAFE: bool> PartialEq for Dual<T, N, SAFE> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.re == other.re
    }
}

/// Ordering looks at values only, so `<`, `max`, `min` and `clamp` choose the
/// branch a plain `T` would choose.
impl<T: PartialOrd, const N: usize, const SAFE: bool> PartialOrd for Dual<T, N, SAFE> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

/// Hashes the value only, consistent with `==`.
impl<T: Hash, const N: usize, const SAFE: bool> Hash for Dual<T, N, SAFE> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.re.hash(state);
    }
}

/// Formats as `value + [t₀, t₁, …]ε`; width-free flags such as precision
/// (`{:.3}`) and sign (`{:+}`) apply to every number. A tangent that is
/// exactly zero shows as `0` (constants carry −0 tangents internally);
/// the value is shown as it is.
///
/// ```
/// # use dualnum::Dual;
/// let x = Dual::new(1.5, [0.5, 1.0]);
/// assert_eq!(format!("{x}"), "1.5 + [0.5, 1]ε");
/// assert_eq!(format!("{x:.2}"), "1.50 + [0.50, 1.00]ε");
/// assert_eq!(format!("{}", Dual::<f64, 2>::constant(7.0)), "7 + [0, 0]ε");
/// ```
impl<T: fmt::Display + Float, const N: usize, const SAFE: bool> fmt::Display for Dual<T, N, SAFE> {
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
        for (i, e) in self.eps.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            one(f, &(*e + T::zero()))?;
        }
        f.write_str("]ε")
    }
}

/// As derived (`Dual { eps: [..], re: .. }`, `{:#?}` included), with a
/// tangent that is exactly zero shown as `0.0`, as in `Display`.
impl<T: fmt::Debug + Float, const N: usize, const SAFE: bool> fmt::Debug for Dual<T, N, SAFE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dual")
            .field("eps", &self.eps.map(|e| e + T::zero()))
            .field("re", &self.re)
            .finish()
    }
}
