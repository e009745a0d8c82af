//! One result convention for every driver (issue 11, point 2): value first,
//! static sizes in nalgebra's static types and run-time sizes in dynamic
//! ones, `_into` twins identical to the allocating drivers, and
//! vector-valued closures returning any container.

use dualnum::test_functions::*;
use dualnum::{chunked, numeric};
use nalgebra::{DMatrix, DVector, SVector, dvector, vector};

fn map2<T: num_traits::Float>(x: &[T]) -> [T; 2] {
    [x[0] * x[1].sin(), x[0] + x[2] * x[2]]
}

#[test]
fn numeric_drivers_return_the_value_first() {
    let x = [1.2, -0.7, 0.4];
    let (fx, g) = numeric::gradient(rosenbrock, &x);
    assert_eq!(fx, rosenbrock(&x));
    assert_eq!(g.len(), 3);
    let (fx, d) = numeric::derivative(transcendental, 0.3f64);
    assert_eq!(fx, transcendental(0.3));
    assert!((d - transcendental_derivative(0.3)).abs() < 1e-8);
    let (fx, j) = numeric::jacobian(map2, &x);
    assert_eq!(fx.as_slice(), &map2(&x));
    assert_eq!(j.shape(), (2, 3));
}

#[test]
fn hvp_returns_value_gradient_and_product() {
    let x = vector![1.5, 2.0, 0.5];
    let v = vector![1.0, -2.0, 0.5];
    let (fx, g, hv) = dualnum::hvp(|x| rosenbrock(x.as_slice()), &x, &v);
    let (fh, gh, h) = dualnum::hessian(|x| rosenbrock(x.as_slice()), &x);
    assert_eq!((fx, g), (fh, gh));
    assert!((hv - h * v).amax() <= 1e-12 * (h * v).amax());
}

#[test]
fn into_twins_match_the_allocating_drivers() {
    let x: Vec<f64> = (0..11).map(|i| 0.1 * i as f64 - 0.4).collect();
    let (fx, g) = chunked::Chunk::<4>::gradient(rosenbrock, &x);
    let mut g2 = vec![f64::NAN; 11];
    assert_eq!(chunked::Chunk::<4>::gradient_into(rosenbrock, &x, &mut g2), fx);
    assert_eq!(g.as_slice(), g2.as_slice());

    let (fx, j) = chunked::Chunk::<3>::jacobian_inplace(broyden_exp_sin, &x, 11);
    let (mut fx2, mut j2) = (vec![f64::NAN; 11], DMatrix::from_element(11, 11, f64::NAN));
    chunked::Chunk::<3>::jacobian_into(broyden_exp_sin, &x, &mut fx2, j2.as_mut_slice());
    assert_eq!((fx.as_slice(), &j), (fx2.as_slice(), &j2));

    let (fx, g) = numeric::gradient(rosenbrock, &x);
    let mut g2 = vec![f64::NAN; 11];
    assert_eq!(numeric::gradient_into(rosenbrock, &x, &mut g2), fx);
    assert_eq!(g.as_slice(), g2.as_slice());

    let (fx, j) = numeric::jacobian_inplace(broyden_exp_sin, &x, 11);
    let (mut fx2, mut j2) = (vec![f64::NAN; 11], DMatrix::from_element(11, 11, f64::NAN));
    numeric::jacobian_into(broyden_exp_sin, &x, &mut fx2, j2.as_mut_slice());
    assert_eq!((fx.as_slice(), &j), (fx2.as_slice(), &j2));
}

#[test]
fn reverse_into_twins_match() {
    let x: Vec<f64> = (0..6).map(|i| 0.3 * i as f64 - 0.7).collect();
    let (fx, g) = dualnum::reverse::gradient(|x| rosenbrock(x), &x);
    let mut g2 = vec![f64::NAN; 6];
    assert_eq!(dualnum::reverse::gradient_into(|x| rosenbrock(x), &x, &mut g2), fx);
    assert_eq!(g.as_slice(), g2.as_slice());

    let (fx, j) = dualnum::reverse::jacobian(
        |x| {
            let mut out = vec![x[0]; 6];
            broyden_exp_sin(x, &mut out);
            out
        },
        &x,
    );
    let (mut fx2, mut j2) = (vec![f64::NAN; 6], DMatrix::from_element(6, 6, f64::NAN));
    dualnum::reverse::jacobian_into(
        |x, out| broyden_exp_sin(x, out),
        &x,
        &mut fx2,
        j2.as_mut_slice(),
    );
    assert_eq!((fx.as_slice(), &j), (fx2.as_slice(), &j2));

    let w = vec![0.5; 6];
    let (mut fx3, mut wj) = (vec![f64::NAN; 6], vec![f64::NAN; 6]);
    dualnum::reverse::vjp_into(|x, out| broyden_exp_sin(x, out), &x, &w, &mut fx3, &mut wj);
    assert_eq!(fx3.as_slice(), fx.as_slice());
    let want = j.transpose() * DVector::from_vec(w);
    assert!((DVector::from_vec(wj) - want).amax() < 1e-14);
}

