// faqbot operator console. Signs in with the admin token (kept only in an
// HttpOnly session cookie), sends the session's CSRF token on every request
// that changes state, and puts all text in with textContent.
"use strict";
(function () {
  var csrf = "";
  var $ = function (id) { return document.getElementById(id); };
  var msg = $("msg");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function say(text, bad) { msg.textContent = text; msg.className = bad ? "bad" : ""; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function pct(x) { return (100 * (x || 0)).toFixed(1) + "%"; }
  function when(t) { if (!t) return "—"; var d = new Date(t); return isNaN(d) ? String(t) : d.toLocaleString(); }

  function api(method, path, body) {
    var h = {};
    if (body !== undefined) h["Content-Type"] = "application/json";
    if (method !== "GET" && csrf) h["X-CSRF-Token"] = csrf;
    return fetch(path, { method: method, headers: h, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (resp.status === 401 && path !== "session") signedOut("Your session ended; sign in again.");
        if (!resp.ok) { var e = new Error(data.error || "the server answered " + resp.status); e.data = data; e.status = resp.status; throw e; }
        return data;
      });
    });
  }

  function table(head, rows, numeric) {
    var t = el("table"), tr = el("tr");
    head.forEach(function (h) { var th = el("th", "", h); th.scope = "col"; tr.appendChild(th); });
    var thead = el("thead"); thead.appendChild(tr); t.appendChild(thead);
    var tb = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, i) {
        var td = el("td", numeric && numeric[i] ? "num" : "");
        if (c instanceof Node) td.appendChild(c); else td.textContent = c === undefined || c === null ? "" : String(c);
        row.appendChild(td);
      });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    return t;
  }
  function stat(label, value) { var s = el("div", "stat"); s.appendChild(el("b", "", value)); s.appendChild(document.createTextNode(label)); return s; }
  function errorList(errs) { var ul = el("ul", "errors"); (errs || []).forEach(function (e) { ul.appendChild(el("li", "", e)); }); return ul; }

  // Sign-in.
  function signedIn(data) {
    csrf = data.csrf;
    $("signin").hidden = true; $("console").hidden = false; $("signout").hidden = false;
    show("status");
  }
  function signedOut(text) {
    csrf = "";
    $("console").hidden = true; $("signout").hidden = true; $("signin").hidden = false;
    if (text) say(text, true);
    $("token").focus();
  }
  $("signin").addEventListener("submit", function (ev) {
    ev.preventDefault();
    api("POST", "session", { token: $("token").value }).then(function (d) {
      $("token").value = ""; say("Signed in."); signedIn(d);
    }, function (e) { say("Sign-in failed: " + e.message, true); });
  });
  $("signout").addEventListener("click", function () {
    api("DELETE", "session").then(function () {}, function () {}).then(function () { signedOut(); say("Signed out."); });
  });

  // Tabs.
  var tabs = document.querySelectorAll("nav button");
  tabs.forEach(function (b) { b.addEventListener("click", function () { show(b.dataset.tab); }); });
  function show(name) {
    tabs.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.tab === name)); });
    ["status", "report", "try"].forEach(function (n) { $(n).hidden = n !== name; });
    if (name === "status") loadStatus();
    if (name === "report") loadReport();
    if (name === "try") $("try-q").focus();
  }

  // Status.
  function reportBlock(title, r) {
    var d = el("div");
    d.appendChild(el("h3", "", title));
    if (!r) { d.appendChild(el("p", "hint", "None yet.")); return d; }
    var s = el("div", "stats");
    s.appendChild(stat("outcome", r.ok ? "ok" : "failed"));
    s.appendChild(stat("entries", r.entries));
    s.appendChild(stat("trigger", r.trigger || "—"));
    s.appendChild(stat("when", when(r.at)));
    d.appendChild(s);
    if (r.version) { var p = el("p", "", "Content version: "); p.appendChild(el("code", "", r.version)); d.appendChild(p); }
    if (r.errors && r.errors.length) { d.appendChild(el("p", "bad", "Errors:")); d.appendChild(errorList(r.errors)); }
    if (r.files && r.files.length) {
      d.appendChild(table(["File", "Entries", "Error"], r.files.map(function (f) { return [f.path, f.entries, f.error || ""]; }), [false, true, false]));
    }
    return d;
  }
  function loadStatus() {
    var body = $("status-body");
    api("GET", "status").then(function (st) {
      clear(body);
      var s = el("div", "stats");
      s.appendChild(stat("reindexes", st.reindexes || 0));
      s.appendChild(stat("failed reindexes", st.reindex_failures || 0));
      body.appendChild(s);
      body.appendChild(reportBlock("Serving", st.serving));
      body.appendChild(reportBlock("Last reindex", st.last_reindex));
    }, function (e) { clear(body); body.appendChild(el("p", "bad", "Status unavailable: " + e.message)); });
  }
  $("reindex").addEventListener("click", function () {
    var b = $("reindex");
    b.disabled = true; say("Reindexing…");
    api("POST", "reindex").then(function (r) {
      say("Reindexed: " + r.entries + " entries.");
    }, function (e) {
      say("Reindex failed: " + e.message, true);
    }).then(function () { b.disabled = false; loadStatus(); });
  });

  // Report.
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  // chart draws a horizontal bar per reply kind.
  function chart(kinds) {
    var names = ["answer", "fallback", "urgent", "other"];
    var max = 1;
    names.forEach(function (n) { max = Math.max(max, kinds[n] || 0); });
    var w = 420, row = 26, left = 80;
    var svg = svgEl("svg", { viewBox: "0 0 " + w + " " + (row * names.length + 4), width: w, height: row * names.length + 4, role: "img" });
    svg.appendChild(svgEl("title", {}, "Questions by reply kind: " + names.map(function (n) { return n + " " + (kinds[n] || 0); }).join(", ")));
    names.forEach(function (n, i) {
      var v = kinds[n] || 0, y = i * row + 2, bw = Math.round((w - left - 50) * v / max);
      svg.appendChild(svgEl("text", { x: 0, y: y + 16 }, n));
      svg.appendChild(svgEl("rect", { x: left, y: y, width: Math.max(bw, 1), height: row - 8, "class": "bar-" + n }));
      svg.appendChild(svgEl("text", { x: left + bw + 6, y: y + 16 }, v));
    });
    return svg;
  }
  function loadReport() {
    var body = $("report-body");
    clear(body); body.appendChild(el("p", "hint", "Loading…"));
    api("GET", "report?since=" + encodeURIComponent($("since").value)).then(function (r) {
      clear(body);
      var k = r.kinds || {};
      var s = el("div", "stats");
      s.appendChild(stat("questions", r.questions || 0));
      s.appendChild(stat("answer rate", pct(r.answer_rate)));
      s.appendChild(stat("fallbacks", k.fallback || 0));
      s.appendChild(stat("urgent", k.urgent || 0));
      var fb = r.feedback || {};
      s.appendChild(stat("👍 / 👎", (fb.helpful || 0) + " / " + (fb.not_helpful || 0)));
      body.appendChild(s);
      body.appendChild(chart(k));
      if (r.truncated) body.appendChild(el("p", "hint", "Only the most recent questions were clustered."));
      body.appendChild(el("h3", "", "Unanswered questions"));
      var un = r.unanswered || [];
      body.appendChild(un.length ? table(["Times asked", "Examples"], un.map(function (c) { return [c.count, (c.examples || []).join(" · ")]; }), [true, false]) : el("p", "hint", "None."));
      body.appendChild(el("h3", "", "Worst-rated entries"));
      var wf = r.worst_feedback || [];
      body.appendChild(wf.length ? table(["Entry", "👎", "Ratings", "👎 share"], wf.map(function (e) { return [e.title || e.entry_id, e.not_helpful, e.total, pct(e.not_helpful_ratio)]; }), [false, true, true, true]) : el("p", "hint", "None."));
      body.appendChild(el("h3", "", "Weak matches (score below " + (r.weak_score || 0).toFixed(2) + ")"));
      var wm = r.weak_matches || [];
      body.appendChild(wm.length ? table(["Question", "Answered with", "Score", "Times"], wm.map(function (m) { return [m.question, m.title || m.entry_id, (m.score || 0).toFixed(2), m.count]; }), [false, false, true, true]) : el("p", "hint", "None."));
    }, function (e) { clear(body); body.appendChild(el("p", "bad", "Report unavailable: " + e.message)); });
  }
  $("report-form").addEventListener("submit", function (ev) { ev.preventDefault(); loadReport(); });

  // Try a question.
  $("try-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = $("try-body");
    clear(body);
    api("POST", "explain", { question: $("try-q").value }).then(function (x) {
      body.appendChild(el("p", "hint", "Answer threshold " + x.min_confidence.toFixed(2) + "; “did you mean” from " + x.clarify_confidence.toFixed(2) + "."));
      if (!x.candidates.length) { body.appendChild(el("p", "", "No entry was retrieved: the bot would fall back to topics.")); return; }
      body.appendChild(table(["#", "Entry", "Confidence", "Score", "What matched"], x.candidates.map(function (c, i) {
        var conf = el("span", c.confidence >= x.min_confidence ? "above" : "");
        var bar = el("span", "conf"); bar.style.width = Math.round(60 * c.confidence) + "px";
        conf.appendChild(bar); conf.appendChild(document.createTextNode(c.confidence.toFixed(3)));
        var title = el("span"); title.appendChild(el("span", "", c.title)); title.appendChild(el("br"));
        title.appendChild(el("code", "", c.type + " · " + c.source));
        var feats = (c.features || []).filter(function (f) { return Math.abs(f.value) > 1e-9; })
          .map(function (f) { return f.name + " " + (Math.round(f.value * 1000) / 1000); }).join(", ");
        return [i + 1, title, conf, c.score.toFixed(3), feats];
      }), [true, false, true, true, false]));
    }, function (e) { body.appendChild(el("p", "bad", "Could not explain: " + e.message)); });
  });

  api("GET", "session").then(signedIn, function () { signedOut(); });
})();
