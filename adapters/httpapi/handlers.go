package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"faqbot/bot"
)

// platform is the bot.Question.Platform of every question asked over HTTP.
const platform = "http"

// route is one entry of the server's route table.
type route struct {
	// pattern is the ServeMux pattern; path the route as the OpenAPI
	// document (openapi.json) and the metrics name it ("/admin/" for
	// "/admin/{$}", "/web/{asset}" for "/web/").
	pattern, path string
	// methods are the methods the route answers; others get 405.
	methods []string
	h       http.HandlerFunc
	// admin routes need the admin token or a console session.
	admin bool
	// bare routes are not instrumented (scrapes would count themselves).
	bare bool
}

// routeTable lists every route the server answers. The OpenAPI test walks
// it: a route missing from openapi.json, or documented but not here,
// fails it.
func (s *Server) routeTable() []route {
	get := []string{http.MethodGet, http.MethodHead}
	post := []string{http.MethodPost}
	rs := []route{
		{pattern: "/v1/ask", methods: post, h: s.handleAsk},
		{pattern: "/v1/feedback", methods: post, h: s.handleFeedback},
		{pattern: "/v1/topics", methods: get, h: s.handleTopics},
		{pattern: "/healthz", methods: get, h: s.handleHealth},
		{pattern: "/readyz", methods: get, h: s.handleReady},
		{pattern: "/openapi.json", methods: get, h: s.handleOpenAPI},
		{pattern: "/admin/reindex", methods: post, h: s.handleReindex, admin: true},
		{pattern: "/admin/status", methods: get, h: s.handleStatus, admin: true},
		{pattern: "/admin/report", methods: get, h: s.handleReport, admin: true},
		{pattern: "/admin/explain", methods: post, h: s.handleExplain, admin: true},
		{pattern: "/admin/entries", methods: get, h: s.handleEntries, admin: true},
		{pattern: "/admin/alternates", methods: post, h: s.handleAccept, admin: true},
		{pattern: "/admin/faq-stub", methods: post, h: s.handleStub, admin: true},
		{pattern: "/admin/session", methods: []string{http.MethodGet, http.MethodPost, http.MethodDelete}, h: s.handleSession},
		{pattern: "/admin/{$}", path: "/admin/", methods: get, h: s.handleConsole},
		{pattern: "/{$}", path: "/", methods: get, h: s.handleChatPage},
		{pattern: "/widget.js", methods: get, h: s.handleWidget},
		{pattern: "/web/", path: "/web/{asset}", methods: get, h: s.handleAsset},
	}
	if s.cfg.Metrics != nil {
		rs = append(rs, route{pattern: "/metrics", methods: get, h: s.cfg.Metrics.ServeHTTP, bare: true})
	}
	for i := range rs {
		if rs[i].path == "" {
			rs[i].path = rs[i].pattern
		}
	}
	return rs
}

// routes builds the handler from routeTable. Paths are matched exactly;
// methods are checked in the handlers so that every refusal carries a
// JSON body. Any other path answers a JSON 404.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		h := allow(rt.h, rt.methods...)
		if rt.admin {
			h = s.adminOnly(h)
		}
		if s.cfg.Instrument != nil && !rt.bare {
			name := rt.path
			if rt.pattern == "/web/" {
				name = "/web/"
			}
			h = s.cfg.Instrument(name, h)
		}
		mux.Handle(rt.pattern, h)
	}
	var notFound http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not found")
	})
	if s.cfg.Instrument != nil {
		notFound = s.cfg.Instrument("other", notFound)
	}
	mux.Handle("/", notFound)
	s.mux = mux
	return s.recoverPanics(mux)
}

// allow refuses methods other than methods with 405 and an Allow header.
func allow(h http.HandlerFunc, methods ...string) http.Handler {
	allowed := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, m := range methods {
			if r.Method == m {
				h(w, r)
				return
			}
		}
		w.Header().Set("Allow", allowed)
		writeError(w, http.StatusMethodNotAllowed, "method not allowed; use "+allowed)
	})
}

