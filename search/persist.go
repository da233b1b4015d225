package search

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"faqbot/faq"
)

// A persisted index is one folder under the configured index path, named
// by its key (see persistKey):
//
//	KEY/bleve/        the scorch index, as bleve's CopyTo writes it
//	KEY/data.bin      the snapshot's derived data (numbers)
//	KEY/strings.bin   the strings data.bin refers to, one after another
//	KEY/MANIFEST.json format, key, the load report and every file's size and
//	                  CRC-32C, written last: a folder without a valid
//	                  manifest is half-written and never opened
//
// A new one is written in a ".build-" folder beside the others and renamed
// to its key when complete; the folders of other keys are removed once the
// new snapshot serves. A LOCK file (flock) keeps a second process off the
// same index path.

// persistFormat numbers the persisted layout; a change to what data.bin
// holds or how must increase it. (Any change to the binary changes the
// key anyway, see analysisVersion; this guards against the same binary
// reading a folder some other layout wrote, which cannot happen today.)
const persistFormat = 1

const (
	manifestName = "MANIFEST.json"
	lockName     = "LOCK"
	buildPrefix  = ".build-"
)

// errNotPersisted means the index path holds no folder for a key.
var errNotPersisted = errors.New("search: no persisted index for this content")

// castagnoli is the CRC-32C table (hardware-accelerated on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// analysisVersion identifies everything besides the content that a
// persisted index depends on: the persisted format and the running
// executable's bytes, which hold the analysis code, the embedded word
// lists and thesaurus, bleve's version and the content loaders. Any other
// binary (an upgrade, a rebuild with a changed stemmer) gets a different
// key and builds afresh rather than opening an index it did not write.
// Hashing the executable takes about 20 ms for 25 MB.
var analysisVersion = sync.OnceValues(func() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("search: find the executable: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", fmt.Errorf("search: read the executable: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	fmt.Fprintf(h, "faqbot index format %d\x00", persistFormat)
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("search: read the executable: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
})

// persistKey is the name of the folder that holds the index of content
// version (faq.Result.Version) loaded with opt, built by this binary.
func persistKey(version string, opt faq.Options) (string, error) {
	av, err := analysisVersion()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00%s", av, version, opt.MaxAnswerChars, opt.Overlay)
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// diskStore keeps persisted snapshots under one folder, which it holds
// locked while open.
type diskStore struct {
	dir  string
	lock *os.File
	log  *slog.Logger
	// current is the key of the folder that matches the serving snapshot
	// ("" when none does).
	current string
}

// openDiskStore creates dir if needed, locks it and removes what an
// interrupted build left there. It fails when another process holds it.
func openDiskStore(dir string, log *slog.Logger) (*diskStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("search: index path: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("search: index path: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("search: index path %s is in use by another process (give each replica its own index.path): %w", dir, err)
	}
	d := &diskStore{dir: dir, lock: f, log: log}
	names, err := d.list()
	if err != nil {
		d.close()
		return nil, err
	}
	for _, n := range names {
		if strings.HasPrefix(n, buildPrefix) {
			d.remove(n)
		}
	}
	return d, nil
}

// list names the folders under the index path.
func (d *diskStore) list() ([]string, error) {
	des, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, fmt.Errorf("search: index path: %w", err)
	}
	var out []string
	for _, de := range des {
		if de.IsDir() {
			out = append(out, de.Name())
		}
	}
	return out, nil
}

func (d *diskStore) remove(name string) {
	if err := os.RemoveAll(filepath.Join(d.dir, name)); err != nil {
		d.log.Warn("persisted index: could not remove an old folder", "path", filepath.Join(d.dir, name), "error", err)
	}
}

// prune removes every folder but the current one's.
func (d *diskStore) prune() {
	names, err := d.list()
	if err != nil {
		d.log.Warn("persisted index: could not list old folders", "error", err)
		return
	}
	for _, n := range names {
		if n != d.current {
			d.remove(n)
		}
	}
}

func (d *diskStore) close() {
	if d.lock != nil {
		d.lock.Close() // releases the flock
		d.lock = nil
	}
}

// manifest describes one persisted folder; it is written last.
type manifest struct {
	Format int            `json:"format"`
	Key    string         `json:"key"`
	Report Report         `json:"report"`
	Files  []manifestFile `json:"files"`
}

type manifestFile struct {
	Path  string `json:"path"`
	Size  int64  `json:"size"`
	CRC32 uint32 `json:"crc32c"`
}

// save writes s, the index of the content rep describes, as the folder of
// key, replacing any folder of that key, and makes it current.
func (d *diskStore) save(key string, s *snapshot, rep Report) (err error) {
	tmp, err := os.MkdirTemp(d.dir, buildPrefix)
	if err != nil {
		return fmt.Errorf("search: persist index: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
			err = fmt.Errorf("search: persist index: %w", err)
		}
	}()
	if err := copyBleve(s.idx, filepath.Join(tmp, "bleve")); err != nil {
		return err
	}
	if err := writeDerived(tmp, s); err != nil {
		return err
	}
	mf := manifest{Format: persistFormat, Key: key, Report: rep}
	err = filepath.WalkDir(tmp, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tmp, p)
		size, sum, err := syncAndSum(p)
		mf.Files = append(mf.Files, manifestFile{Path: filepath.ToSlash(rel), Size: size, CRC32: sum})
		return err
	})
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(mf, "", "\t")
	if err != nil {
		return err
	}
	if err := writeSynced(filepath.Join(tmp, manifestName), data); err != nil {
		return err
	}
	for _, sub := range []string{"bleve/store", "bleve", "."} {
		if err := syncDir(filepath.Join(tmp, sub)); err != nil {
			return err
		}
	}
	final := filepath.Join(d.dir, key)
	if _, serr := os.Stat(final); serr == nil {
		// The same content again (a reindex that changed nothing, or a
		// folder that failed to open): move it out of the way first.
		aside := tmp + "-old"
		if err := os.Rename(final, aside); err != nil {
			return err
		}
		defer os.RemoveAll(aside)
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	d.current = key
	return syncDir(d.dir)
}

// copyBleve writes idx's current segments and metadata to dir as an
// on-disk scorch index. Copying the segments of the in-memory index keeps
// its one segment as it is (bytes and document order), so the copy scores
// exactly as the original.
func copyBleve(idx bleve.Index, dir string) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	ci, ok := adv.(index.CopyIndex)
	if !ok {
		return fmt.Errorf("index type %T cannot be copied", adv)
	}
	cr := ci.CopyReader()
	if cr == nil {
		return errors.New("index has no snapshot to copy")
	}
	err = cr.CopyTo(bleve.FileSystemDirectory(dir))
	if cerr := cr.CloseCopyReader(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy bleve index: %w", err)
	}
	// What bleve.New writes for a scorch index; the mapping is inside the
	// index itself.
	return os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte(`{"storage":"scorch","index_type":"scorch"}`), 0o644)
}

