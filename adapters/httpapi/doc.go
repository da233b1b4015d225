// Package httpapi is faqbot's HTTP adapter: a small JSON API for asking the
// bot, health and readiness probes for orchestrators, and token-protected
// admin endpoints that operators use to reindex content and see what is
// loaded.
//
// Endpoints:
//
//	POST /v1/ask        {"question": "..."} -> the bot.Reply JSON (same as `faqbot ask --json`)
//	GET  /v1/topics     {"topics": [{"id": "...", "title": "..."}]}
//	GET  /healthz       200 while the process serves HTTP
//	GET  /readyz        200 once content is indexed, 503 before
//	POST /admin/reindex Authorization: Bearer <token>; the reindex report
//	GET  /admin/status  Authorization: Bearer <token>; what is loaded
//	GET  /admin/report  Authorization: Bearer <token>; ?since=7d or ?from=&to= (RFC 3339), &format=json|csv:
//	                    answer rate, unanswered questions clustered, worst-rated entries, weak matches
//	GET  /metrics       Prometheus metrics, when Config.Metrics is set (no token: restrict by network)
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
