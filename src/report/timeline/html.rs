//! The timeline as one self-contained HTML page: the recorded run as JSON
//! in a `<script type="application/json">`, drawn on a `<canvas>` by the
//! page's own script (`page.js`, `page.css`): no network, no library.

use super::buckets::BUCKETS;
use super::record::{End, Record, NONE_LANE};
use super::{clip, push_json_str, push_num, Ending};
use std::io::{self, Write};

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// The lane index of task `t` for the page, or -1.
fn lane_num(out: &mut String, rec: &Record, t: u32) {
    match rec.lane(t) {
        Some(l) => push_usize(out, l),
        None => out.push_str("-1"),
    }
}

fn push_usize(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// The recorded run as the page reads it (see page.js for the fields).
pub(crate) fn data(rec: &Record, ending: &Ending, title: &str, elapsed: f64) -> String {
    let mut o = String::with_capacity(1 << 16);
    o.push_str("{\"title\":");
    push_json_str(&mut o, title);
    o.push_str(",\"elapsed\":");
    push_num(&mut o, elapsed);
    o.push_str(",\"outcome\":");
    push_json_str(&mut o, ending.word);
    o.push_str(",\"ending\":");
    push_json_str(&mut o, &ending.text);
    o.push_str(",\"aggregated\":");
    o.push_str(if rec.aggregated { "true" } else { "false" });
    o.push_str(",\"tasks\":");
    push_usize(&mut o, rec.tasks);
    o.push_str(",\"labels\":[");
    for (i, l) in rec.labels.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        push_json_str(&mut o, l);
    }
    o.push_str("],\"lanes\":[");
    for (i, lane) in rec.lanes.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str("{\"name\":");
        push_json_str(&mut o, &lane.name);
        o.push_str(",\"call\":");
        push_json_str(&mut o, &clip(&lane.call, 300));
        o.push_str(",\"group\":");
        push_usize(&mut o, lane.group as usize);
        o.push_str(",\"parent\":");
        if lane.parent == NONE_LANE {
            o.push_str("-1");
        } else {
            lane_num(&mut o, rec, lane.parent);
        }
        if !lane.awaits.is_empty() {
            o.push_str(",\"aw\":[");
            for (k, (t, child)) in lane.awaits.iter().enumerate() {
                if k > 0 {
                    o.push(',');
                }
                push_num(&mut o, *t);
                o.push(',');
                lane_num(&mut o, rec, *child);
            }
            o.push(']');
        }
        o.push_str(",\"t0\":");
        push_num(&mut o, lane.created);
        o.push_str(",\"end\":");
        match &lane.end {
            Some((t, how, text)) => {
                o.push('[');
                push_num(&mut o, *t);
                o.push_str(match how {
                    End::Done => ",\"done\",",
                    End::Raised => ",\"raise\",",
                    End::Cancelled => ",\"cancelled\",",
                });
                push_json_str(&mut o, &clip(text, 300));
                o.push(']');
            }
            None => o.push_str("null"),
        }
        o.push_str(",\"wait\":");
        match ending.waits.iter().find(|(t, _)| *t == lane.task) {
            Some((_, on)) => push_json_str(&mut o, on),
            None => o.push_str("null"),
        }
        o.push_str(",\"s\":[");
        for (k, s) in lane.segs.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            push_usize(&mut o, s.state as usize);
            o.push(',');
            push_num(&mut o, s.start);
            o.push(',');
            push_num(&mut o, s.end);
            o.push(',');
            if s.label == NONE_LANE {
                o.push_str("-1");
            } else {
                push_usize(&mut o, s.label as usize);
            }
            o.push(',');
            if s.target == NONE_LANE {
                o.push_str("-1");
            } else {
                lane_num(&mut o, rec, s.target);
            }
            o.push(',');
            push_usize(&mut o, usize::from(s.open) | (usize::from(s.children) << 1));
        }
        o.push_str("],\"m\":[");
        for (k, (t, text)) in lane.marks.iter().enumerate() {
            if k > 0 {
                o.push(',');
            }
            push_num(&mut o, *t);
            o.push(',');
            push_json_str(&mut o, &clip(text, 500));
        }
        o.push_str("]}");
    }
    o.push_str("],\"groups\":[");
    for (g, group) in rec.groups.iter().enumerate() {
        if g > 0 {
            o.push(',');
        }
        o.push_str("{\"name\":");
        push_json_str(&mut o, &group.name);
        o.push_str(",\"count\":");
        push_usize(&mut o, group.count);
        o.push_str(",\"lanes\":[");
        let mut first = true;
        for (l, lane) in rec.lanes.iter().enumerate() {
            if lane.group as usize == g {
                if !first {
                    o.push(',');
                }
                first = false;
                push_usize(&mut o, l);
            }
        }
        o.push(']');
        if rec.aggregated {
            let w = rec.grid.width();
            let n = ((elapsed / w).ceil() as usize).clamp(1, BUCKETS);
            o.push_str(",\"agg\":[");
            for (s, avg) in rec.grid.averages(g, n).iter().enumerate() {
                if s > 0 {
                    o.push(',');
                }
                o.push('[');
                for (i, a) in avg.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    push_num(&mut o, (a * 100.0).round() / 100.0);
                }
                o.push(']');
            }
            o.push(']');
        }
        o.push('}');
    }
    o.push_str("],\"w\":");
    push_num(&mut o, rec.grid.width());
    o.push_str(",\"arrows\":[");
    for (i, a) in rec.arrows.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        o.push_str(if a.wake { "1," } else { "0," });
        lane_num(&mut o, rec, a.from);
        o.push(',');
        push_num(&mut o, a.t0);
        o.push(',');
        lane_num(&mut o, rec, a.to);
        o.push(',');
        push_num(&mut o, a.t1);
    }
    o.push_str("],\"cycle\":[");
    for (i, t) in ending.cycle.iter().enumerate() {
        if i > 0 {
            o.push(',');
        }
        lane_num(&mut o, rec, *t);
    }
    o.push_str("],\"dropped\":{\"marks\":");
    push_usize(&mut o, rec.dropped_marks);
    o.push_str(",\"arrows\":");
    push_usize(&mut o, rec.dropped_arrows);
    o.push_str("}}");
    o
}

