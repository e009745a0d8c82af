//! # dualnum: automatic differentiation with dual numbers
//!
//! Write a function once, generic over [`num_traits::Float`], and get its
//! exact value and derivatives: run it on [`Dual<T, N>`] for forward mode
//! (value and `N` derivatives in one pass, no tape), on a
//! [`reverse::Var`] for reverse mode (the lecture's computational graph),
//! or on plain `f64` for [`numeric`] central differences.
//!
//! **Contents:** [the lecture's example](#the-lectures-example) ·
//! [dual numbers in one screen](#dual-numbers-in-one-screen) ·
//! [the drivers](#the-drivers) · [conventions](#conventions) ·
//! [which mode when](#which-mode-when) ·
//! [conventions at edges and ties](#conventions-at-edges-and-ties) ·
//! [modules](#modules) · [features](#features)
//!
//! ## The lecture's example
//!
//! `z(x, y) = x²·e^(x + cos y)` at `(2, π/2)` has `z = 4e²`,
//! `∂z/∂x = 8e²` and `∂z/∂y = −4e²`. One forward pass with two tangent
//! lanes gives all three:
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
//! Extend the reals with a symbol `ε` such that `ε² = 0` (but `ε ≠ 0`).
//! Taylor's theorem then stops after one term, exactly:
//!
//! ```text
//! f(a + ȧε) = f(a) + f'(a)·ȧ·ε
//! ```
//!
//! So a number that carries a pair (value `a`, tangent `ȧ`) through a
//! computation, with each elementary step applying its own derivative, comes
//! out carrying `f(a)` and `f'(a)·ȧ`: the chain rule, applied as you go.
//! For a product, `(a + ȧε)(b + ḃε) = ab + (aḃ + ȧb)ε`, the product rule
//! falls out of the algebra.
//!
//! With `N` symbols `ε₁ … ε_N` (every product of two of them zero) the
//! tangent is a vector. Seed input `i` with the unit tangent `εᵢ` and every
//! result carries `∂/∂xᵢ` in lane `i`: one evaluation gives a whole
//! gradient, or `N` columns of a Jacobian. Nest the type,
//! `Dual<Dual<f64, N>, N>`, and the inner tangents carry second
//! derivatives; [`Dual2<f64, N>`](Dual2) carries the value, the gradient
//! and the Hessian's upper triangle directly (each rule's second
//! derivative is in [`rules::second`]), and is what [`hessian`] runs on.
//!
//! Every elementary function is written once, in [`rules`], as its value
//! and local partial derivatives; [`Dual`] applies them through two kernels
//! ([`Dual::chain`], [`Dual::chain2`]), reverse mode records the same
//! partials on its tape, and a user-defined [`block`] has the same shape.
//!
//! ## The drivers
//!
//! Nobody needs to seed tangents by hand for the common jobs:
//!
//! ```
//! use dualnum::test_functions::rosenbrock;
//! use nalgebra::Vector3;
//!
//! let x = Vector3::new(1.2, 1.0, 0.8);
//! let (fx, grad) = dualnum::gradient(|x| rosenbrock(x.as_slice()), &x); // one pass
//! let (_, _, hess) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
//! let xs = vec![0.5; 100];                                                // run-time size
//! let (_, g100) = dualnum::chunked::gradient(|x| rosenbrock(x), &xs);
//! let (_, g_rev) = dualnum::reverse::gradient(|x| rosenbrock(x), &xs);
//! let (_, g_num) = dualnum::numeric::gradient(|x| rosenbrock(x), &xs);
//! assert!((&g100 - &g_rev).amax() < 1e-12 && (&g100 - &g_num).amax() < 1e-6);
//! # let _ = (fx, grad, hess);
//! ```
//!
//! [`derivative`], [`gradient`], [`jacobian`], [`jvp`], [`hessian`] and
//! [`hvp`] take nalgebra's static vectors, so a size mismatch is a compile
//! error; [`chunked`] serves sizes known only at run time; [`reverse`] has
//! `gradient`, `vjp`, `jacobian`, a compiled replay, `hvp` and `hessian`
//! (forward over reverse), and `reverse::Active`, a variable that nalgebra
//! takes as a scalar; [`numeric`] has the central-difference baseline and a
//! gradient checker.
//!
//! ## Conventions
//!
//! Every driver follows the same shapes, so switching mode is switching
//! the module:
//!
//! - **Value first, then derivatives**, in increasing order: `(f, f')`,
//!   `(f, ∇f)`, `(F, J)`, `(F, J·v)`, `(F, wᵀJ)`, `(f, ∇f, ∇²f)`,
//!   `(f, ∇f, ∇²f·v)`, for forward, reverse and numeric drivers alike.
//! - **Static sizes** (the drivers at the crate root) take and return
//!   nalgebra's `SVector<T, N>` and `SMatrix<T, M, N>`; **run-time sizes**
//!   ([`chunked`], [`reverse`], [`numeric`]) take `&[T]` and return
//!   `DVector<T>` and `DMatrix<T>`. A Jacobian is `m × n` (outputs × inputs).
//! - **In-place twins**: each allocating run-time driver has an `_into`
//!   twin that writes into caller slices and returns the value (matrices
//!   column-major, as `DMatrix::as_mut_slice`): [`chunked::gradient_into`],
//!   [`chunked::jacobian_into`], [`chunked::hessian_into`],
//!   [`chunked::hvp_into`], [`numeric::gradient_into`],
//!   [`numeric::jacobian_into`], [`reverse::gradient_into`],
//!   [`reverse::vjp_into`], [`reverse::jacobian_into`]. Jacobian twins take
//!   the in-place closure shape `f(x, out)`, so the loop allocates no
//!   outputs; for a reverse-mode loop free of allocation reuse one tape
//!   ([`reverse::Tape::gradient`]).
//! - **Vector-valued closures** may return an array, a `Vec`, a `Box<[_]>`
//!   or an nalgebra vector ([`outputs::Outputs`]; the static [`jacobian`]
//!   needs a length in the type: an array or `SVector`). Reverse mode's
//!   closures return a `Vec` (the tape's lifetime must stay inside the
//!   driver); its `_of` drivers take any [`VectorFunction`].
//! - **One function for every driver**: a closure (`|x| f(x)`, once per
//!   mode) or a [`Function`]/[`VectorFunction`] object, generic over
//!   [`num_traits::Float`], given to the `_of` twin of any driver
//!   ([`gradient_of`], [`chunked::gradient_of`], [`reverse::gradient_of`],
//!   [`numeric::gradient_of`], …).
//! - **Literals**: `0.5 * x`, `x.max(0.0)`, `x > 0.0` work on concrete duals
//!   at every depth; generic code writes [`lit::<T>(0.5)`](lit).
//!
//! ## Which mode when
//!
//! For `F: Rⁿ → Rᵐ` evaluated at cost `C(F)`:
//!
//! | method | cost of the full Jacobian | memory | accuracy |
//! |---|---|---|---|
//! | forward, `Dual<T, N>` | `⌈n/N⌉` passes, each about `C(F)·(1 + cN)` | none beyond the tangents | exact to rounding |
//! | reverse, [`reverse`] | one recording + `m` backward sweeps, a few `C(F)` each | proportional to the run (one node per operation) | exact to rounding |
//! | central differences, [`numeric`] | `2n` evaluations | none | about 2/3 of the digits (≈ 10 in f64), less where `f` is noisy |
//!
//! - **Forward** for few inputs, for many outputs, for anything small
//!   enough to fit one pass (n ≤ 32 or so), and for higher derivatives by
//!   nesting. It needs no memory and vectorises well.
//! - **Reverse** for many inputs and few outputs: a loss, an energy, a
//!   log-likelihood. Its cost per operation is higher (recording and a
//!   sweep), so it wins once `n` is large enough to amortise it.
//! - **Finite differences** as a baseline and to check the others
//!   ([`numeric::check_gradient`]), or for a black box that cannot run on a
//!   generic `Float`.
//!
//! BENCHMARKS.md in the repository measures all of them side by side,
//! including where forward and reverse cross over on Rosenbrock.
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
//! | a derivative that is exactly zero, as a driver returns it | — | `+0.0` in both modes (constants carry `−0` tangents inside the kernels; `Display`/`Debug` show `0` too) |
//!
//! ### The same kinks in PyTorch and JAX
//!
//! Where machine-learning code meets a kink, the frameworks differ from
//! each other and from this crate; read from their derivative rules
//! (PyTorch `tools/autograd/derivatives.yaml`, JAX `jax/_src/lax/lax.py`,
//! `jax/_src/nn/functions.py`, `jax/_src/numpy/lax_numpy.py`):
//!
//! | call | dualnum | PyTorch | JAX |
//! |---|---|---|---|
//! | `x.max(0.0)` at `x = 0` | 0.5 (tie rule) | `torch.maximum(x, zeros)`: 0.5; `torch.relu`: 0; `torch.clamp(x, min=0)`: 1 | `jnp.maximum(x, 0)`: 0.5; `jax.nn.relu`: 0 |
//! | `x.max(y)` at `x = y` | 0.5 to each | `torch.maximum`: 0.5 to each | `jnp.maximum`, `lax.max`: 0.5 to each |
//! | `x.abs()` at 0 | `+1` at `+0`, `−1` at `−0` | 0 (`sgn(0)`) | `+1` (at `−0` too) |
//! | `x.clamp(lo, hi)` at a bound | 1 | 1 (a subgradient, by design) | 0.5 (`jnp.clip` is a maximum then a minimum) |
//!
//! For relu's usual `relu'(0) = 0`, branch on the value:
//! `if x > 0.0 { x } else { x * 0.0 }` (a comparison is recorded in reverse
//! mode, so a replay across the kink is refused rather than wrong).
//!
//! ## Modules
//!
//! - [`Dual`]: the number, its constructors and accessors;
//! - [`rules`]: the rule table, one function per elementary operation;
//! - [`test_functions`]: generic test functions with hand-written derivatives;
//! - [`linalg`]: duals as nalgebra scalars (`RealField`), to differentiate
//!   through matrix algebra and decompositions; [`linalg::constants`] and
//!   [`linalg::variables`] lift matrices and seed vectors;
//! - [`forward`]: the drivers [`derivative`], [`gradient`], [`jacobian`],
//!   [`jvp`], [`hessian`] and [`hvp`] on nalgebra's static vectors, one
//!   evaluation each; [`chunked`]: gradient, Jacobian, Hessian and
//!   Hessian-vector product for run-time lengths (`&[T]` in,
//!   `DVector`/`DMatrix` out) in chunks of [`chunked::DEFAULT_CHUNK`]
//!   lanes, or of `C` lanes through [`chunked::Chunk<C>`](chunked::Chunk);
//!   [`numeric`]: central differences and a gradient checker;
//! - [`reverse`]: reverse mode (the lecture's computational graph): a tape,
//!   a `Float` variable, gradient/VJP/Jacobian drivers, replay of a
//!   recording at new inputs, and the graph as a table or Graphviz DOT;
//! - [`block`]: user-defined differentiable blocks, one definition for both
//!   modes;
//! - `sparse` (feature `sparse`): sparse Jacobians and Hessians: sparsity
//!   detection by a tracer `Float`, column and star colouring, compressed
//!   forward passes (a 10,000-unknown 2-D stencil residual in one pass of
//!   five lanes), output as `nalgebra_sparse` matrices;
//! - [`literal`]: [`lit`], the one-word literal for generic code
//!   (`lit::<T>(100.0)`), [`Real`], the one bound for generic code that
//!   mixes numbers with plain floats (`x * 2.0`, `x > 0.0`) in every mode,
//!   and [`DualOver`], behind plain `f64`/`f32` operands at every nesting
//!   depth;
//! - trait implementations: operators (`+ - * / %`, all reference, assign
//!   and `f32`/`f64`-on-either-side forms at every nesting depth,
//!   comparisons with a plain scalar), the elementary functions also as
//!   inherent methods (no import needed), `Sum`, `Product`, and the whole
//!   num-traits family ([`num_traits::Float`], `FloatConst`, `Signed`,
//!   `NumCast`, `Pow`, …), plus `approx`'s comparisons.
//!
//! ## Features
//!
//! - `std` (default): math from the platform's libm through std. It does
//!   not turn on nalgebra's own `std` feature (SIMD and `matrixmultiply`
//!   back-ends that do nothing for duals and cost a third of a cold build);
//!   enable it in your own nalgebra dependency if you multiply large plain
//!   matrices.
//! - `libm`: for `no_std` builds (`--no-default-features --features libm`).
//! - `rayon`: `chunked::par_jacobian`, the chunks on several threads.
//! - `sparse`: the `sparse` module (adds the `nalgebra-sparse` dependency;
//!   needs `std`).
//! - `argmin`: the module `dualnum::argmin`, a [`Function`] or
//!   [`VectorFunction`] as an argmin 0.11 problem (cost, gradient, Hessian,
//!   Jacobian).
//! - `serde`: `Serialize`/`Deserialize` for [`Dual`], as `{ re, eps }`
//!   (JSON `{"re":1.5,"eps":[0.5,1.0]}`), nested duals nested. The
//!   numbers are written bit for bit, so a round trip through a lossless
//!   format gives the same dual back, and a tangent that is exactly zero
//!   is written with the sign it has inside the kernels (a constant's is
//!   −0: `Dual::constant(7.0)` writes `"eps":[-0.0,-0.0]`, which reads back
//!   as the same constant); the drivers and `Display`/`Debug` show +0.
//!   JSON has no NaN or infinity: `serde_json` writes them as `null`,
//!   which does not read back as a number. Use a format that has them
//!   (bincode, CBOR, MessagePack), or check `is_finite` before writing
//!   JSON.
//! - `bytemuck`: `Pod`/`Zeroable` for [`Dual`] where `T` is; a slice of
//!   duals casts to `T`s laid out `[ε₀, …, ε_{N−1}, re]` per number.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unconditional_recursion)]
#![warn(missing_docs)]

/// The README's code blocks, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

extern crate alloc;

#[cfg(feature = "argmin")]
pub mod argmin;
pub mod block;
pub mod forward;
pub mod function;
mod linalg_surface;
pub mod literal;
pub mod numeric;
pub mod outputs;
pub mod reverse;
pub mod rules;
#[cfg(feature = "sparse")]
pub mod sparse;
mod surface;
pub mod taylor;
pub mod test_functions;

pub(crate) use forward::dual::tangent;
pub use forward::dual::{Dual, Unchecked};
pub use forward::dual2::Dual2;
pub use forward::{
    chunked, derivative, derivative_of, gradient, gradient_of, hessian, hessian_of, hvp, hvp_of,
    jacobian, jacobian_of, jvp, jvp_of, linalg,
};
pub use function::{Function, VectorFunction};
pub use literal::{DualOver, Real, lit};
pub use taylor::Jet;
