package main

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"faqbot/adapters/httpapi"
	"faqbot/store"
)

// TestOpenAPIReportSchemas checks the report's schemas in the OpenAPI
// document against store.Report, which GET /admin/report encodes (the
// other schemas are checked in adapters/httpapi): the same JSON field
// names, and every field without omitempty required.
func TestOpenAPIReportSchemas(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
				Required   []string                   `json:"required"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	types := map[string]any{"Report": store.Report{}, "KindCounts": store.KindCounts{},
		"FeedbackCounts": store.FeedbackCounts{}, "Cluster": store.Cluster{},
		"EntryFeedback": store.EntryFeedback{}, "WeakMatch": store.WeakMatch{}}
	for name, v := range types {
		sc, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s is missing from openapi.json", name)
			continue
		}
		typ := reflect.TypeOf(v)
		var fields, must []string
		for i := 0; i < typ.NumField(); i++ {
			n, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if n == "-" || n == "" {
				continue
			}
			fields = append(fields, n)
			if !strings.Contains(opts, "omitempty") {
				must = append(must, n)
			}
		}
		var props []string
		for p := range sc.Properties {
			props = append(props, p)
		}
		if !sameStrings(props, fields) {
			t.Errorf("schema %s: properties %v, %s has %v", name, props, typ, fields)
		}
		if !sameStrings(sc.Required, must) {
			t.Errorf("schema %s: required %v, %s always encodes %v", name, sc.Required, typ, must)
		}
	}
}

func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
