//! The SVG plots: time against n on log-log axes for the Rosenbrock family,
//! and grouped bars of ratios to hand-written for the other workloads.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;

use crate::Rec;

type Res = Result<(), Box<dyn std::error::Error>>;

/// A plotted line: colour index, label, points.
type Line<'a> = (usize, &'a str, Vec<(f64, f64)>);

fn color(i: usize) -> RGBColor {
    const P: [RGBColor; 13] = [
        RGBColor(0, 0, 0),
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(23, 190, 207),
        RGBColor(188, 189, 34),
        RGBColor(0, 0, 128),
        RGBColor(255, 0, 255),
    ];
    P[i % P.len()]
}

/// Median time (ns) against n for each method of `gradient/rosenbrock`.
pub fn scaling(recs: &[Rec], out: &Path, title: &str) -> Res {
    let mut lines: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for r in recs.iter().filter(|r| r.workload.starts_with("gradient/rosenbrock/")) {
        if let Some(n) = r.param {
            lines.entry(&r.method).or_default().push((n, r.median_ns));
        }
    }
    if lines.is_empty() {
        return Ok(());
    }
    let (mut tmin, mut tmax, mut nmax) = (f64::MAX, 0.0f64, 0.0f64);
    for v in lines.values_mut() {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        for &(n, t) in v.iter() {
            tmin = tmin.min(t);
            tmax = tmax.max(t);
            nmax = nmax.max(n);
        }
    }
    let root = SVGBackend::new(out, (900, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            (1.5f64..nmax * 1.5).log_scale(),
            (tmin / 1.5..tmax * 1.5).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("n")
        .y_desc("median time (ns)")
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()?;
    for (i, (m, pts)) in lines.iter().enumerate() {
        let c = color(i);
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2)))?
            .label(*m)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Grouped bars (log scale): for each non-Rosenbrock-gradient workload, one
/// bar per method, height = ratio to hand-written.
pub fn ratio_bars(ratios: &BTreeMap<(String, String), f64>, out: &Path, title: &str) -> Res {
    let keep = |w: &str| {
        !w.starts_with("gradient/rosenbrock/")
            || w.ends_with("/2")
            || w.ends_with("/8")
            || w.ends_with("/32")
    };
    let mut workloads: Vec<&str> =
        ratios.keys().map(|k| k.0.as_str()).filter(|w| keep(w)).collect();
    workloads.sort_by_key(|w| crate::workload_key(w));
    workloads.dedup();
    let mut methods: Vec<&str> = ratios
        .keys()
        .filter(|k| keep(&k.0) && k.1 != crate::BASELINE)
        .map(|k| k.1.as_str())
        .collect();
    methods.sort();
    methods.dedup();
    if workloads.is_empty() || methods.is_empty() {
        return Ok(());
    }
    let (mut lo, mut hi) = (1.0f64, 1.0f64);
    for (k, &v) in ratios {
        if keep(&k.0) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let root = SVGBackend::new(out, (1100, 620)).into_drawing_area();
    root.fill(&WHITE)?;
    let names: Vec<String> = workloads
        .iter()
        .map(|w| {
            w.replace("gradient/rosenbrock/", "grad n=")
                .replace("jacobian/", "")
                .replace("hessian/rosenbrock/", "hess n=")
                .replace("derivative/", "")
        })
        .collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..workloads.len() as f64, (lo / 1.5..hi * 30.0).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(workloads.len() * 2 + 1)
        .x_label_formatter(&|x| {
            let f = x.fract();
            if (f - 0.5).abs() < 0.01 {
                names.get(*x as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc("time / hand-written time")
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;
    let m = methods.len() as f64;
    let w = 0.8 / m;
    for (j, meth) in methods.iter().enumerate() {
        let c = color(j + 1);
        let bars: Vec<_> = workloads
            .iter()
            .enumerate()
            .filter_map(|(i, wl)| {
                let v = *ratios.get(&(wl.to_string(), meth.to_string()))?;
                let x0 = i as f64 + 0.1 + j as f64 * w;
                Some(Rectangle::new([(x0, lo / 1.5), (x0 + w * 0.9, v)], c.filled()))
            })
            .collect();
        chart
            .draw_series(bars)?
            .label(*meth)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
    }
    chart.draw_series(LineSeries::new(
        [(0.0, 1.0), (workloads.len() as f64, 1.0)],
        BLACK.stroke_width(1),
    ))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}

/// Reverse mode: for each workload family a panel, ratio to one `f64`
/// evaluation against n (log-log), one line per method.
pub fn reverse(t: &crate::reverse::Table, out: &Path, title: &str) -> Res {
    use crate::reverse::{FAMILIES, METHODS};
    let root = SVGBackend::new(out, (1200, 560)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 22))?;
    let panels = root.split_evenly((1, FAMILIES.len()));
    for (panel, (family, _)) in panels.iter().zip(FAMILIES) {
        let lines: Vec<Line> = METHODS
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let pts: Vec<(f64, f64)> = t
                    .iter()
                    .filter(|(k, _)| k.0 == family && k.2 == *m)
                    .map(|(k, r)| (k.1 as f64, r.ratio))
                    .collect();
                (i, *m, pts)
            })
            .filter(|l| !l.2.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        let (mut lo, mut hi, mut nmin, mut nmax) = (f64::MAX, 0.0f64, f64::MAX, 0.0f64);
        for (_, _, pts) in &lines {
            for &(n, r) in pts {
                (lo, hi) = (lo.min(r), hi.max(r));
                (nmin, nmax) = (nmin.min(n), nmax.max(n));
            }
        }
        let mut chart = ChartBuilder::on(panel)
            .caption(family, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(
                (nmin / 1.5..nmax * 1.5).log_scale(),
                (lo / 1.3..hi * 6.0).log_scale(), // room for the legend
            )?;
        chart
            .configure_mesh()
            .x_desc("n")
            .y_desc("time / one f64 evaluation")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .draw()?;
        for (i, m, pts) in lines {
            let c = color(i);
            // dualnum's methods solid, the peers' thin.
            let w = if i < 4 { 2 } else { 1 };
            chart
                .draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(w)))?
                .label(m)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                });
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()?;
    }
    root.present()?;
    Ok(())
}