// adminOnly answers 404 when the admin endpoints are off, 429 while the
// client's address is throttled for failed attempts, and 401 unless the
// request carries the admin token or a console session cookie; a request
// signed in by cookie that changes state must also carry the session's
// CSRF token (403 otherwise). Only then does it call h.
func (s *Server) adminOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.adminOn {
			writeError(w, http.StatusNotFound, "not found")
			return
		}
		key := clientKey(r)
		if d := s.throttle.wait(key, r.URL.Path); d > 0 {
			w.Header().Set("Retry-After", retryAfter(d))
			writeError(w, http.StatusTooManyRequests, "too many failed admin attempts from this address; retry later")
			return
		}
		if s.authorized(r) {
			h.ServeHTTP(w, r)
			return
		}
		if sess, ok := s.sessions.lookup(r); ok {
			if !safeMethod(r.Method) && !sess.csrfOK(r) {
				writeError(w, http.StatusForbidden, "missing or wrong "+csrfHeader+" header")
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			h.ServeHTTP(w, r)
			return
		}
		s.throttle.fail(key, r.URL.Path)
		w.Header().Set("WWW-Authenticate", `Bearer realm="faqbot admin"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong admin token")
	})
}

// authorized compares the bearer token with the admin token in constant
// time. Both sides are hashed first so that the comparison does not leak the
// token's length either.
func (s *Server) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(got[:], s.tokenHash[:]) == 1
}

// recoverPanics turns a panic in a handler into a logged 500 instead of a
// dropped connection.
func (s *Server) recoverPanics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "path", r.URL.Path, "panic", fmt.Sprint(v))
				writeError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		h.ServeHTTP(w, r)
	})
}

// askRequest is the body of POST /v1/ask: a question, or the ID of an
// entry to answer directly (a button on the chat page).
type askRequest struct {
	Question *string `json:"question"`
	EntryID  *string `json:"entry_id"`
}

// maxEntryIDBytes bounds entry IDs in requests; real ones are far shorter.
const maxEntryIDBytes = 200

func (s *Server) handleAsk(w http.ResponseWriter, r *http.Request) {
	var req askRequest
	if status, msg := s.decodeJSON(w, r, &req); status != 0 {
		writeError(w, status, msg)
		return
	}
	if req.EntryID != nil {
		if req.Question != nil {
			writeError(w, http.StatusBadRequest, `give either "question" or "entry_id", not both`)
			return
		}
		s.askEntry(w, r, *req.EntryID)
		return
	}
	if req.Question == nil {
		writeError(w, http.StatusBadRequest, `missing "question"`)
		return
	}
	q, msg := s.question(*req.Question)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnswerTimeout)
	defer cancel()
	reply, err := s.answerer.Answer(ctx, bot.Question{Text: q, Platform: platform})
	s.sendReply(w, r, reply, err)
}

// validEntryID checks an entry ID from a request; it returns the message
// for a 400, or "".
func validEntryID(id string) string {
	switch {
	case strings.TrimSpace(id) == "":
		return `"entry_id" is empty`
	case len(id) > maxEntryIDBytes || !utf8.ValidString(id):
		return `"entry_id" is not an entry ID`
	}
	return ""
}

// askEntry answers one entry by ID, as a chat button does.
func (s *Server) askEntry(w http.ResponseWriter, r *http.Request, id string) {
	if msg := validEntryID(id); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnswerTimeout)
	defer cancel()
	reply, err := s.answerer.Answer(ctx, bot.Question{Intent: bot.IntentEntry, EntryID: id, Platform: platform})
	s.sendReply(w, r, reply, err)
}

// sendReply writes an Answerer's reply, or maps its error.
func (s *Server) sendReply(w http.ResponseWriter, r *http.Request, reply bot.Reply, err error) {
	if err != nil {
		if r.Context().Err() != nil {
			// The client went away; nobody reads the answer.
			s.log.Info("ask abandoned by client", "err", err)
			return
		}
		s.coreError(w, "answer", err)
		return
	}
	s.respond(w, r, http.StatusOK, reply)
}

// coreError maps a core error to its HTTP status by kind (bot.ErrorKindOf:
// invalid 400, unavailable 503, internal 500), logs it once at the level
// the kind deserves, and answers with the core's text for the person, never
// the cause.
func (s *Server) coreError(w http.ResponseWriter, what string, err error) {
	status := http.StatusInternalServerError
	switch bot.ErrorKindOf(err) {
	case bot.Invalid:
		status = http.StatusBadRequest
		s.log.Info(what+" refused", "err", err)
	case bot.Unavailable:
		status = http.StatusServiceUnavailable
		s.log.Warn(what+" unavailable", "err", err)
	default:
		s.log.Error(what+" failed", "err", err)
	}
	writeError(w, status, bot.ErrorMessage(err))
}

// feedbackRequest is the body of POST /v1/feedback.
type feedbackRequest struct {
	EntryID *string `json:"entry_id"`
	Helpful *bool   `json:"helpful"`
}

// handleFeedback records a 👍 / 👎 on an answer, as the chat adapters'
// buttons do. It answers 202 with {"status": "recorded"}.
func (s *Server) handleFeedback(w http.ResponseWriter, r *http.Request) {
	var req feedbackRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if req.EntryID == nil || req.Helpful == nil {
		writeError(w, http.StatusBadRequest, `give "entry_id" and "helpful" (true or false)`)
		return
	}
	if msg := validEntryID(*req.EntryID); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnswerTimeout)
	defer cancel()
	q := bot.Question{Intent: bot.IntentFeedback, Platform: platform, EntryID: *req.EntryID, Helpful: *req.Helpful}
	if _, err := s.answerer.Answer(ctx, q); err != nil {
		s.coreError(w, "feedback", err)
		return
	}
	s.respond(w, r, http.StatusAccepted, statusBody{Status: "recorded"})
}

// question trims a question and checks it is neither empty nor over the
// limit; msg says what is wrong ("" when nothing is).
func (s *Server) question(text string) (q, msg string) {
	q = strings.TrimSpace(text)
	if q == "" {
		return "", `"question" is empty`
	}
	if n := utf8.RuneCountInString(q); n > s.cfg.MaxQuestionChars {
		return "", fmt.Sprintf(`"question" is too long: %d characters, at most %d`, n, s.cfg.MaxQuestionChars)
	}
	return q, ""
}

// explainRequest is the body of POST /admin/explain.
type explainRequest struct {
	Question string `json:"question"`
	Limit    int    `json:"limit"`
}

// handleExplain shows the candidates the search ranks for a question.
func (s *Server) handleExplain(w http.ResponseWriter, r *http.Request) {
	ex, ok := s.admin.(Explainer)
	if !ok {
		writeError(w, http.StatusNotFound, "this server cannot explain answers")
		return
	}
	var req explainRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	q, msg := s.question(req.Question)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	if req.Limit <= 0 || req.Limit > 20 {
		req.Limit = 5
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnswerTimeout)
	defer cancel()
	out, err := ex.Explain(ctx, q, req.Limit)
	if err != nil {
		s.log.Error("explain failed", "err", err)
		writeError(w, http.StatusInternalServerError, "the question could not be explained; see the server log")
		return
	}
	if out.Candidates == nil {
		out.Candidates = []Candidate{}
	}
	s.respond(w, r, http.StatusOK, out)
}

// topicsResponse is the body of GET /v1/topics.
type topicsResponse struct {
	Topics []bot.Ref `json:"topics"`
}

func (s *Server) handleTopics(w http.ResponseWriter, r *http.Request) {
	reply, err := s.answerer.Answer(r.Context(), bot.Question{Intent: bot.IntentTopics, Platform: platform})
	if err != nil {
		s.coreError(w, "topics", err)
		return
	}
	topics := reply.Topics
	if topics == nil {
		topics = []bot.Ref{}
	}
	s.respond(w, r, http.StatusOK, topicsResponse{Topics: topics})
}

// statusBody is the body of the health and readiness probes.
type statusBody struct {
	Status string `json:"status"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, http.StatusOK, statusBody{Status: "ok"})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if s.admin != nil && !s.admin.Ready() {
		s.respond(w, r, http.StatusServiceUnavailable, statusBody{Status: "not ready"})
		return
	}
	s.respond(w, r, http.StatusOK, statusBody{Status: "ready"})
}

