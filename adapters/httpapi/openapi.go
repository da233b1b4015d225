package httpapi

import (
	_ "embed"
	"net/http"
)

// openapiJSON is the OpenAPI 3 description of every route in routeTable,
// served at GET /openapi.json. openapi_test.go checks it against the route
// table, the methods each route answers, the handlers' request types (its
// examples must decode into them, unknown fields refused) and the response
// types (their JSON field names).
//
//go:embed openapi.json
var openapiJSON []byte

var openapiAsset = newAsset(openapiJSON, "application/json; charset=utf-8")

// cspNone is the Content-Security-Policy of a document that runs nothing.
const cspNone = "default-src 'none'; frame-ancestors 'none'"

// OpenAPI returns the OpenAPI 3 document of the HTTP API (a copy).
func OpenAPI() []byte { return append([]byte(nil), openapiJSON...) }

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, openapiAsset, cspNone)
}
