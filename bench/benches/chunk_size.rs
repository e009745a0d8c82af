//! Chooses `chunked::DEFAULT_CHUNK`: the chunked gradient of `rosenbrock`
//! for n = 100 and n = 1000 and chunk widths C ∈ {1, 2, 4, 8, 16, 32}.
//!
//! `cargo bench --bench chunk_size -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dualnum::chunked;
use dualnum::test_functions::rosenbrock;

fn chunk_size(c: &mut Criterion) {
    for n in [100usize, 1000] {
        let x: Vec<f64> = (0..n).map(|i| 1.0 + 0.5 * ((i as f64) * 0.37).sin()).collect();
        let mut group = c.benchmark_group(format!("chunked_gradient_rosenbrock/n={n}"));
        macro_rules! width {
            ($($c:literal),*) => {$(
                group.bench_with_input(BenchmarkId::from_parameter($c), &x, |b, x| {
                    b.iter(|| chunked::Chunk::<$c>::gradient(|x| rosenbrock(x), black_box(x)))
                });
            )*};
        }
        width!(1, 2, 4, 8, 16, 32);
        group.finish();
    }
}

criterion_group!(benches, chunk_size);
criterion_main!(benches);
