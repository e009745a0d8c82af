//! The op-code table: what a tape node computed, so that a replay can
//! compute it again at new inputs.
//!
//! Every code maps to the function of the same name in [`crate::rules`];
//! recording and replay both evaluate through [`Un::eval`], [`Bin::eval`] and
//! [`Tern::eval`], so the two cannot disagree with each other or with
//! forward mode. The only rule written here is negation, `(−x, −1)`, which
//! forward mode applies as a sign flip of the tangent.

use num_traits::Float;

use crate::rules;

/// What a node of the tape computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// Node 0: the sink for "no operand" and the index of every constant.
    Sink,
    /// An independent variable; its recorded value is in the constant stream.
    Input,
    /// A unary rule.
    Un(Un),
    /// `xⁿ` with the integer `n`.
    Powi(i32),
    /// A binary rule; an operand with index 0 is a constant taken, in order,
    /// from the constant stream.
    Bin(Bin),
    /// The first half of a ternary rule: its first two operands.
    Link,
    /// The second half of a ternary rule: its third operand, with the
    /// previous node (a [`Op::Link`]) holding the first two.
    Tern(Tern),
    /// An intermediate node of a user-defined block with more than two
    /// varying inputs (a chain of weighted sums).
    BlockLink,
    /// The last node of a user-defined block; its value is in the constant
    /// stream (a block cannot be evaluated again).
    Block,
}

macro_rules! unary_table {
    ($($name:ident => $rule:ident, $label:literal;)*) => {
        /// The unary operations, one per rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Un {
            /// `−x`: the sign flip.
            Neg,
            $($name,)*
        }

        impl Un {
            /// `(f(x), f'(x))` by the rule table.
            #[inline(always)]
            pub(crate) fn eval<T: Float>(self, x: T) -> (T, T) {
                match self {
                    Un::Neg => (-x, -T::one()),
                    $(Un::$name => rules::$rule(x),)*
                }
            }

            /// The name shown in traces.
            pub(crate) fn label(self) -> &'static str {
                match self {
                    Un::Neg => "neg",
                    $(Un::$name => $label,)*
                }
            }
        }
    };
}

unary_table! {
    Floor => floor, "floor"; Ceil => ceil, "ceil"; Round => round, "round";
    Trunc => trunc, "trunc"; Fract => fract, "fract"; Abs => abs, "abs";
    Signum => signum, "signum"; Recip => recip, "recip"; Sqrt => sqrt, "sqrt";
    Cbrt => cbrt, "cbrt"; Exp => exp, "exp"; Exp2 => exp2, "exp2";
    ExpM1 => exp_m1, "exp_m1"; Ln => ln, "ln"; Log2 => log2, "log2";
    Log10 => log10, "log10"; Ln1p => ln_1p, "ln_1p"; Sin => sin, "sin";
    Cos => cos, "cos"; Tan => tan, "tan"; Asin => asin, "asin"; Acos => acos, "acos";
    Atan => atan, "atan"; Sinh => sinh, "sinh"; Cosh => cosh, "cosh";
    Tanh => tanh, "tanh"; Asinh => asinh, "asinh"; Acosh => acosh, "acosh";
    Atanh => atanh, "atanh"; ToDegrees => to_degrees, "to_degrees";
    ToRadians => to_radians, "to_radians";
}

macro_rules! binary_table {
    ($($name:ident => $rule:ident, $label:literal;)*) => {
        /// The binary operations, one per rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Bin {
            $($name,)*
        }

        impl Bin {
            /// `(f(x, y), ∂f/∂x, ∂f/∂y)` by the rule table, for whichever
            /// operands vary: the partial of a constant operand is 0, and
            /// `x^c` with a constant exponent uses the base-only rule, as
            /// forward mode does (no `ln x` is even computed).
            #[inline(always)]
            pub(crate) fn eval<T: Float>(self, x: T, y: T, x_var: bool, y_var: bool) -> (T, T, T) {
                let (v, dx, dy) = match self {
                    Bin::Powf if !y_var => {
                        let (v, d) = rules::powf_base(x, y);
                        (v, d, T::zero())
                    }
                    $(Bin::$name => rules::$rule(x, y),)*
                };
                (
                    v,
                    if x_var { dx } else { T::zero() },
                    if y_var { dy } else { T::zero() },
                )
            }

            /// The name shown in traces.
            pub(crate) fn label(self) -> &'static str {
                match self {
                    $(Bin::$name => $label,)*
                }
            }
        }
    };
}

binary_table! {
    Add => add, "+"; Sub => sub, "-"; Mul => mul, "*"; Div => div, "/"; Rem => rem, "%";
    Powf => powf, "powf"; Hypot => hypot, "hypot"; Atan2 => atan2, "atan2";
    AbsSub => abs_sub, "abs_sub"; Max => max, "max"; Min => min, "min"; Log => log, "log";
    Copysign => copysign, "copysign";
}

/// The ternary operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tern {
    /// `x·a + b` with one rounding.
    MulAdd,
    /// `clamp(x, lo, hi)`.
    Clamp,
}

impl Tern {
    /// `(f, ∂f/∂x, ∂f/∂y, ∂f/∂z)` by the rule table.
    #[inline(always)]
    pub(crate) fn eval<T: Float>(self, x: T, y: T, z: T) -> (T, T, T, T) {
        match self {
            Tern::MulAdd => rules::mul_add(x, y, z),
            Tern::Clamp => rules::clamp(x, y, z),
        }
    }

    /// The name shown in traces.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Tern::MulAdd => "mul_add",
            Tern::Clamp => "clamp",
        }
    }
}
