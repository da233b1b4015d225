package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// configKeys lists the dotted YAML keys of a config struct's leaves.
func configKeys(t reflect.Type, prefix string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		key := prefix + tag
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft.NumField() > 0 && ft.Field(0).Tag.Get("yaml") != "" {
			out = append(out, configKeys(ft, key+".")...)
			continue
		}
		out = append(out, key)
	}
	return out
}

// TestConfigReference: every key of the config struct is documented in
// the README's configuration reference or in the docs page of its section,
// so that the reference cannot fall behind the code. A section documented
// as "section.texts.*" covers its keys.
func TestConfigReference(t *testing.T) {
	var docs strings.Builder
	pages, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append([]string{"../../README.md"}, pages...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	text := docs.String()
	var missing []string
	for _, k := range configKeys(reflect.TypeOf(Config{}), "") {
		if strings.Contains(text, "`"+k+"`") || strings.Contains(text, k+":") {
			continue
		}
		covered := false
		for p := k; strings.Contains(p, "."); {
			p = p[:strings.LastIndex(p, ".")]
			if strings.Contains(text, "`"+p+".*`") {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Errorf("config keys documented nowhere (README's configuration table or docs/): %v", missing)
	}
}
