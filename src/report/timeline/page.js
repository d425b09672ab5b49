// asim's timeline page: draws the run embedded as JSON in #data on a canvas.
// Data: lanes[i] = {name, call, group, parent (lane or -1), t0, end: [t, kind, text] | null,
// wait (deadlock text) | null, s: flat segments [state, start, end, label, target lane, flags],
// m: flat prints [t, text], aw?: flat [t, lane] the tasks a wait on several (a gather, a task
// group, asyncio.wait) started at t waits for}; states 0 ready, 1 running, 2 sleeping, 3 blocked; flags 1 open at
// the end, 2 waits on its children. groups[g] = {name, count, lanes, agg?: [state][bucket]
// average counts, bucket width w}. arrows: flat [wake, from lane, t0, to lane, t1].
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('data').textContent);
  var STATE = ['ready', 'running (block)', 'sleeping', 'blocked'];
  var FILL = ['#f6d55c', '#8e6bd6', '#a6cee3', '#f4a259'];
  var RED = '#d62728', SPAWN = '#777', WAKE = '#2a9d3f';
  var LABEL_W = 230, AXIS_H = 26, ROW_H = 20, GROUP_H = 40;
  // States still open when the run ended last forever: drawn past its end, into this many pixels.
  var TAIL = 48;
  var canvas = document.getElementById('canvas'), view = document.getElementById('view');
  var ctx = canvas.getContext('2d');
  var tip = document.getElementById('tip'), side = document.getElementById('side');
  var W = 0, H = 0;
  var span = D.elapsed > 0 ? D.elapsed : 1;
  var t0 = 0, scale = 1, scrollY = 0, cursor = null;
  var expanded = {};
  var nsegs = 0;
  D.lanes.forEach(function (l) { nsegs += l.s.length / 6; });

  document.getElementById('title').textContent = D.title;
  if (D.outcome !== 'ok') document.getElementById('ending').textContent = D.ending;
  var notes = [];
  if (D.aggregated) {
    notes.push(D.tasks + ' tasks: each group of tasks (same coroutine) is one lane showing how many of them are ' +
      'in each state over time; click a group\u2019s name to expand it into the lanes of its first tasks.');
  }
  if (D.dropped.marks) notes.push(D.dropped.marks + ' prints are not marked (too many, or of tasks not drawn).');
  if (D.dropped.arrows) notes.push(D.dropped.arrows + ' arrows are not drawn (too many).');
  document.getElementById('note').textContent = notes.join(' ');
  if (!D.aggregated) document.getElementById('expand').style.display = 'none';

  // The legend.
  var legend = document.getElementById('legend');
  function key(html, text) {
    var s = document.createElement('span');
    s.className = 'key';
    s.innerHTML = html;
    s.appendChild(document.createTextNode(text));
    legend.appendChild(s);
  }
  for (var i = 0; i < 4; i++) key('<span class="sw" style="background:' + FILL[i] + '"></span>', STATE[i]);
  key('<span class="sw" style="border:2px solid ' + RED + '"></span>', 'still blocked at the end');
  key('<span class="sw" style="background:#222;width:3px"></span>', 'print');
  key('<span class="sw" style="border-top:2px dashed ' + SPAWN + ';height:0"></span>', 'spawn');
  key('<span class="sw" style="border-top:2px solid ' + WAKE + ';height:0"></span>', 'woke');
  key('<span style="color:' + RED + ';font-weight:bold">\u2716</span>', 'raised / cancelled');

  // Rows: a lane per task, or per group when aggregated (a group of one is its lane).
  var rows = [];
  function buildRows() {
    rows = [];
    if (!D.aggregated) {
      D.lanes.forEach(function (l, i) { rows.push({ lane: i }); });
    } else {
      D.groups.forEach(function (g, gi) {
        if (g.count === 1 && g.lanes.length === 1) { rows.push({ lane: g.lanes[0] }); return; }
        rows.push({ group: gi });
        if (expanded[gi]) g.lanes.forEach(function (l) { rows.push({ lane: l, inner: true }); });
      });
    }
    var y = AXIS_H;
    rows.forEach(function (r) { r.y = y; r.h = r.group !== undefined ? GROUP_H : ROW_H; y += r.h; });
    rowOf = {};
    rows.forEach(function (r, i) { if (r.lane !== undefined) rowOf[r.lane] = i; });
    totalH = y;
  }
  var rowOf = {}, totalH = 0;
  buildRows();
  var groupMax = D.groups.map(function (g) {
    if (!g.agg) return 1;
    var m = 0;
    for (var i = 0; i < g.agg[0].length; i++) {
      var s = g.agg[0][i] + g.agg[1][i] + g.agg[2][i] + g.agg[3][i];
      if (s > m) m = s;
    }
    return m || 1;
  });

  function X(t) { return LABEL_W + (t - t0) * scale; }
  function T(x) { return t0 + (x - LABEL_W) / scale; }
  function fit() { t0 = 0; scale = Math.max(1e-9, (W - LABEL_W - 20 - TAIL) / span); }
  function fmt(t, step) {
    var d = step >= 1 ? 0 : Math.min(9, Math.ceil(-Math.log10(step)));
    return t.toFixed(d);
  }
  function secs(t) { return (Math.round(t * 1e6) / 1e6) + ' s'; }
  function laneLabel(l) { return D.lanes[l].name; }
  function segLabel(l, k) {
    var s = D.lanes[l].s, lab = s[k + 3], tg = s[k + 4];
    if (tg >= 0) return laneLabel(tg);
    return lab >= 0 ? D.labels[lab] : '';
  }

  // First segment of lane l ending at or after t (segments are in time order).
  function firstSeg(l, t) {
    var s = D.lanes[l].s, lo = 0, hi = s.length / 6;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (s[mid * 6 + 2] < t) lo = mid + 1; else hi = mid;
    }
    return lo * 6;
  }
  // The segment of lane l covering t, as an offset, or -1.
  function segAt(l, t) {
    var s = D.lanes[l].s, found = -1;
    for (var k = firstSeg(l, t); k < s.length && s[k + 1] <= t; k += 6) {
      if (t < s[k + 2] || ((s[k + 5] & 1) && t <= s[k + 2])) found = k;
    }
    return found;
  }

  function resize() {
    var r = view.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
    var first = W === 0;
    W = Math.max(300, r.width); H = Math.max(200, r.height);
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (first) fit();
    draw();
  }

  function drawAxis(grid) {
    var target = 90 / scale, p = Math.pow(10, Math.floor(Math.log10(target))), step = p;
    if (target > 5 * p) step = 10 * p; else if (target > 2 * p) step = 5 * p; else if (target > p) step = 2 * p;
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, AXIS_H);
    ctx.strokeStyle = '#ccc'; ctx.fillStyle = '#444'; ctx.font = '11px system-ui, sans-serif'; ctx.textAlign = 'center';
    var first = Math.ceil(T(LABEL_W) / step) * step;
    for (var t = first; X(t) <= W; t += step) {
      var x = Math.round(X(t)) + 0.5;
      if (grid) { ctx.beginPath(); ctx.moveTo(x, AXIS_H); ctx.lineTo(x, H); ctx.strokeStyle = '#eee'; ctx.stroke(); }
      ctx.beginPath(); ctx.moveTo(x, AXIS_H - 6); ctx.lineTo(x, AXIS_H); ctx.strokeStyle = '#888'; ctx.stroke();
      ctx.fillText(fmt(t, step) + 's', x, AXIS_H - 9);
    }
    var xe = X(D.elapsed);
    if (grid && xe >= LABEL_W && xe <= W) {
      ctx.strokeStyle = '#555'; ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(xe + 0.5, AXIS_H); ctx.lineTo(xe + 0.5, H); ctx.stroke(); ctx.setLineDash([]);
    }
    ctx.beginPath(); ctx.moveTo(0, AXIS_H + 0.5); ctx.lineTo(W, AXIS_H + 0.5); ctx.strokeStyle = '#999'; ctx.stroke();
  }

  function drawLane(r, top) {
    var l = D.lanes[r.lane], s = l.s, mid = top + r.h / 2, tl = T(LABEL_W), tr = T(W);
    var y0 = top + 3, h = r.h - 6;
    // Its life: a thin line from creation to end.
    var life1 = l.end ? l.end[0] : D.elapsed;
    ctx.fillStyle = '#bbb';
    ctx.fillRect(Math.max(LABEL_W, X(l.t0)), mid - 0.5, Math.max(1, X(life1) - Math.max(LABEL_W, X(l.t0))), 1);
    var lastX = -1, lastState = -1;
    for (var k = firstSeg(r.lane, Math.min(tl, D.elapsed)); k < s.length && s[k + 1] <= tr; k += 6) {
      var a = X(s[k + 1]), b = X(s[k + 2]);
      if (b <= a && !(s[k + 5] & 1)) continue;
      var st = s[k];
      if (b - a < 1) {
        if (Math.floor(a) === lastX && st === lastState) continue;
        lastX = Math.floor(a); lastState = st; b = a + 1;
      }
      if (s[k + 5] & 1) b = Math.max(b, X(D.elapsed) + TAIL);
      a = Math.max(a, LABEL_W); b = Math.min(b, W + 2);
      if (b <= a) continue;
      ctx.fillStyle = FILL[st];
      ctx.fillRect(a, y0, b - a, h);
      if (s[k + 5] & 1) {
        ctx.strokeStyle = RED; ctx.lineWidth = 2;
        ctx.strokeRect(a + 1, y0 + 1, b - a - 2, h - 2); ctx.lineWidth = 1;
      }
      if (st === 3 && b - a > 40) {
        var text = segLabel(r.lane, k);
        if (text) {
          ctx.save(); ctx.beginPath(); ctx.rect(a, y0, b - a, h); ctx.clip();
          ctx.fillStyle = '#333'; ctx.textAlign = 'left'; ctx.font = '11px system-ui, sans-serif';
          ctx.fillText(text, a + 3, mid + 4); ctx.restore();
        }
      }
    }
    // Prints.
    ctx.fillStyle = '#222';
    for (var m = 0; m < l.m.length; m += 2) {
      var x = X(l.m[m]);
      if (x >= LABEL_W && x <= W) ctx.fillRect(Math.round(x) - 1, top + 1, 2, 7);
    }
    // How it ended.
    if (l.end) {
      var xe = X(l.end[0]);
      if (xe >= LABEL_W - 2 && xe <= W + 2) {
        ctx.textAlign = 'center'; ctx.font = 'bold 12px system-ui, sans-serif';
        if (l.end[1] === 'done') { ctx.fillStyle = '#333'; ctx.fillRect(xe - 1, mid - 4, 2, 8); }
        else { ctx.fillStyle = RED; ctx.fillText('\u2716', xe, mid + 4); }
      }
    }
  }

  function drawGroup(r, top) {
    var g = D.groups[r.group], agg = g.agg, w = D.w, max = groupMax[r.group], h = r.h - 6, base = top + r.h - 3;
    ctx.fillStyle = '#f7f7f7'; ctx.fillRect(LABEL_W, top + 3, W - LABEL_W, h);
    if (!agg) return;
    var n = agg[0].length;
    var i0 = Math.max(0, Math.floor(T(LABEL_W) / w)), i1 = Math.min(n - 1, Math.ceil(T(W) / w));
    for (var i = i0; i <= i1; i++) {
      var a = Math.max(LABEL_W, Math.floor(X(i * w))), b = Math.min(W, Math.ceil(X((i + 1) * w)));
      if (b <= a) continue;
      var y = base;
      for (var s = 3; s >= 0; s--) {
        var v = agg[s][i];
        if (v <= 0) continue;
        var hh = (v / max) * h;
        ctx.fillStyle = FILL[s];
        ctx.fillRect(a, y - hh, Math.max(1, b - a), hh);
        y -= hh;
      }
    }
  }

  function drawLabels() {
    ctx.fillStyle = '#fafafa'; ctx.fillRect(0, AXIS_H + 1, LABEL_W, H);
    ctx.textAlign = 'left';
    rows.forEach(function (r) {
      var top = r.y - scrollY;
      if (top + r.h < AXIS_H || top > H) return;
      var mid = top + r.h / 2 + 4, text;
      if (r.group !== undefined) {
        var g = D.groups[r.group];
        ctx.font = 'bold 12px system-ui, sans-serif'; ctx.fillStyle = '#222';
        text = (expanded[r.group] ? '\u25be ' : '\u25b8 ') + g.name + '() \u00d7' + g.count.toLocaleString('en');
      } else {
        var l = D.lanes[r.lane];
        ctx.font = '12px system-ui, sans-serif';
        ctx.fillStyle = l.end && l.end[1] !== 'done' || l.wait ? RED : '#222';
        text = (r.inner ? '    ' : '') + l.name + '  ' + l.call;
      }
      ctx.save(); ctx.beginPath(); ctx.rect(0, top, LABEL_W - 6, r.h); ctx.clip();
      ctx.fillText(text, 6, mid); ctx.restore();
    });
    ctx.strokeStyle = '#ccc';
    ctx.beginPath(); ctx.moveTo(LABEL_W + 0.5, 0); ctx.lineTo(LABEL_W + 0.5, H); ctx.stroke();
  }

  function arrow(x0, y0, x1, y1, color, dash, width) {
    ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash);
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke(); ctx.setLineDash([]);
    var ang = Math.atan2(y1 - y0, x1 - x0), len = 6;
    ctx.beginPath(); ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - len * Math.cos(ang - 0.4), y1 - len * Math.sin(ang - 0.4));
    ctx.lineTo(x1 - len * Math.cos(ang + 0.4), y1 - len * Math.sin(ang + 0.4));
    ctx.closePath(); ctx.fill(); ctx.lineWidth = 1;
  }
  function rowMid(l) { var i = rowOf[l]; return i === undefined ? null : rows[i].y - scrollY + rows[i].h / 2; }

  function drawArrows() {
    var a = D.arrows;
    ctx.save(); ctx.beginPath(); ctx.rect(LABEL_W, AXIS_H, W - LABEL_W, H - AXIS_H); ctx.clip();
    for (var k = 0; k < a.length; k += 5) {
      var y0 = rowMid(a[k + 1]), y1 = rowMid(a[k + 3]);
      if (y0 === null || y1 === null || y0 === y1) continue;
      var x0 = X(a[k + 2]), x1 = X(a[k + 4]);
      if (Math.max(x0, x1) < LABEL_W || Math.min(x0, x1) > W) continue;
      if ((y0 < AXIS_H && y1 < AXIS_H) || (y0 > H && y1 > H)) continue;
      if (a[k]) arrow(x0, y0, x1, y1 + (y1 > y0 ? -5 : 5), WAKE, [], 1.2);
      else arrow(x0, y0, x1, y1 + (y1 > y0 ? -5 : 5), SPAWN, [4, 3], 1);
    }
    // The deadlock's wait-for cycle, at the end of the run.
    var c = D.cycle, xe = X(D.elapsed) + TAIL / 2 + 6;
    for (var i = 0; i + 1 < c.length; i++) {
      var ya = rowMid(c[i]), yb = rowMid(c[i + 1]);
      if (ya === null || yb === null) continue;
      arrow(xe - 6 * (i % 2), ya, xe - 6 * (i % 2), yb + (yb > ya ? -4 : 4), RED, [], 2);
    }
    ctx.restore();
  }

  function draw() {
    ctx.clearRect(0, 0, W, H);
    drawAxis(true);
    ctx.save(); ctx.beginPath(); ctx.rect(LABEL_W, AXIS_H + 1, W - LABEL_W, H); ctx.clip();
    rows.forEach(function (r, i) {
      var top = r.y - scrollY;
      if (top + r.h < AXIS_H || top > H) return;
      if (i % 2) { ctx.fillStyle = '#fbfbfb'; ctx.fillRect(LABEL_W, top, W - LABEL_W, r.h); }
      if (r.group !== undefined) drawGroup(r, top); else drawLane(r, top);
    });
    if (cursor !== null) {
      var xc = Math.round(X(cursor)) + 0.5;
      ctx.strokeStyle = RED; ctx.lineWidth = 1.5; ctx.beginPath(); ctx.moveTo(xc, AXIS_H); ctx.lineTo(xc, H); ctx.stroke(); ctx.lineWidth = 1;
    }
    ctx.restore();
    drawArrows();
    drawLabels();
    drawAxis(false);
    ctx.fillStyle = '#fafafa'; ctx.fillRect(0, 0, LABEL_W, AXIS_H);
    document.body.setAttribute('data-rendered', nsegs + ' segments, ' + rows.length + ' lanes');
  }

  // What is under the mouse.
  function rowAt(y) {
    var yy = y + scrollY;
    for (var lo = 0, hi = rows.length; lo < hi;) {
      var mid = (lo + hi) >> 1;
      if (rows[mid].y + rows[mid].h <= yy) lo = mid + 1; else hi = mid;
    }
    return lo < rows.length && rows[lo].y <= yy && y > AXIS_H ? lo : -1;
  }
  function describe(x, y) {
    var ri = rowAt(y);
    if (ri < 0) return null;
    var r = rows[ri];
    if (r.group !== undefined) {
      var g = D.groups[r.group];
      if (x < LABEL_W) return g.name + '(): ' + g.count + ' tasks; click to ' + (expanded[r.group] ? 'collapse' : 'expand into the lanes of the first ' + g.lanes.length);
      var i = Math.floor(T(x) / D.w);
      if (!g.agg || i < 0 || i >= g.agg[0].length) return null;
      var parts = [];
      for (var s = 0; s < 4; s++) if (g.agg[s][i] > 0) parts.push(g.agg[s][i] + ' ' + STATE[s]);
      return g.name + '() between ' + secs(i * D.w) + ' and ' + secs((i + 1) * D.w) + ' (on average):\n' + (parts.join(', ') || 'none alive');
    }
    var l = D.lanes[r.lane];
    if (x < LABEL_W) {
      return l.name + ': ' + l.call + '\ncreated at ' + secs(l.t0) +
        (l.end ? '\n' + l.end[1] + ' at ' + secs(l.end[0]) + (l.end[2] ? ': ' + l.end[2] : '') : '\nnot finished') +
        (l.parent >= 0 ? '\nspawned by ' + laneLabel(l.parent) : '') + (l.wait ? '\ndeadlocked: waits for ' + l.wait : '');
    }
    var t = Math.min(T(x), D.elapsed);
    for (var m = 0; m < l.m.length; m += 2) {
      if (Math.abs(X(l.m[m]) - x) <= 3) return 'print at ' + secs(l.m[m]) + ' by ' + l.name + ':\n' + l.m[m + 1];
    }
    if (l.end && Math.abs(X(l.end[0]) - x) <= 5) {
      return l.name + ' ' + (l.end[1] === 'done' ? 'done' : l.end[1] === 'raise' ? 'raised' : 'cancelled') + ' at ' + secs(l.end[0]) + (l.end[2] ? ': ' + l.end[2] : '');
    }
    var k = segAt(r.lane, t);
    if (k < 0) {
      var k2 = firstSeg(r.lane, t - 2 / scale), s2 = l.s;
      if (k2 < s2.length && X(s2[k2 + 1]) - x <= 2 && x - X(s2[k2 + 2]) <= 2) k = k2; else return l.name + ' ' + l.call;
    }
    var s = l.s, lab = s[k] === 3 ? ' on ' + segLabel(r.lane, k) : '';
    return l.name + ' ' + STATE[s[k]] + lab + '\n' + secs(s[k + 1]) + ' \u2192 ' + secs(s[k + 2]) +
      ' (' + secs(s[k + 2] - s[k + 1]) + ')' + (s[k + 5] & 1 ? '\nstill so when the run ended' + (l.wait ? ': waits for ' + l.wait : '') : '');
  }

  // The state at an instant, as an awaited-by tree.
  function stateAt(t) {
    var alive = [], info = {};
    D.lanes.forEach(function (l, i) {
      if (l.t0 > t || (l.end && l.end[0] < t)) return;
      alive.push(i);
      var k = segAt(i, t);
      info[i] = { k: k, waitsOn: [], by: [] };
    });
    alive.forEach(function (i) {
      var k = info[i].k, s = D.lanes[i].s;
      if (k < 0 || s[k] !== 3) return;
      if (s[k + 4] >= 0 && info[s[k + 4]]) info[i].waitsOn.push(s[k + 4]);
      if (s[k + 5] & 2) {
        // The tasks this wait waits for (`aw`: time, lane pairs, from the
        // run's own record), else the tasks it spawned.
        var aw = D.lanes[i].aw, exact = false;
        for (var a = 0; aw && a < aw.length; a += 2) {
          if (aw[a] === s[k + 1]) {
            exact = true;
            if (info[aw[a + 1]]) info[i].waitsOn.push(aw[a + 1]);
          }
        }
        if (!exact) alive.forEach(function (j) { if (D.lanes[j].parent === i) info[i].waitsOn.push(j); });
      }
    });
    alive.forEach(function (i) { info[i].waitsOn.forEach(function (j) { info[j].by.push(i); }); });
    var el = document.createElement('div');
    var h = document.createElement('h2');
    h.textContent = 'At ' + secs(t) + ' (' + alive.length + ' of ' + D.lanes.length + ' drawn tasks alive)';
    el.appendChild(h);
    if (D.aggregated) {
      var p = document.createElement('p'), i = Math.floor(t / D.w), parts = [];
      p.className = 'dim';
      D.groups.forEach(function (g) {
        if (!g.agg || i < 0 || i >= g.agg[0].length) return;
        var c = [];
        for (var s = 0; s < 4; s++) if (g.agg[s][i] > 0) c.push(g.agg[s][i] + ' ' + STATE[s]);
        if (c.length) parts.push(g.name + '(): ' + c.join(', '));
      });
      p.textContent = 'By group (average over ' + secs(D.w) + '): ' + (parts.join('; ') || 'nothing') +
        '. The tree shows the drawn tasks only (the first of each group).';
      el.appendChild(p);
    }
    var done = {};
    function item(i) {
      var li = document.createElement('li'), l = D.lanes[i], k = info[i].k, s = l.s;
      var n = document.createElement('span'); n.className = 'tn'; n.textContent = l.name; li.appendChild(n);
      li.appendChild(document.createTextNode(' ' + l.call));
      var st = document.createElement('span'); st.className = 'st';
      if (k >= 0) {
        st.style.background = FILL[s[k]];
        st.textContent = STATE[s[k]] + (s[k] === 3 ? ' on ' + segLabel(i, k) : '') + ' since ' + secs(s[k + 1]);
        if (s[k + 5] & 1) st.style.outline = '2px solid ' + RED;
      } else {
        st.textContent = 'running a step';
      }
      li.appendChild(st);
      if (done[i]) { li.appendChild(document.createTextNode(' (see above)')); return li; }
      done[i] = true;
      if (info[i].by.length === 0 && l.parent >= 0) {
        var sp = document.createElement('span'); sp.className = 'dim';
        sp.textContent = ' \u2014 spawned by ' + laneLabel(l.parent) + ', awaited by no task';
        li.appendChild(sp);
      }
      if (info[i].waitsOn.length) {
        var ul = document.createElement('ul');
        info[i].waitsOn.forEach(function (j) { ul.appendChild(item(j)); });
        li.appendChild(ul);
      }
      return li;
    }
    var root = document.createElement('ul');
    alive.forEach(function (i) { if (info[i].by.length === 0) root.appendChild(item(i)); });
    alive.forEach(function (i) { if (!done[i]) root.appendChild(item(i)); });
    el.appendChild(root);
    var hint = document.createElement('p'); hint.className = 'dim';
    hint.textContent = 'Each task is listed under the task that awaits it (a task, a gather, asyncio.wait or a task group); top level: tasks no task awaits.';
    el.appendChild(hint);
    side.replaceChildren(el);
  }

  // Interactions: wheel zooms time (over the labels: scrolls), drag pans, click picks an instant.
  function clampY() { scrollY = Math.max(0, Math.min(scrollY, Math.max(0, totalH - H + 20))); }
  function zoom(f, x) {
    var t = T(x);
    scale = Math.min(1e12, Math.max((W - LABEL_W) / span / 50, scale * f));
    t0 = t - (x - LABEL_W) / scale;
    draw();
  }
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = canvas.getBoundingClientRect(), x = e.clientX - r.left;
    if (x < LABEL_W || e.shiftKey) { scrollY += e.deltaY; clampY(); draw(); return; }
    if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) { t0 += e.deltaX / scale; draw(); return; }
    zoom(Math.exp(-e.deltaY * 0.002), x);
  }, { passive: false });
  var drag = null;
  canvas.addEventListener('mousedown', function (e) {
    drag = { x: e.clientX, y: e.clientY, t0: t0, sy: scrollY, moved: false };
  });
  window.addEventListener('mousemove', function (e) {
    var r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
    if (drag) {
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; canvas.classList.add('dragging'); }
      if (drag.moved) { t0 = drag.t0 - dx / scale; scrollY = drag.sy - dy; clampY(); draw(); }
      tip.style.display = 'none';
      return;
    }
    var text = x >= 0 && y >= 0 && x <= W && y <= H ? describe(x, y) : null;
    if (!text) { tip.style.display = 'none'; return; }
    tip.textContent = text; tip.style.display = 'block';
    var tx = e.clientX + 14, ty = e.clientY + 14;
    if (tx + tip.offsetWidth > window.innerWidth) tx = e.clientX - tip.offsetWidth - 8;
    if (ty + tip.offsetHeight > window.innerHeight) ty = e.clientY - tip.offsetHeight - 8;
    tip.style.left = tx + 'px'; tip.style.top = ty + 'px';
  });
  window.addEventListener('mouseup', function (e) {
    if (!drag) return;
    var moved = drag.moved;
    drag = null; canvas.classList.remove('dragging');
    if (moved) return;
    var r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
    var ri = rowAt(y);
    if (x < LABEL_W) {
      if (ri >= 0 && rows[ri].group !== undefined) { expanded[rows[ri].group] = !expanded[rows[ri].group]; buildRows(); draw(); }
      return;
    }
    if (y > AXIS_H || ri >= 0 || y <= AXIS_H) { cursor = Math.max(0, Math.min(D.elapsed, T(x))); draw(); stateAt(cursor); }
  });
  canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  document.getElementById('zin').onclick = function () { zoom(1.5, (LABEL_W + W) / 2); };
  document.getElementById('zout').onclick = function () { zoom(1 / 1.5, (LABEL_W + W) / 2); };
  document.getElementById('fit').onclick = function () { fit(); draw(); };
  document.getElementById('expand').onclick = function () {
    var any = D.groups.some(function (g, i) { return expanded[i]; });
    D.groups.forEach(function (g, i) { expanded[i] = !any; });
    buildRows(); clampY(); draw();
  };
  window.addEventListener('resize', resize);
  resize();
  // A deadlock: show the state where it stuck.
  if (D.outcome === 'deadlock') { cursor = D.elapsed; draw(); stateAt(D.elapsed); }
  // A link can open at an instant (#t=1.5) and with every group expanded (#expand).
  var hash = /[#&]t=([0-9.eE+-]+)/.exec(location.hash);
  if (hash && isFinite(+hash[1])) { cursor = Math.max(0, Math.min(D.elapsed, +hash[1])); draw(); stateAt(cursor); }
  if (/[#&]expand\b/.test(location.hash)) document.getElementById('expand').onclick();
})();
