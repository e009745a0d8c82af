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
//! is not finite. For tangents of primitive floats up to 32 bytes (four
//! `f64` lanes; 64 bytes with AVX-512) this is a branch-free select per
//! lane; for wider and for nested tangents it is one well-predicted test of
//! the coefficients per operation (not per lane), after which the plain
//! loop runs; the rare safe loop is out of line for wide primitive tangents
//! (in place on copies made in that branch above 256 bytes) and inline for
//! nested ones. See [`scale`] for the measurements behind the split.
//!
//! # Zero lanes
//!
//! The zero tangent (of constants and of the unseeded lanes of a seed) is
//! `−0` in every lane. `−0` is the additive identity of IEEE arithmetic
//! (`y + (−0) = y` for every `y`, including `+0`), so after inlining LLVM
//! deletes the lane-wise additions of a constant's tangent; with `+0` it
//! cannot (`−0 + +0 = +0`). The select returns `+0` for a zero lane
//! (`−0` with AVX-512): on SSE2 that is a compare and an `andnpd` over the
//! product, where `−0` takes two more instructions per register, and the
//! saving outweighs the folding it gives up (see [`term`]). As a number `−0 == 0`: a derivative
//! that is zero may print as `-0` inside the kernels; the drivers hand out
//! `+0`.
//!
//! # Policy-free kernels
//!
//! With `SAFE = false` ([`Unchecked`](crate::Unchecked)) [`scale`] and
//! [`lincomb`] are the plain loops, for the drivers' checked fast path.

use num_traits::Float;

