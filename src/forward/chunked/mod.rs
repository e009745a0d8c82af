//! Chunked forward mode for inputs whose length is known only at run time:
//! `&[T]` in, nalgebra `DVector`/`DMatrix` out; first order here, second
//! order (Hessian, Hessian-vector product) in the `second` submodule.
//!
//! A gradient or Jacobian with `n` inputs evaluates the function
//! `⌈n / C⌉` times on `Dual<T, C>`, each time seeding the next `C` inputs
//! with the unit tangents `ε₀ … ε_{C−1}` and holding the others constant;
//! the last chunk may seed fewer than `C` lanes. `C` is a const generic, so
//! every dual operation works on a fixed `[T; C]` on the stack: the only
//! heap allocations are the input copy and the result, once per call.
//!
//! | driver | function shape | evaluations |
//! |---|---|---|
//! | [`gradient`] | `FnMut(&[Dual<T, C>]) -> Dual<T, C>` | `⌈n / C⌉` |
//! | [`jacobian`] | `FnMut(&[Dual<T, C>]) -> O`: an array, `Vec` or nalgebra vector ([`Outputs`]) | `⌈n / C⌉` |
//! | [`jacobian_inplace`] | `FnMut(&[Dual<T, C>], &mut [Dual<T, C>])`, `m` outputs | `⌈n / C⌉` |
//! | [`gradient_into`], [`jacobian_into`] | as `gradient`, `jacobian_inplace`, writing into caller slices | `⌈n / C⌉` |
//! | `par_jacobian`, `par_jacobian_inplace` (feature `rayon`) | as above, `Fn + Sync` | `⌈n / C⌉`, on several threads |
//! | [`hessian`] | `FnMut(&[Dual<Dual<T, C>, C>]) -> Dual<Dual<T, C>, C>` | `K(K + 1)/2`, `K = ⌈n / C⌉` |
//! | [`hvp`] | `FnMut(&[Dual<Dual<T, 1>, C>]) -> Dual<Dual<T, 1>, C>` | `⌈n / C⌉` |
//!
//! Every driver has an `_into` twin writing into caller slices and an
//! `_of` twin taking a [`Function`]/[`VectorFunction`] object.
//!
//! # Choosing `C`
//!
//! Nothing needs naming: each function of this module runs at a default
//! width, [`DEFAULT_CHUNK`] lanes, and [`Chunk<C>`](Chunk) has every driver under the same
//! name at an explicit width: `chunked::gradient(f, &x)` and
//! `chunked::Chunk::<4>::gradient(f, &x)`. Larger chunks mean fewer
//! evaluations (each shares the value computation among `C` lanes) but
//! wider numbers; the defaults are the widths that measured fastest (see
//! their docs).
//!
//! ```
//! use dualnum::{chunked, test_functions::rosenbrock};
//!
//! let x = vec![1.2; 10];
//! let (fx, g) = chunked::Chunk::<4>::gradient(|x| rosenbrock(x), &x); // 3 evaluations
//! let (fx8, g8) = chunked::gradient(|x| rosenbrock(x), &x);
//! assert_eq!((fx, &g), (fx8, &g8));
//! assert_eq!(g.len(), 10);
//! ```

mod defaults;
mod second;

pub use defaults::{
    gradient, gradient_into, gradient_of, hessian, hessian_into, hessian_of, hvp, hvp_into, hvp_of,
    jacobian, jacobian_inplace, jacobian_into, jacobian_of,
};
#[cfg(feature = "rayon")]
pub use defaults::{par_jacobian, par_jacobian_inplace};

use alloc::vec::Vec;

use nalgebra::{DMatrix, DVector, Scalar};
use num_traits::Float;

use crate::forward::{constants, fill_columns, plus_zero, set_chunk};
use crate::numeric::check_into;
use crate::outputs::Outputs;
use crate::{Dual, Function, VectorFunction};

