package faq

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
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
	// Alternates is, for the alternates overlay, how many wordings it
	// added to entries (its Entries is 0).
	Alternates int
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
	// Warnings are the content problems that Load worked around rather
	// than failing the file (see Check): duplicate questions skipped, long
	// answers cut into parts. Each names file and line.
	Warnings []*Error
}

// Options tune validation.
type Options struct {
	// MaxAnswerChars, when > 0, is the longest FAQ answer one reply can
	// show: a longer one is served as parts that fit, with a warning (see
	// Check).
	MaxAnswerChars int
	// Guard, when set, compares each load with the last one it accepted and
	// refuses one that lost too many entries (see Guard). Loads made for
	// validation only leave it nil.
	Guard *Guard
	// Overlay is the alternates overlay file (see ParseOverlay); "" means
	// DefaultOverlayName at the top of the first content folder. It is
	// not read as a content file, and a missing overlay is no error.
	Overlay string
}

// Errors matched with errors.Is on the problems Load reports.
var (
	// ErrChanging means a file changed while it was being read: it is
	// probably still being written. Write content aside and rename it into
	// place, which is atomic.
	ErrChanging = errors.New("file changed while it was read (still being written?)")
	// ErrSymlinkOutside means a symbolic link in a content folder points
	// outside every content folder; it is not followed.
	ErrSymlinkOutside = errors.New("symbolic link leads outside the content folders; not followed")
	// ErrSymlinkFolder means a symbolic link in a content folder points to
	// a folder; links to folders are not followed.
	ErrSymlinkFolder = errors.New("symbolic link to a folder; not followed")
)

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
// Problems it can work around without failing the file (duplicate
// questions, answers too long for one reply) are res.Warnings instead.
//
// A file that changes while it is read (compared by reading it twice) is an
// error wrapping ErrChanging. Inside a folder, a symbolic link is followed
// only to a file inside one of the content folders: a link leading
// elsewhere (to /etc/passwd, say) is an error wrapping ErrSymlinkOutside,
// and a link to a folder one wrapping ErrSymlinkFolder. Files named
// directly in paths are read wherever they are.
//
// With opt.Guard set, a load that would lose too many entries compared with
// the last one the guard accepted is refused with errors wrapping
// ErrDropped (see Guard).
//
// The alternates overlay (opt.Overlay, by default alternates.yaml in the
// first content folder) is applied last: its wordings become alternates of
// the entries it names. It is listed in Files with its Alternates count;
// when it has a problem, its errors are returned and none of it is
// applied, while the content files still load.
func Load(paths []string, opt Options) (*Result, error) {
	files, errs := expand(paths)
	overlay := OverlayPath(paths, opt.Overlay)
	res := &Result{}
	h := sha256.New()
	for _, f := range files {
		if overlay != "" && sameFile(f, overlay) {
			continue
		}
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
	if verrs := Validate(res.Entries, opt); len(verrs) > 0 {
		errs = append(errs, verrs...)
		res.Entries = dropInvalid(res, verrs)
	}
	res.Entries, res.Warnings = Check(res.Entries, opt)
	if len(res.Warnings) > 0 {
		served := map[string]int{}
		for _, e := range res.Entries {
			served[e.Source]++
		}
		for i := range res.Files {
			if res.Files[i].Err == nil {
				res.Files[i].Entries = served[res.Files[i].Path]
			}
		}
	}
	if overlay != "" {
		partial := len(errs) > 0
		if fr, ok, oerrs := loadOverlay(overlay, res.Entries, partial, h); ok {
			res.Files = append(res.Files, fr)
			errs = append(errs, oerrs...)
		}
	}
	res.Version = hex.EncodeToString(h.Sum(nil))[:16]
	if len(files) > 0 && len(res.Entries) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("content: no entries loaded"))
	}
	if opt.Guard != nil {
		errs = append(errs, opt.Guard.check(paths, res, len(errs) == 0)...)
	}
	return res, errors.Join(errs...)
}

