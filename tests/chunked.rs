//! The chunked drivers: equal to a one-pass evaluation for every input
//! length from 1 to 3·C + 1 and several chunk widths, equal to the
//! hand-written derivatives, ⌈n / C⌉ evaluations, the output-length panic,
//! and (with `rayon`) parallel == sequential.

use std::cell::Cell;

use dualnum::test_functions::*;
use dualnum::{Dual, chunked};
use nalgebra::{DMatrix, DVector};

/// One pass: all `n ≤ 32` inputs seeded at once in a `Dual<f64, 32>`.
const WIDE: usize = 32;

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.9 * ((i as f64) * 0.7).sin() + 0.1).collect()
}

/// Runs `$body` with the const `C` bound to each chunk width.
macro_rules! for_chunks {
    ($C:ident => $body:block) => {{
        {
            const $C: usize = 1;
            $body
        }
        {
            const $C: usize = 2;
            $body
        }
        {
            const $C: usize = 3;
            $body
        }
        {
            const $C: usize = 4;
            $body
        }
        {
            const $C: usize = 8;
            $body
        }
    }};
}

#[test]
fn gradient_equals_one_pass_for_every_length() {
    for_chunks!(C => {
        for n in 1..=3 * C + 1 {
            let x = point(n);
            let calls = Cell::new(0);
            let (fx, g) = chunked::Chunk::<C>::gradient(
                |x| {
                    calls.set(calls.get() + 1);
                    rosenbrock(x) + sin_exp_sum(x)
                },
                &x,
            );
            assert_eq!(calls.get(), n.div_ceil(C), "C = {C}, n = {n}: evaluations");
            let (f1, g1) = chunked::Chunk::<WIDE>::gradient(|x| rosenbrock(x) + sin_exp_sum(x), &x);
            // every lane runs the same arithmetic whatever the width: equal bit for bit
            assert_eq!((fx, &g), (f1, &g1), "C = {C}, n = {n}");
            assert_eq!(fx, rosenbrock(&x) + sin_exp_sum(&x));
            let mut want = vec![0.0; n];
            let mut t = vec![0.0; n];
            rosenbrock_gradient(&x, &mut want);
            sin_exp_sum_gradient(&x, &mut t);
            for i in 0..n {
                let w = want[i] + t[i];
                assert!((g[i] - w).abs() <= 1e-13 * w.abs().max(1.0), "C = {C}, n = {n}, i = {i}");
            }
        }
    });
}

#[test]
fn jacobian_equals_one_pass_for_every_length() {
    for_chunks!(C => {
        for n in 1..=3 * C + 1 {
            let x = point(n);
            let calls = Cell::new(0);
            let (fx, j) = chunked::Chunk::<C>::jacobian_inplace(
                |x, out| {
                    calls.set(calls.get() + 1);
                    broyden_exp_sin(x, out)
                },
                &x,
                n,
            );
            assert_eq!(calls.get(), n.div_ceil(C));
            let one = chunked::Chunk::<WIDE>::jacobian_inplace(broyden_exp_sin, &x, n);
            assert_eq!((&fx, &j), (&one.0, &one.1), "C = {C}, n = {n}");
            let mut want = vec![0.0; n * n];
            broyden_exp_sin_jacobian(&x, &mut want);
            let want = DMatrix::from_row_slice(n, n, &want);
            assert!((&j - &want).amax() <= 1e-13 * want.amax().max(1.0), "C = {C}, n = {n}");

            // a tall map (m = 2n + 1) through the Vec-returning form
            let m = 2 * n + 1;
            let (tx, tj) = chunked::Chunk::<C>::jacobian(
                |x| {
                    let mut out = vec![Dual::constant(0.0); m];
                    tall_map(x, &mut out);
                    out
                },
                &x,
            );
            let one = chunked::Chunk::<WIDE>::jacobian_inplace(tall_map, &x, m);
            assert_eq!((&tx, &tj), (&one.0, &one.1), "tall, C = {C}, n = {n}");
            let mut want = vec![0.0; m * n];
            tall_map_jacobian(&x, m, &mut want);
            let want = DMatrix::from_row_slice(m, n, &want);
            assert!((&tj - &want).amax() <= 1e-13 * want.amax().max(1.0));
        }
    });
}

