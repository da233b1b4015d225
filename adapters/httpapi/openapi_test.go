package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"faqbot/adapters/httpapi"
)

// openAPIDoc is the part of an OpenAPI 3 document the tests read.
type openAPIDoc struct {
	OpenAPI    string                          `json:"openapi"`
	Paths      map[string]map[string]operation `json:"paths"`
	Components struct {
		Schemas map[string]schema `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	OperationID string `json:"operationId"`
	RequestBody *struct {
		Content map[string]struct {
			Examples map[string]struct {
				Value json.RawMessage `json:"value"`
			} `json:"examples"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]json.RawMessage `json:"responses"`
	Security  []map[string][]string      `json:"security"`
}

type schema struct {
	Properties           map[string]json.RawMessage `json:"properties"`
	Required             []string                   `json:"required"`
	AdditionalProperties *bool                      `json:"additionalProperties"`
}

// httpMethods are the methods an OpenAPI path item may hold.
var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	dec := json.NewDecoder(bytes.NewReader(httpapi.OpenAPI()))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: openapi %q, want 3.x", doc.OpenAPI)
	}
	return doc
}

// fullServer is a server with every route on: admin, Curator, web pages
// and metrics.
func fullServer(t *testing.T, token string) *httpapi.Server {
	t.Helper()
	cfg := webConfig()
	cfg.AdminToken = token
	cfg.Metrics = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = w.Write([]byte("up 1\n"))
	})
	c := newFakeCurator()
	s, err := httpapi.New(cfg, c.fakeBot, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// concrete fills a documented path's parameters.
func concrete(path string) string { return strings.ReplaceAll(path, "{asset}", "chat.js") }

// firstExample returns an operation's first JSON request example, or nil.
func firstExample(op operation) []byte {
	if op.RequestBody == nil {
		return nil
	}
	ex := op.RequestBody.Content["application/json"].Examples
	names := make([]string, 0, len(ex))
	for n := range ex {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil
	}
	return ex[names[0]].Value
}

func TestOpenAPIServed(t *testing.T) {
	ts := httptest.NewServer(fullServer(t, testToken).Handler())
	defer ts.Close()
	status, h, body := call(t, http.MethodGet, ts.URL+"/openapi.json", "", "", nil)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /openapi.json: %d %s", status, h.Get("Content-Type"))
	}
	if !bytes.Equal(body, httpapi.OpenAPI()) {
		t.Error("GET /openapi.json does not serve the embedded document")
	}
	loadOpenAPI(t)
}

// TestOpenAPIRoutes walks the server's route table: every route is in the
// document with exactly the methods it answers, the document lists no
// route the server does not serve, and a request of every method to every
// route gets a status the document lists (405 with the documented Allow
// header for the others).
func TestOpenAPIRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	s := fullServer(t, testToken)
	h := s.Handler()
	served := map[string]bool{}
	for _, rt := range httpapi.Routes(s) {
		served[rt.Path] = true
		item, ok := doc.Paths[rt.Path]
		if !ok {
			t.Errorf("route %s (%s) is not in openapi.json", rt.Path, strings.Join(rt.Methods, ", "))
			continue
		}
		var documented []string
		for m := range item {
			if m == "parameters" || m == "summary" || m == "description" {
				continue
			}
			documented = append(documented, strings.ToUpper(m))
		}
		if !sameSet(documented, rt.Methods) {
			t.Errorf("%s: openapi.json documents %v, the server answers %v", rt.Path, documented, rt.Methods)
		}
		path := concrete(rt.Path)
		if p := httpapi.MuxPattern(s, httptest.NewRequest(http.MethodGet, path, nil)); p != rt.Pattern {
			t.Errorf("%s: the mux routes it to %q, want %q", path, p, rt.Pattern)
		}
		for _, m := range httpMethods {
			op, isDoc := item[strings.ToLower(m)]
			var body []byte
			if isDoc {
				body = firstExample(op)
			}
			req := httptest.NewRequest(m, path, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+testToken)
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			code := rec.Code
			if !isDoc {
				if code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != strings.Join(rt.Methods, ", ") {
					t.Errorf("%s %s (undocumented): %d Allow %q, want 405 Allow %q", m, path, code, rec.Header().Get("Allow"), strings.Join(rt.Methods, ", "))
				}
				continue
			}
			if _, ok := op.Responses[strconv.Itoa(code)]; !ok {
				t.Errorf("%s %s: status %d is not among the documented responses %v (body %.200s)", m, path, code, keys(op.Responses), rec.Body.String())
			}
			if rt.Admin && len(op.Security) == 0 {
				t.Errorf("%s %s: an admin route without security in openapi.json", m, path)
			}
		}
	}
	for p := range doc.Paths {
		if !served[p] {
			t.Errorf("openapi.json documents %s, which the server does not serve", p)
		}
	}
	// Nothing else answers: an unknown path is a JSON 404.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /v1/nope: %d, want 404", rec.Code)
	}
}