/// The default chunk width of every driver of this module
/// ([`gradient`], [`jacobian`], [`hessian`], [`hvp`], …): 8 lanes, the
/// width the functions without a [`Chunk`] use.
///
/// Chosen by `benches/chunk_size.rs` (chunked gradient of `rosenbrock` at
/// `n` = 100 and 1000, `C` ∈ {1, 2, 4, 8, 16, 32}; criterion medians,
/// `--warm-up-time 1 --measurement-time 2`, two runs on the shared 2-core
/// x86-64 development machine, default target features, with the core as
/// it is now: operators and chain kernels `#[inline(always)]`, the NaN-safe
/// branch out of line for tangents over 16 bytes):
///
/// | C | n = 100 (µs) | n = 1000 (ms) |
/// |---|---|---|
/// | 1 | 38.0 / 35.7 | 3.43 / 3.58 |
/// | 2 | 22.1 / 23.6 | 2.17 / 2.04 |
/// | 4 | 13.5 / 15.6 | 1.42 / 1.59 |
/// | **8** | **11.5 / 11.7** | **1.11 / 1.13** |
/// | 16 | 11.5 / 11.7 | 1.01 / 1.00 |
/// | 32 | 16.5 / 17.9 | 1.30 / 1.33 |
///
/// Every width does about the same arithmetic in total (`⌈n/C⌉`
/// evaluations of `C + 1` numbers per operation); what differs is how well
/// the lanes vectorise and stay in registers. The time falls steeply up to
/// 8 lanes, 16 is level with 8 at n = 100 and about 10% faster at n = 1000,
/// and 32 is slower again. 8 is the default: as fast as 16 where it
/// matters little, half the registers (so functions heavier than
/// Rosenbrock spill less), and half the wasted lanes in a remainder chunk.
/// (Before the inlining and out-of-line safe branch, 16 and 32 were 3.5–7×
/// slower than 8 because whole tangents were copied through memory.)
///
/// The chunked Hessian (`Dual<Dual<T, C>, C>`, `(C + 1)²` numbers per
/// value) was measured for the same choice by instruction counts
/// (callgrind, three `Chunk::<C>::hessian` calls on `rosenbrock`,
/// release build, default target; 0.3 M of process start-up included):
///
/// | C | n = 20 (M instr.) | n = 100 (M instr.) |
/// |---|---|---|
/// | 1 | 4.05 | 459 |
/// | 2 | 2.23 | 227 |
/// | 4 | **1.79** | 165 |
/// | **8** | 1.96 | **128** |
/// | 16 | 3.49 | 153 |
///
/// 4 is 9% ahead at n = 20 (a few microseconds), 8 is 22% ahead at
/// n = 100 where the time is, so the Hessian shares the one default.
pub const DEFAULT_CHUNK: usize = 8;

/// The chunked drivers at an explicit width of `C` lanes:
/// `Chunk::<4>::gradient(f, &x)`, where `chunked::gradient(f, &x)` takes
/// [`DEFAULT_CHUNK`]. Every driver of this module is here under the same
/// name, and only the width needs naming (the number type, the closure and
/// the output type are inferred).
///
/// `C = 0` is a compile error.
///
/// ```
/// use dualnum::chunked::{self, Chunk};
/// use dualnum::test_functions::rosenbrock;
///
/// let x = vec![0.5; 10];
/// let (fx, g) = Chunk::<4>::gradient(|x| rosenbrock(x), &x); // 3 evaluations
/// let (_, g16) = Chunk::<16>::gradient(|x| rosenbrock(x), &x); // 1 evaluation
/// assert_eq!((fx, g.clone()), chunked::gradient(|x| rosenbrock(x), &x));
/// assert_eq!(g, g16);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Chunk<const C: usize>;

impl<const C: usize> Chunk<C> {
    /// The value and gradient of `f: R^n → R` at `x`, evaluating `f`
    /// `⌈n / C⌉` times with `Dual<T, C>`.
    ///
    /// The value is that of the first evaluation (all evaluations compute the
    /// same value). For `n = 0` the function is evaluated once and the gradient
    /// is empty. `C = 0` is a compile error.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::{rosenbrock, rosenbrock_gradient}};
    ///
    /// let x: Vec<f64> = (0..7).map(|i| 0.1 * i as f64).collect();
    /// let (fx, g) = chunked::Chunk::<3>::gradient(|x| rosenbrock(x), &x);
    /// let mut want = vec![0.0; 7];
    /// rosenbrock_gradient(&x, &mut want);
    /// assert_eq!(fx, rosenbrock(&x));
    /// assert!(g.iter().zip(&want).all(|(a, b)| (a - b).abs() <= 1e-12 * b.abs().max(1.0)));
    /// ```
    #[must_use]
    pub fn gradient<T>(f: impl FnMut(&[Dual<T, C>]) -> Dual<T, C>, x: &[T]) -> (T, DVector<T>)
    where
        T: Float + Scalar,
    {
        let mut grad = DVector::zeros(x.len());
        let fx = Self::gradient_into(f, x, grad.as_mut_slice());
        (fx, grad)
    }
}

