package discord

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// maxInteractionBody bounds an interaction request body.
const maxInteractionBody = 1 << 20

// InteractionsHandler returns the HTTP interactions endpoint: it verifies the
// Ed25519 signature of every request (401 otherwise), answers PING with PONG
// and serves slash commands and buttons statelessly, replying in the HTTP
// response (or deferring and following up through the REST API). Run serves
// it on Interactions.Listen; cmd may instead mount it on its own server, in
// which case Run must still be running for follow-ups to be delivered. It
// answers 503 when no public key is configured.
func (a *Adapter) InteractionsHandler() http.Handler {
	return http.HandlerFunc(a.serveInteraction)
}

// serveInteraction is one piece on purpose: the hand-off between the HTTP
// response and the background handler (first, finished, the client going
// away) is one protocol whose channels must be read where they are made.
func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if a.key == nil {
		http.Error(w, "interactions endpoint not configured", http.StatusServiceUnavailable)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxInteractionBody)
	if !discordgo.VerifyInteraction(r, a.key) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var in discordgo.Interaction
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		a.log.Warn("malformed interaction request", "err", err)
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	if in.Type == discordgo.InteractionPing {
		writeJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}

	// The handler runs in the background so follow-ups can continue after
	// this HTTP response is written; respond hands the initial response over
	// and waits until it has been written.
	type handoff struct {
		resp    *discordgo.InteractionResponse
		written chan error
	}
	first := make(chan handoff, 1)
	finished := make(chan struct{})
	a.bg.Go(func() {
		defer close(finished)
		defer a.contain("interaction handler panicked; skipped")
		ctx, cancel := a.workContext()
		defer cancel()
		a.handleInteraction(ctx, a.rest, &in, func(resp *discordgo.InteractionResponse) error {
			h := handoff{resp: resp, written: make(chan error, 1)}
			first <- h
			select {
			case err := <-h.written:
				if err != nil {
					a.stats.apiErrors.Add(1) // Discord did not get the response
				}
				return err
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	})
	select {
	case h := <-first:
		h.written <- writeJSON(w, h.resp)
	case <-finished:
		select {
		case h := <-first:
			h.written <- writeJSON(w, h.resp)
		default:
			http.Error(w, "interaction not handled", http.StatusBadRequest)
		}
	case <-r.Context().Done():
		// Discord gave up; the handler's respond will not be written.
		a.bg.Go(func() {
			select {
			case h := <-first:
				h.written <- errors.New("client gone")
			case <-finished:
			}
		})
	}
}

func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}
