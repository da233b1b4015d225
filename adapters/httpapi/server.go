package httpapi

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"faqbot/bot"
)

// Answerer is the answering core as the server uses it; *bot.Bot
// satisfies it. The server sets q.Platform to "http" and asks with an
// intent: a typed question, an entry (a related-question, "did you mean"
// or topic button), the topics, or feedback. "No match" is a reply, not an
// error; an error means the bot failed and the caller gets a 500.
type Answerer interface {
	Answer(ctx context.Context, q bot.Question) (bot.Reply, error)
}

// Admin is the operator side of the bot, wired by cmd.
type Admin interface {
	// Reindex rebuilds the index from the content. The report is
	// JSON-encoded to the caller (on failure it lists errors with file and
	// line); err != nil means the reindex failed and the previous index
	// keeps serving.
	Reindex(ctx context.Context) (ReindexReport, error)
	// Status describes what is loaded (content version hash, entries per
	// file, last reindex time and outcome); it is JSON-encoded.
	Status(ctx context.Context) Status
	// Ready reports whether content is indexed and the bot can answer.
	Ready() bool
	// Report writes the operator report for the period [from, to) to w,
	// as "json" or "csv". It returns an error wrapping ErrNoReports when
	// there is no conversation store to report from; nothing has then been
	// written.
	Report(ctx context.Context, w io.Writer, format string, from, to time.Time) error
}

// ForceReindexer is an optional Admin method. When the Admin has it,
// POST /admin/reindex?force=1 calls ForceReindex instead of Reindex: a
// reindex that accepts a large loss of content (which Reindex refuses, as
// it looks like a file caught mid-write). Without it, force=1 answers 400.
type ForceReindexer interface {
	// ForceReindex is Reindex, accepting whatever share of entries the new
	// content lost; content that fails to load is still refused.
	ForceReindex(ctx context.Context) (ReindexReport, error)
}

// ReindexReport is the outcome of one load or reindex, the body of POST
// /admin/reindex (within a failure's "report").
type ReindexReport struct {
	OK         bool         `json:"ok"`
	Trigger    string       `json:"trigger,omitempty"`
	At         time.Time    `json:"at"`
	DurationMS float64      `json:"duration_ms"`
	Version    string       `json:"version"`
	Entries    int          `json:"entries"`
	Synonyms   int          `json:"synonym_groups"`
	Files      []FileReport `json:"files"`
	Errors     []string     `json:"errors,omitempty"`
}

// FileReport is one content file in a ReindexReport.
type FileReport struct {
	Path    string `json:"path"`
	Entries int    `json:"entries"`
	Error   string `json:"error,omitempty"`
}

// Status is the body of GET /admin/status: what is serving and how the
// last reindex went.
type Status struct {
	Serving     ReindexReport  `json:"serving"`
	LastReindex *ReindexReport `json:"last_reindex,omitempty"`
	Reindexes   int            `json:"reindexes"`
	Failures    int            `json:"reindex_failures"`
}

// Explainer is an optional Admin method behind POST /admin/explain (the
// console's "Try a question"). Without it that endpoint answers 404.
type Explainer interface {
	// Explain ranks question as the bot would and returns the best
	// candidates, at most limit. An error means the search failed.
	Explain(ctx context.Context, question string, limit int) (Explanation, error)
}

// Explanation is the body of POST /admin/explain.
type Explanation struct {
	Question string `json:"question"`
	// MinConfidence is the answer threshold; ClarifyConfidence the floor of
	// the "did you mean" band.
	MinConfidence     float64     `json:"min_confidence"`
	ClarifyConfidence float64     `json:"clarify_confidence"`
	Candidates        []Candidate `json:"candidates"`
}

// Candidate is one entry the search retrieved for a question.
type Candidate struct {
	EntryID string `json:"entry_id"`
	Title   string `json:"title"`
	Type    string `json:"type"`
	// Source is the content file and line of the entry ("faq.yaml:12").
	Source string `json:"source"`
	// Confidence is the calibrated probability that the entry answers the
	// question; Score the ranker's raw score.
	Confidence float64 `json:"confidence"`
	Score      float64 `json:"score"`
	// Features are the ranking features, by name, in the ranker's order.
	Features []Feature `json:"features"`
}