// TestOpenAPIExamples decodes every documented request example into the
// type its handler decodes, refusing unknown fields as the handlers do,
// and sends it to the server: each must be accepted (2xx).
func TestOpenAPIExamples(t *testing.T) {
	doc := loadOpenAPI(t)
	// The sign-in example's token is the server's, so that it signs in.
	var token string
	if op, ok := doc.Paths["/admin/session"]["post"]; ok {
		var req struct{ Token string }
		_ = json.Unmarshal(firstExample(op), &req)
		token = req.Token
	}
	if len(token) < 32 {
		t.Errorf("the sign-in example's token %q is shorter than the 32 bytes serve requires", token)
	}
	h := fullServer(t, token).Handler()
	seen := map[string]bool{}
	n := 0
	for path, item := range doc.Paths {
		for m, op := range item {
			if op.RequestBody == nil {
				continue
			}
			key := strings.ToUpper(m) + " " + path
			seen[key] = true
			newReq, ok := httpapi.RequestTypes[key]
			if !ok {
				t.Errorf("%s: openapi.json documents a request body the handler does not decode", key)
				continue
			}
			ex := op.RequestBody.Content["application/json"].Examples
			if len(ex) == 0 {
				t.Errorf("%s: no request example", key)
			}
			for name, e := range ex {
				n++
				dec := json.NewDecoder(bytes.NewReader(e.Value))
				dec.DisallowUnknownFields()
				if err := dec.Decode(newReq()); err != nil {
					t.Errorf("%s example %q does not decode into the handler's type: %v", key, name, err)
				}
				req := httptest.NewRequest(strings.ToUpper(m), path, bytes.NewReader(e.Value))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code < 200 || rec.Code > 299 {
					t.Errorf("%s example %q: %d %s", key, name, rec.Code, rec.Body.String())
				}
			}
		}
	}
	for key := range httpapi.RequestTypes {
		if !seen[key] {
			t.Errorf("%s decodes a JSON body that openapi.json does not document", key)
		}
	}
	t.Logf("%d request examples checked", n)
}

// reportSchemas are the schemas of the operator report (store.Report),
// checked in cmd/faqbot, which imports the store.
var reportSchemas = []string{"Report", "KindCounts", "FeedbackCounts", "Cluster", "EntryFeedback", "WeakMatch"}

// TestOpenAPISchemas checks every component schema against the Go type
// the server encodes or decodes: the same JSON field names; for responses,
// every field without omitempty required; request schemas refuse unknown
// fields, as the handlers do.
func TestOpenAPISchemas(t *testing.T) {
	doc := loadOpenAPI(t)
	for name, sc := range doc.Components.Schemas {
		v, ok := httpapi.SchemaTypes[name]
		if !ok {
			if !slices.Contains(reportSchemas, name) {
				t.Errorf("schema %s: no Go type to check it against", name)
			}
			continue
		}
		CheckSchema(t, name, sc.Properties, sc.Required, reflect.TypeOf(v))
		isRequest := strings.HasSuffix(name, "Request")
		if isRequest != (sc.AdditionalProperties != nil && !*sc.AdditionalProperties) {
			t.Errorf("schema %s: additionalProperties false must mark exactly the request bodies", name)
		}
	}
	for name := range httpapi.SchemaTypes {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("schema %s is missing from openapi.json", name)
		}
	}
	checkRefs(t, httpapi.OpenAPI(), doc)
}

// CheckSchema compares a schema's properties with typ's JSON fields; for
// types other than request bodies, the fields without omitempty must be
// required and the others not.
func CheckSchema(t *testing.T, name string, props map[string]json.RawMessage, required []string, typ reflect.Type) {
	t.Helper()
	var fields, must []string
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		n, opts, _ := strings.Cut(tag, ",")
		if n == "" {
			n = f.Name
		}
		fields = append(fields, n)
		if !strings.Contains(opts, "omitempty") {
			must = append(must, n)
		}
	}
	if !sameSet(keys(props), fields) {
		t.Errorf("schema %s: properties %v, %s has %v", name, keys(props), typ, fields)
	}
	if !strings.HasSuffix(name, "Request") && !sameSet(required, must) {
		t.Errorf("schema %s: required %v, %s always encodes %v", name, required, typ, must)
	}
}

// checkRefs fails on a $ref to a schema the document does not define.
func checkRefs(t *testing.T, raw []byte, doc openAPIDoc) {
	t.Helper()
	for _, part := range strings.Split(string(raw), `"$ref": "`)[1:] {
		ref, _, _ := strings.Cut(part, `"`)
		switch {
		case strings.HasPrefix(ref, "#/components/schemas/"):
			if _, ok := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]; !ok {
				t.Errorf("$ref %s is not defined", ref)
			}
		case ref == "#/components/headers/Retry-After":
		default:
			t.Errorf("$ref %s: unexpected", ref)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
