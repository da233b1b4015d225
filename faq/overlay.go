package faq

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The alternates overlay is an operator-owned YAML file that adds wordings
// to existing entries without touching the content files:
//
//	# How can massage therapy help with lower back pain? (back-pain.txt)
//	q098795e16b6:
//	  - does a massage help a sore back
//	  - is kneading good for lumbago
//
// Each key is an entry ID; each wording is indexed as an alternate question
// of that entry (Entry.Alternates), exactly like a YAML entry's own
// "alternates". The console's "accept as alternate" appends to it with
// AddAlternate. Load reads it with the content (Options.Overlay) and
// validates it like content: malformed YAML, an unknown entry ID or a
// wording that is already another entry's question is an *Error with file
// and line, and then none of the overlay is applied (the content itself
// still loads).

// DefaultOverlayName is the overlay's file name at the top of the first
// content folder, when Options.Overlay does not name another file.
const DefaultOverlayName = "alternates.yaml"

// MaxAlternateChars caps one added wording, in characters.
const MaxAlternateChars = 500

// Errors matched with errors.Is on what AddAlternate refuses.
var (
	// ErrUnknownEntry means no loaded entry has the ID.
	ErrUnknownEntry = errors.New("no entry has this ID")
	// ErrQuestionTaken means the wording is already a question (or an
	// alternate) of another entry: adding it would make two entries answer
	// the same question.
	ErrQuestionTaken = errors.New("the wording is already a question of another entry")
	// ErrBadWording means the wording is empty or too long.
	ErrBadWording = errors.New("the wording is empty or too long")
)

// OverlayPath is the alternates overlay used for content at paths:
// configured when set, else DefaultOverlayName in the first of paths that
// is a folder, else "" (no overlay).
func OverlayPath(paths []string, configured string) string {
	if configured != "" {
		return configured
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return filepath.Join(p, DefaultOverlayName)
		}
	}
	return ""
}

// Overlay is a parsed alternates overlay.
type Overlay struct {
	Items []OverlayItem
}

// OverlayItem is one entry ID of an overlay with its added wordings.
type OverlayItem struct {
	ID        string
	Line      int
	Questions []OverlayQuestion
}

// OverlayQuestion is one added wording and its line.
type OverlayQuestion struct {
	Text string
	Line int
}

// ParseOverlay parses an alternates overlay: a mapping of entry IDs to
// lists of wordings. An empty file, or one with only comments, is an empty
// overlay. Wordings repeated under one ID are kept once.
func ParseOverlay(name string, data []byte) (*Overlay, error) {
	ov, _, err := parseOverlay(name, data)
	return ov, err
}

// parseOverlay is ParseOverlay, also returning the document node (nil for
// an empty file) for AddAlternate to edit.
func parseOverlay(name string, data []byte) (*Overlay, *yaml.Node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return &Overlay{}, nil, nil
	}
	if err := checkText(name, data); err != nil {
		return nil, nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		e := yamlError(name, err)
		if lines := bytes.Count(bytes.TrimRight(data, "\n"), []byte("\n")) + 1; e.Line > lines {
			e.Line = lines
		}
		return nil, nil, e
	}
	if len(root.Content) == 0 {
		return &Overlay{}, nil, nil
	}
	doc := root.Content[0]
	if doc.Kind == yaml.ScalarNode && doc.Tag == "!!null" {
		return &Overlay{}, &root, nil
	}
	if doc.Kind != yaml.MappingNode {
		return nil, nil, errAt(name, doc.Line, "expected entry IDs, each with a list of added wordings (\"q098795e16b6:\" then \"  - another wording\")")
	}
	ov := &Overlay{}
	seen := map[string]int{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
			return nil, nil, errAt(name, k.Line, "expected an entry ID as the key")
		}
		id := strings.TrimSpace(k.Value)
		if strings.ContainsAny(id, " \t") || len(id) > 200 {
			return nil, nil, errAt(name, k.Line, "%q is not an entry ID", clip(id, 60))
		}
		if prev, ok := seen[id]; ok {
			return nil, nil, errAt(name, k.Line, "entry ID %q is listed twice (also at line %d); merge the two lists", id, prev)
		}
		seen[id] = k.Line
		it := OverlayItem{ID: id, Line: k.Line}
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			// "id:" with nothing under it: no wordings yet.
		case v.Kind == yaml.SequenceNode:
			keys := map[string]bool{}
			for _, q := range v.Content {
				if q.Kind != yaml.ScalarNode {
					return nil, nil, errAt(name, q.Line, "under %q, expected a wording (one line of text)", id)
				}
				text := normalizeSpace(q.Value)
				if text == "" {
					return nil, nil, errAt(name, q.Line, "under %q, an empty wording", id)
				}
				if n := utf8.RuneCountInString(text); n > MaxAlternateChars {
					return nil, nil, errAt(name, q.Line, "under %q, a wording of %d characters, over %d", id, n, MaxAlternateChars)
				}
				if k := questionKey(text); !keys[k] {
					keys[k] = true
					it.Questions = append(it.Questions, OverlayQuestion{Text: text, Line: q.Line})
				}
			}
		default:
			return nil, nil, errAt(name, v.Line, "under %q, expected a list of wordings (\"  - another wording\")", id)
		}
		ov.Items = append(ov.Items, it)
	}
	return ov, &root, nil
}

