// Package discord puts faqbot on Discord with github.com/bwmarrin/discordgo.
//
// The Adapter translates Discord events into bot.Questions and bot.Replies
// into Discord messages, nothing more:
//
//   - slash commands /ask, /topics and /help (and /reindex for admins when a
//     reindex function is configured), registered at start with one bulk
//     overwrite, to a single guild or globally;
//   - mentions of the bot in guild channels and any text in DMs;
//   - buttons under answers: up to three related questions, "did you mean"
//     alternatives, topics on fallbacks, and 👍 / 👎 feedback;
//   - an optional HTTP interactions endpoint (Ed25519-verified, stateless) for
//     deployments that receive interactions over HTTP instead of the gateway.
//
// Delivery: each gateway shard runs its own discordgo session. The adapter
// owns reconnection (a dropped connection is resumed with backoff), waits out
// REST 429s honouring the context, and bounds every start-up and shutdown
// step, so Run returns within Config.ShutdownTimeout of its context ending.
//
// Replies are plain message content (no embeds, so the bot needs no Embed
// Links permission): the matched question in bold, the answer, and the
// disclaimer as subtext on every message. Content longer than Discord's 2000
// character limit is split at paragraph, line, sentence or word boundaries.
// allowed_mentions is always empty, so knowledge-base text can never ping.
//
// Adapter.Stats reports counters (events received, messages sent and
// dropped, 429s waited out, deferred interactions, REST errors) for the
// service's metrics; the package itself has no metrics dependency. Logs
// carry channel IDs but never user IDs, the bot token or interaction tokens.
package discord