// Feature is one named ranking feature of a candidate.
type Feature struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// ErrNoReports is wrapped by Admin.Report when the conversation store is
// off; GET /admin/report then answers 404 with a message saying so.
var ErrNoReports = errors.New("the conversation store is off (store.enabled: false), so there is nothing to report")

// Config holds the adapter's settings. Zero fields take the defaults listed
// on each field; DefaultConfig returns them all.
type Config struct {
	// Listen is the TCP address to listen on. Default "127.0.0.1:8080".
	Listen string
	// AdminToken guards /admin/*. Empty turns the admin endpoints off (404).
	// cmd reads it from the FAQBOT_ADMIN_TOKEN environment variable; it is
	// never logged.
	AdminToken string
	// MaxBodyBytes caps request bodies; larger bodies get 413. Default 8 KiB.
	MaxBodyBytes int64
	// MaxQuestionChars caps the question length in characters (runes);
	// longer questions get 400. Default 500.
	MaxQuestionChars int
	// ReadHeaderTimeout bounds reading request headers. Default 5s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request. Default 10s.
	ReadTimeout time.Duration
	// WriteTimeout bounds handling a request and writing the response.
	// Default 15s. POST /admin/reindex extends its own deadline to
	// ReindexTimeout.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection may sit idle.
	// Default 60s.
	IdleTimeout time.Duration
	// AdminFailBurst is how many failed admin-token attempts one client
	// address (an IP; a /64 for IPv6) may make before its admin requests
	// get 429 Too Many Requests. Default 5.
	AdminFailBurst int
	// AdminFailEvery is how often a throttled address regains one attempt.
	// Default 12s (5 a minute).
	AdminFailEvery time.Duration
	// AdminFailLogEvery is the least time between two log lines about
	// refused admin requests; each line counts those since the last.
	// Default 1m.
	AdminFailLogEvery time.Duration
	// AnswerTimeout bounds one Answerer call. Default 5s.
	AnswerTimeout time.Duration
	// ReindexTimeout bounds one Admin.Reindex call. Default 2m.
	ReindexTimeout time.Duration
	// ReportTimeout bounds one GET /admin/report: past it the request gets
	// 503 with a JSON error (the response deadline is extended to fit).
	// One report is built at a time; another request meanwhile gets 503
	// too. Default 30s.
	ReportTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown in Run; connections still
	// open after it are closed. Default 10s.
	ShutdownTimeout time.Duration
	// Metrics, when set, is served at GET /metrics (the Prometheus
	// exposition, without authentication: restrict it by network).
	Metrics http.Handler
	// Web configures the chat page at GET / and /widget.js; its zero value
	// turns them off. The operator console at /admin/ is on whenever the
	// admin endpoints are.
	Web Web
	// Instrument, when set, wraps the handler of every route, named by its
	// path ("/v1/ask"; "other" for unknown paths), to count requests and
	// time them.
	Instrument func(route string, h http.Handler) http.Handler
}

// DefaultConfig returns the default settings (no admin token).
func DefaultConfig() Config {
	return Config{
		Listen:            "127.0.0.1:8080",
		MaxBodyBytes:      8 << 10,
		MaxQuestionChars:  500,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		AdminFailBurst:    5,
		AdminFailEvery:    12 * time.Second,
		AdminFailLogEvery: time.Minute,
		AnswerTimeout:     5 * time.Second,
		ReindexTimeout:    2 * time.Minute,
		ReportTimeout:     30 * time.Second,
		ShutdownTimeout:   10 * time.Second,
	}
}

