"""The style sheet and the script of the demo page (:mod:`matchsim.teaching.page`), inlined in the file.

The script only draws: every state it shows is a frame of the embedded
document (``<script type="application/json" id="matchsim-demo">``), made in
Python from the engine's trace. It computes no match. Names are set with
``textContent``, never as HTML.
"""

CSS = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;padding:.5rem 1.2rem 3rem;font:clamp(17px,1.45vw,30px)/1.4 system-ui,-apple-system,"Segoe UI",
Roboto,"Helvetica Neue",Arial,sans-serif;color:#111;background:#fafafa;overflow-wrap:anywhere}
h1{font-size:1.6em;line-height:1.15;margin:.2em 0 .3em}
h2{font-size:1.2em;margin:.2em 0}
p{margin:.3em 0}
.lead{color:#333;max-width:70em;font-size:.85em}
nav.tabs{display:flex;flex-wrap:wrap;gap:.4em;margin:.6em 0}
nav.tabs button{font:inherit;font-size:.9em;padding:.3em .8em;border:2px solid #2b5d8a;border-radius:2em;
background:#fff;color:#2b5d8a;cursor:pointer}
nav.tabs button[aria-selected="true"]{background:#2b5d8a;color:#fff}
.controls{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:.4em;
padding:.4em 0;background:#fafafa;border-bottom:2px solid #ddd}
.controls button{font:inherit;font-size:1em;min-width:2.6em;padding:.2em .6em;border:2px solid #444;
border-radius:.4em;background:#fff;cursor:pointer}
.controls button:focus-visible{outline:3px solid #e08a00}
.counter{font-weight:700;font-variant-numeric:tabular-nums;margin-left:.4em}
.keys{color:#555;font-size:.75em;margin-left:auto}
.panels{display:grid;grid-template-columns:repeat(var(--n,1),minmax(0,1fr));gap:1.2em;margin-top:.6em}
.panel h2{font-size:1em}
.panel{background:#fff;border:2px solid #ccc;border-radius:.7em;padding:.6em .8em}
.panel.two{font-size:.85em}
.say{min-height:2.8em;font-size:1.05em;padding:.4em .6em;border-left:.35em solid #2b5d8a;background:#eef4fa;
border-radius:.3em;margin:.3em 0 .6em}
.say.key{border-left-color:#a0137a;background:#fbeaf5}
.word{font-weight:800;margin-right:.4em}
.w-HELD{color:#1b7a36}.w-BUMPS{color:#a15c00}.w-TURNED{color:#b3261e}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.8em}
.panel:not(.two) .applicants{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 .5em;
align-content:start}
.applicants h3{grid-column:1/-1}
.cols h3{font-size:.8em;text-transform:uppercase;letter-spacing:.06em;color:#555;margin:.2em 0}
.card{border:2px solid #d0d0d0;border-radius:.5em;padding:.15em .5em;margin:.25em 0;background:#fff}
.card .name{font-weight:700}
.card .top{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:0 .6em}
.card .list{font-size:.75em;color:#555}
.card .list .on{color:#111;font-weight:700;text-decoration:underline}
.card .status{font-size:.8em}
.card.focus{box-shadow:0 0 0 .2em #a0137a33}
.card.focus .name::after{content:" \u2605";color:#a0137a}
.card.active{border-color:#2b5d8a;background:#eef4fa}
.card.bumped{border-color:#a15c00;background:#fff4e0}
.card.matched .status{color:#1b7a36;font-weight:700}
.card.unmatched .status,.card.out .status{color:#b3261e;font-weight:700}
.seats{display:flex;flex-wrap:wrap;gap:.25em;margin:.1em 0;flex:1 1 auto}
.seat{border:2px dashed #bbb;border-radius:.4em;padding:.05em .4em;font-size:.8em;color:#888}
.seat.full{border:2px solid #1b7a36;color:#111;background:#e9f6ec}
.seat .tag{color:#555;font-size:.85em;margin-left:.3em}
ol.timeline{display:flex;flex-wrap:wrap;gap:.25em;list-style:none;padding:0;margin:.6em 0 0}
ol.timeline li{font-size:.7em;border:1px solid #ccc;border-radius:.3em;padding:.05em .35em;cursor:pointer;
background:#fff}
ol.timeline li.done{background:#eee}
ol.timeline li.now{border-color:#2b5d8a;background:#2b5d8a;color:#fff}
ol.timeline li.keyed{outline:2px solid #a0137a}
.after{margin-top:.8em;padding:.5em .8em;background:#fff;border:2px solid #1b7a36;border-radius:.6em}
.after h2{color:#1b7a36}
.after li{margin:.2em 0}
button.reveal{font:inherit;font-size:.85em;margin-top:.8em;padding:.3em .8em;border:2px dashed #1b7a36;
border-radius:.5em;background:#fff;color:#1b7a36;cursor:pointer}
footer{margin-top:1.2em;color:#555;font-size:.75em}
@media (max-width:48rem){.panels{grid-template-columns:minmax(0,1fr)}.cols{grid-template-columns:minmax(0,1fr)}
.keys{display:none}}
@media print{.controls,nav.tabs{display:none}}
"""

JS = r"""
(function () {
  "use strict";
  var doc = JSON.parse(document.getElementById("matchsim-demo").textContent);
  var root = document.getElementById("demo");
  var state = { view: 0, frame: 0, timer: null };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function frames(view) {
    var n = 0;
    view.panels.forEach(function (p) { n = Math.max(n, p.frames.length); });
    return n;
  }

  var tabs = el("nav", "tabs");
  tabs.setAttribute("role", "tablist");
  var controls = el("div", "controls");
  var body = el("div", "view");
  root.appendChild(tabs);
  root.appendChild(controls);
  root.appendChild(body);

  doc.views.forEach(function (v, i) {
    var b = el("button", "", (i + 1) + ". " + v.name);
    b.type = "button";
    b.setAttribute("role", "tab");
    b.dataset.view = String(i);
    b.addEventListener("click", function () { showView(i); });
    tabs.appendChild(b);
  });
  if (doc.views.length < 2) { tabs.style.display = "none"; }

  var buttons = {};
  [["start", "|\u25C0", "Back to the start (Home)"], ["back", "\u25C0 Back", "One step back (Left arrow)"],
   ["play", "Play", "Play / pause (Space)"], ["step", "Step \u25B6", "One step forward (Right arrow)"],
   ["end", "\u25B6|", "To the end (End)"]].forEach(function (c) {
    var b = el("button", "", c[1]);
    b.type = "button";
    b.id = "btn-" + c[0];
    b.title = c[2];
    b.setAttribute("aria-label", c[2]);
    controls.appendChild(b);
    buttons[c[0]] = b;
  });
  var counter = el("span", "counter");
  counter.id = "counter";
  counter.setAttribute("aria-live", "polite");
  controls.appendChild(counter);
  controls.appendChild(el("span", "keys", "Space play/pause \u00B7 \u2190 \u2192 step \u00B7 Home/End \u00B7 1\u20139 story"));

  buttons.start.addEventListener("click", function () { stop(); go(0); });
  buttons.back.addEventListener("click", function () { stop(); go(state.frame - 1); });
  buttons.step.addEventListener("click", function () { stop(); go(state.frame + 1); });
  buttons.end.addEventListener("click", function () { stop(); go(frames(doc.views[state.view]) - 1); });
  buttons.play.addEventListener("click", function () { if (state.timer) { stop(); } else { play(); } });

  function play() {
    var last = frames(doc.views[state.view]) - 1;
    if (state.frame >= last) { go(0); }
    state.timer = window.setInterval(function () {
      if (state.frame >= frames(doc.views[state.view]) - 1) { stop(); return; }
      go(state.frame + 1);
    }, 1600);
    buttons.play.textContent = "Pause";
    root.dataset.playing = "true";
  }
  function stop() {
    if (state.timer) { window.clearInterval(state.timer); state.timer = null; }
    buttons.play.textContent = "Play";
    root.dataset.playing = "false";
  }

  var built = [];
  var reveal = null;
  function buildPanel(p, two, focus) {
    var box = el("section", "panel" + (two ? " two" : ""));
    box.appendChild(el("h2", "", p.title));
    var say = el("p", "say");
    say.setAttribute("aria-live", "polite");
    box.appendChild(say);
    var cols = el("div", "cols");
    var ca = el("div", "applicants"), cp = el("div", "programs");
    ca.appendChild(el("h3", "", "Applicants"));
    cp.appendChild(el("h3", "", "Programs"));
    cols.appendChild(ca);
    cols.appendChild(cp);
    box.appendChild(cols);
    var aCards = p.applicants.map(function (a) {
      var c = el("div", "card applicant");
      c.dataset.applicant = a.name;
      c.dataset.focus = focus === a.name ? "true" : "false";
      var top = el("div", "top");
      top.appendChild(el("span", "name", a.name));
      var st = el("span", "status");
      top.appendChild(st);
      c.appendChild(top);
      var l = el("div", "list");
      var items = a.list.map(function (x, k) {
        if (k) { l.appendChild(document.createTextNode(", ")); }
        var s = el("span", "", x.text);
        l.appendChild(s);
        return { span: s, programs: x.programs, partner: x.partner, partnerProgram: x.partner_program };
      });
      if (a.note) { l.appendChild(el("span", "", " \u00B7 " + a.note)); }
      c.appendChild(l);
      ca.appendChild(c);
      return { card: c, items: items, status: st };
    });
    var pCards = p.programs.map(function (q) {
      var c = el("div", "card program");
      c.dataset.program = q.name;
      var top = el("div", "top");
      top.appendChild(el("span", "name", q.name));
      var seats = el("span", "seats");
      top.appendChild(seats);
      top.appendChild(el("span", "list", q.positions + (q.positions === 1 ? " position" : " positions") +
        (q.track ? " \u00B7 " + q.track : "")));
      c.appendChild(top);
      cp.appendChild(c);
      return { card: c, seats: seats, positions: q.positions };
    });
    var tl = el("ol", "timeline");
    var marks = p.frames.map(function (f, k) {
      if (f.kind !== "proposal") { return null; }
      var mark = { HELD: " \u2713", BUMPS: " \u2713 bumps " + (f.displaced === null ? "" :
        p.applicants[f.displaced].name) }[f.word] || " \u2717";
      var li = el("li", f.key ? "keyed" : "", f.number + " " + p.applicants[f.applicant].name + "\u2192" +
        p.programs[f.program].name + mark);
      li.title = f.text;
      li.addEventListener("click", function () { stop(); go(k); });
      tl.appendChild(li);
      return li;
    });
    if (tl.childNodes.length) { box.appendChild(tl); }
    return { box: box, say: say, a: aCards, p: pCards, marks: marks, data: p };
  }

  function drawPanel(b, k) {
    var p = b.data, i = Math.min(k, p.frames.length - 1), f = p.frames[i];
    b.say.textContent = "";
    b.say.className = "say" + (f.key ? " key" : "");
    if (f.word) { b.say.appendChild(el("span", "word w-" + f.word.split(" ")[0], f.word)); }
    b.say.appendChild(document.createTextNode(f.text));
    b.a.forEach(function (c, a) {
      var w = f.where[a], y = f.pgy1[a], end = f.kind === "end";
      var cls = "card applicant" + (c.card.dataset.focus === "true" ? " focus" : "");
      var text;
      if (end) {
        text = w >= 0 ? "Matched: " + p.programs[w].name + (y >= 0 ? " + PGY-1 year at " + p.programs[y].name : "")
          : (p.applicants[a].list.length ? "Unmatched" : "Did not apply");
        cls += w >= 0 ? " matched" : " unmatched";
      } else if (w >= 0) {
        text = "Held by " + p.programs[w].name;
      } else if (f.out.indexOf(a) >= 0) {
        text = "List ran out: will not match";
        cls += " out";
      } else {
        text = f.kind === "start" ? "About to apply" : "Not held";
      }
      if (f.kind === "proposal" && f.applicant === a) { cls += " active"; }
      if (f.kind === "proposal" && f.displaced === a) { cls += " bumped"; }
      c.card.className = cls;
      c.card.dataset.where = w >= 0 ? p.programs[w].name : "";
      c.status.textContent = text;
      c.items.forEach(function (it) {
        var on = it.partner === undefined ? (it.programs.indexOf(w) >= 0 || it.programs.indexOf(y) >= 0)
          : (f.kind !== "start" && it.programs[0] === w && f.where[it.partner] === it.partnerProgram);
        it.span.className = on ? "on" : "";
      });
    });
    b.p.forEach(function (c, q) {
      var held = f.held[q];
      c.card.className = "card program" + (f.kind === "proposal" && f.program === q ? " active" : "");
      c.card.dataset.held = held.map(function (h) { return p.applicants[h[0]].name; }).join("|");
      c.seats.textContent = "";
      var n = Math.max(c.positions, held.length);
      for (var s = 0; s < n; s++) {
        var seat = el("span", "seat" + (s < held.length ? " full" : ""));
        if (s < held.length) {
          seat.appendChild(el("span", "who", p.applicants[held[s][0]].name));
          if (held[s][1]) { seat.appendChild(el("span", "tag", held[s][1])); }
        } else {
          seat.textContent = "open";
        }
        c.seats.appendChild(seat);
      }
    });
    b.marks.forEach(function (li, j) {
      if (li) { li.className = (p.frames[j].key ? "keyed " : "") + (j === i ? "now" : (j < i ? "done" : "")); }
    });
  }

  function showView(i) {
    stop();
    state.view = i;
    state.frame = 0;
    var v = doc.views[i];
    Array.prototype.forEach.call(tabs.childNodes, function (b, j) {
      b.setAttribute("aria-selected", j === i ? "true" : "false");
    });
    body.textContent = "";
    v.lead.forEach(function (t) { body.appendChild(el("p", "lead", t)); });
    var grid = el("div", "panels");
    grid.style.setProperty("--n", String(v.panels.length));
    body.appendChild(grid);
    built = v.panels.map(function (p) {
      var b = buildPanel(p, v.panels.length > 1, v.focus);
      grid.appendChild(b.box);
      return b;
    });
    reveal = null;
    if (v.after.length) {
      var after = el("section", "after");
      after.id = "after";
      after.appendChild(el("h2", "", "What this shows"));
      var ul = el("ul");
      v.after.forEach(function (t) { ul.appendChild(el("li", "", t)); });
      after.appendChild(ul);
      after.hidden = true;
      var show = el("button", "reveal", "What this shows (revealed at the end; click to show now)");
      show.type = "button";
      show.id = "btn-reveal";
      show.addEventListener("click", function () { after.hidden = false; show.hidden = true; });
      body.appendChild(show);
      body.appendChild(after);
      reveal = { box: after, button: show };
    }
    root.dataset.view = String(i);
    go(0);
  }

  function go(k) {
    var last = frames(doc.views[state.view]) - 1;
    state.frame = Math.max(0, Math.min(last, k));
    built.forEach(function (b) { drawPanel(b, state.frame); });
    var f0 = built.length === 1 ? built[0].data.frames[Math.min(state.frame, built[0].data.frames.length - 1)] : null;
    counter.textContent = state.frame === 0 ? "Start" : (state.frame === last ? "End" :
      "Step " + state.frame + " of " + (last - 1) + (f0 && f0.round ? " \u00B7 round " + f0.round : ""));
    if (reveal && state.frame === last) { reveal.box.hidden = false; reveal.button.hidden = true; }
    root.dataset.frame = String(state.frame);
    root.dataset.last = String(last);
    buttons.back.disabled = state.frame === 0;
    buttons.start.disabled = state.frame === 0;
    buttons.step.disabled = state.frame === last;
    buttons.end.disabled = state.frame === last;
  }

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var k = e.key;
    if (k === "ArrowRight" || k === "PageDown" || k === "n") { stop(); go(state.frame + 1); }
    else if (k === "ArrowLeft" || k === "PageUp" || k === "b" || k === "p") { stop(); go(state.frame - 1); }
    else if (k === " " || k === "k") { if (state.timer) { stop(); } else { play(); } }
    else if (k === "Home") { stop(); go(0); }
    else if (k === "End") { stop(); go(frames(doc.views[state.view]) - 1); }
    else if (/^[1-9]$/.test(k) && Number(k) <= doc.views.length) { showView(Number(k) - 1); }
    else { return; }
    e.preventDefault();
  });

  showView(0);
  root.dataset.ready = "true";
})();
"""
