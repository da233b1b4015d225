// Package loadtest is a small HTTP load generator for faqbot's POST /v1/ask:
// N concurrent workers on keep-alive connections send a mix of questions
// until a request count or a time limit is reached, and the result reports
// throughput and latency percentiles.
//
// It knows nothing about the server: point Config.URL at any running
// handler (the real httpapi.Server over the real core, a fake, or a remote
// deployment). A benchmark reports the result with Result.Report:
//
//	ln, _ := net.Listen("tcp", "127.0.0.1:0")
//	go srv.Serve(ctx, ln) // *httpapi.Server
//	res, err := loadtest.Run(ctx, loadtest.Config{URL: "http://" + ln.Addr().String() + "/v1/ask", Requests: b.N})
//	res.Report(b)
package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultQuestions is a mix of what people ask a lower-back-pain FAQ bot:
// answerable questions, paraphrases, small talk, red flags and questions the
// bot cannot answer.
var DefaultQuestions = []string{
	"Can massage help lower back pain?",
	"does massage help with back pain",
	"What is massage therapy?",
	"Which type of massage is best for lower back pain?",
	"How often should I get a massage for my back?",
	"Is deep tissue massage safe for a bad back?",
	"What causes lower back pain?",
	"Can I massage my own lower back at home?",
	"hello",
	"help",
	"I have back pain and numbness in my legs and can't control my bladder",
	"What is the capital of France?",
	"back pain after sitting all day at a desk",
	"Are there risks or side effects of massage?",
	"massage pregnant lower back",
	"thanks!",
}

// Config describes one load run. Run stops at whichever of Requests and
// Duration comes first; at least one must be set.
type Config struct {
	// URL is the full address of POST /v1/ask, e.g.
	// "http://127.0.0.1:8080/v1/ask".
	URL string
	// Questions are sent round-robin across workers. Default DefaultQuestions.
	Questions []string
	// Workers is the number of concurrent clients, each sending one request
	// at a time on its own keep-alive connection. Default 16.
	Workers int
	// Requests bounds the number of requests sent; 0 means no count bound.
	Requests int
	// Duration bounds the run's time; 0 means no time bound.
	Duration time.Duration
	// Rate, when positive, paces the run at that many requests per second
	// (open loop): request n is due at start + n/Rate, and its latency is
	// measured from when it was due, so queueing behind slow answers counts.
	// Zero sends as fast as the workers can (closed loop, maximum
	// throughput). Use enough Workers to sustain the rate.
	Rate float64
	// Client sends the requests. Nil means a keep-alive client with one idle
	// connection per worker and a 10s timeout.
	Client *http.Client
}

// Result is the outcome of a load run. Latencies cover successful requests
// (status 200) only.
type Result struct {
	// Requests is the number of completed requests, successful or not.
	Requests int
	// Errors counts transport failures and non-200 answers.
	Errors int
	// FirstError describes the first error, if any.
	FirstError string
	// Status counts answers by HTTP status.
	Status map[int]int
	// Elapsed is the wall time of the run.
	Elapsed time.Duration
	// RPS is completed requests per second.
	RPS float64
	// P50, P90, P99 and Max are latency percentiles of successful requests.
	P50, P90, P99, Max time.Duration
}

// String formats r on one line.
func (r Result) String() string {
	s := fmt.Sprintf("%d requests in %v: %.0f req/s, p50 %v, p90 %v, p99 %v, max %v, %d errors",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS,
		r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond), r.Errors)
	if r.FirstError != "" {
		s += " (first: " + r.FirstError + ")"
	}
	return s
}

// MetricReporter is satisfied by *testing.B.
type MetricReporter interface {
	ReportMetric(n float64, unit string)
}

// Report records r as benchmark metrics: req/s, p50-ms, p90-ms, p99-ms and
// errors.
func (r Result) Report(m MetricReporter) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	m.ReportMetric(r.RPS, "req/s")
	m.ReportMetric(ms(r.P50), "p50-ms")
	m.ReportMetric(ms(r.P90), "p90-ms")
	m.ReportMetric(ms(r.P99), "p99-ms")
	m.ReportMetric(float64(r.Errors), "errors")
}

// Env is what a load test that runs only when asked reads from the
// environment.
type Env struct {
	// Duration is FAQBOT_LOAD ("10s"); zero when unset: the test is off.
	Duration time.Duration
	// Rate is FAQBOT_LOAD_RATE, requests per second; zero when unset: as
	// fast as the workers can.
	Rate float64
	// Workers is FAQBOT_LOAD_WORKERS; 16 when unset.
	Workers int
}

// ReadEnv reads Env with getenv (os.Getenv). It returns an error naming the
// variable whose value does not parse or is not positive.
func ReadEnv(getenv func(string) string) (Env, error) {
	e := Env{Workers: 16}
	if v := getenv("FAQBOT_LOAD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return e, fmt.Errorf("loadtest: FAQBOT_LOAD=%q: want a positive duration such as 10s", v)
		}
		e.Duration = d
	}
	if v := getenv("FAQBOT_LOAD_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 {
			return e, fmt.Errorf("loadtest: FAQBOT_LOAD_RATE=%q: want a positive number", v)
		}
		e.Rate = r
	}
	if v := getenv("FAQBOT_LOAD_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return e, fmt.Errorf("loadtest: FAQBOT_LOAD_WORKERS=%q: want a positive number", v)
		}
		e.Workers = n
	}
	return e, nil
}

