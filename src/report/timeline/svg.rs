//! The timeline as a static SVG picture: the same lanes, colours, prints,
//! arrows and groups as the page, without script (each shape has a
//! `<title>`, which a browser shows on hover).

use super::buckets::BUCKETS;
use super::record::{End, Record, NONE_LANE};
use super::{clip, Ending};
use std::fmt::Write as _;
use std::io::{self, Write};

/// The colours of ready, running, sleeping, blocked (as on the page).
pub(crate) const FILL: [&str; 4] = ["#f6d55c", "#8e6bd6", "#a6cee3", "#f4a259"];
/// The states' names (as on the page).
pub(crate) const STATE: [&str; 4] = ["ready", "running (block)", "sleeping", "blocked"];
const RED: &str = "#d62728";
const WIDTH: f64 = 1200.0;
const LABEL_W: f64 = 230.0;
const ROW_H: f64 = 20.0;
const GROUP_H: f64 = 40.0;
const AXIS_H: f64 = 26.0;
/// Right of the plot: where states still open at the end of the run go on.
const TAIL: f64 = 50.0;
/// The plot's width (the run's virtual time).
const PLOT_W: f64 = WIDTH - LABEL_W - TAIL - 20.0;

use crate::report::push_xml_escaped as push_xml_text;

enum Row {
    Lane(usize),
    Group(usize),
}

struct Pic<'a> {
    o: String,
    rec: &'a Record,
    scale: f64,
    elapsed: f64,
    /// The deadlocked tasks.
    stuck: Vec<u32>,
}

impl Pic<'_> {
    fn x(&self, t: f64) -> f64 {
        LABEL_W + t * self.scale
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, title: Option<&str>) {
        let _ = write!(self.o, "<rect x=\"{x:.2}\" y=\"{y:.1}\" width=\"{w:.2}\" height=\"{h:.1}\" fill=\"{fill}\"");
        match title {
            Some(t) => {
                self.o.push_str("><title>");
                push_xml_text(&mut self.o, t);
                self.o.push_str("</title></rect>\n");
            }
            None => self.o.push_str("/>\n"),
        }
    }

    fn text(&mut self, x: f64, y: f64, attrs: &str, text: &str) {
        let _ = write!(self.o, "<text x=\"{x:.1}\" y=\"{y:.1}\" {attrs}>");
        push_xml_text(&mut self.o, text);
        self.o.push_str("</text>\n");
    }

    fn lane(&mut self, l: usize, top: f64) {
        let rec = self.rec;
        let lane = &rec.lanes[l];
        let mid = top + ROW_H / 2.0;
        let name = format!("{}  {}", lane.name, clip(&lane.call, 40));
        let failed = lane.end.as_ref().is_some_and(|e| e.1 != End::Done);
        let colour = if failed || self.stuck.contains(&lane.task) { RED } else { "#222" };
        self.o.push_str("<g>");
        self.text(6.0, mid + 4.0, &format!("fill=\"{colour}\""), &name);
        self.o.push_str("<title>");
        push_xml_text(&mut self.o, &format!("{}: {}", lane.name, lane.call));
        self.o.push_str("</title></g>\n");
        let life = lane.end.as_ref().map_or(f64::NAN, |e| e.0);
        let end = if life.is_nan() { self.x(self.elapsed) } else { self.x(life) };
        let start = self.x(lane.created);
        self.rect(start, mid - 0.5, (end - start).max(1.0), 1.0, "#bbb", None);
        let mut last = (-1i64, u8::MAX);
        for s in &lane.segs {
            let (a, mut b) = (self.x(s.start), self.x(s.end));
            if s.open {
                b = b.max(self.x(self.elapsed) + TAIL);
            }
            if b <= a {
                continue;
            }
            if b - a < 1.0 {
                let px = (a.floor() as i64, s.state);
                if px == last {
                    continue;
                }
                last = px;
                b = a + 1.0;
            }
            let mut title = format!("{} {}", lane.name, STATE[s.state as usize]);
            if s.state == 3 {
                title.push_str(" on ");
                title.push_str(&self.wait_label(s.label, s.target));
            }
            let _ = write!(title, ", {} → {}", s.start, s.end);
            if s.open {
                title.push_str(" (still so when the run ended)");
            }
            self.rect(a, top + 3.0, b - a, ROW_H - 6.0, FILL[s.state as usize], Some(&title));
            if s.open {
                let _ = writeln!(
                    self.o,
                    "<rect x=\"{:.2}\" y=\"{:.1}\" width=\"{:.2}\" height=\"{:.1}\" fill=\"none\" stroke=\"{RED}\" stroke-width=\"2\"/>",
                    a + 1.0,
                    top + 4.0,
                    (b - a - 2.0).max(0.0),
                    ROW_H - 8.0
                );
            }
            if s.state == 3 && b - a > 60.0 {
                let label = clip(&self.wait_label(s.label, s.target), ((b - a) / 6.5) as usize);
                self.text(a + 3.0, mid + 4.0, "font-size=\"11\" fill=\"#333\"", &label);
            }
        }
        for (t, text) in &lane.marks {
            let x = self.x(*t);
            let title = format!("print at {t}: {text}");
            self.rect(x - 1.0, top + 1.0, 2.0, 7.0, "#222", Some(&title));
        }
        if let Some((t, how, text)) = &lane.end {
            let x = self.x(*t);
            let what = match how {
                End::Done => "done",
                End::Raised => "raised",
                End::Cancelled => "cancelled",
            };
            let title = if text.is_empty() { format!("{what} at {t}") } else { format!("{what} at {t}: {text}") };
            if *how == End::Done {
                self.rect(x - 1.0, mid - 4.0, 2.0, 8.0, "#333", Some(&title));
            } else {
                let _ = write!(
                    self.o,
                    "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"{RED}\">✖<title>",
                    mid + 4.0
                );
                push_xml_text(&mut self.o, &title);
                self.o.push_str("</title></text>\n");
            }
        }
    }

    fn wait_label(&self, label: u32, target: u32) -> String {
        let rec = self.rec;
        match rec.lane(target) {
            Some(l) if target != NONE_LANE => rec.lanes[l].name.clone(),
            _ if label != NONE_LANE => rec.labels[label as usize].clone(),
            _ => String::new(),
        }
    }

    fn group(&mut self, g: usize, top: f64, elapsed: f64) {
        let rec = self.rec;
        let group = &rec.groups[g];
        let label = format!("{}() ×{}", group.name, group.count);
        self.text(6.0, top + GROUP_H / 2.0 + 4.0, "font-weight=\"bold\" fill=\"#222\"", &label);
        self.rect(LABEL_W, top + 3.0, PLOT_W, GROUP_H - 6.0, "#f7f7f7", None);
        let w = rec.grid.width();
        let n = ((elapsed / w).ceil() as usize).clamp(1, BUCKETS);
        let avg = rec.grid.averages(g, n);
        // Per bucket, the four states' averages.
        let columns: Vec<[f64; 4]> = (0..n).map(|i| std::array::from_fn(|s| avg[s][i])).collect();
        let max = columns.iter().map(|c| c.iter().sum::<f64>()).fold(0.0, f64::max).max(1e-9);
        let h = GROUP_H - 6.0;
        for (i, column) in columns.iter().enumerate() {
            let (a, b) = (self.x(i as f64 * w), self.x((i + 1) as f64 * w).min(LABEL_W + PLOT_W));
            if b <= a {
                continue;
            }
            let mut y = top + GROUP_H - 3.0;
            for s in (0..4).rev() {
                let v = column[s];
                if v <= 0.0 {
                    continue;
                }
                let hh = v / max * h;
                let title = format!(
                    "{}(): {:.2} {} on average, {} → {}",
                    group.name,
                    v,
                    STATE[s],
                    i as f64 * w,
                    (i + 1) as f64 * w
                );
                self.rect(a, y - hh, (b - a).max(1.0), hh, FILL[s], Some(&title));
                y -= hh;
            }
        }
    }
}

