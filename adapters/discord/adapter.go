package discord

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"faqbot/bot"
)

// Platform is the bot.Question.Platform value of Discord questions.
const Platform = "discord"

// Answerer is the answering core as the adapter uses it; *bot.Bot
// satisfies it. An error is shown to the person as bot.ErrorMessage(err).
type Answerer interface {
	Answer(ctx context.Context, q bot.Question) (bot.Reply, error)
}

// Adapter connects an Answerer to Discord. Create it with New and start it
// with Run; it is single-use.
type Adapter struct {
	cfg    Config
	ans    Answerer
	log    *slog.Logger
	key    ed25519.PublicKey
	base   *url.URL
	admins map[string]bool
	texts  Texts

	// rest serves REST calls that belong to no shard (HTTP interactions,
	// GatewayBot, command registration).
	rest   *discordgo.Session
	selfID atomic.Value // string: the bot user's ID, from READY
	appID  atomic.Value // string: the application ID

	queues []chan event
	quit   chan struct{}
	// cut is cancelled (cutWork) at the shutdown deadline: it ends the
	// contexts of event handling (workContext), which outlive Run's context
	// by up to ShutdownTimeout so in-flight replies are still delivered.
	cut     context.Context
	cutWork context.CancelFunc
	bg      sync.WaitGroup // HTTP interaction follow-ups

	started atomic.Bool
	ready   chan struct{} // closed once start-up is done (tests)
	lnAddr  atomic.Value  // string: the interactions listener address

	stats counters
}

// event is one unit of work for the worker pool.
type event struct {
	s  *discordgo.Session
	m  *discordgo.MessageCreate
	in *discordgo.Interaction
}

// New validates cfg and returns an Adapter. It does no network I/O. The
// error says which setting is wrong; a missing token names
// FAQBOT_DISCORD_TOKEN.
func New(cfg Config, a Answerer, logger *slog.Logger) (*Adapter, error) {
	if a == nil {
		return nil, errors.New("discord: nil Answerer")
	}
	if logger == nil {
		logger = slog.Default()
	}
	key, base, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	ad := &Adapter{
		cfg:    cfg,
		ans:    a,
		log:    logger.With("adapter", "discord"),
		key:    key,
		base:   base,
		admins: map[string]bool{},
		texts:  cfg.Texts,
		quit:   make(chan struct{}),
		ready:  make(chan struct{}),
	}
	for _, id := range cfg.AdminIDs {
		ad.admins[id] = true
	}
	ad.cut, ad.cutWork = context.WithCancel(context.Background())
	ad.appID.Store(cfg.ApplicationID)
	ad.rest, err = ad.newSession(nil)
	if err != nil {
		return nil, err
	}
	ad.queues = make([]chan event, cfg.Workers)
	for i := range ad.queues {
		ad.queues[i] = make(chan event, cfg.QueueSize)
	}
	return ad, nil
}

// newSession makes a discordgo session with our REST client, no library
// reconnects (the shard supervisor owns them) and synchronous handlers (the
// worker pool owns concurrency).
func (a *Adapter) newSession(d *trackingDialer) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + a.cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	// Keep a connection per worker alive: the default of 2 idle connections
	// per host churns connections under load on HTTP/1.1 (proxies, tests).
	ht := http.DefaultTransport.(*http.Transport).Clone()
	ht.MaxIdleConnsPerHost = max(a.cfg.Workers, 8)
	s.Client = &http.Client{Transport: restTransport{base: a.base, next: ht, stats: &a.stats}, Timeout: 20 * time.Second}
	s.ShouldReconnectOnError = false
	s.ShouldRetryOnRateLimit = false // waited out in retry429, honouring ctx
	s.SyncEvents = true
	s.StateEnabled = false
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if a.cfg.MessageContent {
		s.Identify.Intents |= discordgo.IntentMessageContent
	}
	if d != nil {
		s.Dialer = &websocket.Dialer{
			Proxy:            http.ProxyFromEnvironment,
			HandshakeTimeout: 10 * time.Second,
			NetDialContext:   d.dial,
		}
	}
	return s, nil
}

