package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"faqbot/adapters/httpapi"
	"faqbot/faq"
	"faqbot/internal/testrun"
)

// docFiles are the documents whose examples are checked.
var docFiles = []string{"../../README.md", "../../docs/*.md"}

// docBlock is one fenced code block of a document.
type docBlock struct {
	file string
	line int // of the opening fence
	lang string
	text string
}

func (b docBlock) where() string { return filepath.Base(b.file) + ":" + strconv.Itoa(b.line) }

func docBlocks(t *testing.T) []docBlock {
	t.Helper()
	var out []docBlock
	for _, pat := range docFiles {
		files, err := filepath.Glob(pat)
		if err != nil || len(files) == 0 {
			t.Fatalf("no documents match %s", pat)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var cur *docBlock
			var body []string
			for i, line := range strings.Split(string(data), "\n") {
				trimmed := strings.TrimSpace(line)
				if !strings.HasPrefix(trimmed, "```") {
					if cur != nil {
						body = append(body, line)
					}
					continue
				}
				if cur == nil {
					cur = &docBlock{file: f, line: i + 1, lang: strings.TrimPrefix(trimmed, "```")}
					body = nil
					continue
				}
				cur.text = strings.Join(body, "\n") + "\n"
				out = append(out, *cur)
				cur = nil
			}
		}
	}
	return out
}

// configSections are config.yaml's top-level keys.
var configSections = map[string]bool{"content": true, "safety": true, "bot": true, "log": true, "http": true,
	"telegram": true, "discord": true, "store": true, "admin": true, "web": true}

// TestDocYAMLExamples checks every YAML example in the README and docs/:
// FAQ content goes through the faq parser, config.yaml sections through
// config loading (unknown keys are errors there), the rest (Kubernetes
// probes, Prometheus) must at least be valid YAML.
func TestDocYAMLExamples(t *testing.T) {
	counts := map[string]int{}
	for _, b := range docBlocks(t) {
		if b.lang != "yaml" && b.lang != "yml" {
			continue
		}
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(b.text), &root); err != nil {
			t.Errorf("%s: invalid YAML: %v\n%s", b.where(), err, b.text)
			continue
		}
		if len(root.Content) == 0 {
			continue
		}
		doc := root.Content[0]
		switch {
		case doc.Kind == yaml.SequenceNode || doc.Kind == yaml.MappingNode && hasKey(doc, "faq"):
			counts["faq"]++
			_, err := faq.ParseYAML(b.where()+".yaml", []byte(b.text))
			if isStub := strings.Contains(b.text, `answer: ""`); isStub {
				// A FAQ stub to fill in: it must not load unfilled.
				counts["stub"]++
				if err == nil || !strings.Contains(err.Error(), "empty answer") {
					t.Errorf("%s: the FAQ stub example: got %v, want an empty-answer error", b.where(), err)
				}
			} else if err != nil {
				t.Errorf("%s: the FAQ example does not load: %v", b.where(), err)
			}
		case doc.Kind == yaml.MappingNode && entryIDKey.MatchString(doc.Content[0].Value):
			// An alternates overlay: it must apply to the bundled content.
			counts["overlay"]++
			checkOverlayExample(t, b)
		case doc.Kind == yaml.MappingNode && configSections[doc.Content[0].Value]:
			counts["config"]++
			p := filepath.Join(t.TempDir(), "config.yaml")
			writeFile(t, p, b.text)
			if _, err := ReadConfig(p, true); err != nil {
				t.Errorf("%s: the config example is refused: %v", b.where(), err)
			}
		default:
			counts["other"]++
		}
	}
	if counts["faq"] == 0 || counts["config"] < 3 {
		t.Errorf("checked %v YAML examples; want the README's FAQ example and the config examples", counts)
	}
	t.Logf("YAML examples checked: %v", counts)
}

// entryIDKey matches an entry ID, the keys of an alternates overlay.
var entryIDKey = regexp.MustCompile(`^[qp][0-9a-f]{11}$`)

