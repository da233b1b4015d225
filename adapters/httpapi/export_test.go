package httpapi

import (
	"net/http"

	"faqbot/bot"
)

// RouteInfo is one entry of a server's route table, for the OpenAPI test.
type RouteInfo struct {
	Pattern, Path string
	Methods       []string
	Admin         bool
}

// Routes returns s's route table.
func Routes(s *Server) []RouteInfo {
	var out []RouteInfo
	for _, r := range s.routeTable() {
		out = append(out, RouteInfo{Pattern: r.pattern, Path: r.path, Methods: r.methods, Admin: r.admin})
	}
	return out
}

// MuxPattern returns the pattern of the route s's mux picks for r.
func MuxPattern(s *Server, r *http.Request) string {
	_, p := s.mux.Handler(r)
	return p
}

// RequestTypes maps each operation with a JSON body ("POST /v1/ask") to a
// new value of the type its handler decodes the body into.
var RequestTypes = map[string]func() any{
	"POST /v1/ask":           func() any { return new(askRequest) },
	"POST /v1/feedback":      func() any { return new(feedbackRequest) },
	"POST /admin/explain":    func() any { return new(explainRequest) },
	"POST /admin/alternates": func() any { return new(acceptRequest) },
	"POST /admin/faq-stub":   func() any { return new(stubRequest) },
	"POST /admin/session":    func() any { return new(signInRequest) },
}

// SchemaTypes maps the document's component schemas to the Go types the
// server encodes or decodes. Schemas of types from other packages that
// httpapi does not import (the report, store.Report) are checked in
// cmd/faqbot.
var SchemaTypes = map[string]any{
	"Error":           errorBody{},
	"Probe":           statusBody{},
	"AskRequest":      askRequest{},
	"FeedbackRequest": feedbackRequest{},
	"Reply":           bot.Reply{},
	"Source":          bot.Source{},
	"Ref":             bot.Ref{},
	"Topics":          topicsResponse{},
	"FileReport":      FileReport{},
	"ReindexReport":   ReindexReport{},
	"ReindexFailure":  reindexFailure{},
	"AdminStatus":     Status{},
	"ExplainRequest":  explainRequest{},
	"Explanation":     Explanation{},
	"Candidate":       Candidate{},
	"Feature":         Feature{},
	"EntryRef":        EntryRef{},
	"EntriesResponse": entriesResponse{},
	"AcceptRequest":   acceptRequest{},
	"Accepted":        Accepted{},
	"StubRequest":     stubRequest{},
	"SignInRequest":   signInRequest{},
	"Session":         sessionBody{},
}
