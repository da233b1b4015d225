// Package metrics exposes faqbot's Prometheus metrics: questions by platform
// and reply kind, answer latency and match scores, feedback, reindexes, and
// counters read from the adapters and the conversation store at scrape
// time.
//
// It is the only package that imports the Prometheus client. The core sees
// a *Metrics as one more bot.Recorder; cmd wires the rest (reindex hook,
// adapter and store counters) with ObserveReindex, CounterFunc and
// GaugeFunc, and mounts Handler at /metrics.
package metrics

import (
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"faqbot/bot"
)

// Namespace prefixes every faqbot metric name.
const Namespace = "faqbot"

// Metrics holds faqbot's collectors in their own registry. It is safe for
// concurrent use. Create it with New.
type Metrics struct {
	reg       *prometheus.Registry
	questions *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	score     *prometheus.HistogramVec
	feedback  *prometheus.CounterVec
	reindexes *prometheus.CounterVec
	reindexD  prometheus.Histogram
	httpReqs  *prometheus.CounterVec
	httpDur   *prometheus.HistogramVec
}

var _ bot.Recorder = (*Metrics)(nil)

// LatencyBuckets are the answer-latency histogram buckets, in seconds: the
// core answers in well under a millisecond, a slow search or a loaded
// machine shows up in the upper buckets.
var LatencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}

// New returns Metrics with faqbot's collectors and the standard Go runtime
// and process collectors registered.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		questions: counterVec("questions_total",
			"Questions answered, by platform and reply kind (answer, fallback, urgent, greeting, help, invalid).",
			"platform", "kind"),
		latency: histogramVec("answer_duration_seconds",
			"Time the core took to answer one question (triage, search, ranking, composition), by platform.",
			LatencyBuckets, "platform"),
		score: histogramVec("match_score",
			"Confidence of the best match for answers and fallbacks, by reply kind: answers near the threshold are weak matches.",
			prometheus.LinearBuckets(0.1, 0.1, 10), "kind"),
		feedback: counterVec("feedback_total",
			"Ratings of answers by the people asking, by platform and whether the answer helped.",
			"platform", "helpful"),
		reindexes: counterVec("reindex_total",
			"Content reindexes, by trigger (http, cli, sighup, watch, telegram, discord) and result (ok, failed).",
			"trigger", "result"),
		reindexD: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "reindex_duration_seconds",
			Help:    "Time one reindex took: loading the content, building the index and swapping it in.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}),
		httpReqs: counterVec("http_requests_total",
			"HTTP API requests, by handler and status code.",
			"handler", "code"),
		httpDur: histogramVec("http_request_duration_seconds",
			"HTTP API request durations, by handler.",
			LatencyBuckets, "handler"),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.questions, m.latency, m.score, m.feedback, m.reindexes, m.reindexD, m.httpReqs, m.httpDur,
	)
	return m
}

// counterVec is a counter of faqbot's namespace, by labels.
func counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
}

// histogramVec is a histogram of faqbot's namespace with buckets, by labels.
func histogramVec(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets}, labels)
}

// Registry returns the registry, for tests and for registering more
// collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format. A
// collector that fails is reported in the response and the log of the
// scraper, not by a panic.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// RecordQuestion counts one answered question and observes its latency and
// score. It implements bot.Recorder and never blocks.
func (m *Metrics) RecordQuestion(r bot.Record) {
	platform := r.Platform
	if platform == "" {
		platform = "unknown"
	}
	m.questions.WithLabelValues(platform, string(r.Kind)).Inc()
	m.latency.WithLabelValues(platform).Observe(r.Latency.Seconds())
	if r.Kind == bot.KindAnswer || r.Kind == bot.KindFallback {
		m.score.WithLabelValues(string(r.Kind)).Observe(r.Score)
	}
}

// RecordFeedback counts one rating. It implements bot.Recorder.
func (m *Metrics) RecordFeedback(f bot.Feedback, _ time.Time) {
	platform := f.Platform
	if platform == "" {
		platform = "unknown"
	}
	helpful := "false"
	if f.Helpful {
		helpful = "true"
	}
	m.feedback.WithLabelValues(platform, helpful).Inc()
}

// ObserveReindex counts one reindex and observes its duration.
func (m *Metrics) ObserveReindex(trigger string, ok bool, d time.Duration) {
	result := "ok"
	if !ok {
		result = "failed"
	}
	if trigger == "" {
		trigger = "unknown"
	}
	m.reindexes.WithLabelValues(trigger, result).Inc()
	m.reindexD.Observe(d.Seconds())
}

// CounterFunc registers a counter whose value f returns at scrape time, for
// counters kept elsewhere (an adapter's API errors, the store's write
// failures). Several calls may share a name when their labels differ in
// value (platform="telegram", platform="discord"); help must then be the
// same. f must be cheap and safe for concurrent use, and its value must
// never decrease. It fails when the name is invalid or already registered
// with the same labels.
func (m *Metrics) CounterFunc(name, help string, labels map[string]string, f func() float64) error {
	c := prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help, ConstLabels: labels}, f)
	if err := m.reg.Register(c); err != nil {
		return fmt.Errorf("metrics: register %s%v: %w", name, labels, err)
	}
	return nil
}

// GaugeFunc is CounterFunc for a value that may go up and down (queue
// length, entries indexed).
func (m *Metrics) GaugeFunc(name, help string, labels map[string]string, f func() float64) error {
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help, ConstLabels: labels}, f)
	if err := m.reg.Register(g); err != nil {
		return fmt.Errorf("metrics: register %s%v: %w", name, labels, err)
	}
	return nil
}

// InstrumentHandler counts the requests h serves and observes their
// durations under the label handler (a fixed name, such as "/v1/ask", so
// that unknown paths cannot grow the number of series).
func (m *Metrics) InstrumentHandler(handler string, h http.Handler) http.Handler {
	l := prometheus.Labels{"handler": handler}
	return promhttp.InstrumentHandlerCounter(m.httpReqs.MustCurryWith(l),
		promhttp.InstrumentHandlerDuration(m.httpDur.MustCurryWith(l), h))
}