impl<const C: usize> Chunk<C> {
    /// [`gradient`](Self::gradient) writing the gradient into `grad`; returns the value. The
    /// only allocation is the dual copy of `x`.
    ///
    /// # Panics
    ///
    /// If `grad.len() != x.len()`.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::rosenbrock};
    ///
    /// let x = vec![1.2; 10];
    /// let mut g = vec![0.0; 10];
    /// let fx = chunked::Chunk::<4>::gradient_into(|x| rosenbrock(x), &x, &mut g);
    /// assert_eq!((fx, g.as_slice()), (rosenbrock(&x), chunked::Chunk::<4>::gradient(|x| rosenbrock(x), &x).1.as_slice()));
    /// ```
    #[track_caller]
    pub fn gradient_into<T>(
        mut f: impl FnMut(&[Dual<T, C>]) -> Dual<T, C>,
        x: &[T],
        grad: &mut [T],
    ) -> T
    where
        T: Float,
    {
        const { assert!(C > 0, "the chunk width C must be at least 1") };
        check_into("chunked::gradient_into", "grad", grad.len(), x.len());
        let n = x.len();
        let mut xd = constants::<T, C, true>(x);
        let k = set_chunk(&mut xd, 0, true);
        let y = f(&xd);
        let fx = y.re;
        copy_derivatives(&mut grad[..k], &y.eps[..k]);
        for start in (C..n).step_by(C) {
            set_chunk(&mut xd, start - C, false);
            let k = set_chunk(&mut xd, start, true);
            let y = f(&xd);
            copy_derivatives(&mut grad[start..start + k], &y.eps[..k]);
        }
        fx
    }
}

impl<const C: usize> Chunk<C> {
    /// The value and `m × n` Jacobian of `F: R^n → R^m` at `x`, evaluating `F`
    /// `⌈n / C⌉` times with `Dual<T, C>`.
    ///
    /// The closure returns its outputs as an array, a `Vec`, a `Box<[_]>` or
    /// an nalgebra vector (see [`Outputs`]); `m` is the length of the first
    /// result. Column `j` of the Jacobian is lane `j mod C` of the evaluation
    /// that seeded input `j`.
    ///
    /// # Panics
    ///
    /// If an evaluation returns a different number of outputs than the first;
    /// the message names both lengths and the chunk of inputs being seeded.
    ///
    /// ```
    /// use dualnum::chunked;
    ///
    /// // F(x) = (x₀·x₁·x₂, x₀ + x₂); J = [[x₁x₂, x₀x₂, x₀x₁], [1, 0, 1]]
    /// let x = [2.0, 3.0, 5.0];
    /// let (fx, j) = chunked::Chunk::<2>::jacobian(|x| [x[0] * x[1] * x[2], x[0] + x[2]], &x);
    /// assert_eq!(fx.as_slice(), &[30.0, 7.0]);
    /// assert_eq!(j, nalgebra::dmatrix![15.0, 10.0, 6.0; 1.0, 0.0, 1.0]);
    /// ```
    #[must_use]
    #[track_caller]
    pub fn jacobian<T, O>(
        mut f: impl FnMut(&[Dual<T, C>]) -> O,
        x: &[T],
    ) -> (DVector<T>, DMatrix<T>)
    where
        T: Float + Scalar,
        O: Outputs<Dual<T, C>>,
    {
        jacobian_core(
            |x, out: &mut Vec<Dual<T, C>>| {
                let y = f(x);
                out.clear();
                out.extend_from_slice(y.as_outputs());
            },
            x,
            "chunked::jacobian",
        )
    }
}

