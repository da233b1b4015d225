package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Curator is an optional Admin method set behind the console's "close the
// loop" endpoints: GET /admin/entries, POST /admin/alternates and POST
// /admin/faq-stub. Without it those endpoints answer 404.
type Curator interface {
	// FindEntries lists the entries that best match text (an entry ID, a
	// question, words of a title), at most limit, for the console's entry
	// picker. An empty text lists the first entries.
	FindEntries(ctx context.Context, text string, limit int) ([]EntryRef, error)
	// AcceptAlternate adds question as an alternate wording of the entry
	// in the operator's alternates overlay and reindexes. Errors wrapping
	// ErrUnknownEntry answer 404, ErrConflict 409 and ErrInvalid 400, with
	// the error's message; others 500.
	AcceptAlternate(ctx context.Context, entryID, question string) (Accepted, error)
	// FAQStub returns a YAML FAQ file with one entry to fill in, made from
	// questions (a report cluster of unanswered questions) asked count
	// times in all (0: not said). Errors wrapping ErrInvalid answer 400.
	FAQStub(ctx context.Context, questions []string, count int) ([]byte, error)
}

// Errors a Curator wraps to choose the status of its refusals.
var (
	// ErrUnknownEntry: no entry has the ID (404).
	ErrUnknownEntry = errors.New("no entry has this ID")
	// ErrConflict: the request is well-formed but cannot be done as it
	// stands, for example the wording belongs to another entry or the
	// overlay file is broken (409).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the request itself is wrong (400).
	ErrInvalid = errors.New("invalid")
)

// EntryRef is one entry in the body of GET /admin/entries.
type EntryRef struct {
	EntryID string `json:"entry_id"`
	Title   string `json:"title"`
	Type    string `json:"type"`
	// Source is the content file and line of the entry ("faq.yaml:12").
	Source string `json:"source"`
	// Text is the start of the answer or passage, to tell apart passages
	// that share a heading.
	Text string `json:"text"`
	// Alternates are the entry's other wordings, the overlay's included.
	Alternates []string `json:"alternates"`
}

// entriesResponse is the body of GET /admin/entries.
type entriesResponse struct {
	Entries []EntryRef `json:"entries"`
}

// Accepted is the body of POST /admin/alternates.
type Accepted struct {
	EntryID  string `json:"entry_id"`
	Title    string `json:"title"`
	Question string `json:"question"`
	// Added is false when the entry already had this wording (compared
	// without case and punctuation): nothing was written or reindexed.
	Added bool `json:"added"`
	// File is the overlay file written.
	File string `json:"file"`
	// Reindexed tells whether the reindex after the write succeeded;
	// ReindexError says why not (the wording is saved either way and is
	// served from the next successful reindex).
	Reindexed    bool   `json:"reindexed"`
	ReindexError string `json:"reindex_error,omitempty"`
	// Report is the reindex report.
	Report any `json:"report,omitempty"`
}

// maxEntriesLimit bounds GET /admin/entries?limit=.
const maxEntriesLimit = 50

func (s *Server) curator(w http.ResponseWriter) (Curator, bool) {
	c, ok := s.admin.(Curator)
	if !ok {
		writeError(w, http.StatusNotFound, "this server cannot edit alternates")
	}
	return c, ok
}

// curatorRequest is curator, then the request's JSON body read into req;
// false when either has already been answered with an error.
func (s *Server) curatorRequest(w http.ResponseWriter, r *http.Request, req any) (Curator, bool) {
	c, ok := s.curator(w)
	if !ok || !s.readJSON(w, r, req) {
		return nil, false
	}
	return c, true
}

// curateError maps a Curator error to a response.
func (s *Server) curateError(w http.ResponseWriter, what string, err error) {
	switch {
	case errors.Is(err, ErrUnknownEntry):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrConflict):
		writeError(w, http.StatusConflict, err.Error())
	case errors.Is(err, ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	default:
		s.log.Error(what+" failed", "err", err)
		writeError(w, http.StatusInternalServerError, what+" failed; see the server log")
	}
}

