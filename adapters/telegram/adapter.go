package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"faqbot/bot"
)

// Platform is the bot.Question.Platform value of this adapter.
const Platform = "telegram"

// Answerer is the answering core as the adapter uses it; *bot.Bot
// satisfies it. q.UserID and q.ChatID are decimal Telegram IDs. An error is
// shown to the person as bot.ErrorMessage(err).
type Answerer interface {
	Answer(ctx context.Context, q bot.Question) (bot.Reply, error)
}

// allowedUpdates are the update types the adapter asks Telegram for; edited
// messages and channel posts are not among them (and ignored if they come).
var allowedUpdates = []string{"message", "callback_query", "inline_query"}

const (
	secretHeader  = "X-Telegram-Bot-Api-Secret-Token"
	maxUpdateSize = 1 << 20
	// rememberUpdates is how many recent update IDs are kept to drop
	// duplicates.
	rememberUpdates = 8192
)

// Adapter connects an Answerer to Telegram. Create it with New and start it
// with Run.
type Adapter struct {
	cfg    Config
	ans    Answerer
	log    *slog.Logger
	api    *tgbotapi.BotAPI
	httpc  *http.Client
	self   tgbotapi.User
	admins map[int64]bool
	texts  Texts

	tr    *tracker
	out   *sender
	stats counters

	started atomic.Bool

	// intake: the channels feeding the handlers, closed at shutdown.
	intakeMu    sync.RWMutex
	intakeState int // 0 not running, 1 running, 2 closed
	shards      []chan job
	workDone    <-chan struct{} // closed at the shutdown deadline

	pollOffset  atomic.Int64 // offset of the last successful getUpdates
	webhookAddr atomic.Pointer[string]
}

// New checks the configuration, connects to the Bot API (getMe) and returns
// an adapter ready to Run. It fails on a missing token, a malformed
// endpoint or webhook setting, or when the Bot API rejects the token or
// cannot be reached. The error never contains the token.
func New(cfg Config, a Answerer, logger *slog.Logger) (*Adapter, error) {
	if a == nil {
		return nil, errors.New("telegram: nil Answerer")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ad := &Adapter{
		cfg:    cfg,
		ans:    a,
		log:    logger.With("adapter", "telegram"),
		httpc:  newHTTPClient(cfg.SendWorkers + 4),
		admins: map[int64]bool{},
		texts:  cfg.Texts,
		tr:     newTracker(rememberUpdates),
	}
	for _, id := range cfg.AdminIDs {
		ad.admins[id] = true
	}
	client := ctxClient{ctx: context.Background(), timeout: cfg.RequestTimeout, http: ad.httpc, token: cfg.Token}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, client)
	if err != nil {
		return nil, fmt.Errorf("telegram: connect (getMe): %w", redact(err, cfg.Token))
	}
	if api.Self.UserName == "" || api.Self.ID == 0 {
		return nil, errors.New("telegram: getMe returned no bot username")
	}
	ad.api, ad.self = api, api.Self
	lim := limits{
		chatInterval: cfg.ChatInterval,
		groupLimit:   cfg.GroupPerMinute,
		groupWindow:  time.Minute,
		globalLimit:  cfg.GlobalPerSecond,
		globalWindow: time.Second,
	}
	ad.out = newSender(ad.log, lim, cfg.SendWorkers, cfg.MaxRetries, cfg.RetryBackoff, ad.sendMessage, &ad.stats)
	ad.log.Info("connected", "bot", "@"+api.Self.UserName,
		"reads_all_group_messages", api.Self.CanReadAllGroupMessages,
		"inline", api.Self.SupportsInlineQueries)
	return ad, nil
}

// Username is the bot's @username without the @.
func (a *Adapter) Username() string { return a.self.UserName }

