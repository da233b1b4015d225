package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Web configures the chat page (GET /) and the embeddable widget
// (/widget.js). The zero value turns them off; cmd turns them on with the
// http.web setting (default true).
type Web struct {
	// Enabled serves the chat page, its assets and the widget.
	Enabled bool
	// Title heads the page and names the widget's button. Default
	// "Health questions".
	Title string
	// Greeting is the first message shown on the page. Default
	// "Hello! Ask me a question, or pick a topic below."
	Greeting string
	// Disclaimer is shown under the form; every reply also carries its own.
	Disclaimer string
	// Colors override the page's colours, by name: accent, accent_text,
	// background, surface, text, urgent. Values are CSS hex colours (#1a6)
	// or colour names (teal); anything else is refused by New.
	Colors map[string]string
}

// colorNames are the keys Web.Colors accepts, in the order theme.css lists
// them.
var colorNames = []string{"accent", "accent_text", "background", "surface", "text", "urgent"}

// colorValue is what a colour may be: no CSS syntax can sneak through it.
var colorValue = regexp.MustCompile(`^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30})$`)

func (w Web) withDefaults() (Web, error) {
	if w.Title == "" {
		w.Title = "Health questions"
	}
	if w.Greeting == "" {
		w.Greeting = "Hello! Ask me a question, or pick a topic below."
	}
	for k, v := range w.Colors {
		if !slices.Contains(colorNames, k) {
			return w, fmt.Errorf("web colour %q is not one of %s", k, strings.Join(colorNames, ", "))
		}
		if !colorValue.MatchString(v) {
			return w, fmt.Errorf("web colour %s: %q must be a hex colour (#1a6b5c) or a colour name", k, v)
		}
	}
	return w, nil
}

//go:embed web
var webFS embed.FS

// asset is one embedded file, ready to serve.
type asset struct {
	body  []byte
	ctype string
	etag  string
}

func newAsset(body []byte, ctype string) asset {
	sum := sha256.Sum256(body)
	return asset{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// Content-Security-Policy values. Nothing inline runs or styles anything:
// every script and stylesheet is a file from this server.
const (
	// cspChat lets any site frame the chat page (the widget does).
	cspChat = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *"
	// cspAdmin is cspChat without framing.
	cspAdmin = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

// pages holds the rendered pages and assets, built once by New.
type pages struct {
	chat, admin asset
	files       map[string]asset // by path under /web/
	widget      asset
}

// contentTypes maps the asset extensions to their types.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
}

// buildPages renders the pages from w and loads the assets. The chat page
// and its assets are left out when w is off.
func buildPages(w Web) (*pages, error) {
	p := &pages{files: map[string]asset{}}
	load := func(name string) ([]byte, error) {
		b, err := webFS.ReadFile("web/" + name)
		if err != nil {
			return nil, fmt.Errorf("web asset %s: %w", name, err)
		}
		return b, nil
	}
	for _, name := range []string{"admin.js", "admin.css", "chat.css"} {
		if name == "chat.css" && !w.Enabled {
			continue
		}
		b, err := load(name)
		if err != nil {
			return nil, err
		}
		p.files[name] = newAsset(b, contentTypes[name[strings.LastIndex(name, "."):]])
	}
	admin, err := load("admin.html")
	if err != nil {
		return nil, err
	}
	p.admin = newAsset(admin, "text/html; charset=utf-8")
	if !w.Enabled {
		return p, nil
	}
	for _, name := range []string{"chat.js", "widget.js"} {
		b, err := load(name)
		if err != nil {
			return nil, err
		}
		if name == "widget.js" {
			// The widget names its button after the page.
			b = bytes.Replace(b, []byte(`"Chat"`), []byte(jsString(w.Title)), 1)
			p.widget = newAsset(b, contentTypes[".js"])
			continue
		}
		p.files[name] = newAsset(b, contentTypes[".js"])
	}
	p.files["theme.css"] = newAsset([]byte(themeCSS(w.Colors)), contentTypes[".css"])

	src, err := load("index.html")
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("index").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("web page template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, w); err != nil {
		return nil, fmt.Errorf("web page: %w", err)
	}
	p.chat = newAsset(buf.Bytes(), "text/html; charset=utf-8")
	return p, nil
}

// jsString quotes s as a JavaScript string literal that is also safe inside
// HTML (template.JSEscapeString escapes <, > and quotes).
func jsString(s string) string { return `"` + template.JSEscapeString(s) + `"` }

// themeCSS sets the colour variables chat.css uses. Values were checked
// against colorValue.
func themeCSS(colors map[string]string) string {
	var b strings.Builder
	b.WriteString(":root{")
	for _, k := range colorNames {
		if v, ok := colors[k]; ok {
			fmt.Fprintf(&b, "--%s:%s;", strings.ReplaceAll(k, "_", "-"), v)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// serve writes an asset with its security headers, answering conditional
// requests with 304.
func serveAsset(w http.ResponseWriter, r *http.Request, a asset, csp string) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	if r.Header.Get("If-None-Match") == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(a.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.body)
	}
}

func (s *Server) handleChatPage(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.Web.Enabled {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	serveAsset(w, r, s.pages.chat, cspChat)
}

func (s *Server) handleWidget(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.Web.Enabled {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	// The widget runs on other sites: let them load it.
	w.Header().Set("Cross-Origin-Resource-Policy", "cross-origin")
	serveAsset(w, r, s.pages.widget, cspChat)
}

// handleAsset serves /web/<name>: the page's scripts and stylesheets.
func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/web/")
	a, ok := s.pages.files[name]
	if !ok || (strings.HasPrefix(name, "admin.") && !s.adminOn) {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	serveAsset(w, r, a, cspChat)
}

func (s *Server) handleConsole(w http.ResponseWriter, r *http.Request) {
	if !s.adminOn {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	serveAsset(w, r, s.pages.admin, cspAdmin)
}
