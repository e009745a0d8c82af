//! Forward-mode drivers: the common jobs as one-liners, so nobody seeds
//! tangents by hand.
//!
//! Each driver seeds the inputs, evaluates the user's function **once** on
//! dual numbers, and reads the answer out of the result's tangents:
//!
//! | driver | function | result | dual type |
//! |---|---|---|---|
//! | [`derivative`] | `R → R` | `(f, f')` | `Dual<T, 1>` |
//! | [`gradient`] | `R^N → R` | `(f, ∇f)` | `Dual<T, N>` |
//! | [`jacobian`] | `R^N → R^M` | `(F, J)`, `J` an `M × N` matrix | `Dual<T, N>` |
//! | [`jvp`] | `R^N → R^M` or `R` | `(F, J·v)` | `Dual<T, 1>` |
//! | [`hessian`] | `R^N → R` | `(f, ∇f, ∇²f)` | [`Dual2<T, N>`](crate::Dual2) |
//! | [`hvp`] | `R^N → R` | `(f, ∇f, ∇²f·v)` | `Dual<Dual<T, 1>, N>` |
//!
//! Each has an `_of` twin ([`derivative_of`], [`gradient_of`],
//! [`jacobian_of`], [`jvp_of`], [`hessian_of`], [`hvp_of`]) taking a
//! [`Function`](crate::Function) or [`VectorFunction`](crate::VectorFunction)
//! object instead of a closure.
//!
//! Sizes are static (nalgebra's `SVector`/`SMatrix`), so a dimension mismatch
//! is a compile error. For inputs whose length is known only at run time see
//! [`chunked`].
//!
//! # The closure's argument
//!
//! The closure receives the seeded input **by value**, as an
//! `SVector<Dual<T, N>, N>` (it is `Copy`). Write the function once, generic
//! over [`num_traits::Float`], and call it through the closure:
//! `|x| rosenbrock(x.as_slice())`. nalgebra's arithmetic works on the
//! argument directly (`x.component_mul(&x)`, `a * x` with `a` an `SMatrix`
//! of duals, `x.dot(&x)`, `x + x`); constant matrices of plain numbers are
//! lifted with [`linalg::constants`].
//!
//! This module provides, in dependency order: the shared seeding and
//! extraction plumbing (below, also used by `chunked`), then the first-order
//! drivers (`first.rs`), then the second-order ones built from them
//! (`hessian.rs`).

mod checked;
pub mod chunked;
pub(crate) mod dual;
pub(crate) mod dual2;
mod first;
mod hessian;
pub mod linalg;
mod objects;

pub use checked::{gradient_of, hessian_of, jacobian_of};
pub use first::{Pushforward, derivative, gradient, jacobian, jvp};
pub use hessian::{hessian, hvp};
pub use objects::{derivative_of, hvp_of, jvp_of};

use alloc::vec::Vec;

use nalgebra::{DMatrix, SVector, Scalar};
use num_traits::Float;

use crate::Dual;

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

/// `x` as `N` independent variables `xᵢ + εᵢ`: [`crate::linalg::variables`].
pub(crate) use crate::linalg::variables as seed_all;

/// `x` as `N` independent variables for the closure drivers: as
/// [`seed_all`], except that for tangents wider than the kernels' select
/// (more than 32 bytes; 64 with AVX-512) the unseeded lanes are `+0`, not
/// `−0`. There the safe kernels test coefficients and run the plain loop,
/// and the `+0` seeds measured fewer instructions (callgrind, ∇ Rosenbrock
/// n = 16: 4 286 against 4 863 a call; n = 8: 1 226 against 1 238), as on
/// the fast path (see `checked.rs`); below it the seeds keep `−0`, which
/// the select folds (a known zero lane selects to a constant).
/// Results are the same numbers: a zero lane is read out as `+0` either way.
#[inline(always)]
pub(crate) fn seed_wide<T: Float + Scalar, const N: usize>(
    x: &SVector<T, N>,
) -> SVector<Dual<T, N>, N> {
    if crate::tangent::small::<T, N>() {
        seed_all(x)
    } else {
        SVector::from_fn(|i, _| {
            let mut eps = [T::zero(); N];
            eps[i] = T::one();
            Dual { re: x[i], eps }
        })
    }
}

/// `x` moving along one direction `v`: `xᵢ + vᵢ·ε`.
#[inline]
pub(crate) fn seed_direction<T: Float + Scalar, const N: usize>(
    x: &SVector<T, N>,
    v: &SVector<T, N>,
) -> SVector<Dual<T, 1>, N> {
    SVector::from_fn(|i, _| Dual::new(x[i], [v[i]]))
}

/// `x` as constants (zero tangents): the starting point of a chunked sweep.
pub(crate) fn constants<T: Float, const C: usize, const SAFE: bool>(
    x: &[T],
) -> Vec<Dual<T, C, SAFE>> {
    x.iter().map(|&v| Dual::lift(v)).collect()
}

/// Seeds (`on`) or clears the chunk of inputs `start..start + C`, clipped to
/// the input length: input `start + l` gets the unit tangent `ε_l` (or
/// zero). Returns the number of inputs in the chunk.
#[inline]
pub(crate) fn set_chunk<T: Float, const C: usize, const SAFE: bool>(
    x: &mut [Dual<T, C, SAFE>],
    start: usize,
    on: bool,
) -> usize {
    let end = (start + C).min(x.len());
    let start = start.min(end);
    for (lane, xi) in x[start..end].iter_mut().enumerate() {
        xi.eps = if on { crate::tangent::unit(lane) } else { crate::tangent::zero() };
    }
    end - start
}

// ---------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------

/// The tangent of a scalar result as a column vector: `∇f` when the inputs
/// were seeded by [`seed_all`].
#[inline]
pub(crate) fn tangent_column<T: Float + Scalar, const N: usize>(y: &Dual<T, N>) -> SVector<T, N> {
    SVector::from_fn(|i, _| plus_zero(y.eps[i]))
}

/// A derivative as the drivers hand it out: `d + 0`, which is `d` itself
/// except that an exact zero comes out as +0.0.
///
/// Inside the kernels a constant carries −0 tangents (adding −0 changes
/// no sign, so a constant term can be folded away; see `tangent.rs`), and
/// a lane that no input reaches can end as −0. Users read +0 from every
/// driver in both modes, as reverse mode's accumulated adjoints give. One
/// addition per derivative read out, nothing per operation; values are
/// never touched (they are bit-for-bit what plain `T` computes).
#[inline(always)]
pub(crate) fn plus_zero<T: Float>(d: T) -> T {
    d + T::zero()
}

/// Writes lanes `0..k` of the outputs' tangents into the Jacobian columns
/// `start..start + k`: the extraction step of a chunked sweep.
#[inline]
pub(crate) fn fill_columns<T: Float + Scalar, const C: usize>(
    jac: &mut DMatrix<T>,
    start: usize,
    k: usize,
    out: &[Dual<T, C>],
) {
    for lane in 0..k {
        for (dst, y) in jac.column_mut(start + lane).iter_mut().zip(out) {
            *dst = plus_zero(y.eps[lane]);
        }
    }
}