// checkOverlayExample loads the bundled content with b as its alternates
// overlay: every ID must be a bundled entry's.
func checkOverlayExample(t *testing.T, b docBlock) {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob(filepath.Join(bundled, "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, filepath.Base(f)), string(data))
	}
	writeFile(t, filepath.Join(dir, faq.DefaultOverlayName), b.text)
	res, err := faq.Load([]string{dir}, faq.Options{})
	if err != nil {
		t.Errorf("%s: the alternates example does not apply to the bundled content: %v", b.where(), err)
		return
	}
	for _, f := range res.Files {
		if filepath.Base(f.Path) == faq.DefaultOverlayName && f.Alternates == 0 {
			t.Errorf("%s: the alternates example adds no wording", b.where())
		}
	}
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// TestDocJSONExamples checks that the JSON examples are JSON (those that
// elide parts with "…" are skipped).
func TestDocJSONExamples(t *testing.T) {
	for _, b := range docBlocks(t) {
		if b.lang == "json" && !strings.Contains(b.text, "…") && !json.Valid([]byte(b.text)) {
			t.Errorf("%s: invalid JSON:\n%s", b.where(), b.text)
		}
	}
}

// shellLines joins continued lines and drops comments.
func shellLines(text string) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

// shellWords splits a command line the way sh would for these examples:
// quotes, and a stop at a comment, redirection, pipe or &&.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	var quote rune
	flush := func() {
		if inWord {
			words = append(words, w.String())
			w.Reset()
			inWord = false
		}
	}
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				w.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			flush()
		case r == '#' && !inWord, r == '>', r == '<', r == '|', r == '&':
			flush()
			return words
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	flush()
	return words
}

// TestDocShellExamples runs every documented faqbot command line (except
// serve and chat, which do not return) against the bundled content and a
// scratch store: none may be a usage error (an unknown command or flag,
// a malformed flag value). curl lines must name an existing endpoint with
// valid query parameters.
func TestDocShellExamples(t *testing.T) {
	dir := t.TempDir()
	closed := testrun.FreeAddr(t) // nothing listens there: reindex fails, quickly
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "http:\n  listen: "+closed+"\nlog:\n  level: error\nstore:\n  enabled: true\n  dsn: data/docs.db\n")
	env := map[string]string{"FAQBOT_ADMIN_TOKEN": "docs-test-admin-token-0123456789abcdef", "FAQBOT_STORE_SALT": "docs"}
	routes := documentedRoutes(t)
	ran, curls := 0, 0
	for _, b := range docBlocks(t) {
		if b.lang != "sh" && b.lang != "bash" {
			continue
		}
		for _, line := range shellLines(b.text) {
			words := shellWords(line)
			switch {
			case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/faqbot":
				words = words[3:]
			case len(words) >= 1 && words[0] == "faqbot":
				words = words[1:]
			case len(words) >= 1 && words[0] == "curl":
				curls++
				checkCurl(t, b, line, words, routes)
				continue
			default:
				continue
			}
			if len(words) == 0 || words[0] == "serve" || words[0] == "chat" {
				continue
			}
			args := append([]string{words[0], "-config", cfg, "-content", bundled}, words[1:]...)
			ran++
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			m := &Main{Args: args, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard,
				Getenv: func(k string) string { return env[k] }}
			err := m.Run(ctx)
			cancel()
			if errors.Is(err, errUsage) {
				t.Errorf("%s: %q is a usage error: %v", b.where(), line, err)
			}
		}
	}
	if ran < 3 || curls < 5 {
		t.Errorf("ran %d faqbot and checked %d curl examples; want the README's and docs' examples", ran, curls)
	}
	t.Logf("faqbot command lines run: %d, curl lines checked: %d", ran, curls)
}

// documentedRoutes are the paths of the OpenAPI document, which a test in
// adapters/httpapi checks against the server's route table.
func documentedRoutes(t *testing.T) map[string]bool {
	t.Helper()
	var doc struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for p := range doc.Paths {
		routes[p] = true
	}
	return routes
}

func checkCurl(t *testing.T, b docBlock, line string, words []string, routes map[string]bool) {
	t.Helper()
	for _, w := range words {
		if !strings.HasPrefix(w, "http://") && !strings.HasPrefix(w, "https://") {
			continue
		}
		u, err := url.Parse(w)
		if err != nil {
			t.Errorf("%s: %q: bad URL %v", b.where(), line, err)
			return
		}
		if !routes[u.Path] {
			t.Errorf("%s: %q: no endpoint %s", b.where(), line, u.Path)
		}
		q := u.Query()
		if s := q.Get("since"); s != "" {
			if _, err := httpapi.ParseSince(s); err != nil {
				t.Errorf("%s: %q: %v", b.where(), line, err)
			}
		}
		for _, k := range []string{"from", "to"} {
			if s := q.Get(k); s != "" {
				if _, err := time.Parse(time.RFC3339, s); err != nil {
					t.Errorf("%s: %q: %s: %v", b.where(), line, k, err)
				}
			}
		}
		if f := q.Get("format"); f != "" && f != "json" && f != "csv" {
			t.Errorf("%s: %q: format %q", b.where(), line, f)
		}
	}
}