/// Writes the page.
pub(crate) fn write(out: &mut dyn Write, rec: &Record, ending: &Ending, title: &str, elapsed: f64) -> io::Result<()> {
    let data = data(rec, ending, title, elapsed);
    let mut page = String::with_capacity(data.len() + CSS.len() + JS.len() + 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    crate::report::push_xml_escaped(&mut page, title);
    page.push_str("</title>\n<style>\n");
    page.push_str(CSS);
    page.push_str("</style>\n</head>\n<body>\n<script>window.onerror = function (msg, src, line) { document.body.setAttribute('data-error', msg + ' (line ' + line + ')'); };</script>\n");
    page.push_str(BODY);
    page.push_str("<script type=\"application/json\" id=\"data\">");
    page.push_str(&data);
    page.push_str("</script>\n<script>\n");
    page.push_str(JS);
    page.push_str("</script>\n</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

const BODY: &str = r#"<header>
<h1 id="title"></h1>
<div id="bar">
<button id="zin" title="zoom in (or the mouse wheel)">+</button>
<button id="zout" title="zoom out (or the mouse wheel)">&#8722;</button>
<button id="fit" title="show the whole run">fit</button>
<button id="expand" title="expand or collapse every group">groups</button>
<span id="legend"></span>
</div>
<pre id="ending"></pre>
<p id="note"></p>
</header>
<main>
<div id="view"><canvas id="canvas"></canvas></div>
<aside id="side"><h2>State at an instant</h2><p>Click the timeline at a point in time to see each task's state there, as an awaited-by tree.</p></aside>
</main>
<div id="tip"></div>
"#;
