package faq

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFileBytes caps one content file; larger files are refused.
const MaxFileBytes = 8 << 20

// FileResult is what loading one file gave.
type FileResult struct {
	Path    string
	Entries int
	// Err is nil when the file loaded cleanly.
	Err error
}

// Result is a loaded knowledge base.
type Result struct {
	// Entries are the entries of every file that loaded cleanly, in order.
	Entries []Entry
	// Files lists every file considered, with its count or error.
	Files []FileResult
	// Version is a hash of the loaded files' names and bytes.
	Version string
}

// Options tune validation.
type Options struct {
	// MaxAnswerChars, when > 0, makes FAQ answers longer than this an error:
	// a FAQ answer is shown whole, so it must fit in one reply.
	MaxAnswerChars int
}

// Parse parses one file's bytes, choosing the format by extension: .txt and
// .text (plain-text article), .md and .markdown, .yaml and .yml.
func Parse(name string, data []byte) ([]Entry, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".text":
		return ParseText(name, data)
	case ".md", ".markdown":
		return ParseMarkdown(name, data)
	case ".yaml", ".yml":
		return ParseYAML(name, data)
	default:
		return nil, errAt(name, 0, "unknown content extension %q (want .txt, .md or .yaml)", filepath.Ext(name))
	}
}

// Load reads every content file under paths (files, or folders walked
// recursively, skipping hidden and backup files). It returns the entries of
// the files that loaded and validated cleanly, and an error joining every
// problem found (each an *Error naming file and line), so one bad file is
// reported without hiding the others. It never panics on bad content.
func Load(paths []string, opt Options) (*Result, error) {
	files, errs := expand(paths)
	res := &Result{}
	h := sha256.New()
	for _, f := range files {
		fr := FileResult{Path: f}
		entries, err := loadFile(f, h)
		if err != nil {
			fr.Err = err
			errs = append(errs, err)
		} else {
			fr.Entries = len(entries)
			res.Entries = append(res.Entries, entries...)
		}
		res.Files = append(res.Files, fr)
	}
	res.Version = hex.EncodeToString(h.Sum(nil))[:16]
	if verrs := Validate(res.Entries, opt); len(verrs) > 0 {
		errs = append(errs, verrs...)
		res.Entries = dropInvalid(res, verrs)
	}
	if len(files) > 0 && len(res.Entries) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("content: no entries loaded"))
	}
	return res, errors.Join(errs...)
}

func loadFile(path string, h interface{ Write([]byte) (int, error) }) ([]Entry, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "read", Err: err}
	}
	if st.Size() > MaxFileBytes {
		return nil, errAt(path, 0, "file is %d bytes, over the %d byte limit", st.Size(), MaxFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "read", Err: err}
	}
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(data)
	return Parse(path, data)
}

// expand lists content files under paths in a stable order.
func expand(paths []string) ([]string, []error) {
	var files []string
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &Error{File: p, Msg: "content path", Err: err})
			continue
		}
		if !st.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != p && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || strings.HasSuffix(name, "~") || strings.EqualFold(name, "README.md") {
				return nil
			}
			found = append(found, path)
			return nil
		})
		if err != nil {
			errs = append(errs, &Error{File: p, Msg: "walk content folder", Err: err})
		}
		sort.Strings(found)
		if len(found) == 0 {
			errs = append(errs, errAt(p, 0, "content folder has no files"))
		}
		for _, f := range found {
			add(f)
		}
	}
	return files, errs
}

// Validate checks entries beyond syntax: duplicate IDs, duplicate
// questions, empty texts and (with opt.MaxAnswerChars) FAQ answers too long
// to show in one reply. Each problem is an *Error naming file and line.
func Validate(entries []Entry, opt Options) []error {
	var errs []error
	ids := map[string]Entry{}
	questions := map[string]Entry{}
	for _, e := range entries {
		if prev, ok := ids[e.ID]; ok {
			errs = append(errs, errAt(e.Source, e.Line, "duplicate entry ID %q (also at %s:%d)", e.ID, prev.Source, prev.Line))
		} else {
			ids[e.ID] = e
		}
		if strings.TrimSpace(e.Text) == "" {
			errs = append(errs, errAt(e.Source, e.Line, "%q has an empty answer", clip(e.Title, 60)))
		}
		if e.Type != TypeFAQ {
			continue
		}
		if opt.MaxAnswerChars > 0 && utf8.RuneCountInString(e.Text) > opt.MaxAnswerChars {
			errs = append(errs, errAt(e.Source, e.Line, "answer to %q is %d characters, over the %d a reply can show",
				clip(e.Title, 60), utf8.RuneCountInString(e.Text), opt.MaxAnswerChars))
		}
		for _, q := range append([]string{e.Title}, e.Alternates...) {
			k := questionKey(q)
			if prev, ok := questions[k]; ok && prev.ID != e.ID {
				errs = append(errs, errAt(e.Source, e.Line, "duplicate question %q (also at %s:%d)", clip(q, 60), prev.Source, prev.Line))
				continue
			}
			questions[k] = e
		}
	}
	return errs
}

// dropInvalid removes the entries of files that have validation errors, so
// what is served is exactly what validated.
func dropInvalid(res *Result, verrs []error) []Entry {
	bad := map[string]bool{}
	for _, err := range verrs {
		var fe *Error
		if errors.As(err, &fe) {
			bad[fe.File] = true
		}
	}
	var out []Entry
	for _, e := range res.Entries {
		if !bad[e.Source] {
			out = append(out, e)
		}
	}
	for i := range res.Files {
		if bad[res.Files[i].Path] && res.Files[i].Err == nil {
			res.Files[i].Err = fmt.Errorf("%s: failed validation", res.Files[i].Path)
			res.Files[i].Entries = 0
		}
	}
	return out
}

func questionKey(q string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
