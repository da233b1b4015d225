// Command faqbot is a self-hosted FAQ chatbot for health content: it
// answers questions on Telegram, Discord and HTTP from a knowledge base
// indexed with bleve, with safety triage and a medical-advice disclaimer.
//
// Usage:
//
//	faqbot ask [flags] [question]   answer one question (or --json: stdin lines → JSON lines)
//	faqbot chat [flags]             talk to the bot in the terminal
//	faqbot validate [flags]         check content, synonyms and safety rules
//	faqbot serve [flags]            run the HTTP API and the enabled chat adapters
//	faqbot reindex [flags]          validate content and reindex a running server
//	faqbot report [flags]           what people asked, what failed
//	faqbot version                  the build: module version, VCS revision, Go version
//	faqbot health [-url URL]        exit 0 when a running server is ready
//	faqbot completion bash|zsh|fish print a shell completion script
//
// Every command takes -config PATH (default config.yaml; built-in defaults
// when absent) and -content PATH (repeatable) to override the content.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &Main{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	err := m.Run(ctx)
	stop()
	os.Exit(exitCode(m.Stderr, err))
}

// Main is the program, reusable by end-to-end tests.
type Main struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, when set, is called by serve once it is answering, with the
	// HTTP API address (tests use it).
	Ready func(httpAddr string)
	// onFlags, when set, is given every flag set a command defines
	// (completion reads the commands' flags this way).
	onFlags func(*flag.FlagSet)
}

// errUsage marks a command-line mistake (exit code 2).
var errUsage = errors.New("usage")

// errFailed marks a command that reported its own failure (exit code 1).
var errFailed = errors.New("failed")

func exitCode(w io.Writer, err error) int {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(w, err)
		return 2
	case errors.Is(err, errFailed):
		return 1
	default:
		fmt.Fprintln(w, "faqbot:", err)
		return 1
	}
}

const usage = `faqbot — a health FAQ chatbot

usage: faqbot <command> [flags]

commands:
  ask [--json] [question]   answer a question; with --json and no question, read
                            questions from stdin (one a line), write JSON lines
  chat                      talk to the bot in this terminal
  validate                  load content, synonyms and safety rules; report problems
  serve                     run the HTTP API and the enabled Telegram/Discord adapters
  reindex                   validate content, then reindex the running server
  report                    show what people asked and what the bot could not answer
  version                   print the build: module version, VCS revision and time, Go version
  health [-url URL]         exit 0 when the running server is ready (container health checks)
  completion bash|zsh|fish  print a shell completion script (docs: README, "Shell completion")

flags for every command:
  -config PATH    config file (default config.yaml; built-in defaults if absent)
  -content PATH   content file or folder, repeatable (overrides content.paths)
`

// Run runs the command named by m.Args.
func (m *Main) Run(ctx context.Context) error {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	if len(m.Args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return fmt.Errorf("%w: no command", errUsage)
	}
	cmd, args := m.Args[0], m.Args[1:]
	switch cmd {
	case "-version", "--version":
		cmd = "version"
	case "-h", "-help", "--help":
		cmd = "help"
	}
	for _, c := range commandTable() {
		if c.name == cmd {
			return c.run(m, ctx, args)
		}
	}
	fmt.Fprint(m.Stderr, usage)
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}

// command is one faqbot subcommand.
type command struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
	// args completes the positional arguments: "files", or words.
	args []string
}

// commandTable lists the subcommands, for Run and for shell completion (a
// function, not a variable: completion reads it).
func commandTable() []command {
	return []command{
		{name: "ask", summary: "answer a question", run: (*Main).ask},
		{name: "chat", summary: "talk to the bot in this terminal", run: (*Main).chat},
		{name: "validate", summary: "check content, synonyms and safety rules", run: (*Main).validate},
		{name: "serve", summary: "run the HTTP API and the enabled chat adapters", run: (*Main).serve},
		{name: "reindex", summary: "validate content, then reindex the running server", run: (*Main).reindex},
		{name: "report", summary: "what people asked and what the bot could not answer", run: (*Main).report},
		{name: "eval", summary: "measure answers against a labelled set", run: (*Main).eval, args: []string{"files"}},
		{name: "train", summary: "learn the ranker weights from the labelled sets", run: (*Main).train},
		{name: "train-safety", summary: "learn the safety triage's second-opinion model from the red-team sets", run: (*Main).trainSafety},
		{name: "version", summary: "print the build", run: (*Main).version},
		{name: "health", summary: "exit 0 when the running server is ready", run: (*Main).health},
		{name: "completion", summary: "print a shell completion script", run: (*Main).completion, args: completionShells},
		{name: "help", summary: "show the usage", run: func(m *Main, _ context.Context, _ []string) error {
			fmt.Fprint(m.Stdout, usage)
			return nil
		}},
	}
}