// syncAndSum flushes path to disk and returns its size and CRC-32C.
func syncAndSum(path string) (int64, uint32, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return 0, 0, err
	}
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	return n, h.Sum32(), err
}

func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// load opens the folder of key: errNotPersisted when there is none, and
// an error when it is incomplete, corrupt or of another format. It never
// panics on bad files.
func (d *diskStore) load(key string, syn *Synonyms) (s *snapshot, rep Report, err error) {
	dir := filepath.Join(d.dir, key)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search: persisted index %s: unreadable: %v", dir, r)
		}
		if err != nil && s != nil {
			if s.idx != nil {
				s.idx.Close()
			}
			s = nil
		}
	}()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, rep, errNotPersisted
	}
	mf, err := readManifest(dir)
	if err != nil {
		return nil, rep, fmt.Errorf("search: persisted index %s: %w", dir, err)
	}
	if mf.Format != persistFormat || mf.Key != key {
		return nil, rep, fmt.Errorf("search: persisted index %s: format %d key %s, want format %d key %s", dir, mf.Format, mf.Key, persistFormat, key)
	}
	for _, f := range mf.Files {
		if err := checkFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f); err != nil {
			return nil, rep, fmt.Errorf("search: persisted index %s: %w", dir, err)
		}
	}
	s, err = readDerived(dir)
	if err != nil {
		return nil, rep, fmt.Errorf("search: persisted index %s: %w", dir, err)
	}
	idx, err := bleve.OpenUsing(filepath.Join(dir, "bleve"), map[string]interface{}{"read_only": true, "bolt_timeout": "1s"})
	if err != nil {
		return nil, rep, fmt.Errorf("search: persisted index %s: open bleve index: %w", dir, err)
	}
	s.idx = idx
	if n, err := idx.DocCount(); err != nil || n != uint64(len(s.entries)) {
		return s, rep, fmt.Errorf("search: persisted index %s: bleve index has %d documents (%v), want %d", dir, n, err, len(s.entries))
	}
	if err := s.indexEntries(); err != nil {
		return s, rep, err
	}
	s.finish(s.vocabOfSpell(), syn)
	d.current = key
	return s, mf.Report, nil
}