// Fingerprint returns the Version that Load gives for the same paths and
// options while the files stay as they are, reading the files but parsing
// none of them: what a persisted index is keyed by. It fails on any
// problem reading the files (Load would report them); a file that does not
// parse still counts, as it does in Load.
func Fingerprint(paths []string, opt Options) (string, error) {
	files, errs := expand(paths)
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	overlay := OverlayPath(paths, opt.Overlay)
	h := sha256.New()
	buf := make([]byte, 256<<10)
	for _, f := range files {
		if overlay != "" && sameFile(f, overlay) {
			continue
		}
		if err := hashFile(f, h, buf); err != nil {
			return "", err
		}
	}
	if overlay != "" {
		if _, err := os.Stat(overlay); err == nil {
			if err := hashFile(overlay, h, buf); err != nil {
				return "", err
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// hashFile writes path and its bytes to h as Load does, streaming them
// through buf. It reads the file once: a file caught mid-write gives a
// version no clean load had.
func hashFile(path string, h io.Writer, buf []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return &Error{File: path, Msg: "read", Err: err}
	}
	defer f.Close()
	h.Write([]byte(path))
	h.Write([]byte{0})
	n, err := io.CopyBuffer(h, io.LimitReader(f, MaxFileBytes+1), buf)
	if err != nil {
		return &Error{File: path, Msg: "read", Err: err}
	}
	if n > MaxFileBytes {
		return errAt(path, 0, "file is over the %d byte limit", MaxFileBytes)
	}
	return nil
}

func loadFile(path string, h interface{ Write([]byte) (int, error) }) ([]Entry, error) {
	data, err := readStable(path)
	if err != nil {
		return nil, err
	}
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(data)
	return Parse(path, data)
}

// readStable reads path twice and returns its bytes when both reads, and
// the size and modification time around them, agree. A writer caught
// mid-write usually changes one of them in between; content that still
// passes is then caught by the Guard or the parser.
func readStable(path string) ([]byte, error) {
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
	if testHookBetweenReads != nil {
		testHookBetweenReads(path)
	}
	again, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "read", Err: err}
	}
	st2, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "read", Err: err}
	}
	if !bytes.Equal(data, again) || int64(len(data)) != st.Size() || st2.Size() != st.Size() || !st2.ModTime().Equal(st.ModTime()) {
		return nil, &Error{File: path, Err: ErrChanging}
	}
	return data, nil
}

// testHookBetweenReads, when set by a test, runs between readStable's two
// reads, standing in for a writer.
var testHookBetweenReads func(path string)

// realRoots resolves the symbolic links of the content folders in paths;
// links found inside them may only lead back into one of them.
func realRoots(paths []string) []string {
	var roots []string
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			continue
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			if abs, err := filepath.Abs(r); err == nil {
				roots = append(roots, abs)
			}
		}
	}
	return roots
}

// checkLink resolves the symbolic link at path, found while walking a
// content folder, and returns an error unless it leads to a file inside
// one of roots.
func checkLink(path string, roots []string) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return &Error{File: path, Msg: "symbolic link", Err: err}
	}
	if target, err = filepath.Abs(target); err != nil {
		return &Error{File: path, Msg: "symbolic link", Err: err}
	}
	inside := false
	for _, r := range roots {
		if target == r || strings.HasPrefix(target, r+string(filepath.Separator)) {
			inside = true
			break
		}
	}
	if !inside {
		return &Error{File: path, Msg: fmt.Sprintf("-> %s", target), Err: ErrSymlinkOutside}
	}
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		return &Error{File: path, Msg: fmt.Sprintf("-> %s", target), Err: ErrSymlinkFolder}
	}
	return nil
}

