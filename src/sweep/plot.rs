//! `asim sweep --plot FILE.svg`: elapsed time against the first swept var,
//! one line per combination of the other vars' values (with a legend),
//! each grid point marked: a dot for a successful run, a red cross for any
//! other outcome (an error, a deadlock, a limit, a failed `expect:`).
//!
//! The x axis is numeric when every value of the first var is a number
//! (ticks at round values); otherwise its values are categories, evenly
//! spaced in the order given. The picture is self-contained: no script,
//! no external font (the generic `sans-serif`), valid XML.

use super::table::Sweep;
use crate::report::push_xml_escaped;
use std::fmt::Write as _;

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 70.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 56.0;
/// Room on the right for the legend.
const LEGEND: f64 = 190.0;
const FAIL: &str = "#d62728";
const COLOURS: [&str; 8] = ["#2b6cb0", "#dd6b20", "#805ad5", "#2c7a7b", "#b7791f", "#d53f8c", "#4a5568", "#38a169"];

/// Round tick values covering `lo..=hi`, about `n` of them: the step
/// (1, 2 or 5 times a power of ten) and how many decimals it needs.
fn ticks(lo: f64, hi: f64, n: f64) -> (Vec<f64>, usize) {
    let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
    let raw = span / n;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| raw <= *s).unwrap_or(10.0 * mag);
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    let out = (first..=last.max(first + 1)).map(|k| k as f64 * step).collect();
    (out, decimals)
}

fn esc(s: &str) -> String {
    let mut out = String::new();
    push_xml_escaped(&mut out, s);
    out
}

