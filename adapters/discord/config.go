package discord

import (
	"cmp"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"faqbot/internal/defaults"
)

// ShardAuto as Config.ShardCount asks Discord (GET /gateway/bot) for the
// recommended number of shards and runs all of them in this process.
const ShardAuto = -1

// Defaults applied by New to zero Config fields.
const (
	DefaultShutdownTimeout  = 10 * time.Second
	DefaultDeferAfter       = 1500 * time.Millisecond
	DefaultAnswerTimeout    = 30 * time.Second
	DefaultOpenTimeout      = 30 * time.Second
	DefaultIdentifyInterval = 5 * time.Second
	DefaultWorkers          = 32
	DefaultQueueSize        = 256
	DefaultInteractionsPath = "/discord/interactions"
)

// Config holds the adapter's settings as plain values. cmd reads config.yaml
// and the environment and fills it in; zero values take the defaults above.
type Config struct {
	// Token is the bot token, without the "Bot " prefix (it is added here).
	// Required. Never logged.
	Token string
	// APIBase, when set, redirects every REST call to this base URL (scheme
	// and host; e.g. "http://127.0.0.1:8080") through the session's
	// http.Client. The gateway URL is whatever GET /gateway returns there.
	APIBase string
	// ApplicationID is the application (client) ID. Optional: by default it
	// comes from the gateway READY event, or from GET /oauth2/applications/@me
	// when the gateway is disabled.
	ApplicationID string
	// GuildID, when set, registers the slash commands in that guild only
	// (instant updates while developing); otherwise they are global.
	GuildID string
	// SkipCommandRegistration leaves the registered slash commands alone.
	SkipCommandRegistration bool
	// MessageContent requests the privileged Message Content intent. Without
	// it mentions, DMs and slash commands still work.
	MessageContent bool
	// ShardID and ShardCount run one shard of a sharded bot in this process.
	// ShardCount 0 or 1 runs a single unsharded connection; ShardAuto runs the
	// recommended number of shards in this process.
	ShardID    int
	ShardCount int
	// IdentifyInterval spaces shard start-ups per max_concurrency bucket
	// (Discord allows one IDENTIFY per 5 s per bucket). Default 5 s.
	IdentifyInterval time.Duration
	// DisableGateway runs only the HTTP interactions endpoint: no gateway
	// connection, so no mentions or DMs. Requires Interactions.Listen or use
	// of InteractionsHandler.
	DisableGateway bool
	// Interactions configures the optional HTTP interactions endpoint.
	Interactions Interactions
	// AdminIDs are the Discord user IDs whose questions carry
	// bot.Question.Admin (the core lets them run /reindex).
	AdminIDs []string
	// ReindexCommand registers the admin-only /reindex command (the core
	// serves it; see bot.WithReindex).
	ReindexCommand bool
	// ShutdownTimeout bounds Run's shutdown once its context ends.
	ShutdownTimeout time.Duration
	// DeferAfter is how long an interaction waits for the answer before it is
	// deferred ("thinking…") and answered by a follow-up. Must stay well under
	// Discord's 3 s limit.
	DeferAfter time.Duration
	// AnswerTimeout bounds one call to the Answerer (and Reindex).
	AnswerTimeout time.Duration
	// OpenTimeout bounds one gateway connection handshake (HELLO to READY).
	OpenTimeout time.Duration
	// Workers is the number of event handlers working in parallel; events of
	// one user are handled in order by the same worker.
	Workers int
	// QueueSize is each worker's queue length; a full queue slows the gateway
	// reader down (back-pressure) rather than dropping events.
	QueueSize int
	// Texts are the adapter's own words; empty fields take DefaultTexts.
	Texts Texts
}

// Texts are the few messages the adapter writes itself; answers, notices
// and error texts come from the core (bot.Texts), the same on every
// platform.
type Texts struct {
	// Unknown answers a command or button the adapter no longer knows.
	Unknown string
	// DidYouMean introduces the near-tie buttons under an answer.
	DidYouMean string
}

// DefaultTexts returns the built-in English texts.
func DefaultTexts() Texts {
	return Texts{
		Unknown:    "Sorry, I don't know that command or button any more.",
		DidYouMean: "Did you mean one of these?",
	}
}

