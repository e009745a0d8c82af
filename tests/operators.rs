//! Every operator combination, following the impl list at the top of
//! `src/forward/dual/ops.rs`:
//!
//! - for each of `+ - * / %`: `Dual op Dual` and `Dual op T` by value,
//!   checked against the hand-written rule (value bit-for-bit as plain `T`);
//! - every reference combination (`&Dual op Dual`, `Dual op &Dual`,
//!   `&Dual op &Dual`, `Dual op &T`, `&Dual op T`, `&Dual op &T`), which must
//!   give the by-value result exactly;
//! - the assign forms `op=` with `Dual`, `&Dual`, `T` and `&T` on the right,
//!   which must agree exactly with the binary forms;
//! - `T op Dual` for `T = f32` and `f64` (and `&T`, `&Dual`);
//! - unary `-` by value and reference; `Sum` and `Product` over values and
//!   references.
//!
//! The whole suite runs at `f64` and at `f32`.

/// Asserts that two duals (of the suite's type `D`) are identical: same
/// value and tangent bits.
macro_rules! assert_same {
    ($got:expr, $want:expr, $what:expr) => {{
        let (g, w) = ($got, $want);
        let bits = |d: &D| (d.re.to_bits(), d.eps.map(|e| e.to_bits()));
        assert!(bits(&g) == bits(&w), "{}: {g:?} is not identical to {w:?}", $what);
    }};
}

/// Runs the checks for one binary operator: `$op` is the operator token,
/// `$op_assign` its assign form; `$dd`, `$ds`, `$sd` give the expected
/// result of `Dual op Dual`, `Dual op T` and `T op Dual` by hand.
macro_rules! binary_operator {
    ($name:ident, $op:tt, $op_assign:tt, dd: $dd:expr, ds: $ds:expr, sd: $sd:expr) => {
        #[test]
        fn $name() {
            let (a, b, s) = (a(), b(), S);
            let (dd, ds, sd): (D, D, D) = ($dd(a, b), $ds(a, s), $sd(s, a));

            // By value, against the rule written by hand.
            assert_rule(a $op b, dd, "Dual op Dual");
            assert_rule(a $op s, ds, "Dual op T");
            assert_rule(s $op a, sd, "T op Dual");

            // The scalar forms agree with the scalar promoted to a constant.
            assert_rule(a $op s, a $op D::constant(s), "Dual op T vs Dual op constant");
            assert_rule(s $op a, D::constant(s) $op a, "T op Dual vs constant op Dual");

            // Every reference combination gives the by-value result exactly.
            let v = a $op b;
            assert_same!(&a $op b, v, "&Dual op Dual");
            assert_same!(a $op &b, v, "Dual op &Dual");
            assert_same!(&a $op &b, v, "&Dual op &Dual");
            let v = a $op s;
            assert_same!(a $op &s, v, "Dual op &T");
            assert_same!(&a $op s, v, "&Dual op T");
            assert_same!(&a $op &s, v, "&Dual op &T");
            let v = s $op a;
            assert_same!(s $op &a, v, "T op &Dual");
            assert_same!(&s $op a, v, "&T op Dual");
            assert_same!(&s $op &a, v, "&T op &Dual");

            // Assign forms agree with the binary forms.
            let mut x = a;
            x $op_assign b;
            assert_same!(x, a $op b, "op= Dual");
            let mut x = a;
            x $op_assign &b;
            assert_same!(x, a $op b, "op= &Dual");
            let mut x = a;
            x $op_assign s;
            assert_same!(x, a $op s, "op= T");
            let mut x = a;
            x $op_assign &s;
            assert_same!(x, a $op s, "op= &T");
        }
    };
}