impl<const C: usize> Chunk<C> {
    /// The value and `m × n` Jacobian of a map written in place,
    /// `f(x, out)` with `out.len() == m`, evaluating it `⌈n / C⌉` times.
    ///
    /// This is the shape of the maps in [`test_functions`](crate::test_functions)
    /// (`fn f<T: Float>(x: &[T], out: &mut [T])`); `out` is cleared to zero
    /// before each evaluation and reused, so no output vector is allocated per
    /// chunk.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::{broyden_tridiagonal, broyden_tridiagonal_jacobian}};
    ///
    /// let x = [0.5, -0.25, 1.0, 2.0, -1.0];
    /// let (fx, j) = chunked::Chunk::<2>::jacobian_inplace(|x, out| broyden_tridiagonal(x, out), &x, 5);
    /// let mut want = [0.0; 25];
    /// broyden_tridiagonal_jacobian(&x, &mut want);
    /// assert_eq!(j, nalgebra::DMatrix::from_row_slice(5, 5, &want));
    /// ```
    #[must_use]
    pub fn jacobian_inplace<T>(
        f: impl FnMut(&[Dual<T, C>], &mut [Dual<T, C>]),
        x: &[T],
        m: usize,
    ) -> (DVector<T>, DMatrix<T>)
    where
        T: Float + Scalar,
    {
        let mut fx = DVector::zeros(m);
        let mut jac = DMatrix::zeros(m, x.len());
        Self::jacobian_into(f, x, fx.as_mut_slice(), jac.as_mut_slice());
        (fx, jac)
    }
}

impl<const C: usize> Chunk<C> {
    /// [`jacobian_inplace`](Self::jacobian_inplace) writing `F(x)` into `fx` (its length is `m`) and
    /// the `m × n` Jacobian into `jac`, column-major (`jac[i + m·j] =
    /// ∂Fᵢ/∂xⱼ`, the layout of `DMatrix::as_mut_slice`). The only allocations
    /// are the dual copies of `x` and of the outputs.
    ///
    /// # Panics
    ///
    /// If `jac.len() != fx.len() · x.len()`.
    ///
    /// ```
    /// use dualnum::{chunked, test_functions::broyden_tridiagonal};
    ///
    /// let x = [0.5, -0.25, 1.0];
    /// let (mut fx, mut jac) = ([0.0; 3], nalgebra::Matrix3::zeros());
    /// chunked::Chunk::<2>::jacobian_into(|x, out| broyden_tridiagonal(x, out), &x, &mut fx, jac.as_mut_slice());
    /// let (fx2, jac2) = chunked::Chunk::<2>::jacobian_inplace(|x, out| broyden_tridiagonal(x, out), &x, 3);
    /// assert_eq!((fx.as_slice(), jac.as_slice()), (fx2.as_slice(), jac2.as_slice()));
    /// ```
    #[track_caller]
    pub fn jacobian_into<T>(
        mut f: impl FnMut(&[Dual<T, C>], &mut [Dual<T, C>]),
        x: &[T],
        fx: &mut [T],
        jac: &mut [T],
    ) where
        T: Float,
    {
        const { assert!(C > 0, "the chunk width C must be at least 1") };
        let (m, n) = (fx.len(), x.len());
        check_into("chunked::jacobian_into", "jac", jac.len(), m * n);
        let mut xd = constants::<T, C, true>(x);
        let mut out = alloc::vec![Dual::constant(T::zero()); m];
        let mut start = 0;
        loop {
            let k = set_chunk(&mut xd, start, true);
            out.iter_mut().for_each(|o| *o = Dual::constant(T::zero()));
            f(&xd, &mut out);
            if start == 0 {
                for (v, y) in fx.iter_mut().zip(&out) {
                    *v = y.re;
                }
            }
            for lane in 0..k {
                for (dst, y) in jac[m * (start + lane)..m * (start + lane + 1)].iter_mut().zip(&out)
                {
                    *dst = plus_zero(y.eps[lane]);
                }
            }
            set_chunk(&mut xd, start, false);
            start += C;
            if start >= n {
                break;
            }
        }
    }
}