// trackingDialer remembers the raw connections of one shard, so a handshake
// that hangs (discordgo reads HELLO/READY without a deadline) can be cut.
type trackingDialer struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (d *trackingDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	c, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.conns[c] = struct{}{}
	d.mu.Unlock()
	return &trackedConn{Conn: c, d: d}, nil
}

// closeAll closes every live connection of the shard.
func (d *trackingDialer) closeAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for c := range d.conns {
		c.Close()
		delete(d.conns, c)
	}
}

type trackedConn struct {
	net.Conn
	d *trackingDialer
}

func (c *trackedConn) Close() error {
	c.d.mu.Lock()
	delete(c.d.conns, c.Conn)
	c.d.mu.Unlock()
	return c.Conn.Close()
}

// shard is one gateway connection and its supervisor state.
type shard struct {
	id, count int
	s         *discordgo.Session
	dialer    *trackingDialer
	down      chan struct{} // a disconnect happened
	log       *slog.Logger
}

// Run connects to Discord (every configured shard and/or the HTTP
// interactions endpoint), registers the slash commands and serves until ctx
// is done. It then closes the sessions and the endpoint within
// ShutdownTimeout and returns nil, or the start-up error, or an error when
// shutdown overran. Run may be called once.
func (a *Adapter) Run(ctx context.Context) error {
	if !a.started.CompareAndSwap(false, true) {
		return errors.New("discord: Run called twice")
	}
	defer a.cutWork()

	var workers sync.WaitGroup
	for _, q := range a.queues {
		workers.Go(func() { a.work(q) })
	}
	supCtx, stopSup := context.WithCancel(ctx)
	defer stopSup()
	var rs running
	startErr := a.start(ctx, supCtx, &rs)
	if startErr != nil && ctx.Err() != nil {
		startErr = nil // cancelled during start-up: a clean exit
	}
	if startErr == nil && ctx.Err() == nil {
		close(a.ready)
		a.log.Info("running", "shards", len(rs.shards), "guild_commands", a.cfg.GuildID != "")
		select {
		case <-ctx.Done():
		case err := <-rs.srvDone:
			startErr = fmt.Errorf("discord: interactions endpoint: %w", err)
		}
	}
	stopSup()
	err := a.shutdown(&rs, &workers)
	if startErr != nil {
		return startErr
	}
	a.log.Info("stopped")
	return err
}

// running is what Run started: the shards with their supervisors and the
// interactions endpoint.
type running struct {
	shards  []*shard
	sup     sync.WaitGroup // shard supervisors
	srv     *http.Server
	srvDone chan error
}

// start opens the interactions endpoint and the shards (supervised under
// supCtx) and registers the commands.
func (a *Adapter) start(ctx, supCtx context.Context, rs *running) error {
	if a.cfg.Interactions.Listen != "" {
		ln, err := net.Listen("tcp", a.cfg.Interactions.Listen)
		if err != nil {
			return fmt.Errorf("discord: interactions listen %q: %w", a.cfg.Interactions.Listen, err)
		}
		mux := http.NewServeMux()
		mux.Handle(a.cfg.Interactions.Path, a.InteractionsHandler())
		a.lnAddr.Store(ln.Addr().String())
		rs.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		rs.srvDone = make(chan error, 1)
		go func() { rs.srvDone <- rs.srv.Serve(ln) }()
		a.log.Info("interactions endpoint listening", "addr", ln.Addr().String(), "path", a.cfg.Interactions.Path)
	}
	if !a.cfg.DisableGateway {
		var err error
		rs.shards, err = a.openShards(supCtx, &rs.sup)
		if err != nil {
			return err
		}
	} else if a.appID.Load().(string) == "" {
		app, err := a.rest.Application("@me")
		if err != nil {
			return fmt.Errorf("discord: get application: %w", err)
		}
		a.appID.Store(app.ID)
	}
	return a.registerCommands(ctx)
}