/// The chart, as an SVG document.
pub fn svg(s: &Sweep<'_>) -> String {
    let first = &s.vars[0];
    let others = &s.vars[1..];
    let xs_numeric: Option<Vec<f64>> =
        first.values.iter().map(|v| v.parse::<f64>().ok().filter(|x| x.is_finite())).collect();
    // Lines: one per combination of the other vars, in grid order.
    let mut lines: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for (i, r) in s.rows.iter().enumerate() {
        let key = r.point[1..].to_vec();
        match lines.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(i),
            None => lines.push((key, vec![i])),
        }
    }
    let plot_w = WIDTH - LEFT - LEGEND;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let (x_lo, x_hi, x_ticks, x_dec) = match &xs_numeric {
        Some(xs) => {
            let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let (t, d) = ticks(lo, hi, 8.0);
            let (lo, hi) = if hi > lo { (lo, hi) } else { (lo - 1.0, hi + 1.0) };
            (lo, hi, t.into_iter().filter(|t| *t >= lo - 1e-9 && *t <= hi + 1e-9).collect::<Vec<_>>(), d)
        }
        None => (0.0, 1.0, Vec::new(), 0),
    };
    // Categories sit in the middle of equal slots.
    let x_of = |k: usize| -> f64 {
        match &xs_numeric {
            Some(xs) => LEFT + (xs[k] - x_lo) / (x_hi - x_lo) * plot_w,
            None => LEFT + (k as f64 + 0.5) / first.values.len() as f64 * plot_w,
        }
    };
    let y_max = s.rows.iter().map(|r| r.elapsed).fold(0.0f64, f64::max);
    let (y_ticks, y_dec) = ticks(0.0, if y_max > 0.0 { y_max } else { 1.0 }, 5.0);
    let y_top = *y_ticks.last().unwrap_or(&1.0);
    let y_of = |e: f64| TOP + plot_h - e / y_top * plot_h;

    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(o, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        o,
        r#"<text class="title" x="{LEFT}" y="24" font-size="16" font-weight="bold">{}</text>"#,
        esc(&s.scenario)
    );
    let subtitle = format!("elapsed time against {} · Python {} · {} runs", first.name, s.python, s.rows.len());
    let _ = writeln!(o, r##"<text x="{LEFT}" y="42" fill="#555555">{}</text>"##, esc(&subtitle));
    // Grid lines and y ticks.
    let right = LEFT + plot_w;
    let bottom = TOP + plot_h;
    for t in &y_ticks {
        let y = y_of(*t);
        let _ = writeln!(o, r##"<line x1="{LEFT}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="#e2e2e2"/>"##);
        let _ = writeln!(o, r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{t:.y_dec$}</text>"#, LEFT - 6.0, y + 4.0);
    }
    // x ticks.
    let x_labels: Vec<(f64, String)> = match &xs_numeric {
        Some(_) => {
            x_ticks.iter().map(|t| (LEFT + (t - x_lo) / (x_hi - x_lo) * plot_w, format!("{t:.x_dec$}"))).collect()
        }
        None => first.values.iter().enumerate().map(|(k, v)| (x_of(k), v.clone())).collect(),
    };
    for (x, label) in &x_labels {
        let _ = writeln!(
            o,
            r##"<line x1="{x:.1}" y1="{bottom:.1}" x2="{x:.1}" y2="{:.1}" stroke="#333333"/>"##,
            bottom + 5.0
        );
        let _ = writeln!(o, r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#, bottom + 19.0, esc(label));
    }
    // Axes and their labels.
    let _ = writeln!(
        o,
        r##"<path class="axes" d="M{LEFT},{TOP} V{bottom:.1} H{right:.1}" fill="none" stroke="#333333"/>"##
    );
    let _ = writeln!(
        o,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 14.0,
        esc(&first.name)
    );
    let _ = writeln!(
        o,
        r#"<text x="18" y="{:.1}" text-anchor="middle" transform="rotate(-90 18 {:.1})">elapsed (virtual s)</text>"#,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );
    // The lines, then the marks on them.
    for (n, (key, rows)) in lines.iter().enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        let label: Vec<String> = others.iter().zip(key).map(|(v, &k)| format!("{}={}", v.name, v.values[k])).collect();
        let _ = writeln!(o, r#"<g class="series" data-label="{}">"#, esc(&label.join(", ")));
        let points: Vec<String> =
            rows.iter().map(|&i| format!("{:.1},{:.1}", x_of(s.rows[i].point[0]), y_of(s.rows[i].elapsed))).collect();
        let _ = writeln!(
            o,
            r#"<polyline class="line" points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            points.join(" ")
        );
        for &i in rows {
            let r = &s.rows[i];
            let (x, y) = (x_of(r.point[0]), y_of(r.elapsed));
            let tip = esc(&format!("{}: {:.3}s, {}", s.point_text(r), r.elapsed, r.verdict()));
            if r.ok() {
                let _ = writeln!(
                    o,
                    r#"<circle class="point ok" cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}"><title>{tip}</title></circle>"#
                );
            } else {
                let _ = writeln!(
                    o,
                    r#"<path class="point fail" d="M{:.1},{:.1} l9,9 m0,-9 l-9,9" stroke="{FAIL}" stroke-width="2.5"><title>{tip}</title></path>"#,
                    x - 4.5,
                    y - 4.5
                );
            }
        }
        o.push_str("</g>\n");
    }
    // The legend.
    let lx = right + 24.0;
    let mut ly = TOP + 6.0;
    if !others.is_empty() {
        for (n, (key, _)) in lines.iter().enumerate() {
            let colour = COLOURS[n % COLOURS.len()];
            let label: Vec<String> =
                others.iter().zip(key).map(|(v, &k)| format!("{}={}", v.name, v.values[k])).collect();
            let _ = writeln!(
                o,
                r#"<line x1="{lx:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2"/>"#,
                lx + 22.0
            );
            let _ = writeln!(
                o,
                r#"<text class="legend" x="{:.1}" y="{:.1}">{}</text>"#,
                lx + 28.0,
                ly + 4.0,
                esc(&label.join(", "))
            );
            ly += 18.0;
        }
    }
    if s.rows.iter().any(|r| !r.ok()) {
        let _ = writeln!(
            o,
            r#"<path d="M{:.1},{:.1} l9,9 m0,-9 l-9,9" stroke="{FAIL}" stroke-width="2.5"/>"#,
            lx + 6.5,
            ly - 4.5
        );
        let _ = writeln!(o, r#"<text class="legend" x="{:.1}" y="{:.1}">not ok</text>"#, lx + 28.0, ly + 4.0);
    }
    o.push_str("</svg>\n");
    o
}

#[cfg(test)]
mod tests {
    #[test]
    fn ticks_are_round() {
        let (t, d) = super::ticks(0.0, 4.3, 5.0);
        assert_eq!(t, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(d, 0);
        let (t, d) = super::ticks(0.0, 0.42, 5.0);
        assert_eq!(t.len(), 6);
        assert_eq!(d, 1);
        let (t, _) = super::ticks(1.0, 12.0, 8.0);
        assert_eq!(t, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
    }
}