// reindexFailure is the body of a failed POST /admin/reindex.
type reindexFailure struct {
	Error  string         `json:"error"`
	Report *ReindexReport `json:"report,omitempty"`
}

func (s *Server) handleReindex(w http.ResponseWriter, r *http.Request) {
	// A reindex may outlast WriteTimeout; extend this response's deadline.
	// (Not every ResponseWriter supports it, httptest's recorder does not.)
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ReindexTimeout + 5*time.Second))

	// A started reindex finishes even if the operator's client hangs up.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.cfg.ReindexTimeout)
	defer cancel()
	reindex := s.admin.Reindex
	switch f := r.URL.Query().Get("force"); f {
	case "", "0", "false":
	case "1", "true":
		fr, ok := s.admin.(ForceReindexer)
		if !ok {
			writeError(w, http.StatusBadRequest, "this server cannot force a reindex")
			return
		}
		reindex = fr.ForceReindex
	default:
		writeError(w, http.StatusBadRequest, `"force" must be 1 or 0`)
		return
	}
	start := time.Now()
	report, err := reindex(ctx)
	if err != nil {
		s.log.Warn("reindex failed", "via", "http", "took", time.Since(start), "err", err)
		s.respond(w, r, http.StatusUnprocessableEntity, reindexFailure{Error: "reindex failed: " + err.Error(), Report: &report})
		return
	}
	s.log.Info("reindexed", "via", "http", "took", time.Since(start))
	s.respond(w, r, http.StatusOK, report)
}