/// The sequential chunk loop of [`jacobian`]: `eval(x, out)` leaves the
/// outputs in `out`, whose length the first evaluation decides.
#[track_caller]
fn jacobian_core<const C: usize, T: Float + Scalar>(
    mut eval: impl FnMut(&[Dual<T, C>], &mut Vec<Dual<T, C>>),
    x: &[T],
    who: &str,
) -> (DVector<T>, DMatrix<T>) {
    const { assert!(C > 0, "the chunk width C must be at least 1") };
    let n = x.len();
    let mut xd = constants::<T, C, true>(x);
    let mut out = Vec::new();
    let k = set_chunk(&mut xd, 0, true);
    eval(&xd, &mut out);
    let m = out.len();
    let value = DVector::from_iterator(m, out.iter().map(|y| y.re));
    let mut jac = DMatrix::zeros(m, n);
    fill_columns(&mut jac, 0, k, &out);
    for start in (C..n).step_by(C) {
        set_chunk(&mut xd, start - C, false);
        let k = set_chunk(&mut xd, start, true);
        eval(&xd, &mut out);
        check_len(who, m, out.len(), start, k);
        fill_columns(&mut jac, start, k, &out);
    }
    (value, jac)
}

impl<const C: usize> Chunk<C> {
    /// [`gradient`](Self::gradient) for a [`Function`] object, with the checked fast path of
    /// [`gradient_of`](crate::gradient_of): each pass runs `f.eval` on
    /// [`Unchecked`](crate::Unchecked) duals, and a pass whose result has a
    /// non-finite component is run again on the NaN-safe `Dual<T, C>` (see
    /// [`function`](crate::function) for when the two can differ).
    ///
    /// ```
    /// use dualnum::{Function, chunked, test_functions::rosenbrock};
    /// use num_traits::Float;
    ///
    /// struct Rosenbrock;
    /// impl Function for Rosenbrock {
    ///     fn eval<T: Float>(&self, x: &[T]) -> T {
    ///         rosenbrock(x)
    ///     }
    /// }
    /// let x = vec![0.5; 20];
    /// assert_eq!(chunked::Chunk::<8>::gradient_of(&Rosenbrock, &x), chunked::Chunk::<8>::gradient(rosenbrock, &x));
    /// ```
    #[inline]
    #[must_use]
    pub fn gradient_of<T, F>(f: &F, x: &[T]) -> (T, DVector<T>)
    where
        T: Float + Scalar,
        F: Function + ?Sized,
    {
        const { assert!(C > 0, "the chunk width C must be at least 1") };
        let n = x.len();
        let mut grad = DVector::zeros(n);
        let mut fast = constants::<T, C, false>(x);
        let mut safe: Vec<Dual<T, C>> = Vec::new();
        let mut fx = T::zero();
        for start in (0..n.max(1)).step_by(C) {
            if start >= C {
                set_chunk(&mut fast, start - C, false);
            }
            let k = set_chunk(&mut fast, start, true);
            let y = f.eval(&fast);
            let y = if crate::tangent::all_finite(y.re)
                & y.eps.iter().fold(true, |ok, &e| ok & crate::tangent::all_finite(e))
            {
                (y.re, y.eps)
            } else {
                // The rare pass with a non-finite component, NaN-safe.
                if safe.is_empty() {
                    safe = constants(x);
                }
                set_chunk(&mut safe, start, true);
                let y = f.eval(&safe);
                set_chunk(&mut safe, start, false);
                (y.re, y.eps)
            };
            if start == 0 {
                fx = y.0;
            }
            copy_derivatives(&mut grad.as_mut_slice()[start..start + k], &y.1[..k]);
        }
        (fx, grad)
    }
}

