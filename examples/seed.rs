//! The lecture's worked example: z(x, y) = x² · e^(x + cos y) at (2, π/2).
//!
//! One forward pass with `Dual<f64, 2>` gives z and its whole gradient; the
//! exact values are z = 4e², ∂z/∂x = 8e², ∂z/∂y = −4e².
//!
//! The same example in reverse mode records the lecture's computational
//! graph (a = x², b = cos y, c = x + b, d = e^c, z = a·d), prints it as a
//! table with every node's value and adjoint, and writes it as Graphviz DOT
//! (rendered to SVG when `dot` is installed).
//!
//! Run with `cargo run --release --example seed`.

use dualnum::Dual;
use dualnum::reverse::Tape;
use num_traits::Float;

/// The lecture's function, written once for any `Float`.
fn z<T: Float>(x: T, y: T) -> T {
    x.powi(2) * (x + y.cos()).exp()
}

fn main() {
    let (x0, y0) = (2.0, std::f64::consts::FRAC_PI_2);
    let [x, y] = Dual::variables([x0, y0]);
    let out = z(x, y);

    let e2 = 2.0f64.exp();
    let rows = [
        ("z", out.value(), 4.0 * e2),
        ("dz/dx", out.partial(0), 8.0 * e2),
        ("dz/dy", out.partial(1), -4.0 * e2),
    ];

    println!("z(x, y) = x^2 * exp(x + cos y) at (x, y) = (2, pi/2)");
    println!("forward mode, one pass with Dual<f64, 2>: {out:.9}");
    println!();
    println!("{:<6} {:>20} {:>20} {:>10}", "", "dualnum", "exact", "diff");
    for (name, got, exact) in rows {
        println!("{name:<6} {got:>20.12} {exact:>20.12} {:>10.1e}", got - exact);
        assert!((got - exact).abs() <= 1e-13 * exact.abs(), "{name} is off");
    }

    numeric_baseline(x0, y0);
    reverse_mode(x0, y0);
}

/// The lecture's numeric alternative: central differences, and the gradient
/// checker comparing forward mode's gradient with them.
fn numeric_baseline(x0: f64, y0: f64) {
    use dualnum::numeric;

    let zs = |v: &[f64]| z(v[0], v[1]);
    let point = [x0, y0];
    let (_, num) = numeric::gradient(zs, &point);
    let (_, grad) = dualnum::gradient(|v| z(v[0], v[1]), &nalgebra::Vector2::from(point));
    let e2 = 2.0f64.exp();

    println!();
    println!("central differences, step eps^(1/3)*max(1, |x_i|), 4 evaluations:");
    for (i, (name, exact)) in [("dz/dx", 8.0 * e2), ("dz/dy", -4.0 * e2)].into_iter().enumerate() {
        println!("{name:<6} {:>20.12} {exact:>20.12} {:>10.1e}", num[i], num[i] - exact);
        assert!((num[i] - exact).abs() <= 1e-8 * exact.abs(), "{name} (numeric) is off");
    }
    let report = numeric::check_gradient(zs, &point, grad.as_slice());
    println!("{report}");
    assert!(report.passes(1e-8));
}

/// The lecture's computational graph: record the forward pass on a tape,
/// sweep backward, print the table and export the graph.
fn reverse_mode(x0: f64, y0: f64) {
    let tape = Tape::new();
    let (x, y) = (tape.var(x0), tape.var(y0));
    let a = x.powi(2);
    let b = y.cos();
    let c = x + b;
    let d = c.exp();
    let z = a * d;

    let mut trace = tape.trace(z);
    for (v, name) in [(x, "x"), (y, "y"), (a, "a"), (b, "b"), (c, "c"), (d, "d"), (z, "z")] {
        trace.name(v, name);
    }
    println!();
    println!("reverse mode: the recorded graph, forward values and adjoints dz/dnode");
    print!("{trace}");

    // The lecture's backward pass: dz = 1, dd = 4, da = e², dc = db = 4e²,
    // dx = 8e², dy = −4e².
    let e2 = 2.0f64.exp();
    let expected = [(z, 1.0), (d, 4.0), (a, e2), (c, 4.0 * e2), (b, 4.0 * e2)];
    for (v, e) in expected.into_iter().chain([(x, 8.0 * e2), (y, -4.0 * e2)]) {
        assert!((trace.adjoint(v) - e).abs() <= 1e-13 * e.abs(), "adjoint {e} is off");
    }

    // The graph as Graphviz DOT, outside the repository.
    let dir = std::env::temp_dir();
    let dot_path = dir.join("seed_graph.dot");
    std::fs::write(&dot_path, trace.to_dot()).expect("cannot write the DOT file");
    println!("graph written to {}", dot_path.display());
    let svg_path = dir.join("seed_graph.svg");
    let rendered = std::process::Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_path)
        .arg("-o")
        .arg(&svg_path)
        .status();
    match rendered {
        Ok(status) if status.success() => println!("rendered to {}", svg_path.display()),
        _ => println!("(install Graphviz to render it: dot -Tsvg {})", dot_path.display()),
    }
}
