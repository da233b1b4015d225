// Package kbgen writes synthetic knowledge bases of a given size for the
// scale benchmarks: YAML FAQ files and Markdown articles, the same for the
// same seed. See cmd/kbgen.
package kbgen

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"faqbot/internal/defaults"
)

// Options say what to write.
type Options struct {
	// N is the number of entries.
	N int
	// Seed makes the content: the same seed writes the same files.
	Seed uint64
	// YAMLShare is the share of entries written as YAML FAQ entries, the
	// rest as Markdown passages.
	YAMLShare float64
	// PerFile is the number of entries per file (default 1000).
	PerFile int
	// Questions is how many questions questions.txt gets.
	Questions int
}

// Generate writes dir/content/ (y0000.yaml…, m0000.md…) and
// dir/questions.txt. dir must be empty or absent.
func Generate(dir string, o Options) error {
	defaults.Positive(&o.PerFile, 1000)
	if o.N <= 0 || o.YAMLShare < 0 || o.YAMLShare > 1 {
		return fmt.Errorf("kbgen: bad options %+v", o)
	}
	return generate(dir, o.N, o.Seed, o.YAMLShare, o.PerFile, o.Questions)
}

func generate(dir string, n int, seed uint64, yamlShare float64, perFile, nq int) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		return err
	}
	g := newGen(seed, n)
	nYAML := int(float64(n)*yamlShare + 0.5)
	var asked []string
	for _, format := range []struct {
		entries int
		name    string // the files' names, numbered from 0
		write   func(path string, k int) ([]string, error)
	}{
		{nYAML, "y%04d.yaml", g.writeYAML},
		{n - nYAML, "m%04d.md", g.writeMarkdown},
	} {
		for f := 0; f*perFile < format.entries; f++ {
			k := min(perFile, format.entries-f*perFile)
			qs, err := format.write(filepath.Join(content, fmt.Sprintf(format.name, f)), k)
			if err != nil {
				return err
			}
			asked = append(asked, qs...)
		}
	}
	return g.writeQuestions(filepath.Join(dir, "questions.txt"), asked, nq)
}

// base are real words, health first: the head of the vocabulary.
var base = strings.Fields(`
pain back neck knee head headache migraine sleep insomnia fever cough cold flu
asthma allergy diabetes insulin sugar blood pressure heart stroke cancer tumor
skin rash itch eczema acne bone joint arthritis muscle sprain strain fracture
stomach nausea vomiting diarrhea constipation liver kidney bladder urine
infection virus bacteria vaccine antibiotic medicine dose tablet cream
therapy surgery treatment symptom sign cause risk test scan diagnosis doctor
nurse clinic hospital emergency pregnancy baby child adult older woman man
diet food water exercise weight walking stretching massage rest stress anxiety
depression mood memory dementia vision eye ear hearing tooth teeth gum mouth
breathing lung chest throat nose sinus shoulder hip ankle foot hand wrist
chronic acute mild severe daily weekly long short early late common rare
genetic inherited condition disorder disease syndrome deficiency mutation gene
help reduce improve prevent manage avoid recover heal last start stop feel
hours days weeks months years morning night often sometimes usually rarely
safe effective treatment option plan care support program group family
`)

// endings make the made-up words of the vocabulary's long tail.
var (
	onsets = strings.Fields("b c d f g h k l m n p r s t v z br cl dr fl gr pl pr st tr ch sh th")
	nuclei = strings.Fields("a e i o u ai ea io ou")
	codas  = strings.Fields("- - n r s l m t x nd st")
	suffix = strings.Fields("- - - itis osis emia ase ine ol ide al ic ous")
)

// opening are how questions start.
var opening = []string{
	"What is", "What are the symptoms of", "How is", "How can I prevent", "Can",
	"Is it safe to", "When should I see a doctor about", "Why does", "Who gets",
	"What causes", "How long does", "Does", "What are the treatments for",
	"Is", "How do I know if I have", "What should I do about",
}

type gen struct {
	r     *rand.Rand
	vocab []string
	zipf  *rand.Zipf
	seen  map[string]bool
}

