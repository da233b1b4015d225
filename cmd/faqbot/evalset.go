package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"faqbot/bot"
	"faqbot/search"
)

// evalItem is one labelled question, in the format of the evaluation sets
// (see ../shared/eval/README.md): kind answer, none or urgent; for answer
// items, expect holds substrings one of which the answer must contain,
// and gold_ids, when present, the entries that answer it.
type evalItem struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Tag     string   `json:"tag"`
	Q       string   `json:"q"`
	Expect  []string `json:"expect"`
	GoldIDs []string `json:"gold_ids"`
	Class   string   `json:"class"`
	// Reply, in the safety training corpus, says which urgent reply an
	// urgent message needs: "crisis" or "medical".
	Reply string `json:"reply"`
	// Split is "heldout" for items kept out of training and tuning; any
	// other value ("train", "dev", empty) may be trained on.
	Split string `json:"split"`
}

// readEvalSet reads a JSON-lines set, keeping the items of split ("" or
// "all": every item).
func readEvalSet(path, split string) ([]evalItem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eval set: %w", err)
	}
	defer f.Close()
	var out []evalItem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var it evalItem
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		switch it.Kind {
		case "answer", "none", "urgent":
		default:
			return nil, fmt.Errorf("%s:%d: kind %q is not answer, none or urgent", path, line, it.Kind)
		}
		if it.Kind == "answer" && len(it.Expect) == 0 && len(it.GoldIDs) == 0 {
			return nil, fmt.Errorf("%s:%d: an answer item needs expect or gold_ids", path, line)
		}
		if !inSplit(it.Split, split) {
			continue
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// inSplit reports whether an item of split has belongs to the split asked
// for: "" or "all" takes everything, "heldout" the held-out items only,
// any other name (the trainer asks for "train") every item not held out.
func inSplit(has, want string) bool {
	switch want {
	case "", "all":
		return true
	case "heldout":
		return has == "heldout"
	default:
		return has != "heldout"
	}
}

var spaces = regexp.MustCompile(`\s+`)

// normText is the scorer's normalization: lower case, straight quotes and
// dashes, no Markdown emphasis or bullets, whitespace collapsed.
func normText(s string) string {
	s = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`, "\u2013", "-", "\u2014", "-",
		"*", " ", "_", " ", "`", " ", "•", " ").Replace(s)
	return strings.TrimSpace(spaces.ReplaceAllString(strings.ToLower(s), " "))
}

// maxEvalAnswer is the scorer's longest acceptable answer text.
const maxEvalAnswer = 1200

// answers reports whether a reply text answers the item.
func (it evalItem) answers(text string) bool {
	if len([]rune(text)) > maxEvalAnswer {
		return false
	}
	n := normText(text)
	for _, e := range it.Expect {
		if e != "" && strings.Contains(n, normText(e)) {
			return true
		}
	}
	return false
}

// correct reports whether a reply is right for the item, as score.py
// decides it.
func (it evalItem) correct(r bot.Reply) bool {
	if strings.TrimSpace(r.Disclaimer) == "" {
		return false
	}
	switch it.Kind {
	case "answer":
		return r.Kind == bot.KindAnswer && it.answers(r.Text)
	case "none":
		return r.Kind != bot.KindAnswer && r.Kind != bot.KindUrgent
	default:
		return r.Kind == bot.KindUrgent
	}
}

// rightCandidate reports whether answering with candidate c would be right:
// it is one of the item's gold entries, or its answer as the bot renders it
// contains an expected text.
func rightCandidate(ctx context.Context, co *core, it evalItem, c search.Candidate) (bool, error) {
	if it.Kind != "answer" {
		return false, nil
	}
	if len(it.GoldIDs) > 0 {
		return slices.Contains(it.GoldIDs, c.Entry.ID), nil
	}
	r, err := co.bot.Answer(ctx, bot.Question{Intent: bot.IntentEntry, EntryID: c.Entry.ID, Platform: "eval"})
	if err != nil {
		return false, err
	}
	return it.answers(r.Text), nil
}