// questionOwners maps the question key of every FAQ question and every
// alternate (of any entry) to the index of its entry.
func questionOwners(entries []Entry) map[string]int {
	owners := map[string]int{}
	for i, e := range entries {
		if e.Type == TypeFAQ {
			if _, ok := owners[questionKey(e.Title)]; !ok {
				owners[questionKey(e.Title)] = i
			}
		}
		for _, a := range e.Alternates {
			if _, ok := owners[questionKey(a)]; !ok {
				owners[questionKey(a)] = i
			}
		}
	}
	return owners
}

// applyOverlay adds ov's wordings to entries, in place, and returns how
// many it added. With any problem it changes nothing and returns every
// problem. partial says some content failed to load: an ID that matches
// no entry then probably belongs to the broken file, and is skipped
// rather than reported.
func applyOverlay(name string, entries []Entry, ov *Overlay, partial bool) (int, []error) {
	byID := make(map[string]int, len(entries))
	for i, e := range entries {
		byID[e.ID] = i
	}
	owners := questionOwners(entries)
	add := map[int][]string{}
	var errs []error
	n := 0
	for _, it := range ov.Items {
		i, ok := byID[it.ID]
		if !ok {
			if !partial {
				errs = append(errs, errAt(name, it.Line, "unknown entry ID %q: no content entry has it "+
					"(an entry's ID changes when its question, or a passage's heading or text, is edited; "+
					"find the new ID in the console's entry search and move the wordings there)", it.ID))
			}
			continue
		}
		for _, q := range it.Questions {
			k := questionKey(q.Text)
			if o, taken := owners[k]; taken {
				if o != i {
					e := entries[o]
					errs = append(errs, errAt(name, q.Line, "%q is already a question of another entry, %q (%s:%d)",
						clip(q.Text, 60), clip(e.Title, 60), e.Source, e.Line))
				}
				continue
			}
			owners[k] = i
			add[i] = append(add[i], q.Text)
			n++
		}
	}
	if len(errs) > 0 {
		return 0, errs
	}
	for i, qs := range add {
		entries[i].Alternates = append(slices.Clone(entries[i].Alternates), qs...)
	}
	return n, nil
}

// loadOverlay reads the overlay at path into h and applies it to entries.
// A missing file is no overlay (ok false).
func loadOverlay(path string, entries []Entry, partial bool, h interface{ Write([]byte) (int, error) }) (fr FileResult, ok bool, errs []error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return FileResult{}, false, nil
	}
	fr = FileResult{Path: path}
	data, err := readStable(path)
	if err == nil {
		h.Write([]byte(path))
		h.Write([]byte{0})
		h.Write(data)
		var ov *Overlay
		if ov, err = ParseOverlay(path, data); err == nil {
			var n int
			n, errs = applyOverlay(path, entries, ov, partial)
			fr.Alternates = n
			if len(errs) > 0 {
				fr.Err = fmt.Errorf("%s: failed validation; none of its wordings are served", path)
			}
			return fr, true, errs
		}
	}
	fr.Err = err
	return fr, true, []error{err}
}

// sameFile reports whether a and b name the same path.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// overlayHeader starts a new overlay file.
const overlayHeader = `# Alternate wordings accepted in the faqbot console ("accept as alternate").
# Each key is an entry ID; each wording under it is searched as another way
# of asking that entry's question. You may edit this file by hand: faqbot
# keeps your comments when it adds to it. It is checked like any content
# (faqbot validate): an unknown entry ID is an error.
`

// overlayMu serializes AddAlternate calls in this process.
var overlayMu sync.Mutex