func newGen(seed uint64, n int) *gen {
	r := rand.New(rand.NewPCG(seed, 0x6b62676e))
	// The vocabulary grows with the content, about as real text's does
	// (Heaps' law): 2,000 words at 100 entries, 60,000 at 50,000.
	size := 2000 + int(12*float64(n)*0.1) + int(40*sqrt(float64(n)))
	g := &gen{r: r, seen: map[string]bool{}}
	have := map[string]bool{}
	for _, w := range base {
		if !have[w] {
			have[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	for len(g.vocab) < size {
		w := g.madeUp()
		if !have[w] {
			have[w] = true
			g.vocab = append(g.vocab, w)
		}
	}
	g.zipf = rand.NewZipf(r, 1.07, 2, uint64(len(g.vocab)-1))
	return g
}

func sqrt(x float64) float64 {
	z := x / 2
	for i := 0; i < 30 && z > 0; i++ {
		z = (z + x/z) / 2
	}
	return z
}

func (g *gen) pick(list []string) string {
	s := list[g.r.IntN(len(list))]
	if s == "-" {
		return ""
	}
	return s
}

func (g *gen) madeUp() string {
	var b strings.Builder
	for k := 1 + g.r.IntN(3); k > 0; k-- {
		b.WriteString(g.pick(onsets))
		b.WriteString(g.pick(nuclei))
		b.WriteString(g.pick(codas))
	}
	b.WriteString(g.pick(suffix))
	return b.String()
}

func (g *gen) word() string { return g.vocab[g.zipf.Uint64()] }

// topic is a name for what an entry is about: one to three rarer words.
func (g *gen) topic() string {
	var ws []string
	for k := 1 + g.r.IntN(3); k > 0; k-- {
		ws = append(ws, g.vocab[len(base)/2+g.r.IntN(len(g.vocab)-len(base)/2)])
	}
	return strings.Join(ws, " ")
}

func (g *gen) words(lo, hi int) []string {
	n := lo + g.r.IntN(hi-lo+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return ws
}

// sentences turns words into sentences of 8–20 words.
func sentences(r *rand.Rand, ws []string) string {
	var b strings.Builder
	for len(ws) > 0 {
		k := min(len(ws), 8+r.IntN(13))
		s := strings.Join(ws[:k], " ")
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToUpper(s[:1]) + s[1:] + ".")
		ws = ws[k:]
	}
	return b.String()
}

// question is a unique question of 6–15 words about topic.
func (g *gen) question(topic string) string {
	for {
		open := opening[g.r.IntN(len(opening))]
		n := 6 + g.r.IntN(10) - len(strings.Fields(open)) - len(strings.Fields(topic))
		ws := []string{open, topic}
		if n > 0 {
			ws = append(ws, g.words(n, n)...)
		}
		q := strings.Join(ws, " ") + "?"
		k := strings.ToLower(q)
		if !g.seen[k] {
			g.seen[k] = true
			return q
		}
	}
}

// answer is 40–200 words about topic in one to three paragraphs.
func (g *gen) answer(topic string, lo, hi int) []string {
	ws := g.words(lo, hi)
	// The topic appears in the answer, as in real content.
	ws[g.r.IntN(len(ws))] = topic
	var paras []string
	k := 1 + g.r.IntN(3)
	per := (len(ws) + k - 1) / k
	for len(ws) > 0 {
		m := min(per, len(ws))
		paras = append(paras, sentences(g.r, ws[:m]))
		ws = ws[m:]
	}
	return paras
}

func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func (g *gen) writeYAML(path string, n int) ([]string, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	var asked []string
	for i := 0; i < n; i++ {
		t := g.topic()
		q := g.question(t)
		asked = append(asked, q)
		fmt.Fprintf(w, "- question: %s\n", yamlQuote(q))
		if g.r.IntN(4) == 0 {
			fmt.Fprintf(w, "  alternates:\n    - %s\n", yamlQuote(g.question(t)))
		}
		fmt.Fprintf(w, "  answer: |\n")
		for k, p := range g.answer(t, 40, 200) {
			if k > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "    %s\n", p)
		}
		if g.r.IntN(3) == 0 {
			fmt.Fprintf(w, "  tags: [%s]\n", g.word())
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return asked, f.Close()
}

func (g *gen) writeMarkdown(path string, n int) ([]string, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# Health topics %s\n\n", strings.TrimSuffix(filepath.Base(path), ".md"))
	var asked []string
	for written := 0; written < n; {
		t := g.topic()
		h := g.question(t)
		asked = append(asked, h)
		fmt.Fprintf(w, "## %s\n\n", h)
		k := min(1+g.r.IntN(4), n-written)
		for j := 0; j < k; j++ {
			ws := g.words(40, 120)
			if j == 0 {
				ws[0] = t
			}
			fmt.Fprintf(w, "%s\n\n", sentences(g.r, ws))
		}
		written += k
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return asked, f.Close()
}

// writeQuestions writes nq questions: most reworded from asked (a filler
// opening, a dropped word, a typo in a quarter), a fifth off-topic.
func (g *gen) writeQuestions(path string, asked []string, nq int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fillers := []string{"", "", "quick question: ", "i want to know ", "hi, ", "please tell me "}
	offTopic := strings.Fields("python football recipe weather mortgage guitar holiday movie tax laptop")
	for i := 0; i < nq; i++ {
		if i%5 == 4 || len(asked) == 0 {
			fmt.Fprintf(w, "how do i %s my %s\n", g.word(), offTopic[g.r.IntN(len(offTopic))])
			continue
		}
		ws := strings.Fields(strings.ToLower(asked[g.r.IntN(len(asked))]))
		if len(ws) > 6 {
			j := 3 + g.r.IntN(len(ws)-3)
			ws = append(ws[:j], ws[j+1:]...)
		}
		if g.r.IntN(4) == 0 {
			j := g.r.IntN(len(ws))
			if r := []rune(ws[j]); len(r) > 4 {
				k := 1 + g.r.IntN(len(r)-2)
				r[k], r[k+1] = r[k+1], r[k]
				ws[j] = string(r)
			}
		}
		fmt.Fprintf(w, "%s%s\n", fillers[g.r.IntN(len(fillers))], strings.Join(ws, " "))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
