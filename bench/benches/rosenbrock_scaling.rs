//! Gradients of `rosenbrock` for n = 100, 1000, 10000, where one pass with
//! `N`-wide tangents is no longer an option: forward mode in chunks against
//! reverse mode (a fresh recording, a reused tape, and a replay of one
//! recording), to show where they cross. Group `gradient/rosenbrock`
//! (shared with `forward.rs`, so the plot has one line per method over
//! n = 2 … 10000).
//!
//! The O(n²) methods (finite differences, num-dual's dynamic tangents) stop
//! at n = 1000.

mod support;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use dualnum::test_functions::{rosenbrock, rosenbrock_gradient};
use support::*;

fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("gradient/rosenbrock");
    // Up to 0.1 s per call at n = 10000: flat sampling, few samples.
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    for n in [100, 1000, 10000] {
        let x = point(n);
        let mut want = vec![0.0; n];
        rosenbrock_gradient(&x, &mut want);
        let mut out = vec![0.0; n];
        let ch = dualnum::chunked::Chunk::<8>::gradient(rosenbrock, &x).1;
        assert_close("dualnum chunked", ch.as_slice(), &want, 1e-13);
        assert_close("reverse crate", &rv_gradient(rv_rosenbrock, &x), &want, 1e-13);
        let rg = dualnum::reverse::gradient(|v| rosenbrock(v), &x).1;
        assert_close("dualnum reverse", rg.as_slice(), &want, 1e-13);
        let mut compiled = dualnum::reverse::compile(|v| rosenbrock(v), &x);
        compiled.gradient(&x, &mut out).expect("replay");
        assert_close("dualnum reverse replay", &out, &want, 1e-13);

        g.bench_function(BenchmarkId::new("hand-written", n), |b| {
            b.iter(|| {
                rosenbrock_gradient(black_box(&x), &mut out);
                black_box(&out);
            })
        });
        g.bench_function(BenchmarkId::new("f64 value", n), |b| {
            b.iter(|| rosenbrock(black_box(&x)))
        });
        g.bench_function(BenchmarkId::new("dualnum chunked", n), |b| {
            b.iter(|| dualnum::chunked::Chunk::<8>::gradient(rosenbrock, black_box(&x)))
        });
        g.bench_function(BenchmarkId::new("dualnum reverse", n), |b| {
            b.iter(|| dualnum::reverse::gradient(|v| rosenbrock(v), black_box(&x)))
        });
        g.bench_function(BenchmarkId::new("dualnum reverse tape", n), |b| {
            // One tape reused across calls: recording without allocation.
            let mut tape = dualnum::reverse::Tape::new();
            b.iter(|| {
                tape.gradient(|v| rosenbrock(v), black_box(&x), &mut out);
                black_box(&out);
            })
        });
        g.bench_function(BenchmarkId::new("dualnum reverse replay", n), |b| {
            // Recorded once; each call replays the tape at the input.
            b.iter(|| {
                compiled.gradient(black_box(&x), &mut out).expect("replay");
                black_box(&out);
            })
        });
        g.bench_function(BenchmarkId::new("reverse crate", n), |b| {
            b.iter(|| rv_gradient(rv_rosenbrock, black_box(&x)))
        });
        if n <= 1000 {
            g.bench_function(BenchmarkId::new("finite difference", n), |b| {
                b.iter(|| dualnum::numeric::gradient(rosenbrock, black_box(&x)))
            });
            let xv = nalgebra::DVector::from_column_slice(&x);
            g.bench_function(BenchmarkId::new("num-dual dyn", n), |b| {
                b.iter(|| {
                    num_dual::gradient(
                        |v: nalgebra::DVector<num_dual::DualDVec64>| sc_rosenbrock(v.as_slice()),
                        black_box(&xv),
                    )
                })
            });
        }
    }
    g.finish();
}

criterion_group! { name = benches; config = config(); targets = scaling }
criterion_main!(benches);