/// Writes the picture.
pub(crate) fn write(out: &mut dyn Write, rec: &Record, ending: &Ending, title: &str, elapsed: f64) -> io::Result<()> {
    let mut rows = Vec::new();
    if rec.aggregated {
        for (g, group) in rec.groups.iter().enumerate() {
            let lanes: Vec<usize> = (0..rec.lanes.len()).filter(|&l| rec.lanes[l].group as usize == g).collect();
            match lanes.as_slice() {
                [l] if group.count == 1 => rows.push(Row::Lane(*l)),
                _ => rows.push(Row::Group(g)),
            }
        }
    } else {
        rows.extend((0..rec.lanes.len()).map(Row::Lane));
    }
    let ending_lines: Vec<&str> = if ending.word == "ok" { Vec::new() } else { ending.text.lines().take(12).collect() };
    let head = 24.0 + 15.0 * ending_lines.len() as f64;
    let body: f64 = rows.iter().map(|r| if matches!(r, Row::Group(_)) { GROUP_H } else { ROW_H }).sum();
    let height = head + AXIS_H + body + 40.0;
    let span = if elapsed > 0.0 { elapsed } else { 1.0 };
    let mut p = Pic {
        o: String::with_capacity(1 << 16),
        rec,
        scale: PLOT_W / span,
        elapsed,
        stuck: ending.waits.iter().map(|w| w.0).collect(),
    };
    let _ = writeln!(
        p.o,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH} {height:.0}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">"
    );
    p.rect(0.0, 0.0, WIDTH, height, "#fff", None);
    p.text(6.0, 16.0, "font-weight=\"bold\" font-size=\"14\"", title);
    for (i, line) in ending_lines.iter().enumerate() {
        p.text(
            6.0,
            34.0 + 15.0 * i as f64,
            &format!("fill=\"{RED}\" font-family=\"monospace\" xml:space=\"preserve\""),
            line,
        );
    }
    // The axis: about eight ticks at 1, 2 or 5 times a power of ten.
    let target = span / 8.0;
    let pow = 10f64.powf(target.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * pow).find(|s| *s >= target).unwrap_or(10.0 * pow);
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil() as usize };
    let axis = head + AXIS_H;
    let mut k = 0.0;
    while k * step <= span + step * 1e-9 {
        let x = p.x(k * step);
        let _ = writeln!(
            p.o,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#eee\"/>",
            axis - 6.0,
            axis + body
        );
        p.text(
            x,
            axis - 9.0,
            "text-anchor=\"middle\" font-size=\"11\" fill=\"#444\"",
            &format!("{:.*}s", decimals, k * step),
        );
        k += 1.0;
    }
    let _ = writeln!(p.o, "<line x1=\"0\" y1=\"{axis:.1}\" x2=\"{WIDTH}\" y2=\"{axis:.1}\" stroke=\"#999\"/>");
    let _ = writeln!(
        p.o,
        "<defs><marker id=\"spawn\" viewBox=\"0 0 6 6\" refX=\"6\" refY=\"3\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"#777\"/></marker><marker id=\"wake\" viewBox=\"0 0 6 6\" refX=\"6\" refY=\"3\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"#2a9d3f\"/></marker><marker id=\"cycle\" viewBox=\"0 0 6 6\" refX=\"6\" refY=\"3\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"{RED}\"/></marker></defs>"
    );
    let mut mid_of = vec![f64::NAN; rec.lanes.len()];
    let mut top = axis;
    for row in &rows {
        match row {
            Row::Lane(l) => {
                mid_of[*l] = top + ROW_H / 2.0;
                p.lane(*l, top);
                top += ROW_H;
            }
            Row::Group(g) => {
                p.group(*g, top, elapsed);
                top += GROUP_H;
            }
        }
    }
    for a in &rec.arrows {
        let (Some(from), Some(to)) = (rec.lane(a.from), rec.lane(a.to)) else { continue };
        let (y0, y1) = (mid_of[from], mid_of[to]);
        if y0.is_nan() || y1.is_nan() || y0 == y1 {
            continue;
        }
        let y1 = if y1 > y0 { y1 - 5.0 } else { y1 + 5.0 };
        let style = if a.wake {
            "stroke=\"#2a9d3f\" stroke-width=\"1.2\" marker-end=\"url(#wake)\""
        } else {
            "stroke=\"#777\" stroke-dasharray=\"4 3\" marker-end=\"url(#spawn)\""
        };
        let _ = writeln!(
            p.o,
            "<line x1=\"{:.2}\" y1=\"{y0:.1}\" x2=\"{:.2}\" y2=\"{y1:.1}\" {style}/>",
            p.x(a.t0),
            p.x(a.t1)
        );
    }
    let xe = p.x(elapsed) + TAIL / 2.0 + 6.0;
    for (i, pair) in ending.cycle.windows(2).enumerate() {
        let (Some(a), Some(b)) = (rec.lane(pair[0]), rec.lane(pair[1])) else { continue };
        let (y0, y1) = (mid_of[a], mid_of[b]);
        if y0.is_nan() || y1.is_nan() {
            continue;
        }
        let x = xe - 6.0 * (i % 2) as f64;
        let y1 = if y1 > y0 { y1 - 4.0 } else { y1 + 4.0 };
        let _ = writeln!(p.o, "<line x1=\"{x:.1}\" y1=\"{y0:.1}\" x2=\"{x:.1}\" y2=\"{y1:.1}\" stroke=\"{RED}\" stroke-width=\"2\" marker-end=\"url(#cycle)\"><title>deadlock cycle</title></line>");
    }
    // The legend.
    let mut x = 6.0;
    let y = top + 18.0;
    for s in 0..4 {
        p.rect(x, y - 9.0, 18.0, 11.0, FILL[s], None);
        p.text(x + 22.0, y, "", STATE[s]);
        x += 30.0 + 7.0 * STATE[s].len() as f64;
    }
    let _ = writeln!(
        p.o,
        "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"18\" height=\"11\" fill=\"none\" stroke=\"{RED}\" stroke-width=\"2\"/>",
        y - 9.0
    );
    p.text(x + 22.0, y, "", "still blocked at the end");
    x += 190.0;
    p.rect(x, y - 9.0, 2.0, 11.0, "#222", None);
    p.text(x + 6.0, y, "", "print");
    x += 50.0;
    let _ = writeln!(
        p.o,
        "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#777\" stroke-dasharray=\"4 3\"/>",
        y - 4.0,
        x + 18.0,
        y - 4.0
    );
    p.text(x + 22.0, y, "", "spawn");
    x += 70.0;
    let _ = writeln!(
        p.o,
        "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#2a9d3f\" stroke-width=\"1.2\"/>",
        y - 4.0,
        x + 18.0,
        y - 4.0
    );
    p.text(x + 22.0, y, "", "woke");
    x += 65.0;
    p.text(x, y, &format!("fill=\"{RED}\" font-weight=\"bold\""), "✖");
    p.text(x + 14.0, y, "", "raised / cancelled");
    p.o.push_str("</svg>\n");
    out.write_all(p.o.as_bytes())
}
