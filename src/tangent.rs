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
//! (not per lane): with finite coefficients the plain loop runs, and for
//! tangents wider than 16 bytes (two `f64` lanes) the safe loop lives out of line so that the
//! hot path stays small.

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
    let mut r = *x;
    for (r, y) in r.iter_mut().zip(y) {
        *r = *r + *y;
    }
    r
}

/// `ẋ − ẏ`, lane by lane.
#[inline(always)]
pub(crate) fn sub<T: Float, const N: usize>(x: &[T; N], y: &[T; N]) -> [T; N] {
    let mut r = *x;
    for (r, y) in r.iter_mut().zip(y) {
        *r = *r - *y;
    }
    r
}

/// `−ẋ`, lane by lane.
#[inline(always)]
pub(crate) fn neg<T: Float, const N: usize>(x: &[T; N]) -> [T; N] {
    let mut r = *x;
    for r in &mut r {
        *r = -*r;
    }
    r
}

/// `d·ẋ` with no safety check: for coefficients known to be finite
/// (a scalar factor the caller supplied, a constant like `ln 2`).
#[inline(always)]
pub(crate) fn scale_unchecked<T: Float, const N: usize>(d: T, x: &[T; N]) -> [T; N] {
    let mut r = *x;
    for r in &mut r {
        *r = d * *r;
    }
    r
}

/// The unary chain kernel `d·ẋ`, NaN-safe: where `d` is not finite, a lane
/// of `ẋ` that is exactly zero stays zero.
#[inline(always)]
pub(crate) fn scale<T: Float, const N: usize>(d: T, x: &[T; N]) -> [T; N] {
    if all_finite(d) {
        scale_unchecked(d, x)
    } else if small::<T, N>() {
        core::array::from_fn(|i| if x[i].is_zero() { x[i] } else { d * x[i] })
    } else {
        scale_slow(d, *x)
    }
}

/// The safe branch of [`scale`] for large tangents, out of line.
#[cold]
#[inline(never)]
fn scale_slow<T: Float, const N: usize>(d: T, x: [T; N]) -> [T; N] {
    core::array::from_fn(|i| if x[i].is_zero() { x[i] } else { d * x[i] })
}

/// The binary chain kernel `a·ẋ + b·ẏ`, NaN-safe: where a coefficient is not
/// finite, its term is dropped in every lane whose tangent is exactly zero.
#[inline(always)]
pub(crate) fn lincomb<T: Float, const N: usize>(a: T, x: &[T; N], b: T, y: &[T; N]) -> [T; N] {
    if all_finite(a) && all_finite(b) {
        let mut r = *x;
        for (r, y) in r.iter_mut().zip(y) {
            *r = a * *r + b * *y;
        }
        r
    } else if small::<T, N>() {
        core::array::from_fn(|i| term(a, x[i]) + term(b, y[i]))
    } else {
        lincomb_slow(a, *x, b, *y)
    }
}

/// Whether a tangent is small enough (a couple of vector registers) for the
/// safe branch to stay inline. Larger tangents take it out of line: two
/// inlined loops per operator made LLVM spill and copy whole tangents
/// through memory in every operator (perf: `memcpy` at 45% of a `N = 32`
/// gradient), while for a scalar or short tangent the call is the cost.
#[inline(always)]
const fn small<T, const N: usize>() -> bool {
    core::mem::size_of::<[T; N]>() <= 16
}

/// The safe branch of [`lincomb`] for large tangents, out of line.
#[cold]
#[inline(never)]
fn lincomb_slow<T: Float, const N: usize>(a: T, x: [T; N], b: T, y: [T; N]) -> [T; N] {
    core::array::from_fn(|i| term(a, x[i]) + term(b, y[i]))
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

#[cfg(test)]
mod tests {
    //! The kernels take an inline path for tangents of up to 16 bytes and
    //! an out-of-line one above; both must follow the NaN-safe policy
    //! bit for bit, lane by lane, whatever the width.
    use super::{lincomb, scale};

    /// The policy for one lane, written as plainly as possible.
    fn term(a: f64, x: f64) -> f64 {
        if x == 0.0 && !a.is_finite() { 0.0 } else { a * x }
    }

    const COEFFS: [f64; 7] = [2.5, -0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -3.0];
    const LANES: [f64; 5] = [0.0, -0.0, 1.5, -2.0, f64::INFINITY];

    fn lanes<const N: usize>(shift: usize) -> [f64; N] {
        core::array::from_fn(|i| LANES[(i + shift) % LANES.len()])
    }

    fn check<const N: usize>() {
        for shift in 0..LANES.len() {
            let (x, y) = (lanes::<N>(shift), lanes::<N>(shift + 2));
            for &a in &COEFFS {
                let r = scale(a, &x);
                for i in 0..N {
                    let want = if x[i] == 0.0 && !a.is_finite() { x[i] } else { a * x[i] };
                    assert_eq!(r[i].to_bits(), want.to_bits(), "scale N={N} a={a} lane {i}");
                }
                for &b in &COEFFS {
                    let r = lincomb(a, &x, b, &y);
                    let fin = a.is_finite() && b.is_finite();
                    for i in 0..N {
                        let want =
                            if fin { a * x[i] + b * y[i] } else { term(a, x[i]) + term(b, y[i]) };
                        assert_eq!(
                            r[i].to_bits(),
                            want.to_bits(),
                            "lincomb N={N} a={a} b={b} lane {i}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn inline_and_out_of_line_paths_follow_the_policy_bit_for_bit() {
        check::<1>();
        check::<2>();
        check::<3>();
        check::<8>();
        check::<33>();
    }
}
