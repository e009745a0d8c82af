//! Sparse Jacobians and Hessians (feature `sparse`): detect the pattern,
//! colour it, differentiate in a handful of compressed passes.
//!
//! A 10,000-unknown PDE residual has a 10,000 × 10,000 Jacobian with five
//! entries a row. Dense forward mode needs `⌈n / C⌉` passes (1,250 with
//! `C = 8`); but columns that never share a row can share a tangent lane,
//! and a five-point stencil needs only five lanes, so **one** pass of
//! `Dual<f64, 5>` (or 8) gives every entry. Three steps, each usable alone:
//!
//! 1. **Detection** ([`JacobianPattern::detect`],
//!    [`HessianPattern::detect`]): run the unchanged generic function once
//!    on [`Tracer`]s, which record which inputs each value depends on (and,
//!    for Hessians, which operations make two inputs interact).
//! 2. **Colouring** ([`colour`]): greedy column colouring for Jacobians,
//!    star colouring for Hessians, several vertex orders, fewest kept.
//! 3. **Compressed evaluation** ([`SparseJacobian`], [`SparseHessian`]):
//!    seed each colour as one lane, evaluate, copy each entry out of its
//!    lane into a `nalgebra_sparse::CscMatrix` (or into your own values
//!    array, in place). The prepared object is reused at every new point.
//!
//! ```
//! use dualnum::sparse::SparseJacobian;
//! use num_traits::Float;
//!
//! // Fᵢ = xᵢ₋₁ − 2xᵢ + xᵢ₊₁ + e^(xᵢ), a 1-D Bratu residual, generic once
//! fn bratu1d<T: Float>(x: &[T], out: &mut [T]) {
//!     let n = x.len();
//!     for i in 0..n {
//!         let l = if i > 0 { x[i - 1] } else { T::zero() };
//!         let r = if i + 1 < n { x[i + 1] } else { T::zero() };
//!         out[i] = l - x[i] - x[i] + r + x[i].exp();
//!     }
//! }
//!
//! let x = vec![0.1; 500];
//! let sj = SparseJacobian::detect_inplace(|x, out| bratu1d(x, out), &x, 500)?;
//! assert_eq!((sj.colours(), sj.passes(4)), (3, 1));
//! let (fx, j) = sj.jacobian_inplace::<4, _>(|x, out| bratu1d(x, out), &x)?;
//! // exactly the dense forward-mode numbers
//! let (_, dense) = dualnum::chunked::Chunk::<8>::jacobian_inplace(|x, out| bratu1d(x, out), &x, 500);
//! assert_eq!(nalgebra::DMatrix::from(&j), dense);
//! # let _ = fx;
//! # Ok::<(), dualnum::sparse::SparseError>(())
//! ```
//!
//! # Branches: a pattern valid everywhere, or at one point
//!
//! Operator overloading sees only the path taken. A `Float` method that
//! picks between its arguments (`max`, `min`, `clamp`, `abs`) is recorded as
//! depending on all of them, so it is valid at every point. But
//! `if x < y { … } else { … }` runs one branch, and the other may touch
//! other inputs. Detection therefore **counts** every comparison,
//! predicate (`is_nan`, `is_zero`, `is_sign_positive`) and conversion
//! (`to_f64`) made on a value that depends on the inputs, and by default
//! ([`Branches::Reject`]) fails with
//! [`SparseError::ValueDependentBranches`] if there was any: the pattern
//! it returns is valid at every point. [`Branches::AtPoint`] accepts a
//! pattern that is valid at the detection point (and wherever the same
//! branches are taken). Exploring both sides of every branch is not
//! offered: the number of paths doubles with each comparison.
//!
//! # What each evaluation checks, and what it cannot
//!
//! The pattern is reused, not re-detected, so a function whose sparsity
//! changes (a branch taken differently, a different closure) must be
//! detected again. Each evaluation returns an error, never a wrong matrix,
//! for a point of the wrong length ([`SparseError::InputLength`]) or a
//! changed number of outputs ([`SparseError::OutputLength`]). It also
//! checks every lane that must be zero: output `i` may be non-zero only in
//! the lanes of the colours of its own entries, and a non-zero elsewhere is
//! [`SparseError::OutsidePattern`]. This costs `m·C` comparisons a pass
//! (next to the `m·C` multiply-adds of any operation on the outputs) and
//! catches every new entry `(i, j)` whose column's colour row `i` does not
//! already use. A new entry whose colour row `i` already uses would be
//! added silently to the existing entry of that colour: it cannot be told
//! apart in the compressed result. Re-detect (about 2–3 evaluations) when
//! in doubt.
//!
//! # Cost
//!
//! | step | cost |
//! |---|---|
//! | detection | one evaluation recording a 12-byte node per nonlinear operation, then a walk over each output's ancestors |
//! | colouring | `Σᵢ (entries in row i)²` per order tried, once |
//! | Jacobian | `⌈colours / C⌉` evaluations on `Dual<T, C>` + one copy per entry |
//! | Hessian | `⌈colours / C⌉` reverse-mode recordings and sweeps on `Dual<T, C>` |
//!
//! # Design, and the alternatives rejected
//!
//! - **The tracer is `Copy + 'static`** and records into a thread-local
//!   list, checked by a generation number. *Rejected:* a tracer carrying
//!   its dependency set (not `Copy`, so not a `Float`); a tracer borrowing
//!   its recording like [`reverse::Var`](crate::reverse::Var) (a closure
//!   generic over that lifetime cannot return a `Vec` of them).
//! - **Patterns are read backward**, by walking each output's ancestors,
//!   not by carrying a set along every value. *Rejected:* forward sets,
//!   whose total size is quadratic on an accumulation (`s += …` over `n`
//!   terms keeps `1 + 2 + … + n` entries) although the answer is linear.
//! - **Hessian patterns come from the operations that interact**: a node
//!   contributes pairs only if it is a product, a quotient or nonlinear, and
//!   only if the output depends on it; linear steps pass nothing on.
//! - **Branches are refused by default** rather than guessed (see above).
//! - **Colouring tries several orders, DSatur among them**: the static
//!   orders give 7 colours on the 2-D five-point stencil, DSatur the
//!   optimal 5; the rest costs milliseconds once.
//! - **Hessians by reverse over forward**: the compressed product `H·S`
//!   needs a gradient per seed direction, which nested forward mode gives
//!   only with `n` inner lanes (it yields `Sᵀ·H·S`). Star colouring is
//!   compared with distance-2 colouring and the fewer is kept.
//! - **Direct recovery only** (every entry is one lane, copied): the
//!   results are the dense forward-mode numbers, bit for bit, for
//!   Jacobians. *Rejected:* substitution-based recovery (acyclic colouring,
//!   fewer colours for Hessians), which accumulates rounding.

