package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"faqbot/bot"
	"faqbot/faq"
	"faqbot/search"
)

// quietCore loads the config and the core for the terminal commands, which
// log only warnings and errors (to stderr).
func (m *Main) quietCore(c common) (*core, error) {
	cfg, err := m.loadConfig(c)
	if err != nil {
		return nil, err
	}
	return buildCore(cfg, newLogger(m.Stderr, cfg.Log, slog.LevelWarn), nil)
}

// maxStdinLine caps one question line read from standard input.
const maxStdinLine = 1 << 20

func (m *Main) ask(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("ask", &c)
	asJSON := fs.Bool("json", false, "write replies as JSON lines; with no question, read questions from stdin")
	explain := fs.Bool("explain", false, "also print the top search matches with their confidence")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 && !*asJSON {
		return fmt.Errorf("%w: faqbot ask \"question\" (or --json with questions on stdin)", errUsage)
	}
	co, err := m.quietCore(c)
	if err != nil {
		return err
	}
	defer co.lib.Close()
	q := strings.Join(fs.Args(), " ")
	if fs.NArg() > 0 {
		r, err := co.bot.Answer(ctx, bot.Question{Text: q, Platform: "cli"})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(m.Stdout, r)
		}
		printReply(m.Stdout, r)
		if *explain {
			cands, err := co.lib.Index().Candidates(ctx, q)
			if err != nil {
				return err
			}
			fmt.Fprintln(m.Stdout, "\ncandidates (confidence, entry, features):")
			for k, c := range cands {
				if k == 5 {
					break
				}
				fmt.Fprintf(m.Stdout, "  %.3f %-12s %q\n        %s\n", c.Confidence, c.Entry.ID, clipText(c.Entry.Title+" | "+c.Entry.Text, 70), featureString(c.Features))
			}
		}
		return nil
	}
	out := bufio.NewWriter(m.Stdout)
	defer out.Flush()
	rd := bufio.NewReaderSize(m.Stdin, 64<<10)
	for {
		line, err := readLine(rd)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("ask: read stdin: %w", err)
		}
		r, err := co.bot.Answer(ctx, bot.Question{Text: line, Platform: "cli"})
		if err != nil {
			return err
		}
		if err := writeJSON(out, r); err != nil {
			return err
		}
	}
}

// readLine reads one line of any length, keeping at most maxStdinLine
// bytes of it, without its line ending. io.EOF only when nothing is left.
func readLine(rd *bufio.Reader) (string, error) {
	var b []byte
	for {
		chunk, isPrefix, err := rd.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && b != nil {
				return string(b), nil
			}
			return "", err
		}
		if len(b) < maxStdinLine {
			b = append(b, chunk...)
		}
		if b == nil {
			b = []byte{}
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

func writeJSON(w io.Writer, r bot.Reply) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("ask: encode reply: %w", err)
	}
	data = append(data, '\n')
	_, err = w.Write(data)
	return err
}

// printReply renders a reply for a terminal.
func printReply(w io.Writer, r bot.Reply) {
	switch r.Kind {
	case bot.KindUrgent:
		fmt.Fprintf(w, "⚠️  URGENT — %s\n\n", r.Source.Title)
	case bot.KindAnswer:
		fmt.Fprintf(w, "» %s\n\n", r.Source.Title)
	}
	fmt.Fprintln(w, r.Text)
	if len(r.DidYouMean) > 0 && r.Kind != bot.KindClarify {
		fmt.Fprintf(w, "\n(Or did you mean: %s?)\n", r.DidYouMean[0].Title)
	}
	list := func(title string, refs []bot.Ref) {
		if len(refs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for i, t := range refs {
			fmt.Fprintf(w, "  %d. %s\n", i+1, t.Title)
		}
	}
	if r.Kind == bot.KindClarify {
		list("Type a number:", r.DidYouMean)
	}
	list("Related questions:", r.Related)
	list("You can ask:", r.Topics)
	fmt.Fprintf(w, "\nℹ️  %s\n", r.Disclaimer)
}

// chat is an interactive terminal session. Typing the number of a listed
// question asks it; "quit", "exit" or end of input leaves.
func (m *Main) chat(ctx context.Context, args []string) error {
	c, _, err := m.parseCommon("chat", args)
	if err != nil {
		return err
	}
	co, err := m.quietCore(c)
	if err != nil {
		return err
	}
	defer co.lib.Close()
	fmt.Fprintf(m.Stdout, "faqbot — %d entries loaded. Ask a question; type a number to pick a listed question, \"quit\" to leave.\n\n", co.lib.Index().Len())
	help, err := co.bot.Answer(ctx, bot.Question{Intent: bot.IntentHelp, Platform: "cli"})
	if err != nil {
		return err
	}
	printReply(m.Stdout, help)
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		rd := bufio.NewReader(m.Stdin)
		for {
			l, err := readLine(rd)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					errc <- err
				}
				return
			}
			select {
			case lines <- l:
			case <-ctx.Done():
				return
			}
		}
	}()
	var choices []bot.Ref
	for {
		fmt.Fprint(m.Stdout, "\n> ")
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			fmt.Fprintln(m.Stdout)
			return nil
		case err := <-errc:
			return fmt.Errorf("chat: read: %w", err)
		case line, ok = <-lines:
		}
		if !ok {
			fmt.Fprintln(m.Stdout)
			return nil
		}
		t := strings.TrimSpace(line)
		if t == "quit" || t == "exit" || t == "/quit" {
			return nil
		}
		q := bot.Question{Text: line, Platform: "cli", UserID: "terminal"}
		if n, err := strconv.Atoi(t); err == nil && n >= 1 && n <= len(choices) {
			q.Intent, q.EntryID = bot.IntentEntry, choices[n-1].ID
		}
		r, err := co.bot.Answer(ctx, q)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout)
		printReply(m.Stdout, r)
		choices = r.Related
		if len(r.Topics) > 0 {
			choices = r.Topics
		}
		if r.Kind == bot.KindClarify {
			choices = r.DidYouMean
		}
	}
}

