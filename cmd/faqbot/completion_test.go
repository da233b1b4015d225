package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// helpFlags are the flags a command prints for -h: read from its usage
// output, not from the completion code.
func helpFlags(t *testing.T, cmd string) []string {
	t.Helper()
	_, stderr, err := run(t, "", nil, cmd, "-h")
	if !errors.Is(err, errUsage) {
		t.Fatalf("faqbot %s -h: %v, want a usage error", cmd, err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(stderr, -1) {
		out = append(out, m[1])
	}
	return out
}

// usageCommands are the commands the usage text lists.
func usageCommands() []string {
	_, section, _ := strings.Cut(usage, "commands:\n")
	section, _, _ = strings.Cut(section, "\n\n")
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z]+)`).FindAllStringSubmatch(section, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestCompletionScripts: every subcommand and every flag it prints for -h
// is in each shell's script, in that shell's syntax.
func TestCompletionScripts(t *testing.T) {
	var names []string
	for _, c := range commandTable() {
		names = append(names, c.name)
	}
	for _, u := range usageCommands() {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+u+" ") {
			t.Errorf("the usage lists %q, which is not in the command table", u)
		}
	}
	scripts := map[string]string{}
	for _, sh := range completionShells {
		out, _, err := run(t, "", nil, "completion", sh)
		if err != nil {
			t.Fatalf("faqbot completion %s: %v", sh, err)
		}
		scripts[sh] = out
	}
	flagsSeen := 0
	for _, c := range commandTable() {
		if !strings.Contains(scripts["bash"], "        "+c.name+") flags=") {
			t.Errorf("bash: no case for %s", c.name)
		}
		if !strings.Contains(scripts["zsh"], "'"+c.name+":") || !strings.Contains(scripts["zsh"], "        "+c.name+") specs=(") {
			t.Errorf("zsh: %s is not described or has no specs", c.name)
		}
		if !strings.Contains(scripts["fish"], "-n __fish_use_subcommand -a "+c.name+" ") {
			t.Errorf("fish: %s is not offered", c.name)
		}
		if c.name == "help" {
			continue
		}
		flags := helpFlags(t, c.name)
		if len(flags) < 2 {
			t.Errorf("faqbot %s -h lists %v; want at least -config and -content", c.name, flags)
		}
		bashLine := lineWith(scripts["bash"], "        "+c.name+") flags=")
		for _, f := range flags {
			flagsSeen++
			if !strings.Contains(bashLine, "-"+f+" ") && !strings.Contains(bashLine, "-"+f+`"`) {
				t.Errorf("bash: %s -%s missing: %s", c.name, f, bashLine)
			}
			if !strings.Contains(scripts["zsh"], "-"+f+"[") || !strings.Contains(scripts["zsh"], "--"+f+"[") {
				t.Errorf("zsh: -%s missing", f)
			}
			if !strings.Contains(scripts["fish"], "'__fish_seen_subcommand_from "+c.name+"' -o "+f+" -l "+f) {
				t.Errorf("fish: %s -%s missing", c.name, f)
			}
		}
	}
	t.Logf("%d commands, %d command flags checked in bash, zsh and fish", len(names), flagsSeen)

	if _, _, err := run(t, "", nil, "completion", "tcsh"); !errors.Is(err, errUsage) {
		t.Errorf("faqbot completion tcsh: %v, want a usage error", err)
	}
	if _, _, err := run(t, "", nil, "completion"); !errors.Is(err, errUsage) {
		t.Errorf("faqbot completion: %v, want a usage error", err)
	}

	// Each shell parses its script, where the shell is installed.
	dir := t.TempDir()
	for sh, args := range map[string][]string{"bash": {"-n"}, "zsh": {"-n"}, "fish": {"--no-execute"}} {
		path, err := exec.LookPath(sh)
		if err != nil {
			t.Logf("%s is not installed: its script is not parsed", sh)
			continue
		}
		f := filepath.Join(dir, "faqbot."+sh)
		if err := os.WriteFile(f, []byte(scripts[sh]), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(path, append(args, f)...).CombinedOutput(); err != nil {
			t.Errorf("%s does not parse its script: %v\n%s", sh, err, out)
		}
	}
}

func lineWith(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// TestShellCompletion runs each shell's completion on command lines, as
// the shell does on Tab, where the shell is installed: bash runs the
// script's function, fish is asked what it would complete.
func TestShellCompletion(t *testing.T) {
	for _, sh := range []struct {
		name     string
		complete func(shell, script, line string) (string, error)
		want     map[string]string // command line -> completions
	}{
		{"bash", bashComplete, map[string]string{
			"faqbot re":             "reindex report",
			"faqbot comp":           "completion",
			"faqbot ask --j":        "--json",
			"faqbot ask -":          "-config -content -explain -json",
			"faqbot report -f":      "-format",
			"faqbot reindex -f":     "-force",
			"faqbot completion z":   "zsh",
			"faqbot serve -config ": "", // a file name: bash's default completion
			"faqbot health --url ":  "",
		}},
		{"fish", fishComplete, map[string]string{
			"faqbot re":          "reindex report",
			"faqbot report -f":   "-format",
			"faqbot reindex --f": "--force",
			"faqbot completion ": "bash fish zsh",
		}},
	} {
		t.Run(sh.name, func(t *testing.T) {
			shell, script := completionScript(t, sh.name)
			for line, want := range sh.want {
				got, err := sh.complete(shell, script, line)
				if err != nil {
					t.Errorf("%q: %v", line, err)
					continue
				}
				if got != want {
					t.Errorf("%q<Tab>: %q, want %q", line, got, want)
				}
			}
		})
	}
}

// bashComplete is what the script's _faqbot offers for line.
func bashComplete(bash, script, line string) (string, error) {
	words := strings.Fields(line)
	if strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + w + "'"
	}
	prog := "source " + script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
		strconv.Itoa(len(words)-1) + "\n_faqbot\necho \"${COMPREPLY[*]}\"\n"
	out, err := exec.Command(bash, "--norc", "--noprofile", "-c", prog).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// fishComplete is what fish, with the script sourced, completes line to.
func fishComplete(fish, script, line string) (string, error) {
	out, err := exec.Command(fish, "--no-config", "-c", "source "+script+"; complete -C'"+line+"'").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		w, _, _ := strings.Cut(l, "\t")
		got = append(got, w)
	}
	return strings.Join(got, " "), nil
}

// TestCompletionFileFlags: every flag completed as a file name is some
// command's flag that takes a value.
func TestCompletionFileFlags(t *testing.T) {
	specs, err := completionSpecs()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range fileFlags {
		found := false
		for _, c := range specs {
			for _, f := range c.flags {
				found = found || f.name == name && f.takesValue && f.file
			}
		}
		if !found {
			t.Errorf("fileFlags lists -%s, which no command defines as a flag with a value", name)
		}
	}
}

// completionScript writes `faqbot completion <shell>` to a file and returns
// the shell's path and the file; it skips the test where the shell is not
// installed.
func completionScript(t *testing.T, shell string) (path, file string) {
	t.Helper()
	path, err := exec.LookPath(shell)
	if err != nil {
		t.Skipf("%s is not installed", shell)
	}
	script, _, err := run(t, "", nil, "completion", shell)
	if err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(t.TempDir(), "faqbot."+shell)
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, file
}
