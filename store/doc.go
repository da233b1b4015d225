// Package store is faqbot's conversation store: it records every question
// and every 👍/👎 feedback the core hands it, and builds the operator reports
// ("what did people ask that the bot could not answer, which answers did they
// dislike") from what it recorded.
//
// A Store implements bot.Recorder. RecordQuestion and RecordFeedback only
// put the record in a bounded in-memory buffer and return; a background
// writer (Store.Run) batches the buffered records into transactions. When
// the buffer is full or the database is slow or failing, records are dropped
// and counted (Store.Stats), the failure is logged, and the person asking
// never notices.
//
// Two databases are supported with the same schema and versioned
// migrations: SQLite through the pure-Go modernc.org/sqlite driver (the
// embedded default, a file under the data directory) and PostgreSQL through
// pgx (chosen by a postgres:// DSN), for several replicas writing to one
// store.
//
// Privacy: user IDs are never stored or logged raw. Each is replaced by an
// HMAC-SHA256 of the platform and the ID under a secret salt, which is enough
// to link a feedback to the reply it rates and no more. Records older than
// the retention period (90 days by default) are purged.
package store
