//! User-defined differentiable blocks: the lecture's unit, usable in both
//! modes.
//!
//! A block is a function `f: Rᴷ → R` that knows its partial derivatives:
//! implement [`Block`] by returning `f(x)` and `[∂f/∂x₁, …, ∂f/∂x_K]` at a
//! point, and apply it with [`apply`] (or [`Block::call`]) to `f64`/`f32`,
//! to [`Dual<T, N>`](crate::Dual) (forward mode: the tangent becomes
//! `Σ ∂f/∂xᵢ · ẋᵢ`) or to [`reverse::Var`](crate::reverse::Var) (reverse mode: the
//! partials are recorded on the tape). Use one for a special function, an
//! expensive simulation with a known adjoint, or to keep a sub-computation
//! as a single node of the graph.
//!
//! The lecture's two blocks, `Product` (`df = (y, x)`) and `Cosine`
//! (`df = −sin x`), and its example `z = x²·e^(x + cos y)` built from them,
//! in both modes:
//!
//! ```
//! use dualnum::block::{Block, BlockScalar};
//! use dualnum::{Dual, reverse};
//! use num_traits::Float;
//!
//! struct Product;
//! impl<T: Float> Block<T, 2> for Product {
//!     fn eval(&self, [x, y]: [T; 2]) -> (T, [T; 2]) {
//!         (x * y, [y, x])
//!     }
//! }
//!
//! struct Cosine;
//! impl<T: Float> Block<T, 1> for Cosine {
//!     fn eval(&self, [x]: [T; 1]) -> (T, [T; 1]) {
//!         let (s, c) = x.sin_cos();
//!         (c, [-s])
//!     }
//! }
//!
//! // Written once, for any number type blocks apply to.
//! fn z<T: BlockScalar>(v: &[T]) -> T {
//!     let (x, y) = (v[0], v[1]);
//!     Product.call([Product.call([x, x]), (x + Cosine.call([y])).exp()])
//! }
//!
//! let e2 = 2.0f64.exp();
//! let p = [2.0, std::f64::consts::FRAC_PI_2];
//! let fwd = z(&Dual::variables(p));
//! let (value, rev) = reverse::gradient(|v| z(v), &p);
//! assert!((fwd.value() - 4.0 * e2).abs() < 1e-13 && (value - 4.0 * e2).abs() < 1e-13);
//! assert!((fwd.partial(0) - 8.0 * e2).abs() < 1e-13 && (rev[0] - 8.0 * e2).abs() < 1e-13);
//! assert!((fwd.partial(1) + 4.0 * e2).abs() < 1e-13 && (rev[1] + 4.0 * e2).abs() < 1e-13);
//! ```

use num_traits::Float;

use crate::reverse::Var;
use crate::{Dual, tangent};

/// A differentiable block with `K` inputs: its value and its partial
/// derivatives at a point.
///
/// Implement it generically (`impl<T: Float> Block<T, K> for MyBlock`) to
/// use the block at any precision and nested for higher derivatives, or for
/// one concrete `T` when the derivative code is specific to it.
pub trait Block<T, const K: usize> {
    /// `(f(x), [∂f/∂x₁, …, ∂f/∂x_K])` at `x`.
    fn eval(&self, x: [T; K]) -> (T, [T; K]);

    /// Applies the block to any number type that blocks apply to; the same
    /// as [`apply`]`(self, x)`.
    #[inline]
    fn call<X>(&self, x: [X; K]) -> X
    where
        X: BlockScalar<Base = T>,
        Self: Sized,
    {
        X::apply(self, x)
    }
}

/// A number type that user-defined blocks apply to: the plain floats, the
/// dual numbers of forward mode and the variables of reverse mode.
pub trait BlockScalar: Float {
    /// The type the block computes on: `f64` for `f64`, `T` for
    /// `Dual<T, N>` and for `Var<'_, T>`.
    type Base: Float;

    /// `f(x)` with its derivative propagated as this number type does.
    fn apply<B: Block<Self::Base, K> + ?Sized, const K: usize>(block: &B, x: [Self; K]) -> Self;
}

/// Applies `block` to `x`: see [`BlockScalar::apply`].
#[inline]
pub fn apply<X: BlockScalar, B: Block<X::Base, K> + ?Sized, const K: usize>(
    block: &B,
    x: [X; K],
) -> X {
    X::apply(block, x)
}

macro_rules! plain {
    ($($t:ty),*) => {$(
        /// The value only.
        impl BlockScalar for $t {
            type Base = $t;
            #[inline]
            fn apply<B: Block<$t, K> + ?Sized, const K: usize>(block: &B, x: [$t; K]) -> $t {
                block.eval(x).0
            }
        }
    )*};
}

plain!(f32, f64);

/// Forward mode: the tangent is `Σᵢ ∂f/∂xᵢ · ẋᵢ`, NaN-safe as
/// [`Dual::chain`] (an infinite or undefined partial is dropped in every
/// lane where its input's tangent is zero).
impl<T: Float, const N: usize, const SAFE: bool> BlockScalar for Dual<T, N, SAFE> {
    type Base = T;
    #[inline]
    fn apply<B: Block<T, K> + ?Sized, const K: usize>(block: &B, x: [Self; K]) -> Self {
        let (v, d) = block.eval(core::array::from_fn(|i| x[i].re));
        chain_k(v, &d, &x)
    }
}

/// The `K`-input chain kernel: value `v`, tangent `Σᵢ dᵢ·ẋᵢ`.
#[inline]
fn chain_k<T: Float, const N: usize, const SAFE: bool, const K: usize>(
    v: T,
    d: &[T; K],
    x: &[Dual<T, N, SAFE>; K],
) -> Dual<T, N, SAFE> {
    match K {
        0 => Dual::lift(v),
        1 => x[0].chain(v, d[0]),
        2 => Dual::chain2(&x[0], &x[1], v, d[0], d[1]),
        _ => {
            let mut eps = tangent::scale::<T, N, SAFE>(d[0], &x[0].eps);
            for i in 1..K {
                eps = tangent::lincomb::<T, N, SAFE>(T::one(), &eps, d[i], &x[i].eps);
            }
            Dual { re: v, eps }
        }
    }
}

/// Reverse mode: the value and the partials of the varying inputs are
/// recorded on their tape (one node for up to two varying inputs).
impl<T: Float> BlockScalar for Var<'_, T> {
    type Base = T;
    #[inline]
    #[track_caller]
    fn apply<B: Block<T, K> + ?Sized, const K: usize>(block: &B, x: [Self; K]) -> Self {
        let (v, d) = block.eval(core::array::from_fn(|i| x[i].val));
        Var::block(&x, v, &d)
    }
}
