// Package telegram puts faqbot on Telegram with
// github.com/go-telegram-bot-api/telegram-bot-api/v5.
//
// The Adapter translates Telegram updates into bot.Questions for an Answerer
// (which *bot.Bot satisfies) and renders bot.Replies as HTML messages with
// inline keyboards. It answers every text message in private chats; in groups
// only /ask, an @mention of the bot or a reply to one of its messages. It
// also serves inline queries, /topics buttons, 👍/👎 feedback and the admin
// /reindex command.
//
// Delivery: long polling by default, or a webhook with a secret token. Every
// outgoing message goes through a queue that respects Telegram's limits (per
// chat, per group, global), waits out HTTP 429 retry_after and retries
// network and 5xx failures with backoff. Updates are de-duplicated by
// update_id; on shutdown the adapter stops taking updates, finishes the
// replies in flight within Config.ShutdownTimeout and, when polling, confirms
// the offset of the updates it handled so they are not delivered again.
//
// Adapter.Stats reports counters (updates received, messages sent, deferred
// and dropped, API errors and 429s) for the service's metrics; the package
// itself has no metrics dependency. Logs carry update IDs, never user IDs or
// the token.
package telegram
