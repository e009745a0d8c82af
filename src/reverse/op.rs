//! The op-code table: what a tape node computed, so that a replay can
//! compute it again at new inputs.
//!
//! Every unary and binary code maps to the function of the same name in
//! [`crate::rules`]; recording and replay both evaluate through
//! [`Op::eval`] (and [`Tern::eval`] for the ternary rules), so the two
//! cannot disagree with each other or with forward mode. The only rule
//! written here is negation, `(−x, −1)`, which forward mode applies as a
//! sign flip of the tangent. The codes are one flat enum, so a replay
//! dispatches once per node.

use num_traits::Float;

use crate::rules;

macro_rules! op_table {
    (
        unary { $($u:ident => $ur:ident, $ul:literal;)* }
        binary { $($b:ident => $br:ident, $bl:literal;)* }
    ) => {
        /// What a node of the tape computed.
        ///
        /// `repr(u32)`: a `u32` tag, then `powi`'s exponent or the ternary
        /// rule (a defined layout, so that [`Op::bits`] can give the word
        /// a node stores).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        #[repr(u32)]
        pub(crate) enum Op {
            /// Node 0: the sink for "no operand" and the index of every
            /// constant.
            Sink,
            /// An independent variable; its recorded value is in `dl`.
            Input,
            /// The first half of a ternary rule: its first two operands.
            Link,
            /// The second half of a ternary rule: its third operand, with
            /// the previous node (a [`Op::Link`]) holding the first two.
            Tern(Tern),
            /// An intermediate node of a user-defined block with more than
            /// two varying inputs (a chain of weighted sums).
            BlockLink,
            /// The last node of a user-defined block (it cannot be evaluated
            /// again; its value is kept for traces).
            Block,
            /// `xⁿ` with the integer `n`.
            Powi(i32),
            /// `−x`: the sign flip.
            Neg,
            $(
                #[doc = concat!("The unary rule `", $ul, "`.")]
                $u,
            )*
            $(
                #[doc = concat!("The binary rule `", $bl, "`.")]
                $b,
            )*
        }

        /// The codes without their data, in [`Op`]'s order.
        #[allow(dead_code)] // read only through `as`
        #[derive(Clone, Copy)]
        enum Rank {
            Sink, Input, Link, Tern, BlockLink, Block, Powi, Neg,
            $($u,)*
            $($b,)*
        }

        impl Op {
            /// The eight bytes of `self` as a little-endian word: the tag,
            /// then `powi`'s exponent or the ternary rule, zero where the
            /// layout has padding. Writing it where an `Op` lies gives
            /// back `self` (for [`tape`](super::tape)'s two 16-byte
            /// stores a node).
            #[inline(always)]
            pub(crate) fn bits(self) -> u64 {
                // SAFETY: a `repr(u32)` enum begins with its `u32` tag
                // (RFC 2195), and `self` is a valid `Op`.
                let tag = unsafe { (&raw const self).cast::<u32>().read() };
                let payload = match self {
                    Op::Powi(n) => n as u32,
                    Op::Tern(t) => u32::from(t as u8),
                    _ => 0,
                };
                u64::from(tag) | (u64::from(payload) << 32)
            }

            /// A number that orders codes as `Op`'s derived `Ord` does
            /// (the code, then `powi`'s exponent or the ternary rule), for
            /// sorting packed integer keys instead of tuples.
            #[inline]
            pub(crate) fn rank(self) -> u64 {
                let (code, sub) = match self {
                    Op::Sink => (Rank::Sink, 0),
                    Op::Input => (Rank::Input, 0),
                    Op::Link => (Rank::Link, 0),
                    Op::Tern(t) => (Rank::Tern, t as u32),
                    Op::BlockLink => (Rank::BlockLink, 0),
                    Op::Block => (Rank::Block, 0),
                    // Signed order as unsigned: flip the sign bit.
                    Op::Powi(n) => (Rank::Powi, (n as u32) ^ 0x8000_0000),
                    Op::Neg => (Rank::Neg, 0),
                    $(Op::$u => (Rank::$u, 0),)*
                    $(Op::$b => (Rank::$b, 0),)*
                };
                ((code as u64) << 32) | u64::from(sub)
            }

            /// `(f, ∂f/∂x, ∂f/∂y)` of a unary (`y` unused, `∂f/∂y = 0`) or
            /// binary rule, for whichever operands vary: the partial of a
            /// constant operand is 0, and `x^c` with a constant exponent
            /// uses the base-only rule, as forward mode does (no `ln x` is
            /// even computed). The structural codes give zeros.
            ///
            /// Inlined always in optimised builds, where the op code is a
            /// constant at each call site and the match folds to one rule.
            /// Only hinted in debug builds: there nothing folds, every
            /// rule's temporaries get their own stack slots, and forced
            /// inlining gave a test of a dozen `Var<Dual>` operations a
            /// 2.8 MB frame (a stack overflow on a 2 MB test thread).
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
            pub(crate) fn eval<T: Float>(self, x: T, y: T, x_var: bool, y_var: bool) -> (T, T, T) {
                let z = T::zero();
                let (v, dx, dy) = match self {
                    Op::Neg => (-x, -T::one(), z),
                    Op::Powi(n) => {
                        let (v, d) = rules::powi(x, n);
                        (v, d, z)
                    }
                    $(Op::$u => {
                        let (v, d) = rules::$ur(x);
                        (v, d, z)
                    })*
                    Op::Powf if !y_var => {
                        let (v, d) = rules::powf_base(x, y);
                        (v, d, z)
                    }
                    $(Op::$b => rules::$br(x, y),)*
                    Op::Sink | Op::Input | Op::Link | Op::Tern(_) | Op::BlockLink | Op::Block => {
                        (z, z, z)
                    }
                };
                (v, if x_var { dx } else { z }, if y_var { dy } else { z })
            }

            /// Runs `v` with the rule of a unary code (negation and `powi`
            /// included) as a function the compiler can inline into `v`'s
            /// loop, so a replay dispatches once per batch, not per node.
            /// False for other codes.
            #[inline(always)]
            pub(crate) fn visit_unary<T: Float, V: UnaryRule<T>>(self, v: V) -> bool {
                match self {
                    Op::Neg => v.run(|x: T| (-x, -T::one())),
                    Op::Powi(n) => v.run(move |x: T| rules::powi(x, n)),
                    $(Op::$u => v.run(rules::$ur::<T>),)*
                    _ => return false,
                }
                true
            }

            /// As [`visit_unary`](Self::visit_unary) for a binary code; with
            /// a constant exponent `powf` is the base-only rule, as in
            /// [`eval`](Self::eval).
            #[inline(always)]
            pub(crate) fn visit_binary<T: Float, V: BinaryRule<T>>(self, y_var: bool, v: V) -> bool {
                match self {
                    Op::Powf if !y_var => v.run(|x: T, y: T| {
                        let (v, d) = rules::powf_base(x, y);
                        (v, d, T::zero())
                    }),
                    $(Op::$b => v.run(rules::$br::<T>),)*
                    _ => return false,
                }
                true
            }

            /// True for the rules whose partial with respect to a varying
            /// operand is zero by a choice rather than by a value: the
            /// losing side of `max`, `min` and `abs_sub`, `copysign`'s sign,
            /// the step functions (and `clamp`, a ternary rule). Recording
            /// one sets [`Record::selects`](super::tape::Record), which
            /// turns on the tape sweep's test for nodes the output does not
            /// depend on. Evaluated at compile time at each call site
            /// (`float.rs`), so the other rules pay nothing for it.
            #[inline(always)]
            pub(crate) const fn selects(self) -> bool {
                matches!(
                    self,
                    Op::Max
                        | Op::Min
                        | Op::AbsSub
                        | Op::Copysign
                        | Op::Floor
                        | Op::Ceil
                        | Op::Round
                        | Op::Trunc
                        | Op::Signum
                )
            }

            /// True for the binary rules (their nodes have two operands,
            /// one of which may be a constant).
            pub(crate) fn is_binary(self) -> bool {
                matches!(self, $(Op::$b)|*)
            }

            /// The name shown in traces.
            pub(crate) fn label(self) -> &'static str {
                match self {
                    Op::Sink => "sink",
                    Op::Input => "input",
                    Op::Link => "(operands)",
                    Op::Tern(t) => t.label(),
                    Op::BlockLink => "(block)",
                    Op::Block => "block",
                    Op::Powi(_) => "powi",
                    Op::Neg => "neg",
                    $(Op::$u => $ul,)*
                    $(Op::$b => $bl,)*
                }
            }
        }
    };
}

