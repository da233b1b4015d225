// Package funcshape checks the shape of the module's production functions:
// none longer than MaxLines lines and none with blocks nested more than
// MaxDepth deep inside its body, unless its doc comment holds a line that
// starts with Exemption and says why it must be one piece.
//
// Its test runs the check over the whole module, so `go test ./...` (and
// with it .ci/run) fails on a new violator.
package funcshape

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	// MaxLines is the longest a function may be, from its func keyword to
	// its closing brace.
	MaxLines = 80
	// MaxDepth is how deep blocks may nest inside a function's body: an if,
	// for, switch, select, a function literal or a bare block each open one
	// level; an else-if stays on its if's level, and a case clause on its
	// switch's.
	MaxDepth = 4
	// Exemption is what a doc comment says, in any case, when it explains
	// why its function must be one piece ("run is one piece on purpose:
	// ..."); such a function is not reported.
	Exemption = "one piece"
)

// Violation is one function over a limit.
type Violation struct {
	Pos   token.Position // where the function starts
	Name  string         // Recv.Name or Name
	Lines int
	Depth int
}

func (v Violation) String() string {
	return fmt.Sprintf("%s:%d: %s: %d lines (max %d), depth %d (max %d)",
		v.Pos.Filename, v.Pos.Line, v.Name, v.Lines, MaxLines, v.Depth, MaxDepth)
}

// CheckTree checks every non-test .go file below root, skipping testdata,
// hidden and vendor folders; file names in the result are relative to root.
// It returns an error when a file cannot be read or parsed.
func CheckTree(root string) ([]Violation, error) {
	var out []Violation
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		vs, err := CheckFile(rel, src)
		if err != nil {
			return err
		}
		out = append(out, vs...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("funcshape: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Pos.Filename != out[j].Pos.Filename {
			return out[i].Pos.Filename < out[j].Pos.Filename
		}
		return out[i].Pos.Line < out[j].Pos.Line
	})
	return out, nil
}

// CheckFile checks the functions of one Go source file; generated files
// have none to report. It returns an error when src does not parse.
func CheckFile(filename string, src []byte) ([]Violation, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", filename, err)
	}
	if ast.IsGenerated(f) {
		return nil, nil
	}
	var out []Violation
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil || exempt(fn.Doc) {
			continue
		}
		start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
		lines := end.Line - start.Line + 1
		depth := maxDepth(fn.Body.List, 0)
		if lines > MaxLines || depth > MaxDepth {
			out = append(out, Violation{Pos: start, Name: funcName(fn), Lines: lines, Depth: depth})
		}
	}
	return out, nil
}

func exempt(doc *ast.CommentGroup) bool {
	if doc == nil {
		return false
	}
	return strings.Contains(strings.ToLower(doc.Text()), Exemption)
}

func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch r := t.(type) {
	case *ast.IndexExpr:
		t = r.X
	case *ast.IndexListExpr:
		t = r.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + fn.Name.Name
	}
	return fn.Name.Name
}

// maxDepth is the deepest nesting of blocks in stmts, which stand at depth d.
func maxDepth(stmts []ast.Stmt, d int) int {
	deepest := d
	for _, s := range stmts {
		deepest = max(deepest, stmtDepth(s, d))
	}
	return deepest
}

// stmtDepth is the deepest nesting reached by s, which stands at depth d:
// the blocks s opens and the function literals in its expressions.
func stmtDepth(s ast.Stmt, d int) int {
	switch s := s.(type) {
	case *ast.BlockStmt:
		return maxDepth(s.List, d+1)
	case *ast.IfStmt:
		deepest := max(litDepth(s.Init, d), litDepth(s.Cond, d), maxDepth(s.Body.List, d+1))
		if s.Else != nil {
			if elif, ok := s.Else.(*ast.IfStmt); ok {
				deepest = max(deepest, stmtDepth(elif, d))
			} else {
				deepest = max(deepest, stmtDepth(s.Else, d))
			}
		}
		return deepest
	case *ast.ForStmt:
		return max(litDepth(s.Init, d), litDepth(s.Cond, d), maxDepth(s.Body.List, d+1))
	case *ast.RangeStmt:
		return max(litDepth(s.X, d), maxDepth(s.Body.List, d+1))
	case *ast.SwitchStmt:
		return max(litDepth(s.Init, d), litDepth(s.Tag, d), clausesDepth(s.Body, d+1))
	case *ast.TypeSwitchStmt:
		return max(litDepth(s.Init, d), clausesDepth(s.Body, d+1))
	case *ast.SelectStmt:
		return clausesDepth(s.Body, d+1)
	case *ast.LabeledStmt:
		return stmtDepth(s.Stmt, d)
	default:
		return litDepth(s, d)
	}
}

// clausesDepth is the deepest nesting in the case clauses of a switch or
// select whose body stands at depth d.
func clausesDepth(body *ast.BlockStmt, d int) int {
	deepest := d
	for _, c := range body.List {
		switch c := c.(type) {
		case *ast.CaseClause:
			deepest = max(deepest, maxDepth(c.Body, d))
		case *ast.CommClause:
			deepest = max(deepest, litDepth(c.Comm, d), maxDepth(c.Body, d))
		}
	}
	return deepest
}

// litDepth is the deepest nesting reached by function literals inside n,
// which stands at depth d; each literal's body opens one level.
func litDepth(n ast.Node, d int) int {
	deepest := d
	if n == nil {
		return deepest
	}
	ast.Inspect(n, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			return true
		}
		deepest = max(deepest, maxDepth(lit.Body.List, d+1))
		return false
	})
	return deepest
}