func (t Texts) withDefaults() Texts {
	d := DefaultTexts()
	t.Unknown, t.DidYouMean = cmp.Or(strings.TrimSpace(t.Unknown), d.Unknown), cmp.Or(strings.TrimSpace(t.DidYouMean), d.DidYouMean)
	return t
}

// Interactions configures the HTTP interactions endpoint.
type Interactions struct {
	// Listen is the address to serve on (e.g. ":8081"); empty disables the
	// endpoint unless it is mounted elsewhere with Adapter.InteractionsHandler.
	Listen string
	// Path is the URL path of the endpoint. Default "/discord/interactions".
	Path string
	// PublicKey is the application's hex-encoded Ed25519 public key from the
	// developer portal. Required when the endpoint is used.
	PublicKey string
}

// validate applies defaults and checks the config, returning the parsed
// public key and REST base URL.
func (c *Config) validate() (ed25519.PublicKey, *url.URL, error) {
	if strings.TrimSpace(c.Token) == "" {
		return nil, nil, errors.New("discord: token is empty (set FAQBOT_DISCORD_TOKEN)")
	}
	c.Token = strings.TrimPrefix(strings.TrimSpace(c.Token), "Bot ")
	defaults.Positive(&c.ShutdownTimeout, DefaultShutdownTimeout)
	defaults.Positive(&c.DeferAfter, DefaultDeferAfter)
	if c.DeferAfter >= 2500*time.Millisecond {
		return nil, nil, fmt.Errorf("discord: defer_after %v must be under 2.5s (Discord's 3s interaction limit)", c.DeferAfter)
	}
	defaults.Positive(&c.AnswerTimeout, DefaultAnswerTimeout)
	defaults.Positive(&c.OpenTimeout, DefaultOpenTimeout)
	defaults.Positive(&c.IdentifyInterval, DefaultIdentifyInterval)
	defaults.Positive(&c.Workers, DefaultWorkers)
	defaults.Positive(&c.QueueSize, DefaultQueueSize)
	c.Interactions.Path = cmp.Or(c.Interactions.Path, DefaultInteractionsPath)
	switch {
	case c.ShardCount == ShardAuto:
	case c.ShardCount < 0:
		return nil, nil, fmt.Errorf("discord: shard_count %d: want 0 or more, or auto", c.ShardCount)
	case c.ShardCount > 1 && (c.ShardID < 0 || c.ShardID >= c.ShardCount):
		return nil, nil, fmt.Errorf("discord: shard_id %d out of range for shard_count %d", c.ShardID, c.ShardCount)
	case c.ShardCount <= 1 && c.ShardID != 0:
		return nil, nil, fmt.Errorf("discord: shard_id %d needs shard_count > 1", c.ShardID)
	}
	c.Texts = c.Texts.withDefaults()
	var base *url.URL
	if c.APIBase != "" {
		u, err := url.Parse(c.APIBase)
		if err != nil {
			return nil, nil, fmt.Errorf("discord: api_base %q: %w", c.APIBase, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("discord: api_base %q: want http(s)://host[:port]", c.APIBase)
		}
		base = u
	}
	var key ed25519.PublicKey
	if c.Interactions.PublicKey != "" {
		b, err := hex.DecodeString(strings.TrimSpace(c.Interactions.PublicKey))
		if err != nil {
			return nil, nil, fmt.Errorf("discord: interactions public_key: %w", err)
		}
		if len(b) != ed25519.PublicKeySize {
			return nil, nil, fmt.Errorf("discord: interactions public_key: %d bytes, want %d", len(b), ed25519.PublicKeySize)
		}
		key = ed25519.PublicKey(b)
	}
	if c.Interactions.Listen != "" && key == nil {
		return nil, nil, errors.New("discord: interactions.listen is set but interactions.public_key is empty")
	}
	if c.DisableGateway && c.Interactions.Listen == "" && key == nil {
		return nil, nil, errors.New("discord: gateway disabled and no interactions endpoint configured")
	}
	return key, base, nil
}
