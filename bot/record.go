package bot

import "time"

// Record is one answered question, handed to the Recorder for the
// conversation store and reports.
type Record struct {
	Time     time.Time
	Platform string
	// UserID is the raw platform user ID. A Recorder must hash it (salted)
	// before storing it and never log it.
	UserID   string
	Question string
	Kind     Kind
	// EntryID is the matched entry ("" for fallbacks).
	EntryID string
	// Title is the matched question or heading.
	Title   string
	Score   float64
	Latency time.Duration
}

// Recorder receives every answered question and every feedback. The core
// calls it on the reply path, so implementations must not block: buffer and
// write elsewhere, and never fail the reply.
type Recorder interface {
	RecordQuestion(r Record)
	RecordFeedback(f Feedback, at time.Time)
}