// shutdown closes the endpoint and the sessions and lets the workers
// finish what is queued, all bounded by ShutdownTimeout; past it, in-flight
// work is cut and an error returned.
func (a *Adapter) shutdown(rs *running, workers *sync.WaitGroup) error {
	dctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	var closers sync.WaitGroup
	if rs.srv != nil {
		closers.Go(func() {
			if err := rs.srv.Shutdown(dctx); err != nil {
				a.log.Warn("interactions endpoint shutdown", "err", err)
				rs.srv.Close()
			}
		})
	}
	closers.Go(func() {
		rs.sup.Wait() // supervisors end promptly once stopSup cuts their handshakes
		closeShards(rs.shards)
	})
	closers.Go(func() {
		close(a.quit) // workers finish what is queued, then stop
		workers.Wait()
		a.bg.Wait()
	})
	done := make(chan struct{})
	go func() { closers.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-dctx.Done():
		// Cut in-flight replies and connections; everything ends promptly.
		a.cutWork()
		for _, sh := range rs.shards {
			sh.dialer.closeAll()
		}
		<-done
		return fmt.Errorf("discord: shutdown exceeded %v", a.cfg.ShutdownTimeout)
	}
}

// closeShards closes every shard's session, in parallel.
func closeShards(shards []*shard) {
	var wg sync.WaitGroup
	for _, sh := range shards {
		wg.Go(func() {
			if err := sh.s.Close(); err != nil {
				sh.log.Warn("close session", "err", err)
			}
			sh.dialer.closeAll()
		})
	}
	wg.Wait()
}

// interactionsAddr is the address the interactions endpoint listens on, or "".
func (a *Adapter) interactionsAddr() string {
	s, _ := a.lnAddr.Load().(string)
	return s
}

// openShards opens the configured shards and starts their supervisors.
func (a *Adapter) openShards(ctx context.Context, sup *sync.WaitGroup) ([]*shard, error) {
	first, n, count := 0, 1, 1 // shards first to first+n-1 of count
	concurrency := 1
	switch {
	case a.cfg.ShardCount == ShardAuto:
		gb, err := a.rest.GatewayBot(discordgo.WithContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("discord: get /gateway/bot: %w", err)
		}
		count = max(gb.Shards, 1)
		n, concurrency = count, max(gb.SessionStartLimit.MaxConcurrency, 1)
		a.log.Info("auto sharding", "shards", count, "max_concurrency", concurrency)
	case a.cfg.ShardCount > 1:
		first, count = a.cfg.ShardID, a.cfg.ShardCount
	}
	var shards []*shard
	for id := first; id < first+n; id++ {
		if id > first && (id-first)%concurrency == 0 {
			select {
			case <-ctx.Done():
				return shards, ctx.Err()
			case <-time.After(a.cfg.IdentifyInterval):
			}
		}
		sh, err := a.newShard(id, count)
		if err != nil {
			return shards, err
		}
		if err := a.openShard(ctx, sh); err != nil {
			return shards, fmt.Errorf("discord: open shard %d/%d: %w", id, count, err)
		}
		shards = append(shards, sh)
		sup.Go(func() { a.supervise(ctx, sh) })
	}
	return shards, nil
}

func (a *Adapter) newShard(id, count int) (*shard, error) {
	sh := &shard{id: id, count: count, dialer: &trackingDialer{conns: map[net.Conn]struct{}{}}, down: make(chan struct{}, 1)}
	sh.log = a.log.With("shard", id)
	s, err := a.newSession(sh.dialer)
	if err != nil {
		return nil, err
	}
	s.ShardID, s.ShardCount = id, count
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { a.onReady(sh, r) })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { sh.log.Info("gateway resumed") })
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		select {
		case sh.down <- struct{}{}:
		default:
		}
	})
	s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) { a.enqueue(event{s: s, m: m}) })
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		if ic.Interaction == nil {
			sh.log.Warn("malformed interaction skipped")
			return
		}
		a.enqueue(event{s: s, in: ic.Interaction})
	})
	sh.s = s
	return sh, nil
}