op_table! {
    unary {
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
    binary {
    Add => add, "+"; Sub => sub, "-"; Mul => mul, "*"; Div => div, "/"; Rem => rem, "%";
    Powf => powf, "powf"; Hypot => hypot, "hypot"; Atan2 => atan2, "atan2";
    AbsSub => abs_sub, "abs_sub"; Max => max, "max"; Min => min, "min"; Log => log, "log";
    Copysign => copysign, "copysign";
    }
}

/// A loop over a batch of one unary rule, given the rule.
pub(crate) trait UnaryRule<T> {
    fn run<F: Fn(T) -> (T, T)>(self, f: F);
}

/// A loop over a batch of one binary rule, given the rule.
pub(crate) trait BinaryRule<T> {
    fn run<F: Fn(T, T) -> (T, T, T)>(self, f: F);
}

/// The ternary operations (`repr(u8)`: one byte after [`Op`]'s tag).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub(crate) enum Tern {
    /// `x·a + b` with one rounding.
    MulAdd,
    /// `clamp(x, lo, hi)`.
    Clamp,
    /// `x + y·z` with two roundings, as a product node feeding a sum node
    /// computes it: made by compile from such a pair (see `program.rs`),
    /// never recorded on a tape.
    AddMul,
    /// `x − y·z` with two roundings, as [`Tern::AddMul`].
    SubMul,
}

impl Tern {
    /// `(f, ∂f/∂x, ∂f/∂y, ∂f/∂z)` by the rule table (inlined always only
    /// in optimised builds, as `Op::eval`).
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline)]
    pub(crate) fn eval<T: Float>(self, x: T, y: T, z: T) -> (T, T, T, T) {
        match self {
            Tern::MulAdd => rules::mul_add(x, y, z),
            Tern::Clamp => rules::clamp(x, y, z),
            Tern::AddMul | Tern::SubMul => {
                let (m, dy, dz) = rules::mul(y, z);
                let (v, dx, dm) =
                    if self == Tern::AddMul { rules::add(x, m) } else { rules::sub(x, m) };
                (v, dx, dm * dy, dm * dz)
            }
        }
    }

    /// The name shown in traces.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Tern::MulAdd => "mul_add",
            Tern::Clamp => "clamp",
            Tern::AddMul => "add_mul",
            Tern::SubMul => "sub_mul",
        }
    }
}