// withDefaults fills zero fields from DefaultConfig and rejects negative ones.
func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Listen == "" {
		c.Listen = d.Listen
	}
	if c.MaxBodyBytes < 0 || c.MaxQuestionChars < 0 || c.AdminFailBurst < 0 {
		return c, errors.New("max body bytes, max question chars and admin fail burst must not be negative")
	}
	w, err := c.Web.withDefaults()
	if err != nil {
		return c, err
	}
	c.Web = w
	c.AdminFailBurst = cmp.Or(c.AdminFailBurst, d.AdminFailBurst)
	c.MaxBodyBytes = cmp.Or(c.MaxBodyBytes, d.MaxBodyBytes)
	c.MaxQuestionChars = cmp.Or(c.MaxQuestionChars, d.MaxQuestionChars)
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"read header timeout", &c.ReadHeaderTimeout, d.ReadHeaderTimeout},
		{"read timeout", &c.ReadTimeout, d.ReadTimeout},
		{"write timeout", &c.WriteTimeout, d.WriteTimeout},
		{"idle timeout", &c.IdleTimeout, d.IdleTimeout},
		{"admin fail every", &c.AdminFailEvery, d.AdminFailEvery},
		{"admin fail log every", &c.AdminFailLogEvery, d.AdminFailLogEvery},
		{"answer timeout", &c.AnswerTimeout, d.AnswerTimeout},
		{"reindex timeout", &c.ReindexTimeout, d.ReindexTimeout},
		{"report timeout", &c.ReportTimeout, d.ReportTimeout},
		{"shutdown timeout", &c.ShutdownTimeout, d.ShutdownTimeout},
	}
	for _, f := range durations {
		if *f.v < 0 {
			return c, fmt.Errorf("%s %v must not be negative", f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return c, nil
}

// Server is the HTTP adapter. Create it with New; it is safe for concurrent
// use.
type Server struct {
	cfg       Config
	answerer  Answerer
	admin     Admin
	tokenHash [sha256.Size]byte // sha256 of the admin token; zero when admin is off
	adminOn   bool
	log       *slog.Logger
	handler   http.Handler
	mux       *http.ServeMux // the route table's mux, under handler
	throttle  *throttle
	reporting chan struct{} // holds a token while a report is being built
	pages     *pages
	sessions  *sessions
}

// New returns a Server answering with a. admin may be nil: the admin
// endpoints are then off and /readyz always reports ready. The admin
// endpoints are also off when cfg.AdminToken is empty. New returns an error
// when a is nil, when a token is set without an admin, or when cfg holds a
// negative limit. A nil logger discards logs.
func New(cfg Config, a Answerer, admin Admin, logger *slog.Logger) (*Server, error) {
	if a == nil {
		return nil, errors.New("httpapi: new: nil answerer")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("httpapi: new: %w", err)
	}
	if cfg.AdminToken != "" && admin == nil {
		return nil, errors.New("httpapi: new: admin token set but no admin to call")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:      cfg,
		answerer: a,
		admin:    admin,
		adminOn:  cfg.AdminToken != "",
		log:      logger.With("adapter", "http"),
	}
	if s.adminOn {
		s.tokenHash = sha256.Sum256([]byte(cfg.AdminToken))
		if len(cfg.AdminToken) < 32 {
			s.log.Warn("admin token is short; use at least 32 random bytes", "token_len", len(cfg.AdminToken))
		}
	}
	s.reporting = make(chan struct{}, 1)
	if s.pages, err = buildPages(cfg.Web); err != nil {
		return nil, fmt.Errorf("httpapi: new: %w", err)
	}
	s.sessions = newSessions()
	s.throttle = newThrottle(cfg.AdminFailBurst, cfg.AdminFailEvery, cfg.AdminFailLogEvery, s.log)
	s.handler = s.routes()
	return s, nil
}

// Handler returns the API's http.Handler, for tests and for mounting the API
// in another server. It applies no connection timeouts; Run and Serve do.
func (s *Server) Handler() http.Handler { return s.handler }

// Run listens on cfg.Listen and serves until ctx is done, then shuts down
// gracefully within cfg.ShutdownTimeout. It returns nil after a clean
// shutdown, and an error when it cannot listen, when serving fails or when
// the shutdown deadline passes.
func (s *Server) Run(ctx context.Context) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("httpapi: listen on %s: %w", s.cfg.Listen, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened (tests and load generators
// use 127.0.0.1:0). It takes ownership of ln and closes it.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	s.log.Info("listening", "addr", ln.Addr().String(), "admin", s.adminOn)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("httpapi: serve: %w", err)
	case <-ctx.Done():
	}

	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc // Serve returns ErrServerClosed as soon as Shutdown starts.
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("httpapi: shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}