#[test]
fn values_are_exact_and_defaults_agree() {
    let x = point(19);
    let (fx, g) = chunked::gradient(log_sum_exp, &x);
    assert_eq!(fx, log_sum_exp(&x));
    assert_eq!(g, chunked::Chunk::<{ chunked::DEFAULT_CHUNK }>::gradient(log_sum_exp, &x).1);
    let mut want = vec![0.0; 19];
    log_sum_exp_gradient(&x, &mut want);
    assert!((g - DVector::from_vec(want)).amax() <= 1e-15);

    let f = |x: &[Dual<f64, { chunked::DEFAULT_CHUNK }>]| {
        let mut out = vec![Dual::constant(0.0); 3];
        wide_map(x, &mut out);
        out
    };
    let (fx, j) = chunked::jacobian(f, &x);
    let mut plain = [0.0; 3];
    wide_map(&x, &mut plain);
    assert_eq!(fx.as_slice(), &plain);
    let mut want = vec![0.0; 3 * 19];
    wide_map_jacobian(&x, 3, &mut want);
    assert!((j - DMatrix::from_row_slice(3, 19, &want)).amax() <= 1e-13);
}

#[test]
fn empty_input_evaluates_once() {
    let (fx, g) =
        chunked::Chunk::<4>::gradient(|x| x.iter().copied().sum::<Dual<f64, 4>>() + 2.0, &[]);
    assert_eq!((fx, g.len()), (2.0, 0));
    let (fx, j) = chunked::Chunk::<4>::jacobian(|_| [Dual::constant(1.0); 2], &[]);
    assert_eq!((fx.len(), j.shape()), (2, (2, 0)));
}

#[test]
#[should_panic(
    expected = "chunked::jacobian: the function returned 3 outputs on its first evaluation but 4 \
                on the evaluation seeding inputs 2..4"
)]
fn jacobian_panics_when_the_output_length_changes() {
    // the output length depends on which input is seeded: a bug to report
    let _ = chunked::Chunk::<2>::jacobian(
        |x: &[Dual<f64, 2>]| {
            let len = if x[0].eps[0] == 1.0 { 3 } else { 4 };
            vec![x[0]; len]
        },
        &[1.0, 2.0, 3.0, 4.0, 5.0],
    );
}

#[cfg(feature = "rayon")]
mod parallel {
    use super::*;

    #[test]
    fn parallel_equals_sequential() {
        for_chunks!(C => {
            for n in [1, C, 3 * C + 1, 40] {
                let x = point(n);
                let f = |x: &[Dual<f64, C>]| {
                    let mut out = vec![Dual::constant(0.0); n + 2];
                    tall_map(x, &mut out);
                    out
                };
                assert_eq!(chunked::Chunk::<C>::par_jacobian(f, &x), chunked::Chunk::<C>::jacobian(f, &x));
                assert_eq!(
                    chunked::Chunk::<C>::par_jacobian_inplace(broyden_exp_sin, &x, n),
                    chunked::Chunk::<C>::jacobian_inplace(broyden_exp_sin, &x, n),
                );
            }
        });
    }

    #[test]
    #[should_panic(expected = "returned 3 outputs on its first evaluation but 4")]
    fn parallel_panics_when_the_output_length_changes() {
        let _ = chunked::Chunk::<2>::par_jacobian(
            |x: &[Dual<f64, 2>]| {
                let len = if x[0].eps[0] == 1.0 { 3 } else { 4 };
                vec![x[0]; len]
            },
            &[1.0, 2.0, 3.0, 4.0, 5.0],
        );
    }
}