#[test]
#[should_panic(expected = "chunked::gradient_into: `grad` has length 2 but the result needs 3")]
fn into_twins_check_the_slice_length() {
    let _ = chunked::Chunk::<2>::gradient_into(|x| x[0], &[1.0, 2.0, 3.0], &mut [0.0; 2]);
}

#[test]
fn vector_closures_return_any_container() {
    let x = [0.3, 1.1, -0.6];
    let (fa, ja) = chunked::Chunk::<2>::jacobian(map2, &x);
    let (fv, jv) = chunked::Chunk::<2>::jacobian(|x| map2(x).to_vec(), &x);
    let (fd, jd) = chunked::Chunk::<2>::jacobian(|x| DVector::from_row_slice(&map2(x)), &x);
    let (fs, js) = chunked::Chunk::<2>::jacobian(|x| SVector::from(map2(x)), &x);
    let (fb, jb) = chunked::Chunk::<2>::jacobian(|x| Box::<[_]>::from(map2(x)), &x);
    assert!([&fv, &fd, &fs, &fb].iter().all(|f| **f == fa));
    assert!([&jv, &jd, &js, &jb].iter().all(|j| **j == ja));

    let (_, na) = numeric::jacobian(map2, &x);
    let (_, nd) = numeric::jacobian(|x| dvector![map2(x)[0], map2(x)[1]], &x);
    assert_eq!(na, nd);
    assert!((na - &ja).amax() < 1e-8);

    // static sizes: an array or an SVector
    let xs = vector![0.3, 1.1, -0.6];
    let (f1, j1) = dualnum::jacobian(|x| map2(x.as_slice()), &xs);
    let (f2, j2) = dualnum::jacobian(|x| SVector::from(map2(x.as_slice())), &xs);
    assert_eq!((f1, j1), (f2, j2));
    assert_eq!(DMatrix::from_column_slice(2, 3, j1.as_slice()), ja);

    // jvp: an array gives an SVector, a Vec a DVector
    let v = vector![1.0, 0.5, -2.0];
    let (_, jv_arr) = dualnum::jvp(|x| map2(x.as_slice()), &xs, &v);
    let (_, jv_vec) = dualnum::jvp(|x| map2(x.as_slice()).to_vec(), &xs, &v);
    assert_eq!(jv_arr, j1 * v);
    assert_eq!(jv_vec.as_slice(), (j1 * v).as_slice());
}

/// The dualnum column of the crate docs' table beside PyTorch and JAX
/// (issue 19): each kink gives the documented derivative in forward and in
/// reverse mode.
#[test]
fn kinks_as_the_pytorch_jax_table_says() {
    use dualnum::reverse;
    type Case = (&'static str, f64, fn(f64) -> f64);
    let fwd: [(&str, f64, f64); 5] = [
        ("max(x, 0) at 0", 0.0, dualnum::derivative(|x| x.max(0.0), 0.0).1),
        ("abs at +0", 0.0, dualnum::derivative(|x| x.abs(), 0.0).1),
        ("abs at -0", -0.0, dualnum::derivative(|x| x.abs(), -0.0).1),
        ("clamp at lo", 0.0, dualnum::derivative(|x| x.clamp(0.0, 1.0), 0.0).1),
        (
            "relu by branch at 0",
            0.0,
            dualnum::derivative(|x| if x > 0.0 { x } else { x * 0.0 }, 0.0).1,
        ),
    ];
    let want = [0.5, 1.0, -1.0, 1.0, 0.0];
    for ((what, _, got), want) in fwd.iter().zip(want) {
        assert_eq!(*got, want, "forward: {what}");
    }
    let rev: [Case; 5] = [
        ("max(x, 0) at 0", 0.0, |x| reverse::gradient(|v| v[0].max(0.0), &[x]).1[0]),
        ("abs at +0", 0.0, |x| reverse::gradient(|v| v[0].abs(), &[x]).1[0]),
        ("abs at -0", -0.0, |x| reverse::gradient(|v| v[0].abs(), &[x]).1[0]),
        ("clamp at lo", 0.0, |x| reverse::gradient(|v| v[0].clamp(0.0, 1.0), &[x]).1[0]),
        ("relu by branch at 0", 0.0, |x| {
            reverse::gradient(|v| if v[0] > 0.0 { v[0] } else { v[0] * 0.0 }, &[x]).1[0]
        }),
    ];
    for ((what, x, d), want) in rev.iter().zip(want) {
        assert_eq!(d(*x), want, "reverse: {what}");
    }
    // max(x, y) at x = y: half to each.
    let (_, g) = reverse::gradient(|v| v[0].max(v[1]), &[2.0, 2.0]);
    assert_eq!(g.as_slice(), &[0.5, 0.5]);
    let (_, g) = dualnum::gradient(|v| v[0].max(v[1]), &vector![2.0, 2.0]);
    assert_eq!(g.as_slice(), &[0.5, 0.5]);
}
