// faqbot chat page. Every piece of content text goes into the page with
// textContent, never as markup.
"use strict";
(function () {
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("q");
  var status = document.getElementById("status");
  var busy = false;
  if (/[?&]embed=1/.test(location.search)) document.body.classList.add("embed");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function paragraphs(parent, text) {
    String(text || "").split(/\n\s*\n/).forEach(function (p) {
      if (p.trim()) parent.appendChild(el("p", "", p.trim()));
    });
  }

  function add(node) {
    log.appendChild(node);
    node.scrollIntoView({ block: "nearest" });
  }

  function choices(box, label, refs, max) {
    var seen = {};
    var list = (refs || []).filter(function (r) {
      if (!r || !r.id || !r.title || seen[r.id]) return false;
      seen[r.id] = true;
      return true;
    }).slice(0, max);
    if (!list.length) return;
    var id = "c" + Math.random().toString(36).slice(2);
    var l = el("p", "choices-label", label);
    l.id = id;
    box.appendChild(l);
    var ul = el("ul", "choices");
    ul.setAttribute("aria-labelledby", id);
    list.forEach(function (r) {
      var li = el("li");
      var b = el("button", "choice", r.title);
      b.type = "button";
      b.dataset.entry = r.id;
      b.addEventListener("click", function () { ask({ entry_id: r.id }, r.title); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }

  function feedback(box, entryID) {
    var f = el("div", "feedback");
    f.appendChild(el("span", "", "Was this helpful?"));
    [[true, "👍", "Yes, helpful"], [false, "👎", "No, not helpful"]].forEach(function (v) {
      var b = el("button", "", v[1]);
      b.type = "button";
      b.setAttribute("aria-label", v[2]);
      b.addEventListener("click", function () { rate(f, entryID, v[0]); });
      f.appendChild(b);
    });
    box.appendChild(f);
  }

  function rate(f, entryID, helpful) {
    var bs = f.querySelectorAll("button");
    bs.forEach(function (b) { b.disabled = true; });
    post("v1/feedback", { entry_id: entryID, helpful: helpful }).then(function () {
      f.textContent = "";
      f.appendChild(el("span", "", "Thanks for the feedback."));
      say("Thanks for the feedback.");
    }, function (err) {
      bs.forEach(function (b) { b.disabled = false; });
      say("Sorry, the feedback could not be sent: " + err.message);
    });
  }

  function say(text) {
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }

  // render turns a reply (the JSON of POST /v1/ask) into a message.
  function render(r) {
    var box = el("article", "msg bot kind-" + (r.kind || "unknown"));
    if (r.kind === "urgent") {
      // Emergency text first, nothing to click.
      box.classList.add("urgent");
      box.setAttribute("role", "alert");
      box.appendChild(el("p", "alert", "⚠️ Please act now"));
      paragraphs(box, r.answer);
    } else {
      if (r.kind === "answer" && r.source && r.source.title) {
        var u = el("p", "understood", "I understood: ");
        u.appendChild(el("b", "", r.source.title));
        box.appendChild(u);
      }
      paragraphs(box, r.answer);
      if (r.kind === "clarify") {
        choices(box, "Did you mean:", r.did_you_mean, 3);
      } else if (r.kind === "answer") {
        choices(box, "Related questions:", (r.did_you_mean || []).concat(r.related || []), 3);
        if (r.source && r.source.id && r.source.type !== "safety") feedback(box, r.source.id);
      } else {
        choices(box, "You can ask about:", (r.did_you_mean || []).concat(r.topics || []), 12);
      }
    }
    if (r.disclaimer) box.appendChild(el("p", "disclaimer", r.disclaimer));
    return box;
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.error || "the server answered " + resp.status);
        return data;
      });
    });
  }

  function ask(body, shown) {
    if (busy) return;
    busy = true;
    form.querySelector("button").disabled = true;
    add(el("div", "msg me", shown));
    log.setAttribute("aria-busy", "true");
    post("v1/ask", body).then(function (r) {
      add(render(r));
    }, function (err) {
      var e = el("div", "msg bot error", "Sorry, something went wrong: " + err.message);
      e.setAttribute("role", "alert");
      add(e);
    }).then(function () {
      busy = false;
      log.removeAttribute("aria-busy");
      form.querySelector("button").disabled = false;
      input.focus();
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value.trim();
    if (!q) return;
    input.value = "";
    ask({ question: q }, q);
  });
})();
