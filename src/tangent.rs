//! The tangent storage `[T; N]` and its tiny vocabulary.
//!
//! Every derivative that forward mode propagates goes through one of the
//! functions here: a zero tangent, a unit seed, a lane-wise sum or
//! difference, and the two chain kernels `d·ẋ` ([`scale`]) and `a·ẋ + b·ẏ`
//! ([`lincomb`]). They are plain loops over fixed-size arrays, so after
//! inlining LLVM unrolls and vectorises them.
//!
//! # The NaN-safe policy
//!
//! A rule's local derivative can be infinite or undefined (√x at 0, ln x at
//! 0, the `ln x` term of `x^y` at `x ≤ 0`). Multiplying it into a tangent
//! lane that is exactly zero would give `0·∞ = NaN` and poison a whole
//! gradient, although that lane does not depend on the input at all. The
//! kernels therefore keep a zero lane exactly zero whenever a coefficient
//! is not finite. The check costs one well-predicted branch per operation
//! (not per lane): with finite coefficients the plain loop runs.

use num_traits::Float;

/// The zero tangent.
#[inline(always)]
pub(crate) fn zero<T: Float, const N: usize>() -> [T; N] {
    [T::zero(); N]
}

/// The `i`-th unit tangent. The caller checks `i < N`.
#[inline(always)]
pub(crate) fn unit<T: Float, const N: usize>(i: usize) -> [T; N] {
    let mut e = zero();
    e[i] = T::one();
    e
}

/// `ẋ + ẏ`, lane by lane.
#[inline(always)]
pub(crate) fn add<T: Float, const N: usize>(x: &[T; N], y: &[T; N]) -> [T; N] {
    core::array::from_fn(|i| x[i] + y[i])
}

/// `ẋ − ẏ`, lane by lane.
#[inline(always)]
pub(crate) fn sub<T: Float, const N: usize>(x: &[T; N], y: &[T; N]) -> [T; N] {
    core::array::from_fn(|i| x[i] - y[i])
}

/// `−ẋ`, lane by lane.
#[inline(always)]
pub(crate) fn neg<T: Float, const N: usize>(x: &[T; N]) -> [T; N] {
    core::array::from_fn(|i| -x[i])
}

/// `d·ẋ` with no safety check: for coefficients known to be finite
/// (a scalar factor the caller supplied, a constant like `ln 2`).
#[inline(always)]
pub(crate) fn scale_unchecked<T: Float, const N: usize>(d: T, x: &[T; N]) -> [T; N] {
    core::array::from_fn(|i| d * x[i])
}

/// The unary chain kernel `d·ẋ`, NaN-safe: where `d` is not finite, a lane
/// of `ẋ` that is exactly zero stays zero.
#[inline(always)]
pub(crate) fn scale<T: Float, const N: usize>(d: T, x: &[T; N]) -> [T; N] {
    if all_finite(d) {
        scale_unchecked(d, x)
    } else {
        core::array::from_fn(|i| if x[i].is_zero() { x[i] } else { d * x[i] })
    }
}

/// The binary chain kernel `a·ẋ + b·ẏ`, NaN-safe: where a coefficient is not
/// finite, its term is dropped in every lane whose tangent is exactly zero.
#[inline(always)]
pub(crate) fn lincomb<T: Float, const N: usize>(a: T, x: &[T; N], b: T, y: &[T; N]) -> [T; N] {
    if all_finite(a) && all_finite(b) {
        core::array::from_fn(|i| a * x[i] + b * y[i])
    } else {
        core::array::from_fn(|i| term(a, x[i]) + term(b, y[i]))
    }
}

/// True when `d` is finite in every component: `d·0` is exactly zero for a
/// finite `d` and NaN otherwise. For `T = f64` this costs what
/// `is_finite` costs; for a nested `T = Dual<U, M>` it also looks at the
/// inner tangent, so a finite slope with an infinite second-order part still
/// takes the safe path and a lane that does not vary keeps an exact zero
/// Hessian entry.
#[inline(always)]
fn all_finite<T: Float>(d: T) -> bool {
    (d * T::zero()).is_zero()
}

/// `a·ẋ` that is zero when `ẋ` is zero, whatever `a` is.
#[inline(always)]
fn term<T: Float>(a: T, x: T) -> T {
    if x.is_zero() { T::zero() } else { a * x }
}

/// True when every lane is exactly zero.
#[inline(always)]
pub(crate) fn is_zero<T: Float, const N: usize>(x: &[T; N]) -> bool {
    x.iter().all(|e| e.is_zero())
}