impl<const C: usize> Chunk<C> {
    /// [`jacobian_inplace`](Self::jacobian_inplace) for a [`VectorFunction`] object, with
    /// `m = f.outputs(x.len())`, and the checked fast path of
    /// [`gradient_of`](Self::gradient_of): each pass runs `f.eval` on
    /// [`Unchecked`](crate::Unchecked) duals, and a pass with a non-finite
    /// output component (value or tangent) is run again on the NaN-safe
    /// `Dual<T, C>` (see [`function`](crate::function) for when the two can
    /// differ).
    ///
    /// ```
    /// use dualnum::{VectorFunction, chunked, test_functions::broyden_tridiagonal};
    /// use num_traits::Float;
    ///
    /// struct Broyden;
    /// impl VectorFunction for Broyden {
    ///     fn outputs(&self, n: usize) -> usize {
    ///         n
    ///     }
    ///     fn eval<T: Float>(&self, x: &[T], out: &mut [T]) {
    ///         broyden_tridiagonal(x, out)
    ///     }
    /// }
    /// let x = vec![0.5; 9];
    /// assert_eq!(
    ///     chunked::Chunk::<4>::jacobian_of(&Broyden, &x),
    ///     chunked::Chunk::<4>::jacobian_inplace(broyden_tridiagonal, &x, 9)
    /// );
    /// ```
    #[inline]
    #[must_use]
    pub fn jacobian_of<T, F>(f: &F, x: &[T]) -> (DVector<T>, DMatrix<T>)
    where
        T: Float + Scalar,
        F: VectorFunction + ?Sized,
    {
        const { assert!(C > 0, "the chunk width C must be at least 1") };
        let (n, m) = (x.len(), f.outputs(x.len()));
        let mut fx = DVector::zeros(m);
        let mut jac = DMatrix::zeros(m, n);
        let mut fast = constants::<T, C, false>(x);
        let mut out_fast: Vec<Dual<T, C, false>> = alloc::vec![Dual::lift(T::zero()); m];
        let mut safe: Vec<Dual<T, C>> = Vec::new();
        let mut out_safe: Vec<Dual<T, C>> = Vec::new();
        for start in (0..n.max(1)).step_by(C) {
            if start >= C {
                set_chunk(&mut fast, start - C, false);
            }
            let k = set_chunk(&mut fast, start, true);
            out_fast.iter_mut().for_each(|o| *o = Dual::lift(T::zero()));
            f.eval(&fast, &mut out_fast);
            let finite = out_fast.iter().fold(true, |ok, y| {
                ok & crate::tangent::all_finite(y.re)
                    & y.eps.iter().fold(true, |ok, &e| ok & crate::tangent::all_finite(e))
            });
            if finite {
                store_pass(&out_fast, start, k, fx.as_mut_slice(), jac.as_mut_slice());
            } else {
                // The rare pass with a non-finite component, NaN-safe.
                if safe.is_empty() {
                    safe = constants(x);
                    out_safe = alloc::vec![Dual::constant(T::zero()); m];
                }
                set_chunk(&mut safe, start, true);
                out_safe.iter_mut().for_each(|o| *o = Dual::constant(T::zero()));
                f.eval(&safe, &mut out_safe);
                set_chunk(&mut safe, start, false);
                store_pass(&out_safe, start, k, fx.as_mut_slice(), jac.as_mut_slice());
            }
        }
        (fx, jac)
    }
}

/// Writes one pass's outputs: the values (from the first pass) into `fx`,
/// lane `l`'s tangents into column `start + l` of the column-major `jac`.
#[inline]
fn store_pass<T: Float, const C: usize, const SAFE: bool>(
    out: &[Dual<T, C, SAFE>],
    start: usize,
    k: usize,
    fx: &mut [T],
    jac: &mut [T],
) {
    let m = out.len();
    if start == 0 {
        for (v, y) in fx.iter_mut().zip(out) {
            *v = y.re;
        }
    }
    for lane in 0..k {
        for (dst, y) in jac[m * (start + lane)..m * (start + lane + 1)].iter_mut().zip(out) {
            *dst = plus_zero(y.eps[lane]);
        }
    }
}

/// The parallel chunk loop: the chunks are independent (each seeds its own
/// columns), so rayon evaluates them on several threads, each with its own
/// copy of the input, and the columns are assembled in order afterwards.
/// Every column comes from the same dual computation as in the sequential
/// loop, so the results are identical bit for bit.
#[cfg(feature = "rayon")]
mod par {
    use alloc::vec::Vec;

    use nalgebra::{DMatrix, DVector, Scalar};
    use num_traits::Float;
    use rayon::prelude::*;

    use super::{Chunk, check_len};
    use crate::Dual;
    use crate::forward::{constants, fill_columns, set_chunk};

