package search

import (
	"context"
	"faqbot/faq"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDbg(t *testing.T) {
	r, _ := faq.Load([]string{"../content"}, faq.Options{})
	x, _ := New(r.Entries, DefaultSynonyms())
	debugRank = true
	for _, q := range strings.Split(os.Getenv("Q"), ";") {
		fmt.Println("Q:", q)
		for _, c := range x.snap.analyzeQuery(q) {
			fmt.Printf("   concept %q w=%.2f alts=%d\n", c.surface, c.weight, len(c.alts))
		}
		x.Search(context.Background(), q, 3)
	}
}