// validate loads everything an operator can break and reports each problem.
func (m *Main) validate(ctx context.Context, args []string) error {
	cfg, err := m.commandConfig("validate", args)
	if err != nil {
		return err
	}
	problems := 0
	opt := cfg.contentOptions()
	res, lerr := faq.Load(cfg.contentPaths(), opt)
	for _, f := range res.Files {
		status := fmt.Sprintf("%d entries", f.Entries)
		if opt.Overlay != "" && f.Path == opt.Overlay {
			status = fmt.Sprintf("%d alternates", f.Alternates)
		}
		if f.Err != nil {
			status = "FAILED"
		}
		fmt.Fprintf(m.Stdout, "content  %-50s %s\n", f.Path, status)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(m.Stdout, "  warning: %s\n", w)
	}
	if lerr != nil {
		for _, e := range faq.ErrorList(lerr) {
			fmt.Fprintf(m.Stdout, "  error: %s\n", e)
			problems++
		}
	}
	syn, serr := search.LoadSynonyms(cfg.synonymPaths())
	if serr != nil {
		fmt.Fprintf(m.Stdout, "synonyms FAILED\n  error: %s\n", serr)
		problems++
	} else {
		fmt.Fprintf(m.Stdout, "synonyms %d groups (built in + %d files)\n", syn.Len(), len(cfg.Content.Synonyms))
	}
	if lex, err := search.LoadLexicons(cfg.lexiconFiles()); err != nil {
		fmt.Fprintf(m.Stdout, "lexicons FAILED\n")
		for _, e := range faq.ErrorList(err) {
			fmt.Fprintf(m.Stdout, "  error: %s\n", e)
			problems++
		}
	} else if lex.Len() > 0 {
		fmt.Fprintf(m.Stdout, "lexicons %d words and spellings added\n", lex.Len())
	}
	rulesName := "built in"
	if cfg.Safety.Rules != "" {
		rulesName = cfg.path(cfg.Safety.Rules)
	}
	if t, err := bot.ValidateTriage(cfg.path(cfg.Safety.Rules)); err != nil {
		fmt.Fprintf(m.Stdout, "safety   %s FAILED\n", rulesName)
		for _, e := range faq.ErrorList(err) {
			fmt.Fprintf(m.Stdout, "  error: %s\n", e)
			problems++
		}
	} else {
		fmt.Fprintf(m.Stdout, "safety   %s: %d rules\n", rulesName, t.Len())
	}
	if rk, err := search.LoadRanker(cfg.path(cfg.Content.Ranker)); err != nil {
		fmt.Fprintf(m.Stdout, "ranker   FAILED\n  error: %s\n", err)
		problems++
	} else {
		fmt.Fprintf(m.Stdout, "ranker   %d features, answers at %.3f (%s)\n", len(rk.Features), cfg.minConfidence(rk), clipText(rk.Origin, 60))
	}
	if problems > 0 {
		fmt.Fprintf(m.Stdout, "\n%d problem(s), %d warning(s); %d entries would be served\n", problems, len(res.Warnings), len(res.Entries))
		return errFailed
	}
	warned := ""
	if len(res.Warnings) > 0 {
		warned = fmt.Sprintf(" (%d warning(s): content worked around, see above)", len(res.Warnings))
	}
	fmt.Fprintf(m.Stdout, "\nOK: %d entries, content version %s%s\n", len(res.Entries), res.Version, warned)
	return nil
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
