// Package httpapi is faqbot's HTTP adapter: a small JSON API for asking the
// bot, health and readiness probes for orchestrators, and token-protected
// admin endpoints that operators use to reindex content and see what is
// loaded.
//
// Endpoints:
//
//	POST /v1/ask        {"question": "..."} or {"entry_id": "..."} -> the bot.Reply JSON (same as `faqbot ask --json`)
//	POST /v1/feedback   {"entry_id": "...", "helpful": true} -> 202; recorded through the Answerer like chat 👍 / 👎
//	GET  /v1/topics     {"topics": [{"id": "...", "title": "..."}]}
//	GET  /healthz       200 while the process serves HTTP
//	GET  /readyz        200 once content is indexed, 503 before
//	POST /admin/reindex Authorization: Bearer <token>; the reindex report
//	GET  /admin/status  Authorization: Bearer <token>; what is loaded
//	GET  /admin/report  Authorization: Bearer <token>; ?since=7d or ?from=&to= (RFC 3339), &format=json|csv:
//	                    answer rate, unanswered questions clustered, worst-rated entries, weak matches
//	POST /admin/explain Authorization or console session; {"question": "..."} -> top candidates with features
//	GET  /admin/entries ?q=text&limit=n -> entries matching text, for the console's entry picker (Curator)
//	POST /admin/alternates {"entry_id", "question"} -> adds the wording to the alternates overlay and reindexes (Curator)
//	POST /admin/faq-stub {"questions": [...], "count": n} -> a YAML FAQ entry to fill in, as a download (Curator)
//	/admin/session      POST {"token"} signs the console in (session cookie + CSRF token), GET re-reads it, DELETE signs out
//	GET  /admin/        the operator console (when the admin token is set)
//	GET  /, /widget.js  the chat page and its embeddable widget (Config.Web), assets under /web/
//	GET  /metrics       Prometheus metrics, when Config.Metrics is set (no token: restrict by network)
//	GET  /openapi.json  the OpenAPI 3 document of all these routes (openapi.json, checked against the route table by a test)
//
// The pages are embedded (go:embed web) and sent with a strict
// Content-Security-Policy: no inline script or style. Their scripts put all
// content text in with textContent. Requests signed in by the console's
// cookie that change state must carry the session's X-CSRF-Token header.
//
// Every error is a JSON object {"error": "..."} with a 4xx or 5xx status.
// The admin endpoints answer 404 when no admin token is configured and 401,
// without doing anything, when the token is wrong or missing.
//
// The package translates HTTP to bot.Question and bot.Reply to JSON, nothing
// more: it declares the Answerer and Admin interfaces it consumes, which the
// core and the cmd wiring satisfy. Client is the operator-side counterpart of
// the admin endpoints, used by `faqbot reindex`.
package httpapi