func readManifest(dir string) (manifest, error) {
	var mf manifest
	data, err := os.ReadFile(filepath.Join(dir, manifestName))
	if err != nil {
		return mf, fmt.Errorf("incomplete (no manifest): %w", err)
	}
	if err := json.Unmarshal(data, &mf); err != nil {
		return mf, fmt.Errorf("manifest: %w", err)
	}
	if len(mf.Files) == 0 {
		return mf, errors.New("manifest lists no files")
	}
	return mf, nil
}

// checkFile compares a file's size and CRC-32C with the manifest's.
func checkFile(path string, want manifestFile) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	n, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("%s: %w", want.Path, err)
	}
	if n != want.Size || h.Sum32() != want.CRC32 {
		return fmt.Errorf("%s is corrupt: %d bytes with CRC-32C %08x, want %d bytes with %08x", want.Path, n, h.Sum32(), want.Size, want.CRC32)
	}
	return nil
}

// vocabOfSpell gives back the content's surface words with their
// frequencies from the spelling index (the words of at least three runes,
// the only ones it keeps): what newSpellIndex needs to build it again.
func (s *snapshot) vocabOfSpell() map[string]int {
	n := 0
	for _, b := range s.spell {
		n += len(b)
	}
	vocab := make(map[string]int, n)
	for _, b := range s.spell {
		for _, w := range b {
			if w.freq > 0 {
				vocab[w.word] = w.freq
			}
		}
	}
	return vocab
}

// The derived data, in data.bin and strings.bin. writeDerived and
// readDerived list the snapshot's persisted fields in the same order;
// everything else is recomputed by finish.

func writeDerived(dir string, s *snapshot) error {
	e, err := newEncoder(dir)
	if err != nil {
		return err
	}
	e.u32(uint32(len(s.entries)))
	for _, en := range s.entries {
		e.str(en.ID)
		e.str(string(en.Type))
		e.str(en.Title)
		e.strs(en.Alternates)
		e.str(en.Label)
		e.str(en.Text)
		e.str(en.Context)
		e.strs(en.More)
		e.strs(en.Tags)
		e.str(en.Source)
		e.u32(uint32(en.Line))
	}
	e.strs(s.sortedTerms)
	e.i32s(s.dfs)
	for _, p := range []postingList{s.post.title, s.post.body, s.post.sections, s.titleTerms} {
		e.u32s(p.off)
		e.i32s(p.ids)
	}
	e.bytes(s.answerTypes)
	var words []spellWord
	for _, b := range s.spell {
		for _, w := range b {
			if w.freq > 0 {
				words = append(words, w)
			}
		}
	}
	e.u32(uint32(len(words)))
	for _, w := range words {
		e.str(w.word)
		e.u32(uint32(w.freq))
	}
	return e.close()
}