// Run receives updates (long polling, or the webhook when configured) and
// answers them until ctx is done. Then it stops receiving, finishes the
// replies in flight within Config.ShutdownTimeout, confirms the offset of
// the handled updates (polling) and returns nil. It returns an error when
// it cannot start (setWebhook, deleteWebhook or the listener fails) or when
// Telegram rejects the token while running. Run may be called only once.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.started.CompareAndSwap(false, true) {
		return errors.New("telegram: Run called twice")
	}
	// Work (handling and sending) outlives ctx by at most ShutdownTimeout.
	// The deadline starts when ctx is done (or the intake fails).
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var deadlineOnce sync.Once
	var deadline *time.Timer
	startDeadline := func() {
		deadlineOnce.Do(func() { deadline = time.AfterFunc(a.cfg.ShutdownTimeout, cancelWork) })
	}
	defer func() {
		deadlineOnce.Do(func() {})
		if deadline != nil {
			deadline.Stop()
		}
	}()
	stopWatch := context.AfterFunc(ctx, startDeadline)
	defer stopWatch()

	a.registerCommands(ctx)

	var handlers sync.WaitGroup
	a.openIntake(workCtx, &handlers)
	senderDone := make(chan struct{})
	go func() {
		defer close(senderDone)
		a.out.run(workCtx)
	}()

	var runErr error
	if a.cfg.Webhook.URL != "" {
		runErr = a.runWebhook(ctx, workCtx)
	} else {
		runErr = a.poll(ctx)
	}

	// Shutdown: no new updates; let the handlers and the queue finish
	// within the deadline.
	startDeadline()
	a.closeIntake()
	handlersDone := make(chan struct{})
	go func() {
		defer close(handlersDone)
		handlers.Wait()
	}()
	select {
	case <-handlersDone:
	case <-workCtx.Done():
		select {
		case <-handlersDone:
		case <-time.After(time.Second):
			a.log.Error("update handlers still running after the shutdown deadline; the Answerer ignores cancellation")
		}
	}
	a.out.close()
	<-senderDone
	if a.cfg.Webhook.URL == "" {
		a.confirmOffset(context.WithoutCancel(ctx))
	}
	_, pending := a.tr.watermark()
	a.log.Info("stopped", "unfinished_updates", pending)
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	return nil
}

// registerCommands publishes the command menu; failure is only logged.
func (a *Adapter) registerCommands(ctx context.Context) {
	t := a.texts
	cmds := tgbotapi.NewSetMyCommands(
		tgbotapi.BotCommand{Command: "start", Description: t.CmdStart},
		tgbotapi.BotCommand{Command: "help", Description: t.CmdHelp},
		tgbotapi.BotCommand{Command: "ask", Description: t.CmdAsk},
		tgbotapi.BotCommand{Command: "topics", Description: t.CmdTopics},
	)
	if _, err := a.request(ctx, cmds); err != nil {
		a.log.Warn("setMyCommands failed; the command menu may be stale", "err", err)
	}
}

// openIntake starts one handler per shard. Updates of one chat always go
// to the same shard, so they are answered in order.
func (a *Adapter) openIntake(workCtx context.Context, wg *sync.WaitGroup) {
	a.intakeMu.Lock()
	defer a.intakeMu.Unlock()
	a.workDone = workCtx.Done()
	a.shards = make([]chan job, a.cfg.Workers)
	for i := range a.shards {
		ch := make(chan job, 8)
		a.shards[i] = ch
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				a.handleUpdate(workCtx, j.u, j.tk)
			}
		}()
	}
	a.intakeState = 1
}

func (a *Adapter) closeIntake() {
	a.intakeMu.Lock()
	defer a.intakeMu.Unlock()
	if a.intakeState == 1 {
		for _, ch := range a.shards {
			close(ch)
		}
	}
	a.intakeState = 2
}

// job is an update on its way to a handler, with its ticket.
type job struct {
	u  tgbotapi.Update
	tk *ticket
}

// submit hands an update to its shard, blocking while the shard is busy. It
// reports false when the adapter is not running.
func (a *Adapter) submit(u tgbotapi.Update, tk *ticket) bool {
	a.intakeMu.RLock()
	defer a.intakeMu.RUnlock()
	if a.intakeState != 1 {
		return false
	}
	key := shardKey(u)
	select {
	case a.shards[int(uint64(key)%uint64(len(a.shards)))] <- job{u: u, tk: tk}:
		return true
	case <-a.workDone:
		return false
	}
}

// shardKey is the chat an update belongs to (the user for inline queries).
func shardKey(u tgbotapi.Update) int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		return u.CallbackQuery.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	case u.InlineQuery != nil && u.InlineQuery.From != nil:
		return u.InlineQuery.From.ID
	}
	return int64(u.UpdateID)
}