// Run sends load as cfg describes and returns the result. It returns an
// error only for an unusable cfg; failed requests are counted in the result.
// Cancelling ctx ends the run early; requests cut short by the end of the
// run are not counted.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.fill(); err != nil {
		return Result{}, err
	}
	bodies, err := encode(cfg.Questions)
	if err != nil {
		return Result{}, err
	}
	client := cfg.Client
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = cfg.Workers
		tr.MaxIdleConnsPerHost = cfg.Workers
		tr.DisableCompression = true
		client = &http.Client{Transport: tr, Timeout: 10 * time.Second}
		defer tr.CloseIdleConnections()
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	r := &run{cfg: cfg, client: client, bodies: bodies, start: time.Now()}
	var wg sync.WaitGroup
	workers := make([]worker, cfg.Workers)
	for i := range workers {
		w := &workers[i]
		w.status = map[int]int{}
		if cfg.Requests > 0 {
			w.lat = make([]time.Duration, 0, cfg.Requests/cfg.Workers+1)
		}
		wg.Go(func() { r.loop(ctx, w) })
	}
	wg.Wait()
	return collect(workers, time.Since(r.start)), nil
}

// fill checks cfg and sets its defaults.
func (cfg *Config) fill() error {
	if cfg.URL == "" {
		return errors.New("loadtest: no URL")
	}
	if cfg.Requests <= 0 && cfg.Duration <= 0 {
		return errors.New("loadtest: set Requests or Duration")
	}
	if cfg.Rate < 0 {
		return errors.New("loadtest: negative Rate")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.Requests > 0 && cfg.Workers > cfg.Requests {
		cfg.Workers = cfg.Requests
	}
	if len(cfg.Questions) == 0 {
		cfg.Questions = DefaultQuestions
	}
	return nil
}

// encode turns each question into the body of its POST /v1/ask.
func encode(questions []string) ([][]byte, error) {
	bodies := make([][]byte, len(questions))
	for i, q := range questions {
		b, err := json.Marshal(map[string]string{"question": q})
		if err != nil {
			return nil, fmt.Errorf("loadtest: encode question %d: %w", i, err)
		}
		bodies[i] = b
	}
	return bodies, nil
}

// run is what the workers of one Run share: the request counter hands out
// request numbers, and with a Rate request n is due at start + (n-1)/Rate.
type run struct {
	cfg    Config
	client *http.Client
	bodies [][]byte
	start  time.Time
	next   atomic.Int64
}

// loop sends requests for w until the count is reached or ctx ends.
func (r *run) loop(ctx context.Context, w *worker) {
	for ctx.Err() == nil {
		n := r.next.Add(1)
		if r.cfg.Requests > 0 && n > int64(r.cfg.Requests) {
			return
		}
		var due time.Time
		if r.cfg.Rate > 0 {
			due = r.start.Add(time.Duration(float64(n-1) / r.cfg.Rate * float64(time.Second)))
			if !sleepUntil(ctx, due) {
				return
			}
		}
		w.do(ctx, r.client, r.cfg.URL, r.bodies[int(n-1)%len(r.bodies)], due)
	}
}

// sleepUntil waits until t and reports whether ctx was still live then.
func sleepUntil(ctx context.Context, t time.Time) bool {
	wait := time.Until(t)
	if wait <= 0 {
		return true
	}
	select {
	case <-time.After(wait):
		return true
	case <-ctx.Done():
		return false
	}
}

// collect adds up the workers' tallies of a run that took elapsed.
func collect(workers []worker, elapsed time.Duration) Result {
	res := Result{Elapsed: elapsed, Status: map[int]int{}}
	var lat []time.Duration
	for i := range workers {
		w := &workers[i]
		res.Requests += w.done
		res.Errors += w.errors
		if res.FirstError == "" {
			res.FirstError = w.firstErr
		}
		for code, n := range w.status {
			res.Status[code] += n
		}
		lat = append(lat, w.lat...)
	}
	if elapsed > 0 {
		res.RPS = float64(res.Requests) / elapsed.Seconds()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		res.P50, res.P90, res.P99, res.Max = pct(0.50), pct(0.90), pct(0.99), lat[len(lat)-1]
	}
	return res
}

// worker is one client's tally; only its goroutine touches it until Wait.
type worker struct {
	lat      []time.Duration
	status   map[int]int
	done     int
	errors   int
	firstErr string
}

// do sends one request. Its latency runs from due when set, else from now.
func (w *worker) do(ctx context.Context, client *http.Client, url string, body []byte, due time.Time) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		w.fail(err.Error())
		return
	}
	req.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	if !due.IsZero() {
		t0 = due
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil { // not cut short by the end of the run
			w.fail(err.Error())
		}
		return
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		if ctx.Err() == nil {
			w.fail("read body: " + err.Error())
		}
		return
	}
	w.status[resp.StatusCode]++
	if resp.StatusCode != http.StatusOK {
		w.fail(fmt.Sprintf("status %d", resp.StatusCode))
		return
	}
	w.done++
	w.lat = append(w.lat, d)
}

func (w *worker) fail(msg string) {
	w.done++
	w.errors++
	if w.firstErr == "" {
		w.firstErr = msg
	}
}
