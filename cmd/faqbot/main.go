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
//
// Every command takes -config PATH (default config.yaml; built-in defaults
// when absent) and -content PATH (repeatable) to override the content.
package main

import (
	"context"
	"errors"
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
	case "ask":
		return m.ask(ctx, args)
	case "chat":
		return m.chat(ctx, args)
	case "validate":
		return m.validate(ctx, args)
	case "serve":
		return m.serve(ctx, args)
	case "reindex":
		return m.reindex(ctx, args)
	case "report":
		return m.report(ctx, args)
	case "train":
		return m.train(ctx, args)
	case "eval":
		return m.eval(ctx, args)
	case "version", "-version", "--version":
		return m.version(ctx, args)
	case "health":
		return m.health(ctx, args)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	default:
		fmt.Fprint(m.Stderr, usage)
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
}