func readDerived(dir string) (*snapshot, error) {
	d, err := newDecoder(dir)
	if err != nil {
		return nil, err
	}
	s := &snapshot{}
	s.entries = make([]faq.Entry, d.u32())
	for i := range s.entries {
		en := &s.entries[i]
		en.ID = d.str()
		en.Type = faq.Type(d.str())
		en.Title = d.str()
		en.Alternates = d.strs()
		en.Label = d.str()
		en.Text = d.str()
		en.Context = d.str()
		en.More = d.strs()
		en.Tags = d.strs()
		en.Source = d.str()
		en.Line = int(d.u32())
	}
	s.sortedTerms = d.strs()
	s.dfs = d.i32s()
	for _, p := range []*postingList{&s.post.title, &s.post.body, &s.post.sections, &s.titleTerms} {
		p.off = d.u32s()
		p.ids = d.i32s()
	}
	s.answerTypes = d.bytes()
	vocab := make([]spellWord, d.u32())
	for i := range vocab {
		vocab[i] = spellWord{word: d.str(), freq: int(d.u32())}
	}
	// finish rebuilds the spelling index from these (vocabOfSpell).
	s.spell = spellIndex{vocab}
	if err := d.done(); err != nil {
		return nil, err
	}
	return s, s.checkShape()
}

// checkShape verifies that decoded derived data fits together (lengths,
// ascending offsets, numbers in range), so that a reader bug or a file of
// the right size but wrong content is an error here and not an index out
// of range in a search.
func (s *snapshot) checkShape() error {
	n, nt := len(s.entries), len(s.sortedTerms)
	s.sectionOf, s.sections = sectionsOf(s.entries)
	nSec := len(s.sections.off) - 1
	lists := []struct {
		name         string
		p            postingList
		lists, below int
	}{
		{"title postings", s.post.title, nt, n},
		{"body postings", s.post.body, nt, n},
		{"section postings", s.post.sections, nt, nSec},
		{"title terms", s.titleTerms, n, nt},
	}
	for _, l := range lists {
		if len(l.p.off) != l.lists+1 || l.p.off[0] != 0 || int(l.p.off[l.lists]) != len(l.p.ids) {
			return fmt.Errorf("derived data: %s: %d offsets for %d lists of %d ids", l.name, len(l.p.off), l.lists, len(l.p.ids))
		}
		for k := 1; k < len(l.p.off); k++ {
			if l.p.off[k] < l.p.off[k-1] {
				return fmt.Errorf("derived data: %s: offsets not ascending", l.name)
			}
		}
		for _, id := range l.p.ids {
			if id < 0 || int(id) >= l.below {
				return fmt.Errorf("derived data: %s: %d out of range 0..%d", l.name, id, l.below-1)
			}
		}
	}
	if len(s.dfs) != nt || len(s.answerTypes) != n || !slices.IsSorted(s.sortedTerms) {
		return fmt.Errorf("derived data: %d document frequencies and %d answer types for %d terms and %d entries", len(s.dfs), len(s.answerTypes), nt, n)
	}
	return nil
}

// encoder writes numbers (little endian) to data.bin and strings to
// strings.bin, their lengths to data.bin. A slice is written as its length
// plus one, 0 for nil, so that nil and empty read back as they were.
type encoder struct {
	nf, sf *os.File
	n, s   *bufio.Writer
	buf    [4]byte
}

func newEncoder(dir string) (*encoder, error) {
	nf, err := os.Create(filepath.Join(dir, "data.bin"))
	if err != nil {
		return nil, err
	}
	sf, err := os.Create(filepath.Join(dir, "strings.bin"))
	if err != nil {
		nf.Close()
		return nil, err
	}
	return &encoder{nf: nf, sf: sf, n: bufio.NewWriterSize(nf, 1<<16), s: bufio.NewWriterSize(sf, 1<<16)}, nil
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:], v)
	e.n.Write(e.buf[:])
}

