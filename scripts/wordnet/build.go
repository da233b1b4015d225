//go:build ignore

// Command build derives search/data/wordnet.tsv.gz from the WordNet 3.0
// database files that Debian's wordnet-base package installs under
// /usr/share/wordnet. Run it through scripts/wordnet.sh:
//
//	go run scripts/wordnet/build.go [-dict /usr/share/wordnet] [-out search/data/wordnet.tsv.gz]
//
// The output is deterministic: the same input files give the same bytes.
// It is a gzipped, tab-separated text file with three sections, each
// opened by a line starting with '#':
//
//	#lemmas   lemma<TAB>sense,sense,...
//	          one line per single-word lemma (no '_' collocations), sorted;
//	          a sense is "C" or "C:N": C is the lexicographer file number
//	          (lexnames: 8 = noun.body, 38 = verb.motion, ...; the number
//	          tells the part of speech), N the sense's tag count from
//	          cntlist.rev when it is not 0. The senses of all parts of
//	          speech are merged by tag count, most frequent first, keeping
//	          each part of speech's own WordNet sense order (index.<pos>
//	          synset order).
//	#exc      inflected<TAB>p:base,p:base,...
//	          the irregular forms of noun.exc, verb.exc, adj.exc and
//	          adv.exc whose base is a single-word lemma of that part of
//	          speech p (n, v, a, r).
//	#der      lemma<TAB>lemma,lemma,...
//	          derivationally related single-word forms (pointer "+"
//	          between words of data.*), e.g. "sleepy" -> "sleep".
//	#syn      lemma<TAB>lemma,lemma,...
//	          synonyms: the other single-word members of the synsets
//	          that are a common sense of both words (see commonSense),
//	          e.g. "doctor" -> "doc,physician,md". Sorted by lemma, so
//	          the reader can binary-search the section unparsed.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// posInfo names one part of speech's files.
type posInfo struct {
	file string // index.<file>, data.<file>, <file>.exc
	code byte   // n, v, a, r
}

var poses = []posInfo{{"noun", 'n'}, {"verb", 'v'}, {"adj", 'a'}, {"adv", 'r'}}

// sense is one sense of a lemma.
type sense struct {
	class int
	count int
}