// poll is the long-polling loop. It deletes any webhook first (Telegram
// refuses getUpdates while one is set).
func (a *Adapter) poll(ctx context.Context) error {
	if _, err := a.request(ctx, tgbotapi.DeleteWebhookConfig{}); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: deleteWebhook before polling: %w", err)
	}
	a.log.Info("receiving updates by long polling")
	offset := 0
	failures := 0
	timeout := int((a.cfg.PollTimeout + time.Second - 1) / time.Second)
	for ctx.Err() == nil {
		// Fetch more only when less than half a batch is waiting to be sent.
		if !a.out.waitRoom(ctx, max(1, a.cfg.PollLimit/2)) {
			return nil
		}
		cfg := tgbotapi.UpdateConfig{Offset: offset, Limit: a.cfg.PollLimit, Timeout: timeout, AllowedUpdates: allowedUpdates}
		resp, err := a.bot(ctx, a.cfg.PollTimeout+a.cfg.RequestTimeout).Request(cfg)
		if err != nil {
			a.stats.apiResult(ctx, err)
			if ctx.Err() != nil {
				return nil
			}
			err = redact(err, a.cfg.Token)
			var te *tgbotapi.Error
			var wait time.Duration
			switch {
			case errors.As(err, &te) && (te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound):
				return fmt.Errorf("telegram: getUpdates: token rejected: %w", err)
			case errors.As(err, &te) && te.RetryAfter > 0:
				wait = time.Duration(te.RetryAfter) * time.Second
				a.log.Warn("getUpdates rate limited", "retry_after", wait)
			case errors.As(err, &te) && te.Code == http.StatusConflict:
				failures++
				wait = a.backoff(failures)
				a.log.Error("getUpdates conflict: another instance is polling or a webhook is set", "err", err, "retry_in", wait)
			default:
				failures++
				wait = a.backoff(failures)
				a.log.Warn("getUpdates failed", "err", err, "retry_in", wait)
			}
			if !sleep(ctx, wait) {
				return nil
			}
			continue
		}
		failures = 0
		a.pollOffset.Store(int64(offset)) // Telegram has confirmed everything below
		var raws []json.RawMessage
		if err := json.Unmarshal(resp.Result, &raws); err != nil {
			a.log.Error("getUpdates: malformed result; skipping it", "err", err)
			continue
		}
		for _, raw := range raws {
			if id, _ := a.accept(raw); id >= offset {
				offset = id + 1
			}
		}
	}
	return nil
}

// accept decodes one raw update and hands it on; malformed updates are
// logged and skipped. It returns the update_id (-1 if none).
func (a *Adapter) accept(raw []byte) (id int, ok bool) {
	var head struct {
		UpdateID *int `json:"update_id"`
	}
	if err := json.Unmarshal(raw, &head); err != nil || head.UpdateID == nil {
		a.log.Warn("skipping an update without update_id", "err", err)
		return -1, false
	}
	id = *head.UpdateID
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err != nil {
		a.tr.note(id)
		a.log.Warn("skipping a malformed update", "update_id", id, "err", err)
		return id, false
	}
	tk, fresh := a.tr.begin(id)
	if !fresh {
		a.log.Debug("skipping a duplicate update", "update_id", id)
		return id, false
	}
	if !a.claim(id) {
		tk.done()
		a.log.Debug("skipping an update another replica handles", "update_id", id)
		return id, false
	}
	if !a.submit(u, tk) {
		// Not running any more: leave it unconfirmed (it comes back).
		a.log.Warn("update arrived during shutdown; not handled", "update_id", id)
		return id, false
	}
	return id, true
}

// claim asks Config.Claim, if set, whether this replica handles update id.
func (a *Adapter) claim(id int) bool {
	if a.cfg.Claim == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ok, err := a.cfg.Claim(ctx, id)
	if err != nil {
		a.log.Warn("could not claim an update; handling it here", "update_id", id, "err", err)
		return true
	}
	return ok
}

// confirmOffset tells Telegram, with a last getUpdates, that every update up
// to the last one fully handled is done, so a restart does not get them
// again. Updates not finished before the deadline stay unconfirmed.
func (a *Adapter) confirmOffset(ctx context.Context) {
	w, pending := a.tr.watermark()
	next := w + 1
	if w <= 0 || int64(next) <= a.pollOffset.Load() {
		return
	}
	cfg := tgbotapi.UpdateConfig{Offset: next, Limit: 1, Timeout: 0, AllowedUpdates: allowedUpdates}
	if _, err := a.bot(ctx, 5*time.Second).Request(cfg); a.stats.apiResult(ctx, err) != nil {
		a.log.Warn("could not confirm the last updates; they may be delivered again", "offset", next, "err", redact(err, a.cfg.Token))
		return
	}
	a.log.Info("confirmed handled updates", "offset", next, "unfinished", pending)
}

