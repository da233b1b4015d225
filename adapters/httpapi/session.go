package httpapi

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

const (
	// sessionCookie names the console's session cookie.
	sessionCookie = "faqbot_admin"
	// csrfHeader carries the session's CSRF token on state-changing
	// requests made with the session cookie.
	csrfHeader = "X-CSRF-Token"
	// sessionTTL is how long a console sign-in lasts.
	sessionTTL = 12 * time.Hour
	// maxSessions bounds the sessions kept; signing in past it ends the
	// oldest.
	maxSessions = 64
)

// session is one signed-in console.
type session struct {
	csrf    string
	expires time.Time
}

// sessions are the console sign-ins, in memory: a restart signs everyone
// out. Keys are sha256 of the cookie value, so the map holds no usable
// secret.
type sessions struct {
	mu  sync.Mutex
	m   map[[sha256.Size]byte]session
	now func() time.Time
}

func newSessions() *sessions {
	return &sessions{m: map[[sha256.Size]byte]session{}, now: time.Now}
}

// randomToken returns 32 random bytes, base64url-encoded.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session and returns its cookie value and CSRF token.
func (ss *sessions) create() (id, csrf string) {
	id, csrf = randomToken(), randomToken()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.now()
	var oldest [sha256.Size]byte
	var oldestAt time.Time
	for k, s := range ss.m {
		if !now.Before(s.expires) {
			delete(ss.m, k)
			continue
		}
		if oldestAt.IsZero() || s.expires.Before(oldestAt) {
			oldest, oldestAt = k, s.expires
		}
	}
	if len(ss.m) >= maxSessions {
		delete(ss.m, oldest)
	}
	ss.m[sha256.Sum256([]byte(id))] = session{csrf: csrf, expires: now.Add(sessionTTL)}
	return id, csrf
}

// lookup returns the live session of r's cookie.
func (ss *sessions) lookup(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return session{}, false
	}
	key := sha256.Sum256([]byte(c.Value))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[key]
	if !ok {
		return session{}, false
	}
	if !ss.now().Before(s.expires) {
		delete(ss.m, key)
		return session{}, false
	}
	return s, true
}

// end forgets r's session, if any.
func (ss *sessions) end(r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		ss.mu.Lock()
		delete(ss.m, sha256.Sum256([]byte(c.Value)))
		ss.mu.Unlock()
	}
}

// csrfOK reports whether r carries s's CSRF token.
func (s session) csrfOK(r *http.Request) bool {
	got := r.Header.Get(csrfHeader)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}

// sessionCookieFor returns the cookie that holds id (an empty id and a
// negative MaxAge clear it). It is Secure when r came over TLS.
func sessionCookieFor(r *http.Request, id string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    id,
		Path:     "/admin/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	}
}

// safeMethod reports whether m changes nothing (no CSRF token needed).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// signInRequest is the body of POST /admin/session.
type signInRequest struct {
	Token string `json:"token"`
}

// sessionBody answers POST and GET /admin/session.
type sessionBody struct {
	CSRF string `json:"csrf"`
	// ExpiresIn is the session's remaining life in seconds.
	ExpiresIn int `json:"expires_in"`
}

// handleSession signs the console in (POST with the admin token), tells it
// its CSRF token again after a reload (GET with the cookie), or signs out
// (DELETE).
func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	if !s.adminOn {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		sess, ok := s.sessions.lookup(r)
		if !ok {
			writeError(w, http.StatusUnauthorized, "not signed in")
			return
		}
		s.respond(w, r, http.StatusOK, sessionBody{CSRF: sess.csrf, ExpiresIn: int(time.Until(sess.expires).Seconds())})
	case http.MethodDelete:
		// Signing out needs the CSRF token too, so that no other site can
		// sign the operator out.
		if sess, ok := s.sessions.lookup(r); ok && !sess.csrfOK(r) {
			writeError(w, http.StatusForbidden, "missing or wrong "+csrfHeader+" header")
			return
		}
		s.sessions.end(r)
		http.SetCookie(w, sessionCookieFor(r, "", -1))
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	default: // POST
		key := clientKey(r)
		if d := s.throttle.wait(key, r.URL.Path); d > 0 {
			w.Header().Set("Retry-After", retryAfter(d))
			writeError(w, http.StatusTooManyRequests, "too many failed admin attempts from this address; retry later")
			return
		}
		var req signInRequest
		if !s.readJSON(w, r, &req) {
			return
		}
		got := sha256.Sum256([]byte(req.Token))
		if subtle.ConstantTimeCompare(got[:], s.tokenHash[:]) != 1 {
			s.throttle.fail(key, r.URL.Path)
			writeError(w, http.StatusUnauthorized, "wrong admin token")
			return
		}
		id, csrf := s.sessions.create()
		http.SetCookie(w, sessionCookieFor(r, id, int(sessionTTL.Seconds())))
		s.log.Info("console signed in")
		s.respond(w, r, http.StatusOK, sessionBody{CSRF: csrf, ExpiresIn: int(sessionTTL.Seconds())})
	}
}