// main is one piece on purpose: a one-off build script that reads the
// WordNet files in order and fails on the first surprise.
func main() {
	dict := flag.String("dict", "/usr/share/wordnet", "WordNet dict directory")
	out := flag.String("out", "search/data/wordnet.tsv.gz", "output file")
	flag.Parse()

	counts := readCounts(filepath.Join(*dict, "cntlist.rev"))

	// data.<pos>: offset -> lexicographer file number and words.
	type synset struct {
		class int
		words []string
		ders  [][2]string // derivational links from this synset's words
	}
	// posOf maps a pointer's pos letter to our index in poses.
	posOf := map[byte]int{'n': 0, 'v': 1, 'a': 2, 's': 2, 'r': 3}
	data := make([]map[int64]*synset, len(poses))
	type rawDer struct {
		src       string
		tgtPos    int
		tgtOffset int64
		tgtWord   int
	}
	var rawDers []rawDer
	for pi, p := range poses {
		data[pi] = map[int64]*synset{}
		forEachLine(filepath.Join(*dict, "data."+p.file), func(line string) {
			if strings.HasPrefix(line, "  ") {
				return // licence header
			}
			if i := strings.Index(line, " | "); i >= 0 {
				line = line[:i]
			}
			f := strings.Fields(line)
			off, _ := strconv.ParseInt(f[0], 10, 64)
			class, _ := strconv.Atoi(f[1])
			wcnt, _ := strconv.ParseInt(f[3], 16, 32)
			s := &synset{class: class}
			for i := 0; i < int(wcnt); i++ {
				s.words = append(s.words, cleanWord(f[4+2*i]))
			}
			k := 4 + 2*int(wcnt)
			pcnt, _ := strconv.Atoi(f[k])
			k++
			for i := 0; i < pcnt; i++ {
				sym, toff, tpos, st := f[k], f[k+1], f[k+2], f[k+3]
				k += 4
				if sym != "+" {
					continue
				}
				src, _ := strconv.ParseInt(st[:2], 16, 32)
				tgt, _ := strconv.ParseInt(st[2:], 16, 32)
				o, _ := strconv.ParseInt(toff, 10, 64)
				if src == 0 || tgt == 0 {
					continue
				}
				rawDers = append(rawDers, rawDer{s.words[src-1], posOf[tpos[0]], o, int(tgt) - 1})
			}
			data[pi][off] = s
		})
	}

	// index.<pos>: lemma -> senses in WordNet order.
	lemmas := map[string][]lemmaPOS{}
	// common lists, for each synset, the lemmas it is a common sense of.
	common := map[synKey][]string{}
	isLemma := make([]map[string]bool, len(poses))
	for pi, p := range poses {
		isLemma[pi] = map[string]bool{}
		forEachLine(filepath.Join(*dict, "index."+p.file), func(line string) {
			if strings.HasPrefix(line, "  ") {
				return
			}
			f := strings.Fields(line)
			lemma := f[0]
			if !singleWord(lemma) {
				return
			}
			synCnt, _ := strconv.Atoi(f[2])
			pCnt, _ := strconv.Atoi(f[3])
			offs := f[4+pCnt+2:]
			if len(offs) != synCnt {
				log.Fatalf("index.%s %s: %d offsets, want %d", p.file, lemma, len(offs), synCnt)
			}
			lp := lemmaPOS{pos: pi}
			for n, o := range offs {
				off, _ := strconv.ParseInt(o, 10, 64)
				s := data[pi][off]
				if s == nil {
					log.Fatalf("index.%s %s: no synset %s", p.file, lemma, o)
				}
				c := counts[countKey{lemma, pi, n + 1}]
				lp.senses = append(lp.senses, sense{s.class, c})
				lp.offsets = append(lp.offsets, off)
				lp.total += c
			}

			lemmas[lemma] = append(lemmas[lemma], lp)
			isLemma[pi][lemma] = true
		})
	}

	var buf bytes.Buffer
	buf.WriteString("# WordNet 3.0 (Princeton University), derived by scripts/wordnet.sh; see WORDNET-LICENSE\n")
	buf.WriteString("#lemmas\n")
	for _, lemma := range sortedKeys(lemmas) {
		buf.WriteString(lemma)
		buf.WriteByte('\t')
		for i, s := range mergeSenses(lemmas[lemma]) {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.Itoa(s.class))
			if s.count > 0 {
				buf.WriteByte(':')
				buf.WriteString(strconv.Itoa(s.count))
			}
		}
		buf.WriteByte('\n')
	}

	buf.WriteString("#exc\n")
	exc := map[string][]string{}
	for pi, p := range poses {
		forEachLine(filepath.Join(*dict, p.file+".exc"), func(line string) {
			f := strings.Fields(line)
			if len(f) < 2 || !singleWord(f[0]) {
				return
			}
			for _, base := range f[1:] {
				if singleWord(base) && base != f[0] && isLemma[pi][base] {
					exc[f[0]] = appendUnique(exc[f[0]], string(p.code)+":"+base)
				}
			}
		})
	}
	for _, w := range sortedKeys(exc) {
		fmt.Fprintf(&buf, "%s\t%s\n", w, strings.Join(exc[w], ","))
	}

	buf.WriteString("#der\n")
	der := map[string][]string{}
	for _, d := range rawDers {
		s := data[d.tgtPos][d.tgtOffset]
		if s == nil || d.tgtWord >= len(s.words) {
			log.Fatalf("bad derivational pointer %+v", d)
		}
		tgt := s.words[d.tgtWord]
		if singleWord(d.src) && singleWord(tgt) && d.src != tgt {
			der[d.src] = appendUnique(der[d.src], tgt)
		}
	}
	for _, w := range sortedKeys(der) {
		ts := der[w]
		sort.Strings(ts)
		fmt.Fprintf(&buf, "%s\t%s\n", w, strings.Join(ts, ","))
	}

	buf.WriteString("#syn\n")
	for lemma, lps := range lemmas {
		for _, k := range commonSenses(lps) {
			common[k] = append(common[k], lemma)
		}
	}
	syn := map[string][]string{}
	for _, ws := range common {
		for _, a := range ws {
			for _, b := range ws {
				if a != b {
					syn[a] = appendUnique(syn[a], b)
				}
			}
		}
	}
	for _, w := range sortedKeys(syn) {
		ts := syn[w]
		sort.Strings(ts)
		fmt.Fprintf(&buf, "%s\t%s\n", w, strings.Join(ts, ","))
	}

	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		log.Fatal(err)
	}
	// No name and no modification time in the header: same bytes each run.
	if _, err := zw.Write(buf.Bytes()); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, gz.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d lemmas, %d exceptions, %d derivational sources, %d with synonyms, %d bytes (%d unpacked)",
		*out, len(lemmas), len(exc), len(der), len(syn), gz.Len(), buf.Len())
}