func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	s.respond(w, r, http.StatusOK, s.admin.Status(r.Context()))
}

// maxReportPeriod bounds the period of GET /admin/report.
const maxReportPeriod = 366 * 24 * time.Hour

// handleReport serves the operator report. Query parameters: since (a
// period ending now, "7d", "36h"; default 7d) or from and to (RFC 3339);
// format json (default) or csv.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		writeError(w, http.StatusBadRequest, `"format" must be json or csv`)
		return
	}
	from, to, err := reportPeriod(q.Get("since"), q.Get("from"), q.Get("to"), time.Now())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	select {
	case s.reporting <- struct{}{}:
	default:
		w.Header().Set("Retry-After", retryAfter(s.cfg.ReportTimeout))
		writeError(w, http.StatusServiceUnavailable, "another report is being built; retry later")
		return
	}
	// The report may outlast WriteTimeout: extend this response's deadline
	// so that a slow report ends in a JSON error, not a cut connection.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ReportTimeout + 5*time.Second))
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ReportTimeout)
	defer cancel()
	// Report runs aside, so that its deadline holds even when it does not
	// watch ctx; it keeps the one report slot until it returns.
	var buf bytes.Buffer
	done := make(chan error, 1)
	go func() {
		// The slot is let go before the result is handed over, so that a
		// client whose previous report has been answered never finds the
		// slot still taken by it.
		err := s.admin.Report(ctx, &buf, format, from, to)
		<-s.reporting
		done <- err
	}()
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		switch {
		case errors.Is(err, ErrNoReports):
			writeError(w, http.StatusNotFound, ErrNoReports.Error())
		case errors.Is(err, context.DeadlineExceeded):
			s.log.Error("report timed out", "timeout", s.cfg.ReportTimeout, "from", from, "to", to)
			w.Header().Set("Retry-After", retryAfter(s.cfg.ReportTimeout))
			writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("the report took longer than %v; ask for a shorter period (since=1d)", s.cfg.ReportTimeout))
		default:
			s.log.Error("report failed", "err", err)
			writeError(w, http.StatusInternalServerError, "the report could not be built; see the server log")
		}
		return
	}
	h := w.Header()
	if format == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="faqbot-report-%s.csv"`, to.UTC().Format("20060102")))
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// reportPeriod turns the report query parameters into [from, to).
func reportPeriod(since, fromS, toS string, now time.Time) (from, to time.Time, err error) {
	if since != "" && (fromS != "" || toS != "") {
		return from, to, errors.New(`give either "since" or "from"/"to", not both`)
	}
	to = now
	if toS != "" {
		if to, err = time.Parse(time.RFC3339, toS); err != nil {
			return from, to, fmt.Errorf(`"to" must be an RFC 3339 time such as 2026-11-23T00:00:00Z`)
		}
	}
	switch {
	case fromS != "":
		if from, err = time.Parse(time.RFC3339, fromS); err != nil {
			return from, to, fmt.Errorf(`"from" must be an RFC 3339 time such as 2026-11-16T00:00:00Z`)
		}
	default:
		d := 7 * 24 * time.Hour
		if since != "" {
			if d, err = ParseSince(since); err != nil {
				return from, to, err
			}
		}
		from = to.Add(-d)
	}
	if !from.Before(to) {
		return from, to, errors.New(`the period is empty: "from" must be before "to"`)
	}
	if to.Sub(from) > maxReportPeriod {
		return from, to, errors.New("the period is longer than 366 days")
	}
	return from, to, nil
}

// ParseSince parses a report period ending now: a number of days ("7d",
// at most 366) or a positive Go duration ("36h", "90m"). GET /admin/report
// ?since= and `faqbot report -since` share it. The error says what is
// accepted.
func ParseSince(s string) (time.Duration, error) {
	bad := fmt.Errorf(`"since" must be a period such as 7d or 36h, got %q`, s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 || n > 366 {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, bad
	}
	return d, nil
}

// readJSON is decodeJSON for a handler that answers a bad body with the
// JSON error and stops: it reports whether v was read.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	status, msg := s.decodeJSON(w, r, v)
	if status != 0 {
		writeError(w, status, msg)
	}
	return status == 0
}

// decodeJSON reads one JSON object from a body of at most MaxBodyBytes into
// v. It returns status 0 on success, else the status and message to send.
func (s *Server) decodeJSON(w http.ResponseWriter, r *http.Request, v any) (status int, msg string) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return http.StatusUnsupportedMediaType, "Content-Type must be application/json"
	}
	// The type clients send is checked without parsing (a parse is a map
	// per request).
	if ct != "application/json" {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return http.StatusUnsupportedMediaType, "Content-Type must be application/json"
		}
		if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
			return http.StatusUnsupportedMediaType, "charset must be utf-8"
		}
	}
	if r.ContentLength > s.cfg.MaxBodyBytes {
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("body is too large: at most %d bytes", s.cfg.MaxBodyBytes)
	}

	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeStatus(err, s.cfg.MaxBodyBytes)
	}
	// Exactly one value: anything but trailing space is an error.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return decodeStatus(err, s.cfg.MaxBodyBytes)
		}
		return http.StatusBadRequest, "body must hold a single JSON object"
	}
	return 0, ""
}

// decodeStatus maps a JSON decoding error to a status and a message that
// names the problem without echoing the body.
func decodeStatus(err error, maxBytes int64) (int, string) {
	var tooLarge *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var netErr net.Error
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("body is too large: at most %d bytes", maxBytes)
	case errors.As(err, &netErr):
		// The client stopped sending before ReadTimeout.
		return http.StatusRequestTimeout, "the request body did not arrive in time"
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, "body is empty; send a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &syntax):
		return http.StatusBadRequest, "body is not valid JSON"
	case errors.As(err, &typ):
		if typ.Field != "" {
			return http.StatusBadRequest, fmt.Sprintf("%q must be a %s", typ.Field, typ.Type)
		}
		return http.StatusBadRequest, "body must be a JSON object"
	default:
		// Unknown fields: encoding/json has no typed error for them, and its
		// message names only the field (`json: unknown field "x"`).
		return http.StatusBadRequest, strings.TrimPrefix(err.Error(), "json: ")
	}
}

// errorBody is the body of every error response.
type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	_ = writeJSON(w, status, errorBody{Error: msg})
}

// respond writes v as JSON and logs a value that does not encode.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, status int, v any) {
	if err := writeJSON(w, status, v); err != nil {
		s.log.Error("encode response", "path", r.URL.Path, "err", err)
	}
}

// jsonBuffers recycles the buffers responses are encoded into.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledJSON is the largest buffer put back in jsonBuffers: a rare huge
// response (an export) is not kept.
const maxPooledJSON = 64 << 10

// The JSON responses' header values, shared: net/http only reads them.
var (
	jsonContentType = []string{"application/json; charset=utf-8"}
	noStore         = []string{"no-store"}
	noSniff         = []string{"nosniff"}
)

// writeJSON encodes v fully before writing, so that an encoding failure
// becomes a clean 500 instead of a truncated body; it returns that failure.
// The body is what json.Marshal gives, and a newline.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledJSON {
			jsonBuffers.Put(buf)
		}
	}()
	buf.Reset()
	err := json.NewEncoder(buf).Encode(v)
	if err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"internal error"}` + "\n")
		err = fmt.Errorf("encode json: %w", err)
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Cache-Control"] = noStore
	h["X-Content-Type-Options"] = noSniff
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return err
}