// handleEntries searches the entries for the console's picker:
// ?q=text&limit=n (default 10, at most 50).
func (s *Server) handleEntries(w http.ResponseWriter, r *http.Request) {
	c, ok := s.curator(w)
	if !ok {
		return
	}
	q := r.URL.Query()
	text := strings.TrimSpace(q.Get("q"))
	if msg := s.questionLimit(text); msg != "" {
		writeError(w, http.StatusBadRequest, `"q" `+msg)
		return
	}
	limit := 10
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 || n > maxEntriesLimit {
			writeError(w, http.StatusBadRequest, fmt.Sprintf(`"limit" must be a number from 1 to %d`, maxEntriesLimit))
			return
		}
		limit = n
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnswerTimeout)
	defer cancel()
	out, err := c.FindEntries(ctx, text, limit)
	if err != nil {
		s.curateError(w, "entry search", err)
		return
	}
	if out == nil {
		out = []EntryRef{}
	}
	for i := range out {
		if out[i].Alternates == nil {
			out[i].Alternates = []string{}
		}
	}
	s.respond(w, r, http.StatusOK, entriesResponse{Entries: out})
}

// questionLimit says what is wrong with a text over the question limit
// ("" when nothing).
func (s *Server) questionLimit(text string) string {
	if n := len([]rune(text)); n > s.cfg.MaxQuestionChars {
		return fmt.Sprintf("is too long: %d characters, at most %d", n, s.cfg.MaxQuestionChars)
	}
	return ""
}

// acceptRequest is the body of POST /admin/alternates.
type acceptRequest struct {
	EntryID  string `json:"entry_id"`
	Question string `json:"question"`
}

// handleAccept adds a question as an alternate wording of an entry and
// reindexes.
func (s *Server) handleAccept(w http.ResponseWriter, r *http.Request) {
	var req acceptRequest
	c, ok := s.curatorRequest(w, r, &req)
	if !ok {
		return
	}
	if msg := validEntryID(req.EntryID); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	q, msg := s.question(req.Question)
	if msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	// The reindex may outlast WriteTimeout, and finishes even if the
	// operator's client hangs up (as POST /admin/reindex).
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(s.cfg.ReindexTimeout + 5*time.Second))
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.cfg.ReindexTimeout)
	defer cancel()
	out, err := c.AcceptAlternate(ctx, req.EntryID, q)
	if err != nil {
		s.curateError(w, "accepting the alternate", err)
		return
	}
	s.log.Info("alternate accepted", "via", "http", "entry", out.EntryID, "added", out.Added, "reindexed", out.Reindexed)
	s.respond(w, r, http.StatusOK, out)
}

// stubRequest is the body of POST /admin/faq-stub.
type stubRequest struct {
	Questions []string `json:"questions"`
	Count     int      `json:"count"`
}

// maxStubQuestions bounds the questions of POST /admin/faq-stub.
const maxStubQuestions = 20

// handleStub exports questions as a YAML FAQ stub to download.
func (s *Server) handleStub(w http.ResponseWriter, r *http.Request) {
	var req stubRequest
	c, ok := s.curatorRequest(w, r, &req)
	if !ok {
		return
	}
	if len(req.Questions) == 0 || len(req.Questions) > maxStubQuestions {
		writeError(w, http.StatusBadRequest, fmt.Sprintf(`give "questions": 1 to %d questions`, maxStubQuestions))
		return
	}
	if req.Count < 0 {
		writeError(w, http.StatusBadRequest, `"count" must not be negative`)
		return
	}
	for _, q := range req.Questions {
		if msg := s.questionLimit(strings.TrimSpace(q)); msg != "" {
			writeError(w, http.StatusBadRequest, "a question "+msg)
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.AnswerTimeout)
	defer cancel()
	stub, err := c.FAQStub(ctx, req.Questions, req.Count)
	if err != nil {
		s.curateError(w, "the FAQ stub", err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/yaml; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="faq-stub-%s.yaml"`, time.Now().UTC().Format("20060102-150405")))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(stub)
}