macro_rules! operator_suite {
    ($suite:ident, $t:ty) => {
        mod $suite {
            use dualnum::Dual;

            type T = $t;
            type D = Dual<T, 2>;

            // Points chosen so that no operation below is exact by accident
            // in the tangent (and 7.25 / -2.5 has a non-trivial trunc).
            fn a() -> D {
                Dual::new(7.25, [0.5, -2.0])
            }
            fn b() -> D {
                Dual::new(-2.5, [3.0, 0.375])
            }
            const S: T = 1.75;

            /// Value bit-for-bit; tangent to a couple of roundings.
            #[track_caller]
            fn assert_rule(got: D, want: D, what: &str) {
                assert_eq!(got.re.to_bits(), want.re.to_bits(), "{what}: value {got:?} vs {want:?}");
                for i in 0..2 {
                    let tol = 4.0 * T::EPSILON * want.eps[i].abs();
                    assert!(
                        (got.eps[i] - want.eps[i]).abs() <= tol,
                        "{what}: lane {i}: {got:?} vs {want:?}"
                    );
                }
            }

            fn map(x: D, f: impl Fn(T) -> T) -> [T; 2] {
                x.eps.map(f)
            }

            binary_operator!(add, +, +=,
                dd: |a: D, b: D| Dual::new(a.re + b.re, [a.eps[0] + b.eps[0], a.eps[1] + b.eps[1]]),
                ds: |a: D, s: T| Dual::new(a.re + s, a.eps),
                sd: |s: T, a: D| Dual::new(s + a.re, a.eps));

            binary_operator!(sub, -, -=,
                dd: |a: D, b: D| Dual::new(a.re - b.re, [a.eps[0] - b.eps[0], a.eps[1] - b.eps[1]]),
                ds: |a: D, s: T| Dual::new(a.re - s, a.eps),
                sd: |s: T, a: D| Dual::new(s - a.re, map(a, |e| -e)));

            // Product rule: (ab)' = a'b + ab'.
            binary_operator!(mul, *, *=,
                dd: |a: D, b: D| Dual::new(a.re * b.re, [0, 1].map(|i| a.eps[i] * b.re + a.re * b.eps[i])),
                ds: |a: D, s: T| Dual::new(a.re * s, map(a, |e| e * s)),
                sd: |s: T, a: D| Dual::new(s * a.re, map(a, |e| s * e)));

            // Quotient rule: (a/b)' = (a'b − ab')/b².
            binary_operator!(div, /, /=,
                dd: |a: D, b: D| Dual::new(a.re / b.re,
                    [0, 1].map(|i| (a.eps[i] * b.re - a.re * b.eps[i]) / (b.re * b.re))),
                ds: |a: D, s: T| Dual::new(a.re / s, map(a, |e| e / s)),
                sd: |s: T, a: D| Dual::new(s / a.re, map(a, |e| -s * e / (a.re * a.re))));

            // a mod b = a − trunc(a/b)·b: partials (1, −trunc(a/b)).
            binary_operator!(rem, %, %=,
                dd: |a: D, b: D| Dual::new(a.re % b.re,
                    [0, 1].map(|i| a.eps[i] - (a.re / b.re).trunc() * b.eps[i])),
                ds: |a: D, s: T| Dual::new(a.re % s, a.eps),
                sd: |s: T, a: D| Dual::new(s % a.re, map(a, |e| -(s / a.re).trunc() * e)));

            #[test]
            fn rem_points_are_not_trivial() {
                // The hand-written % rule above must see a non-zero trunc.
                assert_eq!((a().re / b().re).trunc(), -2.0);
                assert_eq!((S / a().re).trunc(), 0.0);
                assert_eq!((S / b().re).trunc(), 0.0);
                // A scalar on the left that exceeds the dual: trunc 4.
                let x: D = Dual::new(1.5, [1.0, -1.0]);
                let r = 7.0 % x;
                assert_eq!(r.re.to_bits(), (7.0 as T % 1.5).to_bits());
                assert_eq!(r.eps, [-4.0, 4.0]);
            }

            #[test]
            fn neg_by_value_and_reference() {
                let a = a();
                let n = -a;
                assert_eq!(n.re.to_bits(), (-a.re).to_bits());
                assert_eq!(n.eps, [-0.5, 2.0]);
                assert_same!(-&a, n, "-&Dual");
                // −0 stays a signed zero, as in plain T.
                let z: D = Dual::new(0.0, [0.0, 1.0]);
                assert!((-z).re.is_sign_negative());
            }

            fn samples() -> Vec<D> {
                vec![a(), b(), Dual::new(0.75, [-1.0, 0.25]), Dual::new(-3.0, [0.0, 2.0])]
            }

            #[test]
            fn sum_over_values_and_references() {
                let xs = samples();
                let plain: T = xs.iter().map(|x| x.re).sum();
                let by_value: D = xs.clone().into_iter().sum();
                let by_ref: D = xs.iter().sum();
                assert_eq!(by_value.re.to_bits(), plain.to_bits());
                for i in 0..2 {
                    let want: T = xs.iter().map(|x| x.eps[i]).sum();
                    assert_eq!(by_value.eps[i], want);
                }
                assert_same!(by_ref, by_value, "Sum<&Dual>");
                // The empty sum is a constant zero with the sign plain T gives.
                let empty: D = Vec::<D>::new().iter().sum();
                let plain_empty: T = Vec::<T>::new().iter().sum();
                assert_eq!(empty.re.to_bits(), plain_empty.to_bits());
                assert_eq!(empty.eps, [0.0; 2]);
            }

            #[test]
            fn sum_of_negative_zeros_keeps_the_plain_sign() {
                let zs: [D; 2] = [Dual::new(-0.0, [1.0, 0.0]), Dual::new(-0.0, [0.0, 1.0])];
                let plain: T = zs.iter().map(|z| z.re).sum();
                let by_value: D = zs.into_iter().sum();
                let by_ref: D = zs.iter().sum();
                assert_eq!(by_value.re.to_bits(), plain.to_bits(), "Sum of −0s: {by_value:?}");
                assert_eq!(by_ref.re.to_bits(), plain.to_bits(), "Sum<&> of −0s: {by_ref:?}");
                assert_eq!(by_value.eps, [1.0, 1.0]);
            }

            #[test]
            fn product_over_values_and_references() {
                let xs = samples();
                let plain: T = xs.iter().map(|x| x.re).product();
                let by_value: D = xs.clone().into_iter().product();
                let by_ref: D = xs.iter().product();
                assert_eq!(by_value.re.to_bits(), plain.to_bits());
                // d(Π xⱼ) = Σᵢ ẋᵢ · Π_{j≠i} xⱼ
                for lane in 0..2 {
                    let want: T = (0..xs.len())
                        .map(|i| {
                            let others: T =
                                xs.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, x)| x.re).product();
                            xs[i].eps[lane] * others
                        })
                        .sum();
                    assert!((by_value.eps[lane] - want).abs() <= 8.0 * T::EPSILON * want.abs());
                }
                assert_same!(by_ref, by_value, "Product<&Dual>");
                let empty: D = Vec::<D>::new().into_iter().product();
                assert_eq!(empty.re, 1.0);
                assert_eq!(empty.eps, [0.0; 2]);
            }

            #[test]
            fn scalar_literal_on_the_left_compiles_and_differentiates() {
                // `2.0 * x` in generic-free user code.
                let x: D = Dual::variable(3.0, 0);
                let y = 2.0 * x + 1.0 - x / 4.0;
                assert_eq!(y.re, 2.0 * 3.0 + 1.0 - 3.0 / 4.0);
                assert_eq!(y.eps, [2.0 - 0.25, 0.0]);
            }
        }
    };
}

operator_suite!(at_f64, f64);
operator_suite!(at_f32, f32);
