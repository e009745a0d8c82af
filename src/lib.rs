//! # dualnum: forward-mode automatic differentiation with dual numbers
//!
//! Write a function once, generic over [`num_traits::Float`], and run it on
//! [`Dual<T, N>`] to get its exact value and `N` derivatives in one pass, with
//! no tape.
//!
//! ## The lecture's example
//!
//! `z(x, y) = x²·e^(x + cos y)` at `(2, π/2)` has `z = 4e²`,
//! `∂z/∂x = 8e²` and `∂z/∂y = −4e²`:
//!
//! ```
//! use dualnum::Dual;
//! use num_traits::Float;
//!
//! fn z<T: Float>(x: T, y: T) -> T {
//!     x.powi(2) * (x + y.cos()).exp()
//! }
//!
//! let [x, y] = Dual::variables([2.0, std::f64::consts::FRAC_PI_2]);
//! let out = z(x, y);
//! let e2 = 2.0f64.exp();
//! assert!((out.value() - 4.0 * e2).abs() < 1e-13);
//! assert!((out.partial(0) - 8.0 * e2).abs() < 1e-13);
//! assert!((out.partial(1) + 4.0 * e2).abs() < 1e-13);
//! ```
//!
//! ## Dual numbers in one screen
//!
//! Extend the reals with a symbol `ε` such that `ε² = 0`. Taylor's theorem
//! then stops after one term: `f(a + ȧε) = f(a) + f'(a)·ȧ·ε` exactly. So
//! carrying a pair (value, tangent) through a computation and applying the
//! chain rule at each elementary step gives the derivative alongside the
//! value. With `N` independent symbols `ε₁…ε_N` (all products zero), the
//! tangent is a vector and one evaluation yields a whole gradient, or `N`
//! columns of a Jacobian.
//!
//! Every elementary function is written once in [`rules`] as its value and
//! local partial derivatives; [`Dual`] applies them through two kernels
//! ([`Dual::chain`] and [`Dual::chain2`]).
//!
//! ## Conventions at edges and ties
//!
//! | case | value | derivative |
//! |---|---|---|
//! | any operation | bit-for-bit the plain `T` result | — |
//! | zero tangent lane, infinite/undefined local derivative (√x or ln x at 0, `x^c` at `x ≤ 0`, `0^y`, exp overflow) | — | stays exactly 0 (never `0·∞ = NaN`) |
//! | non-zero lane at such a point | — | the honest limit: `+∞` for √x at 0, NaN where undefined |
//! | `x.powf(c)`, `c` constant | `x^c` | `c·x^(c−1)`: 0 for `x^2.0` at 0, 12 for `(−2)^3.0` |
//! | `x.powi(n)` | `xⁿ` | `n·xⁿ⁻¹` (never `n·xⁿ/x`); `n = 0` gives 0 |
//! | `hypot(0, 0)` | 0 | partials `(0, 0)` (a subgradient) |
//! | `atan2(0, 0)` | `atan2` of T | NaN in lanes that vary, 0 in lanes that do not |
//! | `abs(±0)` | `+0` | `±1`: the sign bit of the zero decides |
//! | `signum` | as T (`signum(±0) = ±1`) | 0 everywhere |
//! | `max(x, y)`, `min(x, y)` at a tie | as T | average `(ẋ + ẏ)/2`; a NaN argument is ignored as by T |
//! | `clamp(x, lo, hi)` at `x = lo` or `x = hi` | as T | `ẋ` (closed interval passes `x` through) |
//! | `abs_sub(x, y)` at `x = y` | 0 | 0 |
//! | `floor`, `ceil`, `round`, `trunc` | as T | 0, also at the jumps |
//! | `fract`, `x % y` | as T | `fract' = 1`; `%`: `(1, −trunc(x/y))`, jumps ignored |
//! | `copysign(x, s)` | as T | `±ẋ` as the sign was kept or flipped; `s` contributes 0 |
//! | `==`, `<`, `>`, `partial_cmp` | compare values only | — |
//! | `Zero::is_zero`, `One::is_one` | value zero (one) **and** tangent all zero | — |
//!
//! ## Contents
//!
//! - [`Dual`]: the number, its constructors and accessors;
//! - [`rules`]: the rule table, one function per elementary operation;
//! - [`test_functions`]: generic test functions with hand-written derivatives;
//! - [`linalg`]: duals as nalgebra scalars (`RealField`), to differentiate
//!   through matrix algebra and decompositions; [`linalg::constants`] and
//!   [`linalg::variables`] lift matrices and seed vectors;
//! - [`forward`]: the drivers [`derivative`], [`gradient`], [`jacobian`],
//!   [`jvp`], [`hessian`] and [`hvp`] on nalgebra's static vectors, one
//!   evaluation each; [`chunked`]: gradient and Jacobian for run-time
//!   lengths (`&[T]` in, `DVector`/`DMatrix` out) in chunks of `C` lanes;
//!   [`numeric`]: central differences and a gradient checker;
//! - [`reverse`]: reverse mode (the lecture's computational graph): a tape,
//!   a `Float` variable, gradient/VJP/Jacobian drivers, replay of a
//!   recording at new inputs, and the graph as a table or Graphviz DOT;
//! - [`block`]: user-defined differentiable blocks, one definition for both
//!   modes;
//! - trait implementations: operators (`+ - * / %`, all reference, assign
//!   and `f32`/`f64`-on-the-left forms), `Sum`, `Product`, and the whole
//!   num-traits family ([`num_traits::Float`], `FloatConst`, `Signed`,
//!   `NumCast`, `Pow`, …), plus `approx`'s comparisons.
//!
//! ## Features
//!
//! - `std` (default): math from the platform's libm through std.
//! - `libm`: for `no_std` builds (`--no-default-features --features libm`).
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unconditional_recursion)]
#![warn(missing_docs)]

extern crate alloc;

mod approx_impls;
pub mod block;
pub mod chunked;
mod dual;
mod float;
pub mod forward;
pub mod linalg;
mod num;
pub mod numeric;
mod ops;
pub mod reverse;
pub mod rules;
mod tangent;
pub mod test_functions;

pub use dual::Dual;
pub use forward::{derivative, gradient, hessian, hvp, jacobian, jvp};
