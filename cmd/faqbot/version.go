package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"faqbot/metrics"
)

// buildInfo is what the binary knows about its own build.
type buildInfo struct {
	// Module is the main module's path; Version its version ("(devel)"
	// for a build from a checkout, v1.2.3 for `go install …@v1.2.3`).
	Module, Version string
	// Revision and Time are the VCS commit and its time, and Modified
	// whether the work tree had uncommitted changes; empty when the
	// build carried no VCS stamp (go run, go test, -buildvcs=false).
	Revision, Time string
	Modified       bool
	// GoVersion is the toolchain that built the binary.
	GoVersion string
}

// readBuildInfo reads the build information embedded by the Go toolchain.
func readBuildInfo() buildInfo {
	bi := buildInfo{Module: "faqbot", Version: "unknown", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return bi
	}
	bi.Module, bi.Version = info.Main.Path, info.Main.Version
	if info.GoVersion != "" {
		bi.GoVersion = info.GoVersion
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Revision = s.Value
		case "vcs.time":
			bi.Time = s.Value
		case "vcs.modified":
			bi.Modified = s.Value == "true"
		}
	}
	return bi
}

// revision is the VCS revision for display: "unknown" when not stamped,
// with "+dirty" when the tree was modified.
func (b buildInfo) revision() string {
	r := b.Revision
	if r == "" {
		return "unknown"
	}
	if b.Modified {
		r += "+dirty"
	}
	return r
}

// attr is the build as one log attribute group.
func (b buildInfo) attr() slog.Attr {
	return slog.Group("build", "version", b.Version, "revision", b.revision(), "time", b.Time, "go", b.GoVersion)
}

// version prints the build information.
func (m *Main) version(_ context.Context, args []string) error {
	if _, _, err := m.parseCommon("version", args); err != nil {
		return err
	}
	b := readBuildInfo()
	t := b.Time
	if t == "" {
		t = "unknown"
	}
	fmt.Fprintf(m.Stdout, "faqbot %s\nmodule   %s\nrevision %s\ntime     %s\ngo       %s %s/%s\n",
		b.Version, b.Module, b.revision(), t, b.GoVersion, runtime.GOOS, runtime.GOARCH)
	return nil
}

// buildMetrics exposes faqbot_build_info, always 1, with the build in its
// labels. met may be nil.
func buildMetrics(met *metrics.Metrics) error {
	if met == nil {
		return nil
	}
	b := readBuildInfo()
	return met.GaugeFunc("build_info", "Always 1; the labels say which build is running.",
		map[string]string{"version": b.Version, "revision": b.revision(), "goversion": b.GoVersion},
		func() float64 { return 1 })
}

// health asks a running server's /readyz and fails unless it is ready: a
// container HEALTHCHECK for images without curl.
func (m *Main) health(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("health", &c)
	url := fs.String("url", "", "base URL of the running server (default http://<http.listen>)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	base := *url
	if base == "" {
		cfg, err := m.loadConfig(c)
		if err != nil {
			return err
		}
		base = "http://" + cfg.HTTP.Listen
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/readyz", nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s/readyz answered %d: not ready", base, resp.StatusCode)
	}
	fmt.Fprintln(m.Stdout, "ready")
	return nil
}
