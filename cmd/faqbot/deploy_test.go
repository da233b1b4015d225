package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeFile is the part of a compose file the test reads.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image string `yaml:"image"`
	Build struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []struct {
		Type     string `yaml:"type"`
		Source   string `yaml:"source"`
		Target   string `yaml:"target"`
		ReadOnly bool   `yaml:"read_only"`
	} `yaml:"volumes"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	DependsOn map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Ports []string `yaml:"ports"`
}

// TestComposeFile parses deploy/compose.yaml (docker is not needed): two
// faqbot replicas of the image built from deploy/Containerfile, on the
// PostgreSQL service, reading one content folder read-only, healthy by
// `faqbot health` (which asks /readyz), secrets from the environment.
func TestComposeFile(t *testing.T) {
	data, err := os.ReadFile("../../deploy/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	pg, ok := c.Services["postgres"]
	if !ok || !strings.Contains(pg.Image, "postgres:") || !slicesContains(pg.Healthcheck.Test, "pg_isready") {
		t.Errorf("compose.yaml: want a postgres service with a pg_isready health check, got %+v", pg)
	}
	image := readYAMLConfig(t, "../../deploy/container.yaml")
	var replicas []string
	contents := map[string]bool{}
	for name, s := range c.Services {
		if s.Build.Dockerfile == "" {
			continue
		}
		replicas = append(replicas, name)
		if s.Image == "" || s.Image != c.Services["faqbot-1"].Image {
			t.Errorf("%s: image %q; want every replica on one image name", name, s.Image)
		}
		if df := filepath.Join("../../deploy", s.Build.Context, s.Build.Dockerfile); !fileExists(df) {
			t.Errorf("%s: builds from %s, which does not exist", name, df)
		}
		// The health check is faqbot health against the listen port of the
		// image's config; faqbot health asks /readyz.
		hc := strings.Join(s.Healthcheck.Test, " ")
		_, port, _ := strings.Cut(image.HTTP.Listen, ":")
		if !strings.Contains(hc, "faqbot health") || !strings.Contains(hc, "http://127.0.0.1:"+port) {
			t.Errorf("%s: health check %q; want faqbot health -url http://127.0.0.1:%s (/readyz)", name, hc, port)
		}
		if s.DependsOn["postgres"].Condition != "service_healthy" {
			t.Errorf("%s: want depends_on postgres: service_healthy", name)
		}
		// Secrets and the DSN come from the environment, never literals.
		for _, k := range []string{"FAQBOT_ADMIN_TOKEN", "FAQBOT_STORE_SALT", "FAQBOT_STORE_DSN"} {
			v, ok := s.Environment[k]
			if !ok || !strings.Contains(v, "${") {
				t.Errorf("%s: %s = %q; want it from the environment (${...})", name, k, v)
			}
		}
		for k, v := range s.Environment {
			if strings.Contains(k, "TOKEN") || strings.Contains(k, "SECRET") || strings.Contains(k, "SALT") {
				if !regexp.MustCompile(`^\$\{[A-Z_]+(:[?-][^}]*)?\}$`).MatchString(v) {
					t.Errorf("%s: %s = %q is not a ${VARIABLE} reference", name, k, v)
				}
			}
		}
		if dsn := s.Environment["FAQBOT_STORE_DSN"]; !strings.HasPrefix(dsn, "postgres://") || !strings.Contains(dsn, "@postgres:") {
			t.Errorf("%s: FAQBOT_STORE_DSN %q; want postgres://…@postgres:…", name, dsn)
		}
		for _, v := range s.Volumes {
			if slicesContains(image.Content.Paths, v.Target) {
				if !v.ReadOnly {
					t.Errorf("%s: the content at %s is writable; mount it read-only", name, v.Target)
				}
				contents[v.Source] = true
			}
		}
		if len(s.Ports) != 1 {
			t.Errorf("%s: ports %v; want one published port", name, s.Ports)
		}
	}
	if len(replicas) != 2 {
		t.Errorf("compose.yaml builds %d faqbot services (%v), want two replicas", len(replicas), replicas)
	}
	if len(contents) != 1 {
		t.Errorf("the replicas mount content from %v; want one content folder for both", contents)
	}
	for src := range contents {
		if !fileExists(filepath.Join("../../deploy", src)) {
			t.Errorf("content source %s does not exist", src)
		}
	}
	if c.Services["faqbot-1"].Ports[0] == c.Services["faqbot-2"].Ports[0] {
		t.Error("both replicas publish the same port")
	}
}

// TestContainerfile is the lint .ci/run can run without hadolint (which
// Debian does not package; docs/deploy.md has the manual check): a
// multi-stage build of a static binary, pinned base images, a non-root
// user, a health check with faqbot health, exec-form commands, and the
// files it copies exist.
func TestContainerfile(t *testing.T) {
	data, err := os.ReadFile("../../deploy/Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms, users []string
	var healthcheck, entrypoint string

	for _, l := range strings.Split(strings.ReplaceAll(string(data), "\\\n", " "), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}

		instr, rest, _ := strings.Cut(l, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			froms = append(froms, rest)
		case "USER":
			users = append(users, rest)
		case "HEALTHCHECK":
			healthcheck = rest
		case "ENTRYPOINT", "CMD":
			entrypoint += rest
			if !strings.HasPrefix(strings.TrimSpace(rest), "[") {
				t.Errorf("%s %s: use the exec (JSON) form", instr, rest)
			}
		case "COPY":
			if strings.Contains(rest, "--from=") {
				continue
			}
			f := strings.Fields(rest)
			for _, src := range f[:len(f)-1] {
				if !strings.HasPrefix(src, "--") && src != "." && !fileExists(filepath.Join("../..", src)) {
					t.Errorf("COPY %s: no such file in the repository", src)
				}
			}
		}
	}
	if len(froms) < 2 {
		t.Errorf("FROM %v: want a multi-stage build", froms)
	}
	for _, f := range froms {
		image := strings.Fields(f)[0]
		if !strings.Contains(image, ":") || strings.HasSuffix(image, ":latest") {
			t.Errorf("FROM %s: pin the base image's tag", image)
		}
	}
	if len(users) == 0 || users[len(users)-1] == "root" || strings.HasPrefix(users[len(users)-1], "0") {
		t.Errorf("USER %v: the image must end as a non-root user", users)
	}
	if !strings.Contains(healthcheck, `"health"`) || !strings.Contains(healthcheck, "faqbot") {
		t.Errorf("HEALTHCHECK %q: want faqbot health", healthcheck)
	}
	if !strings.Contains(string(data), "CGO_ENABLED=0") {
		t.Error("the binary must be static: build with CGO_ENABLED=0")
	}
	if !strings.Contains(entrypoint, "faqbot") || !strings.Contains(entrypoint, "serve") {
		t.Errorf("ENTRYPOINT/CMD %q: want faqbot serve", entrypoint)
	}
	// The baked-in config loads.
	readYAMLConfig(t, "../../deploy/container.yaml")
	readYAMLConfig(t, "../../deploy/config.yaml")

}

func readYAMLConfig(t *testing.T, p string) Config {
	t.Helper()
	cfg, err := ReadConfig(p, true)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return cfg
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestReadmeDeploying: the README's Deploying section covers the single
// binary, the container, compose with replicas and systemd, links files
// that exist, and quotes paragraphs of docs/store.md and docs/telegram.md
// that are still there; its Upgrading note covers migrations, the refusal
// of an older binary and the journal replay.
func TestReadmeDeploying(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	_, section, ok := strings.Cut(readme, "\n## Deploying\n")
	if !ok {
		t.Fatal("README has no ## Deploying section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	section = strings.Join(strings.Fields(section), " ") // lines wrap anywhere
	for _, want := range []string{"**Single binary.**", "**Container.**", "**Compose with replicas.**", "**systemd.**", "### Upgrading",
		"schema migrations", "older than the database's schema", "replays the store journal"} {
		if !strings.Contains(section, want) {
			t.Errorf("README Deploying lacks %q", want)
		}
	}
	for _, m := range regexp.MustCompile(`\]\(([^)#]+)\)`).FindAllStringSubmatch(section, -1) {
		if !fileExists(filepath.Join("../..", m[1])) {
			t.Errorf("README Deploying links %s, which does not exist", m[1])
		}
	}
	for doc, para := range map[string]string{"docs/store.md": "Replicas serve one content version", "docs/telegram.md": "Several replicas behind a load balancer"} {
		if !strings.Contains(section, doc) || !strings.Contains(section, para) {
			t.Errorf("README Deploying does not point at %s (%q)", doc, para)
		}
		b, err := os.ReadFile(filepath.Join("../..", doc))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(strings.Fields(string(b)), " "), para) {
			t.Errorf("%s no longer has the paragraph %q the README points at", doc, para)
		}
	}
	// The refusal the note quotes is the store's.
	b, err := os.ReadFile("../../store/migrate.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "is newer than this binary's") || !strings.Contains(section, "is newer than this binary's") {
		t.Error("the Upgrading note must quote the store's refusal of a newer schema")
	}
}