// AddAlternate appends question to the wordings of entry id in the overlay
// at path, creating the file when it is missing. entries are the loaded
// entries (with the overlay applied), to check the ID and the wording.
//
// It returns false, and changes nothing, when the wording (compared
// without case and punctuation) is already a question or alternate of that
// entry. It refuses a wording that belongs to another entry
// (ErrQuestionTaken), an unknown ID (ErrUnknownEntry), an empty or overlong
// wording (ErrBadWording) and an overlay that does not parse (fix it
// first). The file is replaced atomically (a temporary file renamed into
// place), keeping the operator's comments and order; if the file changes
// while it is being rewritten, it starts over.
func AddAlternate(path string, entries []Entry, id, question string) (bool, error) {
	q := normalizeSpace(question)
	if q == "" || utf8.RuneCountInString(q) > MaxAlternateChars {
		return false, fmt.Errorf("%w: at most %d characters", ErrBadWording, MaxAlternateChars)
	}
	target := -1
	for i, e := range entries {
		if e.ID == id {
			target = i
			break
		}
	}
	if target < 0 {
		return false, fmt.Errorf("%w: %q", ErrUnknownEntry, id)
	}
	k := questionKey(q)
	if k == "" {
		return false, fmt.Errorf("%w: it has no letters or digits", ErrBadWording)
	}
	if o, ok := questionOwners(entries)[k]; ok {
		if o == target {
			return false, nil
		}
		e := entries[o]
		return false, fmt.Errorf("%w: %q (%s:%d)", ErrQuestionTaken, clip(e.Title, 60), filepath.Base(e.Source), e.Line)
	}
	e := entries[target]
	note := fmt.Sprintf("%s (%s)", clip(e.Title, 80), filepath.Base(e.Source))

	overlayMu.Lock()
	defer overlayMu.Unlock()
	for attempt := 0; ; attempt++ {
		data, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, fmt.Errorf("read the overlay: %w", err)
		}
		out, added, err := appendAlternate(path, data, id, note, q)
		if err != nil || !added {
			return false, err
		}
		switch err := replaceFile(path, data, out); {
		case err == nil:
			return true, nil
		case errors.Is(err, errChangedMeanwhile) && attempt < 3:
			continue
		default:
			return false, err
		}
	}
}

// appendAlternate returns the overlay data with q added under id, or
// added false when it is there already.
func appendAlternate(path string, data []byte, id, note, q string) (out []byte, added bool, err error) {
	ov, root, err := parseOverlay(path, data)
	if err != nil {
		return nil, false, fmt.Errorf("the overlay does not parse; fix it first: %w", err)
	}
	k := questionKey(q)
	for _, it := range ov.Items {
		if it.ID != id {
			continue
		}
		for _, have := range it.Questions {
			if questionKey(have.Text) == k {
				return nil, false, nil
			}
		}
	}
	item := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: q}
	var doc *yaml.Node
	if root != nil && len(root.Content) > 0 && root.Content[0].Kind == yaml.MappingNode {
		doc = root.Content[0]
	}
	newItem := func(m *yaml.Node) {
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: id, HeadComment: "# " + note},
			&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{item}})
	}
	if doc == nil && root != nil {
		// "~": replace the null with a mapping.
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: root.Content[0].HeadComment}
		newItem(m)
		root.Content[0] = m
		out, err = encodeYAML(root)
		return out, err == nil, err
	}
	if doc == nil {
		// A new file, or one with only comments: keep its text and append
		// a mapping below it.
		head := bytes.TrimRight(data, " \t\r\n")
		if len(bytes.TrimSpace(head)) == 0 {
			head = []byte(strings.TrimRight(overlayHeader, "\n"))
		}
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		newItem(m)
		body, err := encodeYAML(m)
		if err != nil {
			return nil, false, err
		}
		var b bytes.Buffer
		b.Write(head)
		b.WriteString("\n\n")
		b.Write(body)
		return b.Bytes(), true, nil
	}
	found := false
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if strings.TrimSpace(doc.Content[i].Value) != id {
			continue
		}
		found = true
		v := doc.Content[i+1]
		if v.Kind == yaml.SequenceNode {
			v.Content = append(v.Content, item)
		} else { // null: no wordings yet
			doc.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{item},
				LineComment: v.LineComment, FootComment: v.FootComment}
		}
		break
	}
	if !found {
		newItem(doc)
	}
	out, err = encodeYAML(root)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

func encodeYAML(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("encode the overlay: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode the overlay: %w", err)
	}
	return b.Bytes(), nil
}

// errChangedMeanwhile means the file changed between reading it and
// replacing it.
var errChangedMeanwhile = errors.New("the file changed while it was being rewritten")

// testHookBeforeRename, when set by a test, runs in replaceFile just before
// the file is checked and renamed, standing in for a concurrent editor.
var testHookBeforeRename func(path string)

// replaceFile writes data to a hidden temporary file next to path and
// renames it over path, unless path no longer holds old (nil: absent).
func replaceFile(path string, old, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	// Hidden, so neither Load nor Watch takes it for content.
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write the overlay: %w", err)
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, mode)
	}
	if err != nil {
		return fmt.Errorf("write the overlay: %w", err)
	}
	if testHookBeforeRename != nil {
		testHookBeforeRename(path)
	}
	now, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read the overlay: %w", err)
	}
	if (err == nil) != (old != nil) || !bytes.Equal(now, old) {
		return errChangedMeanwhile
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("replace the overlay: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the rename durable where the file system allows
		d.Close()
	}
	return nil
}
