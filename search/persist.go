package search

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unsafe"

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
const persistFormat = 3 // 2: the direct scoring's BM25 data (bm25); 3: the entries' word-vector rows

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

// versions names the persisted folders (complete or not) under the
// index path.
func (d *diskStore) versions() []string {
	names, err := d.list()
	if err != nil {
		return nil
	}
	return slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, buildPrefix) })
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

// prune removes every persisted folder but the current one's. The
// ".build-" folders belong to work in progress (a save, or the build
// folder of a snapshot, which serves from it until it is closed): their
// owners remove them, and openDiskStore what a killed process left.
func (d *diskStore) prune() {
	names, err := d.list()
	if err != nil {
		d.log.Warn("persisted index: could not list old folders", "error", err)
		return
	}
	for _, n := range names {
		if n != d.current && !strings.HasPrefix(n, buildPrefix) {
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
// panics on bad files. It does not change d, so that a load may run
// beside other work; the caller makes key current if it serves it.
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
	sums := map[string]manifestFile{}
	for _, f := range mf.Files {
		if f.Path == "data.bin" || f.Path == "strings.bin" {
			sums[f.Path] = f // checked while they are read
			continue
		}
		if err := checkFile(filepath.Join(dir, filepath.FromSlash(f.Path)), f); err != nil {
			return nil, rep, fmt.Errorf("search: persisted index %s: %w", dir, err)
		}
	}
	s, words, err := readDerived(dir, sums)
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
	s.spell = spellIndexOf(words, syn)
	s.finish(nil, syn)
	if s.bm != nil {
		return s, mf.Report, nil
	}
	if err := s.attachBM25(); err != nil {
		return s, rep, fmt.Errorf("search: persisted index %s: %w", dir, err)
	}
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

// spellIndexOf rebuilds the spelling index from the content's words as
// writeDerived wrote them (in the index's order: by length, then
// alphabetically) and the thesaurus's words, as newSpellIndex would have
// built it, without a map of the vocabulary or sorting it again.
func spellIndexOf(words []spellWord, syn *Synonyms) spellIndex {
	var ix spellIndex
	total := 0
	for _, w := range words {
		total += len(w.word)
	}
	runes := make([]rune, 0, total) // one array for every word's runes
	for _, w := range words {
		start := len(runes)
		for _, r := range w.word {
			runes = append(runes, r)
		}
		w.runes = runes[start:len(runes):len(runes)]
		for len(ix) <= len(w.runes) {
			ix = append(ix, nil)
		}
		ix[len(w.runes)] = append(ix[len(w.runes)], w)
	}
	content := make([]int, len(ix)) // each bucket's content words, sorted
	for n, b := range ix {
		content[n] = len(b)
	}
	added := map[int]bool{}
	for w := range syn.surfaceWords() {
		r := []rune(w)
		if len(r) < 3 {
			continue
		}
		for len(ix) <= len(r) {
			ix = append(ix, nil)
			content = append(content, 0)
		}
		n := len(r)
		if _, found := slices.BinarySearchFunc(ix[n][:content[n]], w, func(c spellWord, w string) int { return strings.Compare(c.word, w) }); !found {
			ix[n] = append(ix[n], spellWord{w, r, 0})
			added[n] = true
		}
	}
	for n := range added {
		slices.SortFunc(ix[n], func(a, b spellWord) int { return strings.Compare(a.word, b.word) })
	}
	return ix
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
	for _, p := range []postingList{s.post.title, s.post.body, s.post.sections, s.titleTerms, s.titleRows, s.bodyRows} {
		e.u32s(p.off)
		e.i32s(p.ids)
	}
	e.bytes(s.answerTypes)
	e.strs(s.qword)
	keys := slices.Sorted(maps.Keys(s.wordings))
	e.u32(uint32(len(keys)))
	for _, k := range keys {
		e.u32(uint32(k))
		e.u32(uint32(len(s.wordings[k])))
		for _, w := range s.wordings[k] {
			e.i32s(w)
		}
	}
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
	writeBM25(e, s.bm)
	return e.close()
}

// writeBM25 writes the direct scoring's data (nil: the snapshot searches
// through bleve), so that a restart does not read it from bleve's index
// again (two thirds of a second at 50,000 entries).
func writeBM25(e *encoder, bm *bm25) {
	if bm == nil {
		e.u32(0)
		return
	}
	e.u32(1)
	e.u32(uint32(bm.docTotal))
	for f := range bm.tf {
		b := make([]byte, 0, 2*len(bm.tf[f])+8*len(bm.lenNorm[f]))
		for _, v := range bm.tf[f] {
			b = binary.LittleEndian.AppendUint16(b, v)
		}
		e.bytes(b)
		b = b[:0]
		for _, v := range bm.lenNorm[f] {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		e.bytes(b)
	}
}

// readBM25 reads what writeBM25 wrote; nil when it held none.
func readBM25(d *decoder) *bm25 {
	if d.u32() == 0 {
		return nil
	}
	bm := &bm25{docTotal: uint64(d.u32())}
	for f := range bm.tf {
		b := d.bytes()
		bm.tf[f] = make([]uint16, len(b)/2)
		for i := range bm.tf[f] {
			bm.tf[f][i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		b = d.bytes()
		bm.lenNorm[f] = make([]float64, len(b)/8)
		for i := range bm.lenNorm[f] {
			bm.lenNorm[f][i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
	}
	return bm
}

// readDerived reads the persisted fields, and the content's words for
// the spelling index (spellIndexOf).
func readDerived(dir string, sums map[string]manifestFile) (*snapshot, []spellWord, error) {
	d, err := newDecoder(dir, sums)
	if err != nil {
		return nil, nil, err
	}
	s := &snapshot{}
	s.entries = make([]faq.Entry, d.bounded(d.u32(), 64))
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
	for _, p := range []*postingList{&s.post.title, &s.post.body, &s.post.sections, &s.titleTerms, &s.titleRows, &s.bodyRows} {
		p.off = d.u32s()
		p.ids = d.i32s()
	}
	s.answerTypes = d.bytes()
	s.qword = d.strs()
	s.wordings = map[int32][][]int32{}
	for n := d.u32(); n > 0 && !d.bad; n-- {
		k := int32(d.u32())
		ws := make([][]int32, d.bounded(d.u32(), 4))
		for j := range ws {
			ws[j] = d.i32s()
		}
		s.wordings[k] = ws
	}
	vocab := make([]spellWord, d.bounded(d.u32(), 12))
	for i := range vocab {
		vocab[i] = spellWord{word: d.str(), freq: int(d.u32())}
	}
	s.bm = readBM25(d)
	if err := d.done(); err != nil {
		return nil, nil, err
	}
	if err := s.checkShape(); err != nil {
		return nil, nil, err
	}
	if s.bm != nil {
		s.bm.setBounds(&s.post)
	}
	return s, vocab, nil
}

// checkShape verifies that decoded derived data fits together (lengths,
// ascending offsets, numbers in range), so that a reader bug or a file of
// the right size but wrong content is an error here and not an index out
// of range in a search.
func (s *snapshot) checkShape() error {
	n, nt := len(s.entries), len(s.sortedTerms)
	s.sectionOf, s.sections = sectionsOf(s.entries)
	nSec := len(s.sections.off) - 1
	nRows := 0
	if wv, err := loadVectors(); err == nil {
		nRows = wv.Len()
	}
	lists := []struct {
		name         string
		p            postingList
		lists, below int
	}{
		{"title postings", s.post.title, nt, n},
		{"body postings", s.post.body, nt, n},
		{"section postings", s.post.sections, nt, nSec},
		{"title terms", s.titleTerms, n, nt},
		{"title word-vector rows", s.titleRows, n, nRows},
		{"body word-vector rows", s.bodyRows, n, nRows},
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
	if len(s.dfs) != nt || len(s.answerTypes) != n || len(s.qword) != n || !slices.IsSorted(s.sortedTerms) {
		return fmt.Errorf("derived data: %d document frequencies, %d answer types and %d question words for %d terms and %d entries", len(s.dfs), len(s.answerTypes), len(s.qword), nt, n)
	}
	if bm := s.bm; bm != nil {
		for f := range bm.tf {
			if len(bm.tf[f]) != len(s.post.field(f).ids) || len(bm.lenNorm[f]) != n || bm.docTotal != uint64(n) {
				return fmt.Errorf("derived data: BM25 data of field %s: %d frequencies and %d norms for %d postings and %d entries", fieldNames[f], len(bm.tf[f]), len(bm.lenNorm[f]), len(s.post.field(f).ids), n)
			}
		}
	}
	for k, ws := range s.wordings {
		if k < 0 || int(k) >= n {
			return fmt.Errorf("derived data: wordings of entry %d of %d", k, n)
		}
		for _, w := range ws {
			for _, id := range w {
				if id < 0 || int(id) >= nt {
					return fmt.Errorf("derived data: wording term %d out of range", id)
				}
			}
		}
	}
	return nil
}

// encoder writes numbers (little endian) to data.bin and strings to
// strings.bin, each distinct string once, with their offsets and lengths
// in data.bin (a passage's More repeats the texts of the passages after
// it). A slice is written as its length plus one, 0 for nil, so that nil
// and empty read back as they were.
type encoder struct {
	nf, sf *os.File
	n, s   *bufio.Writer
	buf    [4]byte
	at     map[string]uint32
	size   uint32
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
	return &encoder{nf: nf, sf: sf, n: bufio.NewWriterSize(nf, 1<<16), s: bufio.NewWriterSize(sf, 1<<16), at: map[string]uint32{}}, nil
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:], v)
	e.n.Write(e.buf[:])
}

func (e *encoder) str(v string) {
	off, ok := e.at[v]
	if !ok {
		off = e.size
		e.at[v] = off
		e.size += uint32(len(v))
		e.s.WriteString(v)
	}
	e.u32(off)
	e.u32(uint32(len(v)))
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
	if int64(e.size) >= math.MaxUint32 {
		return errors.New("strings over 4 GB")
	}
	err := errors.Join(e.n.Flush(), e.s.Flush())
	return errors.Join(err, e.nf.Close(), e.sf.Close())
}

// decoder reads what encoder wrote, data.bin as a stream. The strings are
// one string read from strings.bin: each decoded string is a slice of it,
// so the entries' texts cost one allocation in all. A short or
// inconsistent file is reported by done, never a panic (reads past the end
// give zeros).
type decoder struct {
	f    *os.File
	n    *bufio.Reader
	sum  hash.Hash32 // of data.bin as read
	want manifestFile
	left int64 // bytes of data.bin not read yet
	buf  []byte
	s    string
	bad  bool
}

func newDecoder(dir string, sums map[string]manifestFile) (*decoder, error) {
	s, err := readString(filepath.Join(dir, "strings.bin"))
	if err != nil {
		return nil, err
	}
	if want := sums["strings.bin"]; int64(len(s)) != want.Size || crc32.Update(0, castagnoli, unsafe.Slice(unsafe.StringData(s), len(s))) != want.CRC32 {
		return nil, fmt.Errorf("strings.bin is corrupt: %d bytes, want %d with CRC-32C %08x", len(s), want.Size, want.CRC32)
	}
	f, err := os.Open(filepath.Join(dir, "data.bin"))
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	want := sums["data.bin"]
	if st.Size() != want.Size {
		f.Close()
		return nil, fmt.Errorf("data.bin is corrupt: %d bytes, want %d", st.Size(), want.Size)
	}
	sum := crc32.New(castagnoli)
	return &decoder{f: f, n: bufio.NewReaderSize(io.TeeReader(f, sum), 1<<16), sum: sum, want: want,
		left: st.Size(), buf: make([]byte, 1<<14), s: s}, nil
}

// readString reads a whole file into one string. The bytes are read
// straight into the string's memory (no second copy of tens of
// megabytes): the slice is never written after the read.
func readString(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		return "", err
	}
	return unsafe.String(&b[0], len(b)), nil
}

// read returns the next n bytes of data.bin (n <= len(d.buf)), or nil
// past the end.
func (d *decoder) read(n int) []byte {
	if d.bad || int64(n) > d.left {
		d.bad = true
		return nil
	}
	b := d.buf[:n]
	if _, err := io.ReadFull(d.n, b); err != nil {
		d.bad = true
		return nil
	}
	d.left -= int64(n)
	return b
}

func (d *decoder) u32() uint32 {
	b := d.read(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (d *decoder) str() string {
	off, n := int64(d.u32()), int64(d.u32())
	if off+n > int64(len(d.s)) {
		d.bad = true
		return ""
	}
	return d.s[off : off+n]
}

// bounded returns n, or 0 (and marks the data bad) when n records of at
// least size bytes each cannot fit in what is left of data.bin.
func (d *decoder) bounded(n uint32, size int) int {
	if int64(n)*int64(size) > d.left {
		d.bad = true
		return 0
	}
	return int(n)
}

// count reads a slice's length: -1 for nil.
func (d *decoder) count(size int) int {
	n := int64(d.u32()) - 1
	if n*int64(size) > d.left {
		d.bad = true
		return -1
	}
	return int(n)
}

func (d *decoder) strs() []string {
	n := d.count(8)
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
	return read32s[int32](d, n)
}

func (d *decoder) u32s() []uint32 {
	n := d.count(4)
	if n < 0 {
		return nil
	}
	return read32s[uint32](d, n)
}

// read32s reads n little-endian 32-bit numbers, a buffer at a time.
func read32s[T int32 | uint32](d *decoder, n int) []T {
	v := make([]T, n)
	for k := 0; k < n; {
		b := d.read(4 * min(n-k, len(d.buf)/4))
		if b == nil {
			return v
		}
		for ; len(b) >= 4; b = b[4:] {
			v[k] = T(binary.LittleEndian.Uint32(b))
			k++
		}
	}
	return v
}

func (d *decoder) bytes() []byte {
	n := d.count(1)
	if n < 0 {
		return nil
	}
	v := make([]byte, n)
	if _, err := io.ReadFull(d.n, v); err != nil {
		d.bad = true
		return nil
	}
	d.left -= int64(n)
	return v
}

// done closes data.bin and reports whether all of it was read, exactly.
func (d *decoder) done() error {
	d.f.Close()
	if d.left == 0 && d.sum.Sum32() != d.want.CRC32 {
		return fmt.Errorf("data.bin is corrupt: CRC-32C %08x, want %08x", d.sum.Sum32(), d.want.CRC32)
	}
	if d.bad || d.left != 0 {
		return fmt.Errorf("derived data is truncated or inconsistent (data.bin: %d bytes left)", d.left)
	}
	return nil
}
