//! `Tracer<T>`: a number that computes its value as `T` does and records
//! which inputs it depends on, so an unchanged generic function reveals its
//! Jacobian and Hessian sparsity in one evaluation.
//!
//! This file provides the number, its constructors and the recording
//! helpers; `tracer_traits.rs` provides the operators and the num-traits
//! surface (`Float`, `Num`, `NumCast`, …) as forwarding lists over them.

use core::fmt;

use num_traits::Float;

use super::record::{self, Kind};

/// A number that carries a value and the set of inputs it depends on.
///
/// Sparsity detection ([`JacobianPattern::detect`](super::JacobianPattern::detect),
/// [`HessianPattern::detect`](super::HessianPattern::detect)) runs the user's
/// function, written once generic over [`num_traits::Float`], on tracers:
/// every operation computes its value exactly as `T` would and records how
/// its result depends on its operands. `Tracer<T>` implements `Float` (and
/// `Num`, `NumCast`, the operators and their assign forms, `Sum`,
/// `Product`), so nothing in the function has to change.
///
/// What an operation records:
///
/// | operation | first order | second order |
/// |---|---|---|
/// | `a ± b`, `max`, `min`, `clamp`, `abs_sub`, `%` | union | none |
/// | `c·a`, `a/c`, `a ± c`, `−a`, `abs`, `fract`, `copysign(a, ·)` | that of `a` | none |
/// | `a·b` | union | cross terms `∂²/∂a∂b` |
/// | `a/b` | union | cross terms and `∂²/∂b²` |
/// | `sin a`, `exp a`, `√a`, `1/a`, `aⁿ`, … | that of `a` | all of `a` with itself |
/// | `atan2`, `hypot`, `a^b`, `log(a, b)` | union | all of the union with itself |
/// | `floor`, `ceil`, `round`, `trunc`, `signum` | none (derivative 0) | none |
///
/// Comparisons (`==`, `<`, `partial_cmp`), the `Float` predicates
/// (`is_nan`, `is_sign_positive`, …), `Zero::is_zero` and conversions to
/// primitives (`to_f64`) look at the value, as they do on [`Dual`](crate::Dual);
/// on a value that depends on the inputs they are also **counted**, because
/// the branch taken may differ at another point. See
/// [`Branches`](super::Branches) for what detection does with that count.
///
/// A tracer belongs to the detection that created it; using it after that
/// detection has finished is a panic.
///
/// ```
/// use dualnum::sparse::JacobianPattern;
/// use num_traits::Float;
///
/// // F(x) = (x₀·x₁, sin x₂, x₀ + 1)
/// let p = JacobianPattern::detect(|x| vec![x[0] * x[1], x[2].sin(), x[0] + 1.0], &[1.0, 2.0, 3.0])?;
/// assert_eq!(p.row(0), &[0, 1]);
/// assert_eq!(p.row(1), &[2]);
/// assert_eq!(p.row(2), &[0]);
/// # Ok::<(), dualnum::sparse::SparseError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Tracer<T> {
    pub(crate) value: T,
    /// The recording node, 0 for a constant.
    pub(crate) id: u32,
    pub(crate) generation: u32,
}

impl<T: Float> Tracer<T> {
    /// A constant: the value `value`, depending on no input.
    ///
    /// ```
    /// # use dualnum::sparse::Tracer;
    /// let c = Tracer::constant(2.5);
    /// assert!(c.is_constant());
    /// assert_eq!(c.value(), 2.5);
    /// ```
    #[inline]
    #[must_use]
    pub fn constant(value: T) -> Self {
        Tracer { value, id: 0, generation: 0 }
    }

    /// The value, computed exactly as plain `T` computes it.
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.value
    }

    /// True when the number depends on no input.
    #[inline]
    #[must_use]
    pub fn is_constant(&self) -> bool {
        self.id == 0
    }

    /// The `i`-th input of the recording `generation`, value `value`.
    pub(crate) fn input(value: T, i: usize, generation: u32) -> Self {
        Tracer { value, id: i as u32 + 1, generation }
    }

    /// The same dependencies, a new value (an operation linear in `self`).
    #[inline]
    pub(crate) fn same(self, value: T) -> Self {
        Tracer { value, ..self }
    }

    /// An operation nonlinear in `self` alone.
    #[inline]
    #[track_caller]
    pub(crate) fn unary(self, value: T) -> Self {
        if self.id == 0 {
            return Tracer::constant(value);
        }
        let id = record::push(self.generation, self.id, 0, Kind::Unary);
        Tracer { value, id, generation: self.generation }
    }

    /// An operation with two operands and the given dependence.
    #[inline]
    #[track_caller]
    pub(crate) fn binary(self, other: Self, value: T, kind: Kind) -> Self {
        match (self.id, other.id) {
            (0, 0) => Tracer::constant(value),
            (_, 0) => match kind {
                Kind::Linear | Kind::Mul | Kind::Div => self.same(value),
                _ => self.unary(value),
            },
            (0, _) => match kind {
                Kind::Linear | Kind::Mul => other.same(value),
                _ => other.unary(value),
            },
            (a, b) => {
                assert!(
                    self.generation == other.generation,
                    "sparse: tracers from two different detections were combined"
                );
                if a == b && kind == Kind::Linear {
                    return self.same(value);
                }
                let id = record::push(self.generation, a, b, kind);
                Tracer { value, id, generation: self.generation }
            }
        }
    }

    /// Counts a look at the value (comparison, predicate, conversion) when
    /// the value depends on the inputs.
    #[inline]
    #[track_caller]
    pub(crate) fn look(&self) {
        if self.id != 0 {
            record::branch(self.generation);
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Tracer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracer").field("value", &self.value).field("node", &self.id).finish()
    }
}

impl<T: fmt::Display> fmt::Display for Tracer<T> {
    /// The value, as `T` displays it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}