// mergeSenses merges the senses of a lemma's parts of speech by tag
// count, most frequent first. Each part of speech keeps its own order;
// on a tie the part of speech with the larger total count (then the
// order noun, verb, adjective, adverb) goes first.
func mergeSenses(lps []lemmaPOS) []sense {
	sort.SliceStable(lps, func(i, j int) bool { return lps[i].total > lps[j].total })
	var out []sense
	idx := make([]int, len(lps))
	for {
		best := -1
		for i, lp := range lps {
			if idx[i] >= len(lp.senses) {
				continue
			}
			if best < 0 || lp.senses[idx[i]].count > lps[best].senses[idx[best]].count {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, lps[best].senses[idx[best]])
		idx[best]++
	}
}

// lemmaPOS is a lemma's senses in one part of speech, in WordNet order,
// with the sum of their tag counts.
type lemmaPOS struct {
	pos     int
	senses  []sense
	offsets []int64 // each sense's synset in data.<pos>
	total   int
}

// synKey names a synset: part of speech and offset in data.<pos>.
type synKey struct {
	pos int
	off int64
}

// commonSenses gives a lemma's common senses, across its parts of
// speech: those whose tag count is at least a quarter of the lemma's most
// tagged sense; for a lemma with no tagged sense, the first sense (the
// most frequent, in WordNet's order) of each part of speech. Synonyms
// come only from a synset that is a common sense of both words, so
// "back" (mostly the body part) is not linked to "endorse" (the verb)
// nor "doctor" to the verb's rare senses. The quarter is a choice, not
// fitted: it keeps the senses a reader of everyday English would give
// the word.
func commonSenses(lps []lemmaPOS) []synKey {
	top := 0
	for _, lp := range lps {
		for _, s := range lp.senses {
			top = max(top, s.count)
		}
	}
	var out []synKey
	for _, lp := range lps {
		for n, s := range lp.senses {
			if (top == 0 && n == 0) || (s.count > 0 && 4*s.count >= top) {
				out = append(out, synKey{lp.pos, lp.offsets[n]})
			}
		}
	}
	return out
}

// countKey identifies a sense in cntlist.rev: lemma, part of speech and
// sense number (1-based, in index.<pos> order).
type countKey struct {
	lemma string
	pos   int
	n     int
}

// readCounts reads cntlist.rev lines "sense_key sense_number tag_cnt".
func readCounts(path string) map[countKey]int {
	m := map[countKey]int{}
	// ss_type digit of a sense key -> index in poses (5 = satellite adj).
	ssPos := map[byte]int{'1': 0, '2': 1, '3': 2, '4': 3, '5': 2}
	forEachLine(path, func(line string) {
		f := strings.Fields(line)
		if len(f) != 3 {
			return
		}
		pct := strings.IndexByte(f[0], '%')
		lemma := strings.ToLower(f[0][:pct])
		pos, ok := ssPos[f[0][pct+1]]
		if !ok {
			log.Fatalf("cntlist.rev: bad sense key %q", f[0])
		}
		n, _ := strconv.Atoi(f[1])
		c, _ := strconv.Atoi(f[2])
		m[countKey{lemma, pos, n}] += c
	})
	return m
}

// cleanWord lowercases a data.* word and drops an adjective marker such
// as "(a)" or "(ip)".
func cleanWord(w string) string {
	if i := strings.IndexByte(w, '('); i > 0 {
		w = w[:i]
	}
	return strings.ToLower(w)
}

// singleWord reports whether w is one word (WordNet joins the words of a
// collocation with '_').
func singleWord(w string) bool { return w != "" && !strings.ContainsAny(w, "_ \t,:#") }

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// forEachLine calls fn for each line of the file at path.
func forEachLine(path string, fn func(string)) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fn(sc.Text())
	}
	if err := sc.Err(); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}