pub mod colour;
mod hessian;
mod jacobian;
mod pattern;
mod record;
mod tracer;
mod tracer_traits;

pub use hessian::SparseHessian;
pub use jacobian::SparseJacobian;
pub use pattern::{HessianPattern, JacobianPattern};
pub use tracer::Tracer;

use core::fmt;
use std::vec::Vec;

/// What detection does when the function compares, tests or converts a
/// value that depends on the inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Branches {
    /// Fail with [`SparseError::ValueDependentBranches`]: a pattern that is
    /// returned is valid at every point (the default).
    #[default]
    Reject,
    /// Accept: the pattern is valid at the detection point and wherever the
    /// function takes the same branches.
    AtPoint,
}

/// Why a sparse detection or evaluation gave no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SparseError {
    /// The function compared, tested or converted input-dependent values
    /// `count` times during detection with [`Branches::Reject`].
    ValueDependentBranches {
        /// How many such looks at a value there were.
        count: usize,
    },
    /// The point does not have the pattern's number of inputs.
    InputLength {
        /// The pattern's `n`.
        expected: usize,
        /// The point's length.
        got: usize,
    },
    /// The function returned a different number of outputs than at
    /// detection (or the output slice has the wrong length).
    OutputLength {
        /// The pattern's `m`.
        expected: usize,
        /// What the function returned.
        got: usize,
    },
    /// The values slice is not as long as the pattern has entries.
    ValuesLength {
        /// The pattern's number of entries.
        expected: usize,
        /// The slice's length.
        got: usize,
    },
    /// Output `row` has a non-zero derivative along colour `colour`, though
    /// none of its pattern entries has that colour: it depends on an input
    /// of that colour (one of `columns`, the first eight shown) that the
    /// pattern does not contain. The function's sparsity changed since
    /// detection; detect again at this point.
    OutsidePattern {
        /// The output (row of the Jacobian or Hessian).
        row: usize,
        /// The colour (lane) that should have been zero.
        colour: usize,
        /// Columns of that colour (at most eight).
        columns: Vec<usize>,
    },
}

impl fmt::Display for SparseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SparseError::ValueDependentBranches { count } => write!(
                f,
                "sparsity detection: the function compared, tested or converted a value that \
                 depends on the inputs {count} time(s), so another point may take another branch \
                 with another pattern; rewrite the branch with max/min/clamp/abs, or detect with \
                 Branches::AtPoint for a pattern valid at this point only"
            ),
            SparseError::InputLength { expected, got } => write!(
                f,
                "sparse: the point has {got} entries but the pattern has {expected} inputs"
            ),
            SparseError::OutputLength { expected, got } => write!(
                f,
                "sparse: the function returned {got} outputs but the pattern has {expected} \
                 rows (the number of outputs must not change after detection)"
            ),
            SparseError::ValuesLength { expected, got } => write!(
                f,
                "sparse: the values slice has length {got} but the pattern has {expected} entries"
            ),
            SparseError::OutsidePattern { row, colour, columns } => write!(
                f,
                "sparse: output {row} depends on an input of colour {colour} (one of columns \
                 {columns:?}…) that its pattern row does not contain; the function's sparsity \
                 changed since detection: detect the pattern again"
            ),
        }
    }
}

impl std::error::Error for SparseError {}