// runWebhook registers the webhook and serves it until ctx is done; its
// server's shutdown is bounded by workCtx (the shutdown deadline).
func (a *Adapter) runWebhook(ctx, workCtx context.Context) error {
	wh := a.cfg.Webhook
	var srv *http.Server
	serveErr := make(chan error, 1)
	if wh.Listen != "" {
		ln, err := net.Listen("tcp", wh.Listen)
		if err != nil {
			return fmt.Errorf("telegram: webhook listen %s: %w", wh.Listen, err)
		}
		addr := ln.Addr().String()
		a.webhookAddr.Store(&addr)
		mux := http.NewServeMux()
		mux.Handle(wh.Path, a.WebhookHandler())
		srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { serveErr <- srv.Serve(ln) }()
	}
	params := tgbotapi.Params{"url": wh.URL, "secret_token": wh.Secret}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return fmt.Errorf("telegram: setWebhook: %w", err)
	}
	var err error
	for attempt := 1; ; attempt++ {
		_, err = a.bot(ctx, a.cfg.RequestTimeout).MakeRequest("setWebhook", params)
		err = redact(a.stats.apiResult(ctx, err), a.cfg.Token)
		if err == nil || ctx.Err() != nil || attempt > a.cfg.MaxRetries || !retryable(err) || !sleep(ctx, a.waitFor(err, attempt)) {
			break
		}
	}
	if err == nil {
		a.log.Info("receiving updates by webhook", "path", wh.Path, "listen", wh.Listen)
		if srv == nil {
			<-ctx.Done()
		} else {
			select {
			case <-ctx.Done():
			case err = <-serveErr:
				err = fmt.Errorf("telegram: webhook server: %w", err)
			}
		}
	} else if ctx.Err() == nil {
		err = fmt.Errorf("telegram: setWebhook: %w", err)
	} else {
		err = nil
	}
	if srv != nil {
		// Bounded by the shutdown deadline, which cancels workCtx.
		if serr := srv.Shutdown(workCtx); serr != nil {
			a.log.Warn("webhook server shutdown", "err", serr)
		}
	}
	return err
}

// WebhookHandler serves Telegram's webhook requests: it rejects requests
// without the configured secret (401) and hands valid updates to the
// running adapter. Mount it yourself when Webhook.Listen is empty. It
// answers 503 while Run is not running, so Telegram delivers again later.
func (a *Adapter) WebhookHandler() http.Handler {
	return http.HandlerFunc(a.serveWebhook)
}

func (a *Adapter) serveWebhook(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get(secretHeader)
	if a.cfg.Webhook.Secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.Webhook.Secret)) != 1 {
		a.log.Warn("rejected a webhook request with a wrong secret", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpdateSize))
	if err != nil {
		a.log.Warn("webhook: reading the request failed", "err", err)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	a.intakeMu.RLock()
	running := a.intakeState == 1
	a.intakeMu.RUnlock()
	if !running {
		http.Error(w, "not running", http.StatusServiceUnavailable)
		return
	}
	// Malformed and duplicate updates are acknowledged (200) so Telegram does
	// not resend them forever.
	if id, ok := a.accept(raw); !ok && id >= 0 {
		a.intakeMu.RLock()
		running = a.intakeState == 1
		a.intakeMu.RUnlock()
		if !running {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
}

// handleUpdate answers one update and marks it done. Anything that goes
// wrong is logged and the update skipped; a panic in a handler is contained.
func (a *Adapter) handleUpdate(ctx context.Context, u tgbotapi.Update, tk *ticket) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("handler panicked; update skipped", "update_id", u.UpdateID, "panic", fmt.Sprint(p))
		}
		if tk != nil {
			tk.done()
		}
	}()
	if ctx.Err() != nil {
		// Past the shutdown deadline: leave it unconfirmed so it comes back.
		a.log.Warn("update not handled before the shutdown deadline", "update_id", u.UpdateID)
		tk = nil
		return
	}
	a.stats.received.Add(1)
	h := &handling{a: a, tk: tk, updateID: u.UpdateID}
	h.route(ctx, u)
}

// sendMessage is the sender's transport: one sendMessage request.
func (a *Adapter) sendMessage(ctx context.Context, m tgbotapi.MessageConfig) error {
	_, err := a.bot(ctx, a.cfg.RequestTimeout).Request(m)
	return redact(a.stats.apiResult(ctx, err), a.cfg.Token)
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