// expand lists content files under paths in a stable order.
func expand(paths []string) ([]string, []error) {
	var files []string
	var errs []error
	roots := realRoots(paths)
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
		// WalkDir does not follow a root that is itself a symbolic link
		// (content -> releases/v2); a trailing separator makes it.
		root := p
		if lst, err := os.Lstat(p); err == nil && lst.Mode()&fs.ModeSymlink != 0 {
			root = p + string(filepath.Separator)
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || strings.HasSuffix(name, "~") || strings.EqualFold(name, "README.md") {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if err := checkLink(path, roots); err != nil {
					errs = append(errs, err)
					return nil
				}
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

// Validate checks entries for the problems that fail their file: duplicate
// entry IDs and empty texts. Each problem is an *Error naming file and
// line. Duplicate questions and FAQ answers too long for one reply are not
// errors: Check turns them into warnings and fixes what it serves.
func Validate(entries []Entry, opt Options) []error {
	var errs []error
	ids := map[string]Entry{}
	for _, e := range entries {
		if prev, ok := ids[e.ID]; ok {
			// The same question twice in one file gives the same derived
			// ID: that is a duplicate question, which Check skips.
			if !(e.Type == TypeFAQ && prev.Type == TypeFAQ && questionKey(e.Title) == questionKey(prev.Title)) {
				errs = append(errs, errAt(e.Source, e.Line, "duplicate entry ID %q (also at %s:%d)", e.ID, prev.Source, prev.Line))
			}
		} else {
			ids[e.ID] = e
		}
		if strings.TrimSpace(e.Text) == "" {
			errs = append(errs, errAt(e.Source, e.Line, "%q has an empty answer", clip(e.Title, 60)))
		}
	}
	return errs
}

// Check returns what of entries is served, with a warning (an *Error
// naming file and line) for each thing it changed:
//
//   - A FAQ question asked again, in the same file or another (compared
//     ignoring case and punctuation), is skipped at its later place: the
//     first entry that asks it keeps it and the later entry is left out
//     when its main question is the duplicate, or loses just that
//     alternate phrasing otherwise. The warning names both places.
//   - A FAQ answer longer than opt.MaxAnswerChars is served as parts that
//     each fit in one reply, cut like article sections: whole paragraphs
//     packed up to the limit, a paragraph longer than that cut at sentence
//     ends (at word boundaries only for one sentence over the limit). Each
//     part is a FAQ entry with the same question and alternates, so the
//     search serves the part that best answers a question. The first part
//     keeps the entry's ID; the others get "-2", "-3"… after it.
//
// Check assumes Validate found no errors in entries.
func Check(entries []Entry, opt Options) ([]Entry, []*Error) {
	var warns []*Error
	type asked struct {
		idx  int
		e    *Entry
		main bool
	}
	questions := map[string]asked{}
	out := make([]Entry, 0, len(entries))
	for i := range entries {
		e := entries[i]
		if e.Type != TypeFAQ {
			out = append(out, e)
			continue
		}
		k := questionKey(e.Title)
		if prev, ok := questions[k]; ok && prev.idx != i {
			where := fmt.Sprintf("%s:%d", prev.e.Source, prev.e.Line)
			if !prev.main {
				where += fmt.Sprintf(", an alternate of %q", clip(prev.e.Title, 60))
			}
			warns = append(warns, errAt(e.Source, e.Line, "duplicate question %q (first at %s): this later entry is skipped",
				clip(e.Title, 60), where))
			continue
		}
		questions[k] = asked{i, &entries[i], true}
		var alts []string
		for _, q := range e.Alternates {
			ak := questionKey(q)
			if prev, ok := questions[ak]; ok {
				if prev.idx != i {
					warns = append(warns, errAt(e.Source, e.Line, "duplicate question %q (first at %s:%d): alternate left out of %q",
						clip(q, 60), prev.e.Source, prev.e.Line, clip(e.Title, 60)))
				}
				continue
			}
			questions[ak] = asked{i, &entries[i], false}
			alts = append(alts, q)
		}
		if len(alts) != len(e.Alternates) {
			e.Alternates = alts
		}
		n := utf8.RuneCountInString(e.Text)
		if opt.MaxAnswerChars <= 0 || n <= opt.MaxAnswerChars {
			out = append(out, e)
			continue
		}
		parts := splitAnswer(e.Text, opt.MaxAnswerChars)
		warns = append(warns, errAt(e.Source, e.Line, "answer to %q is %d characters, over the %d a reply can show: served as %d parts cut at paragraph and sentence ends",
			clip(e.Title, 60), n, opt.MaxAnswerChars, len(parts)))
		for j, p := range parts {
			pe := e
			pe.Text = p
			if j > 0 {
				pe.ID = fmt.Sprintf("%s-%d", e.ID, j+1)
			}
			out = append(out, pe)
		}
	}
	return out, warns
}

// splitAnswer cuts text into parts of at most max characters: paragraphs
// (separated by blank lines) packed whole, a longer paragraph cut into
// sentences packed the same way, a longer sentence cut at spaces.
func splitAnswer(text string, max int) []string {
	var parts []string
	cur, curLen := "", 0
	add := func(piece, sep string) {
		n := utf8.RuneCountInString(piece)
		if cur != "" && curLen+utf8.RuneCountInString(sep)+n <= max {
			cur += sep + piece
			curLen += utf8.RuneCountInString(sep) + n
			return
		}
		if cur != "" {
			parts = append(parts, cur)
		}
		cur, curLen = piece, n
	}
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if utf8.RuneCountInString(para) <= max {
			add(para, "\n\n")
			continue
		}
		sep := "\n\n"
		for _, sent := range sentences(para) {
			for _, piece := range cutWords(sent, max) {
				add(piece, sep)
				sep = " "
			}
		}
	}
	if cur != "" {
		parts = append(parts, cur)
	}
	return parts
}

// sentences splits a paragraph after each ".", "!" or "?" that a space
// follows (closing quotes and brackets stay with their sentence).
func sentences(para string) []string {
	var out []string
	start := 0
	for i := 0; i < len(para); i++ {
		c := para[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(para) && (para[j] == '"' || para[j] == ')' || para[j] == '\'') {
			j++
		}
		if j < len(para) && para[j] == ' ' {
			if s := strings.TrimSpace(para[start:j]); s != "" {
				out = append(out, s)
			}
			start = j + 1
			i = j
		}
	}
	if s := strings.TrimSpace(para[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// cutWords cuts a sentence longer than max characters at spaces (and an
// unbroken run of more than max characters anywhere), marking each cut
// with "…".
func cutWords(s string, max int) []string {
	if utf8.RuneCountInString(s) <= max {
		return []string{s}
	}
	var out []string
	for utf8.RuneCountInString(s) > max {
		r := []rune(s)
		cut := string(r[:max-1])
		if i := strings.LastIndex(cut, " "); i > 0 {
			cut = cut[:i]
		}
		out = append(out, strings.TrimSpace(cut)+"…")
		s = strings.TrimSpace(s[len(cut):])
	}
	if s != "" {
		out = append(out, s)
	}
	return out
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