func (e *encoder) str(v string) {
	e.u32(uint32(len(v)))
	e.s.WriteString(v)
}

func (e *encoder) strs(v []string) {
	e.count(len(v), v == nil)
	for _, x := range v {
		e.str(x)
	}
}

func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.u32(0)
		return
	}
	e.u32(uint32(n) + 1)
}

func (e *encoder) i32s(v []int32) {
	e.count(len(v), v == nil)
	for _, x := range v {
		e.u32(uint32(x))
	}
}

func (e *encoder) u32s(v []uint32) {
	e.count(len(v), v == nil)
	for _, x := range v {
		e.u32(x)
	}
}

func (e *encoder) bytes(v []byte) {
	e.count(len(v), v == nil)
	e.n.Write(v)
}

func (e *encoder) close() error {
	err := errors.Join(e.n.Flush(), e.s.Flush())
	return errors.Join(err, e.nf.Close(), e.sf.Close())
}

// decoder reads what encoder wrote. The strings are one string read from
// strings.bin: each decoded string is a slice of it, so the entries' texts
// cost one allocation in all. A short or inconsistent file is reported by
// done, never a panic (reads past the end give zeros).
type decoder struct {
	n   []byte
	pos int
	s   string
	sp  int
	bad bool
}

func newDecoder(dir string) (*decoder, error) {
	n, err := os.ReadFile(filepath.Join(dir, "data.bin"))
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, "strings.bin"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sb strings.Builder
	if st, err := f.Stat(); err == nil && st.Size() < math.MaxInt32 {
		sb.Grow(int(st.Size()))
	}
	if _, err := io.Copy(&sb, f); err != nil {
		return nil, err
	}
	return &decoder{n: n, s: sb.String()}, nil
}

func (d *decoder) u32() uint32 {
	if d.pos+4 > len(d.n) {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint32(d.n[d.pos:])
	d.pos += 4
	return v
}

func (d *decoder) str() string {
	n := int(d.u32())
	if n > len(d.s)-d.sp {
		d.bad = true
		return ""
	}
	v := d.s[d.sp : d.sp+n]
	d.sp += n
	return v
}

// count reads a slice's length: -1 for nil.
func (d *decoder) count(size int) int {
	n := int(d.u32()) - 1
	if n*size > len(d.n)-d.pos {
		d.bad = true
		return -1
	}
	return n
}

func (d *decoder) strs() []string {
	n := d.count(4)
	if n < 0 {
		return nil
	}
	v := make([]string, n)
	for i := range v {
		v[i] = d.str()
	}
	return v
}

func (d *decoder) i32s() []int32 {
	n := d.count(4)
	if n < 0 {
		return nil
	}
	v := make([]int32, n)
	for i := range v {
		v[i] = int32(binary.LittleEndian.Uint32(d.n[d.pos:]))
		d.pos += 4
	}
	return v
}

func (d *decoder) u32s() []uint32 {
	n := d.count(4)
	if n < 0 {
		return nil
	}
	v := make([]uint32, n)
	for i := range v {
		v[i] = binary.LittleEndian.Uint32(d.n[d.pos:])
		d.pos += 4
	}
	return v
}

func (d *decoder) bytes() []byte {
	n := d.count(1)
	if n < 0 {
		return nil
	}
	v := slices.Clone(d.n[d.pos : d.pos+n])
	d.pos += n
	return v
}

// done reports whether everything was read, exactly.
func (d *decoder) done() error {
	if d.bad || d.pos != len(d.n) || d.sp != len(d.s) {
		return errors.New("derived data is truncated or inconsistent (data.bin at " + strconv.Itoa(d.pos) + " of " + strconv.Itoa(len(d.n)) + ")")
	}
	return nil
}