func (a *Adapter) onReady(sh *shard, r *discordgo.Ready) {
	if r.User != nil && r.User.ID != "" {
		a.selfID.Store(r.User.ID)
	}
	if a.appID.Load().(string) == "" {
		switch {
		case r.Application != nil && r.Application.ID != "":
			a.appID.Store(r.Application.ID)
		case r.User != nil && r.User.ID != "":
			a.appID.Store(r.User.ID)
		}
	}
	sh.log.Info("gateway ready", "guilds", len(r.Guilds))
}

// openShard opens the shard's gateway connection, cutting the handshake when
// it exceeds OpenTimeout or ctx ends.
func (a *Adapter) openShard(ctx context.Context, sh *shard) error {
	done := make(chan error, 1)
	go func() { done <- sh.s.Open() }()
	octx, cancel := context.WithTimeout(ctx, a.cfg.OpenTimeout)
	defer cancel()
	select {
	case err := <-done:
		return err
	case <-octx.Done():
		sh.dialer.closeAll()
		<-done
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("gateway handshake exceeded %v", a.cfg.OpenTimeout)
	}
}

// supervise reopens the shard after each disconnect until ctx is done. The
// session keeps its session ID and sequence, so discordgo sends RESUME.
func (a *Adapter) supervise(ctx context.Context, sh *shard) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-sh.down:
		}
		for backoff := 250 * time.Millisecond; ctx.Err() == nil; backoff = min(backoff*2, time.Minute) {
			err := a.openShard(ctx, sh)
			if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
				sh.log.Info("gateway reconnected")
				break
			}
			if ctx.Err() != nil {
				return
			}
			sh.log.Warn("gateway reconnect failed", "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		}
	}
}

// enqueue hands an event to the worker of its user, so one user's events are
// handled in order. It blocks while that queue is full (back-pressure on the
// gateway reader) and drops the event once shutdown has begun.
func (a *Adapter) enqueue(ev event) {
	key := ""
	switch {
	case ev.m != nil && ev.m.Message != nil && ev.m.Author != nil:
		key = ev.m.Author.ID
	case ev.in != nil:
		key = interactionUserID(ev.in)
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	q := a.queues[h.Sum32()%uint32(len(a.queues))]
	select {
	case <-a.quit:
		return
	default:
	}
	select {
	case q <- ev:
	case <-a.quit:
	}
}

// work handles the events of one queue until quit, then what is left.
func (a *Adapter) work(q chan event) {
	for {
		select {
		case ev := <-q:
			a.handle(ev)
		case <-a.quit:
			for len(q) > 0 { // this worker is q's only reader
				a.handle(<-q)
			}
			return
		}
	}
}

// handle dispatches one event, containing any panic from a malformed event
// so one bad event cannot stop the adapter.
func (a *Adapter) handle(ev event) {
	defer a.contain("event handler panicked; event skipped")
	ctx, cancel := a.workContext()
	defer cancel()
	switch {
	case ev.m != nil:
		a.onMessage(ctx, ev.s, ev.m)
	case ev.in != nil:
		a.onGatewayInteraction(ctx, ev.s, ev.in)
	}
}

// contain, deferred, logs a handler's panic as msg instead of letting it
// stop the adapter.
func (a *Adapter) contain(msg string) {
	if r := recover(); r != nil {
		a.log.Error(msg, "panic", fmt.Sprint(r))
	}
}

// workContext is the context of handling one event: it is not Run's (the
// reply to an event taken before shutdown is still delivered) and ends at
// the shutdown deadline, when Run calls cutWork.
func (a *Adapter) workContext() (context.Context, context.CancelFunc) {
	return context.WithCancel(a.cut)
}