    impl<const C: usize> Chunk<C> {
        /// [`jacobian`](Chunk::jacobian), evaluating the chunks on rayon's
        /// thread pool; the result is identical to the sequential one.
        ///
        /// The closure must be `Fn + Sync` as it is called from several threads
        /// at once. Worth it when one evaluation is expensive and `n / C` is
        /// at least the number of threads.
        ///
        /// # Panics
        ///
        /// As [`jacobian`](Chunk::jacobian): if the chunks' output lengths
        /// differ (checked in chunk order, so the message is the sequential
        /// one).
        ///
        /// ```
        /// use dualnum::{chunked, test_functions::broyden_exp_sin};
        ///
        /// let x: Vec<f64> = (0..20).map(|i| 0.05 * i as f64).collect();
        /// let f = |x: &[dualnum::Dual<f64, 4>]| {
        ///     let mut out = vec![dualnum::Dual::constant(0.0); x.len()];
        ///     broyden_exp_sin(x, &mut out);
        ///     out
        /// };
        /// assert_eq!(chunked::Chunk::<4>::par_jacobian(f, &x), chunked::Chunk::<4>::jacobian(f, &x));
        /// ```
        #[must_use]
        #[track_caller]
        pub fn par_jacobian<T, O>(
            f: impl Fn(&[Dual<T, C>]) -> O + Sync,
            x: &[T],
        ) -> (DVector<T>, DMatrix<T>)
        where
            T: Float + Scalar + Send + Sync,
            O: crate::outputs::Outputs<Dual<T, C>>,
        {
            par_core(|x| f(x).as_outputs().to_vec(), x, "chunked::par_jacobian")
        }
    }

    impl<const C: usize> Chunk<C> {
        /// [`jacobian_inplace`](Chunk::jacobian_inplace), evaluating the chunks
        /// on rayon's thread pool; the result is identical to the sequential
        /// one.
        ///
        /// ```
        /// use dualnum::{chunked, test_functions::broyden_tridiagonal as b};
        ///
        /// let x: Vec<f64> = (0..20).map(|i| 0.05 * i as f64).collect();
        /// assert_eq!(
        ///     chunked::Chunk::<4>::par_jacobian_inplace(|x, out| b(x, out), &x, 20),
        ///     chunked::Chunk::<4>::jacobian_inplace(|x, out| b(x, out), &x, 20),
        /// );
        /// ```
        #[must_use]
        pub fn par_jacobian_inplace<T>(
            f: impl Fn(&[Dual<T, C>], &mut [Dual<T, C>]) + Sync,
            x: &[T],
            m: usize,
        ) -> (DVector<T>, DMatrix<T>)
        where
            T: Float + Scalar + Send + Sync,
        {
            par_core(
                |x| {
                    let mut out = alloc::vec![Dual::constant(T::zero()); m];
                    f(x, &mut out);
                    out
                },
                x,
                "chunked::par_jacobian_inplace",
            )
        }
    }

    #[track_caller]
    fn par_core<const C: usize, T>(
        eval: impl Fn(&[Dual<T, C>]) -> Vec<Dual<T, C>> + Sync,
        x: &[T],
        who: &str,
    ) -> (DVector<T>, DMatrix<T>)
    where
        T: Float + Scalar + Send + Sync,
    {
        const { assert!(C > 0, "the chunk width C must be at least 1") };
        let n = x.len();
        let base = constants::<T, C, true>(x);
        let chunks = n.div_ceil(C).max(1);
        let outs: Vec<(usize, Vec<Dual<T, C>>)> = (0..chunks)
            .into_par_iter()
            .map_init(
                || base.clone(),
                |xd, c| {
                    let k = set_chunk(xd, c * C, true);
                    let out = eval(xd);
                    set_chunk(xd, c * C, false);
                    (k, out)
                },
            )
            .collect();
        let m = outs[0].1.len();
        let value = DVector::from_iterator(m, outs[0].1.iter().map(|y| y.re));
        let mut jac = DMatrix::zeros(m, n);
        for (c, (k, out)) in outs.iter().enumerate() {
            check_len(who, m, out.len(), c * C, *k);
            fill_columns(&mut jac, c * C, *k, out);
        }
        (value, jac)
    }
}

/// `dst[i] = src[i] + 0`: derivatives read out with an exact zero as +0
/// (see `forward::plus_zero`).
#[inline]
fn copy_derivatives<T: Float>(dst: &mut [T], src: &[T]) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d = plus_zero(s);
    }
}

// ---------------------------------------------------------------------------
// The output-length check
// ---------------------------------------------------------------------------

#[track_caller]
fn check_len(who: &str, first: usize, now: usize, start: usize, k: usize) {
    assert!(
        now == first,
        "{who}: the function returned {first} outputs on its first evaluation but {now} \
         on the evaluation seeding inputs {start}..{end}; the number of outputs must not \
         depend on the input values or on which inputs are seeded",
        end = start + k
    );
}
