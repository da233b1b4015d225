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
      d.appendChild(table(["File", "Entries", "Error"], r.files.map(function (f) {
        return [f.path, f.alternates ? f.alternates + " wordings" : f.entries, f.error || ""];
      }), [false, true, false]));
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
    var names = ["answer", "clarify", "fallback", "urgent", "other"];
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
      s.appendChild(stat("did you mean", k.clarify || 0));
      s.appendChild(stat("urgent", k.urgent || 0));
      var fb = r.feedback || {};
      s.appendChild(stat("👍 / 👎", (fb.helpful || 0) + " / " + (fb.not_helpful || 0)));
      body.appendChild(s);
      body.appendChild(chart(k));
      if (r.truncated) body.appendChild(el("p", "hint", "Only the most recent questions were clustered."));
      body.appendChild(el("h3", "", "Unanswered questions"));
      var un = r.unanswered || [];
      body.appendChild(un.length ? table(["Times asked", "Examples", "Close the loop"], un.map(function (c) {
        var ex = c.examples || [], acts = el("span", "acts"), done = el("span", "ok");
        acts.appendChild(button("Answer with an entry…", "Answer “" + ex[0] + "” with an existing entry", function (b) { openPicker(ex, done, b); }));
        acts.appendChild(button("Needs a new FAQ", "Download a FAQ stub for “" + ex[0] + "”", function () { downloadStub(ex, c.count); }));
        acts.appendChild(done);
        return [c.count, ex.join(" · "), acts];
      }), [true, false, false]) : el("p", "hint", "None."));
      body.appendChild(el("h3", "", "Worst-rated entries"));
      var wf = r.worst_feedback || [];
      body.appendChild(wf.length ? table(["Entry", "👎", "Ratings", "👎 share"], wf.map(function (e) { return [e.title || e.entry_id, e.not_helpful, e.total, pct(e.not_helpful_ratio)]; }), [false, true, true, true]) : el("p", "hint", "None."));
      body.appendChild(el("h3", "", "Weak matches (score below " + (r.weak_score || 0).toFixed(2) + ")"));
      var wm = r.weak_matches || [];
      body.appendChild(wm.length ? table(["Question", "Answered with", "Score", "Times", "Close the loop"], wm.map(function (m) {
        var acts = el("span", "acts"), done = el("span", "ok");
        acts.appendChild(button("Answer with an entry…", "Answer “" + m.question + "” with an entry", function (b) { openPicker([m.question], done, b, m.title); }));
        acts.appendChild(done);
        return [m.question, m.title || m.entry_id, (m.score || 0).toFixed(2), m.count, acts];
      }), [false, false, true, true, false]) : el("p", "hint", "None."));
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
      body.appendChild(table(["#", "Entry", "Confidence", "Score", "What matched", "Close the loop"], x.candidates.map(function (c, i) {
        var conf = el("span", c.confidence >= x.min_confidence ? "above" : "");
        var bar = el("span", "conf"); bar.style.width = Math.round(60 * c.confidence) + "px";
        conf.appendChild(bar); conf.appendChild(document.createTextNode(c.confidence.toFixed(3)));
        var title = el("span"); title.appendChild(el("span", "", c.title)); title.appendChild(el("br"));
        title.appendChild(el("code", "", c.type + " · " + c.source));
        var feats = (c.features || []).filter(function (f) { return Math.abs(f.value) > 1e-9; })
          .map(function (f) { return f.name + " " + (Math.round(f.value * 1000) / 1000); }).join(", ");
        var done = el("span", "ok"), acts = el("span", "acts");
        acts.appendChild(button("Accept for this entry", "Accept “" + x.question + "” as a wording of “" + c.title + "”", function (b) {
          accept(c.entry_id, x.question, done, b);
        }));
        acts.appendChild(done);
        return [i + 1, title, conf, c.score.toFixed(3), feats, acts];
      }), [true, false, true, true, false, false]));
    }, function (e) { body.appendChild(el("p", "bad", "Could not explain: " + e.message)); });
  });

  // Close the loop: accept a question as another wording of an entry, or
  // export it as the stub of a new FAQ entry.
  function button(text, label, onclick) {
    var b = el("button", "", text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    b.addEventListener("click", function () { onclick(b); });
    return b;
  }
  function accept(entryID, question, done, btn) {
    if (btn) btn.disabled = true;
    say("Accepting…");
    return api("POST", "alternates", { entry_id: entryID, question: question }).then(function (r) {
      var text;
      if (!r.added) text = "“" + r.question + "” is already a wording of “" + r.title + "”.";
      else if (r.reindexed) text = "Accepted “" + r.question + "” as a wording of “" + r.title + "”. Reindexed: it is answered from now on.";
      else text = "Saved “" + r.question + "” in " + r.file + ", but the reindex failed: " + r.reindex_error;
      say(text, r.added && !r.reindexed);
      if (done) done.textContent = r.added ? " ✓ accepted" : " ✓ already there";
      return true;
    }, function (e) {
      say("Not accepted: " + e.message, true);
      return false;
    }).then(function (ok) { if (btn) btn.disabled = false; return ok; });
  }
  var picking = null; // {done, opener} of the open picker
  function openPicker(questions, done, opener, hint) {
    var sel = $("pick-q");
    clear(sel);
    questions.forEach(function (q) { var o = el("option", "", q); o.value = q; sel.appendChild(o); });
    picking = { done: done, opener: opener };
    $("picker").hidden = false;
    $("pick-search").value = hint || questions[0] || "";
    findEntries();
    $("pick-search").focus();
  }
  function closePicker() {
    $("picker").hidden = true;
    clear($("pick-results"));
    if (picking && picking.opener) picking.opener.focus();
    picking = null;
  }
  function findEntries() {
    var box = $("pick-results");
    clear(box);
    box.appendChild(el("p", "hint", "Searching…"));
    api("GET", "entries?limit=8&q=" + encodeURIComponent($("pick-search").value.trim())).then(function (d) {
      clear(box);
      if (!d.entries.length) { box.appendChild(el("p", "hint", "No entry matches; try other words.")); return; }
      d.entries.forEach(function (e, i) {
        var row = el("div", "pick"), r = el("input"), l = el("label");
        r.type = "radio"; r.name = "pick-entry"; r.id = "pick-" + i; r.value = e.entry_id;
        l.htmlFor = r.id;
        l.appendChild(el("b", "", e.title)); l.appendChild(el("br"));
        l.appendChild(el("span", "", e.text)); l.appendChild(el("br"));
        l.appendChild(el("code", "", e.type + " · " + e.source + " · " + e.entry_id));
        if (e.alternates.length) { l.appendChild(el("br")); l.appendChild(el("span", "hint", "Also asked as: " + e.alternates.join(" · "))); }
        row.appendChild(r); row.appendChild(l); box.appendChild(row);
      });
    }, function (e) { clear(box); box.appendChild(el("p", "bad", "Search failed: " + e.message)); });
  }
  $("pick-find").addEventListener("submit", function (ev) { ev.preventDefault(); findEntries(); });
  $("pick-cancel").addEventListener("click", closePicker);
  $("picker").addEventListener("keydown", function (ev) { if (ev.key === "Escape") closePicker(); });
  $("pick-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var chosen = document.querySelector('input[name="pick-entry"]:checked');
    if (!chosen) { say("Pick the entry that answers the question first.", true); return; }
    accept(chosen.value, $("pick-q").value, picking && picking.done, $("pick-accept")).then(function (ok) { if (ok) closePicker(); });
  });
  function downloadStub(questions, count) {
    say("Exporting…");
    fetch("faq-stub", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ questions: questions.slice(0, 20), count: count || 0 }) }).then(function (resp) {
      if (!resp.ok) {
        if (resp.status === 401) signedOut("Your session ended; sign in again.");
        return resp.json().catch(function () { return {}; }).then(function (d) { throw new Error(d.error || "the server answered " + resp.status); });
      }
      var m = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "");
      var name = m ? m[1] : "faq-stub.yaml";
      return resp.blob().then(function (b) {
        var a = el("a");
        a.href = URL.createObjectURL(b); a.download = name; a.hidden = true;
        document.body.appendChild(a); a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
        say("Downloaded " + name + ": write the answer, add it to the content and reindex.");
      });
    }).catch(function (e) { say("No FAQ stub: " + e.message, true); });
  }

  api("GET", "session").then(signedIn, function () { signedOut(); });
})();