/// Defines the out-of-line safe branch of a kernel: `#[cold]`,
/// `#[inline(never)]`, and on x86-64 the Windows x64 calling convention.
///
/// The branch is rare, but a call in a kernel clobbers every register the
/// convention says the callee may clobber, and after inlining the kernels
/// into a user's function LLVM keeps live tangents in memory across those
/// calls on the hot path too. Under the System V convention every `xmm`
/// register is caller-saved; under `extern "win64"` `xmm6`–`xmm15` are
/// callee-saved, so the callee saves what it uses, on the rare path. Plain
/// Rust, no `unsafe` (the `rust-cold` convention, which preserves almost
/// every register, would do the same but is nightly-only). Other
/// architectures keep the Rust convention.
macro_rules! cold_fn {
    ($(#[$attr:meta])* fn $name:ident[$($gen:tt)*]($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$attr])*
        #[cold]
        #[inline(never)]
        #[cfg(target_arch = "x86_64")]
        #[allow(improper_ctypes_definitions)]
        extern "win64" fn $name<$($gen)*>($($arg: $ty),*) $(-> $ret)? $body

        $(#[$attr])*
        #[cold]
        #[inline(never)]
        #[cfg(not(target_arch = "x86_64"))]
        fn $name<$($gen)*>($($arg: $ty),*) $(-> $ret)? $body
    };
}
pub(crate) use cold_fn;

/// The zero tangent.
#[inline(always)]
pub(crate) fn zero<T: Float, const N: usize>() -> [T; N] {
    [T::neg_zero(); N]
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
///
/// Three implementations of the same policy, chosen by the lane type and
/// width at compile time:
///
/// - tangents of primitive floats up to 32 bytes (64 with AVX-512, see
///   [`small`]) take a branch-free select per lane, zero lanes returned as
///   `+0` (`−0` with AVX-512): for them the per-operation finiteness test was the largest cost
///   (it took the scalar `derivative` bench from 1.06 to 1.29 times the
///   hand-written derivative; the select brings it to 1.19, and the n = 2
///   Rosenbrock gradient from 3.3 to 1.9);
/// - wider primitive tangents test the coefficient once and run the plain
///   loop, with the safe loop out of line (kept inline, it cost the n = 8
///   and n = 16 Rosenbrock gradients 10–18% more instructions), on copies
///   made in the rare branch above 256 bytes (see [`large`]);
/// - nested tangents (lanes that are duals: the Hessian) test the
///   coefficient once and run the plain loop, with the select loop inline
///   in the rare branch, where a call makes LLVM spill live inner tangents
///   (the closure Hessian of Rosenbrock n = 4: 4 628 → 2 802 instructions
///   with 16 codegen units, 5 507 → 5 377 with one). (A per-lane select of
///   whole inner duals, with no test, cost 13% more than the test.)
///
/// The paths may give zero lanes opposite signs (`d·0` is `−0` for a
/// negative `d`), never different numbers. With `SAFE = false` the plain
/// loop runs unconditionally.
#[inline(always)]
pub(crate) fn scale<T: Float, const N: usize, const SAFE: bool>(d: T, x: &[T; N]) -> [T; N] {
    if !SAFE {
        scale_unchecked(d, x)
    } else if small::<T, N>() {
        scale_select(d, x)
    } else if const { large::<T, N>() } {
        scale_large(d, d, x)
    } else if all_finite(d) {
        scale_unchecked(d, x)
    } else if nested::<T>() {
        scale_select(d, x)
    } else {
        scale_slow(d, *x)
    }
}

/// [`scale`] for the result of a rule whose value is `v` (used by `sin` and
/// `cos`): the same numbers.
///
/// On the paths that branch on the coefficient (primitive tangents wider
/// than [`small`]), the branch also tests `v`, through `d + (v − v)`, which
/// is finite exactly when both are. A non-finite `v` with a finite `d` then
/// takes the safe loop, which gives the plain loop's numbers when `d` is
/// finite, so no result changes. What changes is where the value is
/// computed: with the test on `d` alone, LLVM moved the value's libm call
/// (`sin x` of `sin`, whose derivative `cos x` the test reads) below the
/// branch, out of the block where `cos x` is computed, and so code
/// generation could no longer merge the two into one `sincos` call. Only
/// `sin` and `cos` use it: for every other rule the value is one call with
/// its derivative or costs no call, and the extra test only costs (through
/// `Dual::chain`, scalar products lost their folded test: the scalar-op
/// Rosenbrock n = 32 gradient 31 897 → 32 579 instructions).
#[inline(always)]
#[allow(clippy::eq_op)] // `v − v` is the test, not a mistake
pub(crate) fn scale_rule<T: Float, const N: usize, const SAFE: bool>(
    v: T,
    d: T,
    x: &[T; N],
) -> [T; N] {
    if !SAFE || small::<T, N>() || nested::<T>() {
        scale::<T, N, SAFE>(d, x)
    } else if const { large::<T, N>() } {
        scale_large(d + (v - v), d, x)
    } else if all_finite(d + (v - v)) {
        scale_unchecked(d, x)
    } else {
        scale_slow(d, *x)
    }
}

/// `d·ẋ` with the policy applied lane by lane, in place.
#[inline(always)]
fn scale_select<T: Float, const N: usize>(d: T, x: &[T; N]) -> [T; N] {
    let mut r = *x;
    for r in &mut r {
        *r = term(d, *r);
    }
    r
}

cold_fn! {
    /// The safe branch of [`scale`] for wide primitive tangents, out of line.
    fn scale_slow[T: Float, const N: usize](d: T, x: [T; N]) -> [T; N] {
        core::array::from_fn(|i| if x[i].is_zero() { x[i] } else { d * x[i] })
    }
}

/// The binary chain kernel `a·ẋ + b·ẏ`, NaN-safe: where a coefficient is not
/// finite, its term is dropped in every lane whose tangent is exactly zero.
/// The same three implementations as [`scale`].
#[inline(always)]
pub(crate) fn lincomb<T: Float, const N: usize, const SAFE: bool>(
    a: T,
    x: &[T; N],
    b: T,
    y: &[T; N],
) -> [T; N] {
    if const { large::<T, N>() && SAFE } {
        lincomb_large(a, x, b, y)
    } else if !SAFE || !small::<T, N>() && all_finite(a) && all_finite(b) {
        lincomb_unchecked(a, x, b, y)
    } else if small::<T, N>() || nested::<T>() {
        let mut r = *x;
        for (r, y) in r.iter_mut().zip(y) {
            *r = term(a, *r) + term(b, *y);
        }
        r
    } else {
        lincomb_slow(a, *x, b, *y)
    }
}

/// `a·ẋ + b·ẏ` with no safety check.
#[inline(always)]
pub(crate) fn lincomb_unchecked<T: Float, const N: usize>(
    a: T,
    x: &[T; N],
    b: T,
    y: &[T; N],
) -> [T; N] {
    let mut r = *x;
    for (r, y) in r.iter_mut().zip(y) {
        *r = a * *r + b * *y;
    }
    r
}

/// Whether a tangent takes the branch-free select: primitive lanes, at most
/// 32 bytes (64 with AVX-512). Larger tangents test the coefficients and
/// take the safe loop out of line: two inlined loops per operator made LLVM
/// spill and copy whole tangents through memory in every operator (perf:
/// `memcpy` at 45% of an `N = 32` gradient). At 32 bytes the in-place
/// select (no `array::from_fn`) costs what the test costs (n = 4
/// Rosenbrock gradient: 349 instructions against 343) and folds constants'
/// lanes. With AVX-512 the select is one masked multiply per register, so a
/// whole `f64` tangent of width 8 (one `zmm`) takes it there.
#[inline(always)]
pub(crate) const fn small<T, const N: usize>() -> bool {
    let limit = if cfg!(target_feature = "avx512f") { 64 } else { 32 };
    core::mem::size_of::<[T; N]>() <= limit && core::mem::size_of::<T>() <= 8
}

cold_fn! {
    /// The safe branch of [`lincomb`] for wide primitive tangents, out of line.
    fn lincomb_slow[T: Float, const N: usize](a: T, x: [T; N], b: T, y: [T; N]) -> [T; N] {
        core::array::from_fn(|i| term(a, x[i]) + term(b, y[i]))
    }
}

/// True when `d` is finite in every component: `d − d` is exactly zero for
/// a finite `d` and NaN otherwise. For `T = f64` this costs what
/// `is_finite` costs; for a nested `T = Dual<U, M>` it also looks at the
/// inner tangent (a lane-wise difference, no multiplication and so no
/// nested policy), so a finite slope with an infinite second-order part
/// still takes the safe path and a lane that does not vary keeps an exact
/// zero Hessian entry. (`d·0`, the form used before, cost 20% more
/// instructions in the nested Hessian.)
#[inline(always)]
#[allow(clippy::eq_op)] // `d − d` is the test, not a mistake
pub(crate) fn all_finite<T: Float>(d: T) -> bool {
    (d - d).is_zero()
}

/// Primitive tangents wider than 256 bytes (more than 32 `f64` lanes):
/// their safe branch works in place, through references, on copies made
/// inside that branch, so the hot path makes no copies for it and no
/// tangent of the hot path has its address taken.
///
/// From 64 bytes on, this scheme measured fewer instructions on the
/// Rosenbrock gradients (callgrind, closure rows: n = 16 4 218 → 4 171,
/// n = 32 29 982 → 28 149), but GradBench's hand-tracking Jacobian
/// (`Chunk::<14>`, 112-byte tangents, forward mode) ran 13 % slower with it:
/// 28.1–28.6 ms → 31.7–31.9 ms a Jacobian (hand1, three alternating runs of
/// both builds), back to 28.5–29.1 with the limit at 256. So the limit
/// stays where LLVM keeps the tangents in memory anyway.
#[inline(always)]
const fn large<T, const N: usize>() -> bool {
    core::mem::size_of::<[T; N]>() > 256 && core::mem::size_of::<T>() <= 8
}

/// [`scale`] for large tangents: the test, then the plain loop or the safe
/// one, each in place on its own copy of `ẋ`.
///
/// The rare branch hands the cold function a copy made inside that branch
/// (through [`black_box`](core::hint::black_box), which LLVM cannot elide),
/// never the address of an operand or of the hot path's result: once an
/// address escapes, LLVM keeps that tangent in memory on the hot path too,
/// and a lifted constant's `−0` lanes are then copied, loaded and multiplied
/// instead of folded (callgrind, wide 64 × 4 Jacobian, closure: 416 649 →
/// 343 362 instructions a call with the copies in [`lincomb_large`],
/// 317 772 with this one too; the fn object, policy-free, 272 706).
///
/// The branch tests `t`: `d` itself, or `d + (v − v)` from [`scale_rule`].
#[inline(always)]
fn scale_large<T: Float, const N: usize>(t: T, d: T, x: &[T; N]) -> [T; N] {
    if all_finite(t) {
        let mut r = *x;
        for r in &mut r {
            *r = d * *r;
        }
        r
    } else {
        let mut r = core::hint::black_box(*x);
        scale_slow_in_place(d, &mut r);
        r
    }
}

/// [`lincomb`] for large tangents, as [`scale_large`]: the rare branch
/// copies both operands' tangents.
#[inline(always)]
fn lincomb_large<T: Float, const N: usize>(a: T, x: &[T; N], b: T, y: &[T; N]) -> [T; N] {
    if all_finite(a) && all_finite(b) {
        let mut r = *x;
        for (r, y) in r.iter_mut().zip(y) {
            *r = a * *r + b * *y;
        }
        r
    } else {
        let mut r = core::hint::black_box(*x);
        let y = core::hint::black_box(*y);
        lincomb_slow_in_place(a, &mut r, b, &y);
        r
    }
}

cold_fn! {
    /// The safe branch of [`scale`] for large tangents, in place.
    fn scale_slow_in_place[T: Float, const N: usize](d: T, r: &mut [T; N]) {
        for r in r {
            *r = term(d, *r);
        }
    }
}

cold_fn! {
    /// The safe branch of [`lincomb`] for large tangents: `r` holds `ẋ` and
    /// receives the result.
    fn lincomb_slow_in_place[T: Float, const N: usize](a: T, r: &mut [T; N], b: T, y: &[T; N]) {
        for (r, y) in r.iter_mut().zip(y) {
            *r = term(a, *r) + term(b, *y);
        }
    }
}

/// Whether the lanes are themselves duals (a nested tangent, wider than a
/// primitive float).
#[inline(always)]
const fn nested<T>() -> bool {
    core::mem::size_of::<T>() > 8
}

/// `a·ẋ` that is zero when `ẋ` is zero, whatever `a` is. The product is
/// formed first so that, for plain floats, the choice compiles to a select.
///
/// A zero lane comes out as `+0`: on SSE2 the select is then `cmpeqpd` and
/// `andnpd` over the product, where returning `−0` added an `andpd` and an
/// `orpd` per register. It gives up folding a constant operand's term
/// (`a·(−0)` now leaves a `+0` to add, as on the policy-free path), and
/// still measured fewer instructions (callgrind, default target, closure
/// rows, a call, `−0` → `+0`): f′ 325 → 305, ∇ Rosenbrock n = 4 347 → 285,
/// tall 4 × 64 Jacobian 19 379 → 17 779, nested Hessian n = 4 5 286 →
/// 4 557; n = 2 45 either way. Returning the lane's own zero (`x`, which
/// keeps a constant's `−0`) measured 323, 349, 19 315 and 5 291.
///
/// With AVX-512 the select is one masked multiply whichever zero it
/// returns, and there `−0` is kept, for the folding: `+0` cost ∇ Rosenbrock
/// n = 2 1.97 → 2.11 times hand-written (interleaved, five alternating
/// runs), f′ 1.22 → 1.24.
#[inline(always)]
fn term<T: Float>(a: T, x: T) -> T {
    let p = a * x;
    if !x.is_zero() {
        p
    } else if cfg!(target_feature = "avx512f") {
        T::neg_zero()
    } else {
        T::zero()
    }
}

/// True when every lane is exactly zero.
#[inline(always)]
pub(crate) fn is_zero<T: Float, const N: usize>(x: &[T; N]) -> bool {
    x.iter().all(|e| e.is_zero())
}

#[cfg(test)]
mod tests {
    //! The kernels take a branch-free select for small primitive tangents
    //! and a checked path (out of line for wide primitive tangents, inline
    //! for nested ones) otherwise; all must
    //! follow the NaN-safe policy lane by lane, whatever the width: the same
    //! numbers exactly, with NaN where and only where the policy gives NaN.
    //! Only the sign of a zero lane may differ between paths (±0 are the
    //! same derivative).
    use super::{lincomb as lc, scale as sc, scale_rule};

    fn scale<const N: usize>(a: f64, x: &[f64; N]) -> [f64; N] {
        sc::<f64, N, true>(a, x)
    }

    fn lincomb<const N: usize>(a: f64, x: &[f64; N], b: f64, y: &[f64; N]) -> [f64; N] {
        lc::<f64, N, true>(a, x, b, y)
    }

    /// The policy for one lane, written as plainly as possible.
    fn term(a: f64, x: f64) -> f64 {
        if x == 0.0 && !a.is_finite() { 0.0 } else { a * x }
    }

    /// Equal as numbers (±0 alike), or both NaN.
    fn same(a: f64, b: f64) -> bool {
        a == b || (a.is_nan() && b.is_nan())
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
                    assert!(same(r[i], want), "scale N={N} a={a} lane {i}: {} vs {want}", r[i]);
                }
                // A rule's result: the value takes part in the branch only,
                // never in the numbers, whatever it is.
                for &v in &COEFFS {
                    let q = scale_rule::<f64, N, true>(v, a, &x);
                    for i in 0..N {
                        assert!(same(q[i], r[i]), "scale_rule N={N} v={v} a={a} lane {i}");
                    }
                }
                for &b in &COEFFS {
                    let r = lincomb(a, &x, b, &y);
                    let fin = a.is_finite() && b.is_finite();
                    for i in 0..N {
                        let want =
                            if fin { a * x[i] + b * y[i] } else { term(a, x[i]) + term(b, y[i]) };
                        assert!(
                            same(r[i], want),
                            "lincomb N={N} a={a} b={b} lane {i}: {} vs {want}",
                            r[i]
                        );
                    }
                }
            }
        }
    }

    /// Nested lanes (inner duals) take the test and, for a non-finite
    /// coefficient, the inline select: a lane that is an exact zero (value
    /// and inner tangent) stays zero, every other lane is the product.
    #[test]
    fn nested_lanes_follow_the_policy() {
        use crate::Dual;
        type D = Dual<f64, 2>;
        let zero = D::new(0.0, [0.0, 0.0]);
        let x = [zero, D::new(1.5, [0.5, -1.0]), D::new(0.0, [1.0, 0.0]), zero];
        let y = [D::new(-2.0, [0.0, 3.0]), zero, zero, D::new(0.25, [1.0, 1.0])];
        let coeffs = [
            D::new(2.0, [1.0, 0.0]),
            D::new(f64::INFINITY, [0.0, 0.0]),
            D::new(3.0, [f64::NAN, 0.0]),
            D::new(f64::NAN, [1.0, 1.0]),
        ];
        let policy = |a: D, x: D| if x.re == 0.0 && x.eps == [0.0; 2] { zero } else { a * x };
        let same =
            |p: D, q: D| same(p.re, q.re) && p.eps.iter().zip(q.eps).all(|(&u, v)| same(u, v));
        for &a in &coeffs {
            let r = sc::<D, 4, true>(a, &x);
            for i in 0..4 {
                assert!(same(r[i], policy(a, x[i])), "scale a={a} lane {i}: {}", r[i]);
            }
            for &b in &coeffs {
                let r = lc::<D, 4, true>(a, &x, b, &y);
                for i in 0..4 {
                    let want = policy(a, x[i]) + policy(b, y[i]);
                    assert!(same(r[i], want), "lincomb a={a} b={b} lane {i}: {}", r[i]);
                }
            }
        }
    }

    #[test]
    fn every_width_follows_the_policy() {
        check::<1>();
        check::<2>();
        check::<3>();
        check::<8>();
        // Either side of 64 bytes (where the large scheme was measured and
        // dropped, see `large`) and of its 256-byte limit.
        check::<9>();
        check::<16>();
        check::<33>();
        check::<64>();
    }
}
