// faqbot widget: <script src="https://bot.example/widget.js" defer></script>
// adds a floating chat button that opens the chat page in a frame. Styles
// are set through the DOM (no inline markup), so a strict CSP on the host
// page is respected.
"use strict";
(function () {
  var me = document.currentScript;
  if (!me || window.__faqbotWidget) return;
  window.__faqbotWidget = true;
  var base = new URL(".", me.src);
  var title = "Chat";
  var accent = me.getAttribute("data-accent") || "#1b6b5a";
  function css(e, s) { for (var k in s) e.style[k] = s[k]; }
  var open = false, frame = null;
  var btn = document.createElement("button");
  btn.type = "button";
  btn.textContent = "💬 " + title;
  btn.setAttribute("aria-expanded", "false");
  btn.setAttribute("aria-controls", "faqbot-frame");
  css(btn, { position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483000", background: accent, color: "#fff",
    border: "0", borderRadius: "24px", padding: "12px 18px", font: "600 15px system-ui,sans-serif", cursor: "pointer",
    boxShadow: "0 2px 8px rgba(0,0,0,.3)" });
  btn.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "faqbot-frame";
      frame.title = title;
      frame.src = new URL("?embed=1", base).href;
      css(frame, { position: "fixed", right: "16px", bottom: "72px", width: "min(380px, calc(100vw - 32px))",
        height: "min(600px, calc(100vh - 96px))", border: "1px solid #ccc", borderRadius: "12px",
        zIndex: "2147483000", background: "#fff", boxShadow: "0 4px 16px rgba(0,0,0,.3)" });
      document.body.appendChild(frame);
    }
    open = !open;
    frame.hidden = !open;
    btn.setAttribute("aria-expanded", String(open));
    btn.textContent = open ? "✕ Close" : "💬 " + title;
    if (open) frame.focus();
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && open) { btn.click(); btn.focus(); }
  });
  (document.body || document.documentElement).appendChild(btn);
})();
